# Guest login (SPEC-VM 14, 17.15, 17.16) against the simulator's guest
# double: waiting for Tools, VMLoginInGuest / VMLogoutFromGuest, the login
# check of every guest call, credentials never in any text, bad input.
use strict;
use warnings;
use utf8;
use FindBin;
use lib "$FindBin::Bin/lib";
use File::Temp qw(tempdir);
use Test::More;
use Time::HiRes qw(time);
use VixTest;

sandbox();

use VMware::Vix::Simple qw(:DEFAULT GetLastErrorDetail);
use VMware::Vix::API::Constants;
use VixTest::Guest;

$ENV{HOME} = tempdir(CLEANUP => 1);

my @warnings;
$SIG{__WARN__} = sub { push @warnings, @_ };

my $g = guest_setup(tools_delay => '2s');
my ($vm, $host, $pw) = @$g{qw(vm host password)};

# The password never appears in any text: raw, UTF-8 encoded, or escaped.
my @forms = ($pw, do { my $b = $pw; utf8::encode($b); $b },
             join('', map { { '&' => '&amp;', '<' => '&lt;', '>' => '&gt;', '"' => '&quot;' }->{$_} // $_ }
                  split //, $pw));
sub no_password {
    my ($text, $what) = @_;
    my @hit = grep { index($text, $_) >= 0 } @forms;
    ok !@hit, "$what holds no guest password";
}

subtest 'VMWaitForToolsInGuest' => sub {
    is VMWaitForToolsInGuest($vm, 10), VIX_OK, 'Tools already run in a powered-on VM';

    # A second VM: off, then on (Tools start 2 s after power-on).
    my ($e, $vm2) = open_vm($host, $g->{running}[1]);
    is $e, VIX_OK, 'open a second VM';
    is VMPowerOff($vm2, 0), VIX_OK, 'power it off';
    is VMWaitForToolsInGuest($vm2, 5), VIX_E_VM_NOT_RUNNING, 'off → VIX_E_VM_NOT_RUNNING';
    like GetLastErrorDetail(), qr/VMWaitForToolsInGuest \[/, 'detail names the call and the VM path';
    is VMLoginInGuest($vm2, $g->{user}, $pw, 0), VIX_E_VM_NOT_RUNNING, 'login on an off VM → VIX_E_VM_NOT_RUNNING';

    is VMPowerOn($vm2, 0, VIX_INVALID_HANDLE), VIX_OK, 'power it on';
    is VMLoginInGuest($vm2, $g->{user}, $pw, 0), VIX_E_TOOLS_NOT_RUNNING,
        'login before Tools run → VIX_E_TOOLS_NOT_RUNNING';
    my $t0 = time;
    is VMWaitForToolsInGuest($vm2, 1), VIX_E_TIMEOUT_WAITING_FOR_TOOLS, 'a 1 s bound passes first';
    cmp_ok time - $t0, '<', 4, 'the bound is kept';
    is VMWaitForToolsInGuest($vm2, 0), VIX_OK, 'no bound: returns when Tools run';
    is VMLoginInGuest($vm2, $g->{user}, $pw, 0), VIX_OK, 'then login works';

    # A signal stops an unbounded wait.
    is VMPowerOff($vm2, 0), VIX_OK, 'off again';
    is VMPowerOn($vm2, 0, VIX_INVALID_HANDLE), VIX_OK, 'and on';
    my $fired = 0;
    local $SIG{ALRM} = sub { $fired++ };
    $t0 = time;
    alarm 1;
    my $r = VMWaitForToolsInGuest($vm2, 0);
    alarm 0;
    ok $r == VIX_E_CANCELLED || $r == VIX_OK, 'an alarm stops the wait (or Tools came first)';
    cmp_ok time - $t0, '<', 1.9, 'within the alarm, not after Tools' if $r == VIX_E_CANCELLED;
    ok $fired, 'the handler ran';
    is VMWaitForToolsInGuest($vm2, 10), VIX_OK, 'usable afterwards';
    ReleaseHandle($vm2);
};

subtest 'login check before anything is sent' => sub {
    my $n = sent($g, sub {
        is VMListProcessesInGuest($vm, 0), VIX_E_GUEST_USER_PERMISSIONS, 'a guest call before login';
        like GetLastErrorDetail(), qr/VMLoginInGuest/, 'the detail says what to do';
        my ($e) = VMFileExistsInGuest($vm, '/tmp');
        is $e, VIX_E_GUEST_USER_PERMISSIONS, 'VMFileExistsInGuest too';
        is VMRunProgramInGuest($vm, '/bin/true', '', 0, 0), VIX_E_GUEST_USER_PERMISSIONS, 'VMRunProgramInGuest too';
    });
    is $n, 0, 'nothing sent';
};

subtest 'wrong credentials' => sub {
    my $bad = "${pw}x";
    push @forms, $bad;
    is VMLoginInGuest($vm, $g->{user}, $bad, 0), VIX_E_CANNOT_AUTHENTICATE_WITH_GUEST,
        'wrong password → VIX_E_CANNOT_AUTHENTICATE_WITH_GUEST';
    my $detail = GetLastErrorDetail();
    like $detail, qr/InvalidGuestLogin/, 'the detail names the fault';
    no_password($detail, 'the detail');
    is VMLoginInGuest($vm, 'nobody', $pw, 0), VIX_E_CANNOT_AUTHENTICATE_WITH_GUEST, 'wrong user too';
    no_password(GetLastErrorDetail(), 'that detail');

    is VMLoginInGuest($vm, $g->{user}, $pw, 0), VIX_OK, 'the right password logs in';
    is GetLastErrorDetail(), '', 'no detail after success';
    is VMLoginInGuest($vm, $g->{user}, $bad, 0), VIX_E_CANNOT_AUTHENTICATE_WITH_GUEST, 'a failed re-login';
    is VMListProcessesInGuest($vm, 0), VIX_E_GUEST_USER_PERMISSIONS, 'leaves the handle logged out';
};

subtest 'login, logout, two handles' => sub {
    is VMLoginInGuest($vm, $g->{user}, $pw, 0), VIX_OK, 'login';
    my ($e, @p) = VMListProcessesInGuest($vm, 0);
    is $e, VIX_OK, 'a guest call works';
    is VMLogoutFromGuest($vm), VIX_OK, 'logout';
    is VMListProcessesInGuest($vm, 0), VIX_E_GUEST_USER_PERMISSIONS, 'logged out';
    is VMLogoutFromGuest($vm), VIX_OK, 'a second logout is fine';

    my ($e2, $other) = open_vm($host, $g->{vmx});
    is $e2, VIX_OK, 'a second handle on the same VM';
    is VMLoginInGuest($other, $g->{user}, $pw, VIX_LOGIN_IN_GUEST_REQUIRE_INTERACTIVE_ENVIRONMENT), VIX_OK,
        'login with REQUIRE_INTERACTIVE_ENVIRONMENT';
    is VMListProcessesInGuest($vm, 0), VIX_E_GUEST_USER_PERMISSIONS, 'the first handle is still logged out';
    ($e) = VMListProcessesInGuest($other, 0);
    is $e, VIX_OK, 'the second works';
    ReleaseHandle($other);
    is VMListProcessesInGuest($other, 0), VIX_E_INVALID_HANDLE, 'released → VIX_E_INVALID_HANDLE';
};

subtest 'bad input: clear codes, nothing sent' => sub {
    my ($e, $snapless_host) = (0, $host);
    my $n = sent($g, sub {
        for my $h (undef, 0, -1, 'abc', [], 2**40, 99999) {
            is VMLoginInGuest($h, $g->{user}, $pw, 0), VIX_E_INVALID_HANDLE,
                'VMLoginInGuest handle ' . (defined $h ? "'$h'" : 'undef');
        }
        is VMLoginInGuest($host, $g->{user}, $pw, 0), VIX_E_NOT_SUPPORTED_ON_HANDLE_TYPE, 'a host handle';
        is VMLogoutFromGuest($host), VIX_E_NOT_SUPPORTED_ON_HANDLE_TYPE, 'VMLogoutFromGuest with a host handle';
        is VMWaitForToolsInGuest($host, 1), VIX_E_NOT_SUPPORTED_ON_HANDLE_TYPE, 'VMWaitForToolsInGuest host handle';
        is VMWaitForToolsInGuest($vm, 'soon'), VIX_E_INVALID_ARG, 'a timeout that is not a number';
        is VMWaitForToolsInGuest($vm, 2**70), VIX_E_INVALID_ARG, 'a huge timeout';
        is VMWaitForToolsInGuest($vm, {}), VIX_E_INVALID_ARG, 'a ref timeout';
        is VMLoginInGuest($vm, undef, $pw, 0), VIX_E_INVALID_ARG, 'undef user';
        is VMLoginInGuest($vm, '', $pw, 0), VIX_E_INVALID_ARG, 'empty user';
        is VMLoginInGuest($vm, [], $pw, 0), VIX_E_INVALID_ARG, 'a ref user';
        is VMLoginInGuest($vm, "a\0b", $pw, 0), VIX_E_INVALID_ARG, 'a user with NUL';
        is VMLoginInGuest($vm, "\xff\xfe", $pw, 0), VIX_E_INVALID_UTF8_STRING, 'a user not UTF-8';
        is VMLoginInGuest($vm, $g->{user}, undef, 0), VIX_E_INVALID_ARG, 'undef password';
        is VMLoginInGuest($vm, $g->{user}, \$pw, 0), VIX_E_INVALID_ARG, 'a ref password';
        no_password(GetLastErrorDetail(), 'the ref-password detail');
        is VMLoginInGuest($vm, $g->{user}, "pw\0x", 0), VIX_E_INVALID_ARG, 'a password with NUL';
        is VMLoginInGuest($vm, $g->{user}, "\xc3", 0), VIX_E_INVALID_UTF8_STRING, 'a password not UTF-8';
        is VMLoginInGuest($vm, $g->{user}, $pw, 1), VIX_E_INVALID_ARG, 'an unknown option bit';
        is VMLoginInGuest($vm, $g->{user}, $pw, 2**65), VIX_E_INVALID_ARG, 'huge options';
        is VMLoginInGuest($vm, $g->{user}, $pw, 'x'), VIX_E_INVALID_ARG, 'options not a number';
        is VMLoginInGuest(undef, undef, undef, 'x'), VIX_E_INVALID_HANDLE, 'the handle is checked first';
    });
    is $n, 0, 'nothing sent for any of them';
    ok !eval { VMLoginInGuest($vm, 'a', 'b'); 1 }, 'a missing argument dies with a usage message';
};

subtest 'disconnect wipes the login' => sub {
    my ($e, $vm3) = open_vm($host, $g->{vmx});
    is VMLoginInGuest($vm3, $g->{user}, $pw, 0), VIX_OK, 'login';
    HostDisconnect($host);
    is VMListProcessesInGuest($vm3, 0), VIX_E_INVALID_HANDLE, 'the VM handle died with its host';
};

no_password(join('', @warnings), 'the warnings');
no_password(GetLastErrorDetail(), 'the last detail');
done_testing;
