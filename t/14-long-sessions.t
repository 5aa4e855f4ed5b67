# Sessions that live for hours (SPEC-VM 16), against the simulator: an idle
# connection the server closed is reopened, a session the server ended is
# logged in again (not for a clone-ticket session), and calls from several
# threads on one handle run at once.
use strict;
use warnings;
use Config;
use FindBin;
use lib "$FindBin::Bin/lib";
use File::Temp qw(tempdir);
use Test::More;
use Time::HiRes qw(time sleep);
use VixTest;

sandbox();

use VMware::Vix::Simple qw(:DEFAULT GetLastErrorDetail AcquireCloneTicket);
use VMware::Vix::API::Constants;

$ENV{HOME} = tempdir(CLEANUP => 1);
my $sim = start_sim(idle_timeout => '300ms');
my $url = $sim->{url};

sub connect_vi {
    my ($user, $pass) = @_;
    return HostConnect(VIX_API_VERSION, VIX_SERVICEPROVIDER_VMWARE_VI_SERVER, $url, 0, $user, $pass, 0,
        VIX_INVALID_HANDLE);
}

sub calls_of { my $m = shift; scalar grep { $_ eq $m } sim_methods($sim) }

# Ends every session but the caller's own, as an administrator would, from
# an independent client (pyvmomi).
sub terminate_all {
    my $py = "$FindBin::Bin/lib/terminate_sessions.py";
    my $n = `/usr/bin/python3 $py '$url' '$sim->{user}' '$sim->{password}' 2>&1`;
    die "terminate_sessions.py: $n" if $?;
    chomp $n;
    return $n;
}

my ($err, $h) = connect_vi('root', 'rootpasswd');
is $err, VIX_OK, 'connected' or BAIL_OUT(GetLastErrorDetail());

# The simulator lists each unused clone ticket as a session too (with the
# agent of whoever acquired it).
sub ours { scalar grep { $_->{agent} =~ /VMware-Vix-Simple/ } sim_sessions($sim) }

subtest 'an idle connection the server closed is reopened, same session' => sub {
    my ($e1, $t1) = AcquireCloneTicket($h);
    is $e1, VIX_OK, 'a call';
    my $before = ours();
    my $logins = calls_of('Login');
    sleep 1;    # the simulator closes connections idle for 300 ms
    my ($e2, $t2) = AcquireCloneTicket($h);
    is $e2, VIX_OK, 'the next call after the server closed the idle connection succeeds'
        or diag GetLastErrorDetail();
    is calls_of('Login'), $logins, 'no second login';
    is ours(), $before + 1, 'the server holds no new session of ours (only the new ticket)';
};

SKIP: {
    skip 'pyvmomi (python3-pyvmomi) is not installed', 2
        unless system('/usr/bin/python3 -c "import pyVmomi" 2>/dev/null') == 0;

    subtest 'a session the server ended is logged in again once, and the call retried' => sub {
        cmp_ok terminate_all(), '>=', 1, 'the session was terminated behind our back';
        my $logins = calls_of('Login');
        my ($e, $t) = AcquireCloneTicket($h);
        is $e, VIX_OK, 'the next call logs in again and succeeds' or diag GetLastErrorDetail();
        ok length($t // ''), 'with a ticket';
        is calls_of('Login'), $logins + 1, 'one more Login';
        my ($e2) = AcquireCloneTicket($h);
        is $e2, VIX_OK, 'and the session goes on';
        is calls_of('Login'), $logins + 1, 'without another Login';
    };

    subtest 'a clone-ticket session the server ended: VIX_E_HOST_CONNECTION_LOST' => sub {
        my ($e, $ticket) = AcquireCloneTicket($h);
        is $e, VIX_OK, 'a ticket';
        my ($ce, $ch) = connect_vi(undef, $ticket);
        is $ce, VIX_OK, 'clone-ticket session' or return;
        terminate_all();
        my $logins = calls_of('Login');
        my ($e2) = AcquireCloneTicket($ch);
        is $e2, VIX_E_HOST_CONNECTION_LOST, 'VIX_E_HOST_CONNECTION_LOST';
        like GetLastErrorDetail(), qr/expired/, 'the detail says the session expired';
        is calls_of('Login'), $logins, 'no Login attempted';
        HostDisconnect($ch);
        ($e2) = AcquireCloneTicket($h);
        is $e2, VIX_OK, 'the password session logs in again meanwhile';
    };
}

my $logouts = calls_of('Logout');
HostDisconnect($h);
is calls_of('Logout'), $logouts + 1, 'HostDisconnect logs out (the re-logged-in session)';

done_testing;
