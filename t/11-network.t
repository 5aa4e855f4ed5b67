# Network failures with real sockets: refused, unresolvable, a silent peer
# and the configured deadline (SPEC section 4).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use File::Path qw(make_path);
use File::Temp qw(tempdir);
use IO::Socket::INET;
use Test::More;
use Time::HiRes qw(time);
use VixTest;

sandbox();

use VMware::Vix::Simple qw(:DEFAULT GetLastErrorDetail);
use VMware::Vix::API::Constants;

my $home = tempdir(CLEANUP => 1);
$ENV{HOME} = $home;
sub config {
    make_path("$home/.vmware");
    open my $fh, '>', "$home/.vmware/config" or die $!;
    print {$fh} @_;
    close $fh;
}
sub connect_vi {
    return HostConnect(VIX_API_VERSION, VIX_SERVICEPROVIDER_VMWARE_VI_SERVER, $_[0], 0, 'root', 'pw', 0,
        VIX_INVALID_HANDLE);
}

my $port = free_port();
my ($err, $h) = connect_vi("https://127.0.0.1:$port/sdk");
is $err, VIX_E_NET_HTTP_COULDNT_CONNECT, 'refused port: VIX_E_NET_HTTP_COULDNT_CONNECT';
is $h, VIX_INVALID_HANDLE, 'no handle';
like GetLastErrorDetail(), qr/127\.0\.0\.1:$port.*refused/i, 'the detail names host, port and cause';

($err) = connect_vi('https://no-such-host.test/sdk');
is $err, VIX_E_NET_HTTP_COULDNT_RESOLVE_HOST, 'unresolvable name: VIX_E_NET_HTTP_COULDNT_RESOLVE_HOST';
like GetLastErrorDetail(), qr/no-such-host\.test/, 'the detail names the host';

# A peer that accepts TCP and then says nothing.
my $silent = IO::Socket::INET->new(Listen => 5, LocalAddr => '127.0.0.1', LocalPort => 0, ReuseAddr => 1) or die $!;
my $sport = $silent->sockport;
config(qq{vix.connectTimeoutSeconds = "2"\n});
my $t0 = time;
($err) = connect_vi("https://127.0.0.1:$sport/sdk");
my $took = time - $t0;
is $err, VIX_E_NET_HTTP_OPERATION_TIMEDOUT, 'silent peer: VIX_E_NET_HTTP_OPERATION_TIMEDOUT';
cmp_ok $took, '>=', 1.9, 'it waited for the configured 2 s';
cmp_ok $took, '<', 4, 'and not much longer';
like GetLastErrorDetail(), qr/handshake/, 'the detail names the stage';

config(qq{# comment\nvix.connectTimeoutSeconds = 1 # one second\nthis line is malformed\n});
$t0 = time;
($err) = connect_vi("http://127.0.0.1:$sport/sdk");
$took = time - $t0;
is $err, VIX_E_NET_HTTP_OPERATION_TIMEDOUT, 'plain http to a silent peer times out too';
cmp_ok $took, '<', 2.5, 'the unquoted 1 s deadline was read past a malformed line';
like GetLastErrorDetail(), qr/read/, 'stage: read';

# A script's alarm still bounds HostConnect: perl runs signal handlers only
# between calls, so the core must stop when one is waiting.
config('');    # the default 60 s deadline
$t0 = time;
my $got = eval {
    local $SIG{ALRM} = sub { die "alarm\n" };
    alarm 1;
    my @r = connect_vi("https://127.0.0.1:$sport/sdk");
    alarm 0;
    1;
};
alarm 0;
$took = time - $t0;
is $@, "alarm\n", 'an alarm handler that dies interrupts HostConnect';
cmp_ok $took, '<', 3, 'within about a second, not at the 60 s deadline';

my $rang = 0;
{
    local $SIG{ALRM} = sub { $rang++ };
    alarm 1;
    $t0 = time;
    ($err, $h) = connect_vi("https://127.0.0.1:$sport/sdk");
    $took = time - $t0;
    alarm 0;
}
is $err, VIX_E_CANCELLED, 'a handler that returns: HostConnect gives VIX_E_CANCELLED';
is $h, VIX_INVALID_HANDLE, 'no handle';
is $rang, 1, 'and the handler ran once';
cmp_ok $took, '<', 3, 'promptly';
like GetLastErrorDetail(), qr/interrupted by a signal/, 'the detail says why';

done_testing;
