# Memory and descriptors: 10,000 connect/disconnect cycles leave RSS and the
# descriptor table as they were; 1,000 handles open at once work and close
# cleanly; a valgrind run of a connect/disconnect loop finds no leak.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use File::Temp qw(tempdir);
use Test::More;
use VixTest;

sandbox();

use VMware::Vix::Simple qw(:DEFAULT GetLastErrorDetail);
use VMware::Vix::API::Constants;

$ENV{HOME} = tempdir(CLEANUP => 1);
my $sim = start_sim();
my $url = $sim->{url};

sub rss_kb {
    open my $fh, '<', '/proc/self/status' or die $!;
    while (<$fh>) { return $1 if /^VmRSS:\s+(\d+)/ }
    die 'no VmRSS';
}
sub fd_count {
    opendir my $d, '/proc/self/fd' or die $!;
    return scalar grep { !/^\./ } readdir $d;
}
sub cycle {
    my ($err, $h) = HostConnect(VIX_API_VERSION, VIX_SERVICEPROVIDER_VMWARE_VI_SERVER, $url, 0, 'root', 'rootpasswd', 0,
        VIX_INVALID_HANDLE);
    HostDisconnect($h) if $h;
    return $err;
}

# Warm up: first-use allocations (OpenSSL tables, the shared TLS context).
cycle() for 1 .. 200;
my ($rss0, $fd0) = (rss_kb(), fd_count());
my $failures = 0;
for (1 .. 10_000) { $failures++ if cycle() != VIX_OK }
is $failures, 0, '10,000 connect/disconnect cycles all succeed';
my ($rss1, $fd1) = (rss_kb(), fd_count());
cmp_ok $rss1 - $rss0, '<', 1024, "RSS grew by less than 1 MiB ($rss0 KB -> $rss1 KB)";
is $fd1, $fd0, 'no file descriptor left behind';

my @handles;
for (1 .. 1000) {
    my ($err, $h) = HostConnect(VIX_API_VERSION, VIX_SERVICEPROVIDER_VMWARE_VI_SERVER, $url, 0, 'root', 'rootpasswd', 0,
        VIX_INVALID_HANDLE);
    push @handles, $h if $err == VIX_OK;
}
is scalar(@handles), 1000, '1,000 handles open at once';
my %distinct = map { $_ => 1 } @handles;
is scalar(keys %distinct), 1000, 'all distinct';
is scalar(grep { $_->{agent} =~ /^VMware-Vix-Simple/ } sim_sessions($sim)), 1000, 'the server has 1,000 sessions';
is VMware::Vix::Simple::_open_handle_count(), 1000, 'the handle table holds 1,000';
my $bad = grep { (GetProperties($_, VIX_PROPERTY_HOST_HOSTTYPE))[0] != VIX_OK } @handles;
is $bad, 0, 'every one answers GetProperties';
HostDisconnect($_) for @handles;
is scalar(grep { $_->{agent} =~ /^VMware-Vix-Simple/ } sim_sessions($sim)), 0, 'all logged out';
is VMware::Vix::Simple::_open_handle_count(), 0, 'the table is empty';
is fd_count(), $fd0, 'and every descriptor closed';

SKIP: {
    chomp(my $valgrind = `command -v valgrind 2>/dev/null`);
    unless ($valgrind) {
        skip_or_fail('valgrind is not installed');
    }
    my $script = <<'PERL';
use VMware::Vix::Simple; use VMware::Vix::API::Constants;
for my $i (1 .. 15) {
    my ($e, $h) = HostConnect(VIX_API_VERSION, VIX_SERVICEPROVIDER_VMWARE_VI_SERVER, $ARGV[0], 0, 'root',
        $i % 5 ? 'rootpasswd' : 'wrong', 0, VIX_INVALID_HANDLE);
    HostDisconnect($h) if $h;
}
my ($e, $h) = HostConnect(VIX_API_VERSION, VIX_SERVICEPROVIDER_VMWARE_VI_SERVER, $ARGV[0], 0, 'root', 'rootpasswd', 0, 0);
PERL
    my $dir = tempdir(CLEANUP => 1);
    open my $fh, '>', "$dir/loop.pl" or die $!;
    print {$fh} $script;
    close $fh;
    # PERL_DESTRUCT_LEVEL=2 makes perl free its own memory, so that what is
    # left is ours; the last session is left open for the END logout.
    local $ENV{PERL_DESTRUCT_LEVEL} = 2;
    my @inc = map { "-I$_" } grep { /blib/ } @INC;
    my $out = `$valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=9 --show-leak-kinds=definite,indirect $^X @inc $dir/loop.pl '$url' 2>&1`;
    my $rc = $? >> 8;
    is $rc, 0, 'valgrind: no definite or indirect leak, no memory error in a Perl connect/disconnect loop'
        or diag join "\n", (split /\n/, $out)[-60 .. -1];
    like $out, qr/ERROR SUMMARY: 0 errors/, 'valgrind reports 0 errors';
}

stop_sim($sim);
done_testing;
