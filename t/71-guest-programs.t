# Programs and processes in the guest (SPEC-VM 14, 17.15-17.17) against the
# simulator's guest double, whose programs really run: exit codes, pids and
# times are real.
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
binmode Test::More->builder->$_, ':encoding(UTF-8)' for qw(output failure_output todo_output);

my $g = guest_setup();
my ($vm, $host) = @$g{qw(vm host)};
guest_login($g);

sub procs { my ($e, @p) = VMListProcessesInGuest($vm, 0); die "VMListProcessesInGuest: $e" if $e; @p }

subtest 'run a program and wait' => sub {
    is VMRunProgramInGuest($vm, '/bin/true', '', 0, VIX_INVALID_HANDLE), VIX_OK, '/bin/true';
    is VMRunProgramInGuest($vm, '/bin/sh', '-c "exit 3"', 0, undef), VIX_OK, 'a non-zero exit code does not fail the call';

    my ($e, %info) = VMRunProgramInGuestEx($vm, '/bin/sh', '-c "exit 3"', 0, 0);
    is $e, VIX_OK, 'Ex';
    is $info{EXIT_CODE}, 3, 'EXIT_CODE is the program\'s';
    cmp_ok $info{PROCESS_ID}, '>', 0, 'PROCESS_ID';
    is $info{ELAPSED_TIME}, 0, 'ELAPSED_TIME of a quick program';
    is_deeply [sort keys %info], [qw(ELAPSED_TIME EXIT_CODE PROCESS_ID)], 'exactly those keys';

    my $t0 = time;
    my @r = VMRunProgramInGuestEx($vm, '/bin/sleep', '2', VIX_RUNPROGRAM_ACTIVATE_WINDOW, 0);
    my $err = shift @r;
    %info = @r;
    is $err, VIX_OK, 'ACTIVATE_WINDOW is accepted';
    cmp_ok time - $t0, '>=', 1.9, 'the call waited for the program';
    ok $info{ELAPSED_TIME} == 2 || $info{ELAPSED_TIME} == 3, "ELAPSED_TIME whole seconds ($info{ELAPSED_TIME})";
    is $info{EXIT_CODE}, 0, 'exit code 0';

    # The program runs as the guest user.
    ($e, %info) = VMRunProgramInGuestEx($vm, '/bin/sh', "-c 'test \"\$USER\" = $g->{user}'", 0, 0);
    is $info{EXIT_CODE}, 0, 'runs as the guest user';
};

subtest 'return immediately, list, kill' => sub {
    my $t0 = time;
    my ($e, %info) = VMRunProgramInGuestEx($vm, '/bin/sleep', '30 # ☺ marker', VIX_RUNPROGRAM_RETURN_IMMEDIATELY, 0);
    is $e, VIX_OK, 'RETURN_IMMEDIATELY';
    cmp_ok time - $t0, '<', 10, 'did not wait';
    is_deeply [keys %info], ['PROCESS_ID'], 'only PROCESS_ID';
    my $pid = $info{PROCESS_ID};

    my ($p) = grep { $_->{PROCESS_ID} == $pid } procs();
    ok $p, 'VMListProcessesInGuest lists it' or return;
    is_deeply [sort keys %$p],
        [sort qw(PROCESS_NAME PROCESS_ID PROCESS_OWNER PROCESS_COMMAND PROCESS_START_TIME PROCESS_BEING_DEBUGGED)],
        'the keys of a process';
    is $p->{PROCESS_OWNER}, $g->{user}, 'PROCESS_OWNER';
    like $p->{PROCESS_NAME}, qr{sleep}, 'PROCESS_NAME';
    like $p->{PROCESS_COMMAND}, qr{sleep.*30 # ☺ marker}, 'PROCESS_COMMAND, as a character string';
    ok utf8::is_utf8($p->{PROCESS_COMMAND}), 'strings from the guest are character strings';
    cmp_ok abs($p->{PROCESS_START_TIME} - time), '<', 120, 'PROCESS_START_TIME in epoch seconds';
    is $p->{PROCESS_BEING_DEBUGGED}, 0, 'PROCESS_BEING_DEBUGGED';

    is VMRunProgramInGuest($vm, '/bin/sleep', '30', VIX_RUNPROGRAM_RETURN_IMMEDIATELY, 0), VIX_OK, 'plain call too';

    is VMKillProcessInGuest($vm, $pid, 0), VIX_OK, 'VMKillProcessInGuest';
    ok !(grep { $_->{PROCESS_ID} == $pid } procs()), 'an ended process is not listed';
    is VMKillProcessInGuest($vm, $pid, 0), VIX_E_NO_SUCH_PROCESS, 'killing it again → VIX_E_NO_SUCH_PROCESS';
    is VMKillProcessInGuest($vm, 999999, 0), VIX_E_NO_SUCH_PROCESS, 'an unknown pid';

    my @root = grep { $_->{PROCESS_OWNER} eq 'root' } procs();
    ok @root, 'the guest has a process of another user';
    is VMKillProcessInGuest($vm, $root[0]{PROCESS_ID}, 0), VIX_E_GUEST_USER_PERMISSIONS,
        'killing another user\'s process → VIX_E_GUEST_USER_PERMISSIONS' if @root;
    VMKillProcessInGuest($vm, $_->{PROCESS_ID}, 0) for grep { $_->{PROCESS_OWNER} eq $g->{user} } procs();
};

subtest 'a signal ends the wait' => sub {
    my $fired = 0;
    local $SIG{ALRM} = sub { $fired++ };
    my $t0 = time;
    alarm 1;
    my $e = VMRunProgramInGuest($vm, '/bin/sleep', '30', 0, 0);
    alarm 0;
    is $e, VIX_E_CANCELLED, 'VIX_E_CANCELLED';
    cmp_ok time - $t0, '<', 3, 'soon after the alarm';
    ok $fired, 'the handler ran';
    VMKillProcessInGuest($vm, $_->{PROCESS_ID}, 0) for grep { $_->{PROCESS_OWNER} eq $g->{user} } procs();
};

subtest 'faults' => sub {
    is VMRunProgramInGuest($vm, '/no/such/program', '', 0, 0), VIX_E_FILE_NOT_FOUND, 'missing program';
    like GetLastErrorDetail(), qr/^VMRunProgramInGuest \[.*\] .*FileNotFound/, 'detail: call, VM path, fault';
    is VMRunProgramInGuest($vm, '/tmp', '', 0, 0), VIX_E_NOT_A_FILE, 'a directory';

    my ($e, $vm2) = open_vm($host, $g->{running}[1]);
    guest_login($g, $vm2);
    is VMPowerOff($vm2, 0), VIX_OK, 'power off a logged-in VM';
    is VMRunProgramInGuest($vm2, '/bin/true', '', 0, 0), VIX_E_VM_NOT_RUNNING, 'VM off → VIX_E_VM_NOT_RUNNING';
    is VMListProcessesInGuest($vm2, 0), VIX_E_VM_NOT_RUNNING, 'VMListProcessesInGuest too';
    is VMPowerOn($vm2, 0, 0), VIX_OK, 'power on';
    is VMKillProcessInGuest($vm2, 1, 0), VIX_E_TOOLS_NOT_RUNNING, 'Tools not yet running → VIX_E_TOOLS_NOT_RUNNING';
    ReleaseHandle($vm2);
};

subtest 'bad input: clear codes, nothing sent' => sub {
    my ($snap_like) = $host;    # a live handle of another kind
    my $n = sent($g, sub {
        for my $f (\&VMRunProgramInGuest, \&VMRunProgramInGuestEx) {
            my @r = $f->(undef, '/bin/true', '', 0, 0);
            is_deeply \@r, [VIX_E_INVALID_HANDLE], 'undef handle: the code alone';
            is +($f->($host, '/bin/true', '', 0, 0))[0], VIX_E_NOT_SUPPORTED_ON_HANDLE_TYPE, 'a host handle';
            is +($f->($vm, undef, '', 0, 0))[0], VIX_E_INVALID_ARG, 'undef program';
            is +($f->($vm, '', '', 0, 0))[0], VIX_E_INVALID_ARG, 'empty program';
            is +($f->($vm, {}, '', 0, 0))[0], VIX_E_INVALID_ARG, 'a ref program';
            is +($f->($vm, "/bin/\0true", '', 0, 0))[0], VIX_E_INVALID_ARG, 'NUL in the program';
            is +($f->($vm, "/bin/\xe9", '', 0, 0))[0], VIX_E_INVALID_UTF8_STRING, 'program not UTF-8';
            is +($f->($vm, '/bin/true', [], 0, 0))[0], VIX_E_INVALID_ARG, 'ref args';
            is +($f->($vm, '/bin/true', "a\xff", 0, 0))[0], VIX_E_INVALID_UTF8_STRING, 'args not UTF-8';
            is +($f->($vm, '/bin/true', '', 4, 0))[0], VIX_E_INVALID_ARG, 'an unknown option bit';
            is +($f->($vm, '/bin/true', '', 2**64, 0))[0], VIX_E_INVALID_ARG, 'huge options';
            is +($f->($vm, '/bin/true', '', -1, 0))[0], VIX_E_INVALID_ARG, 'negative options';
            is +($f->($vm, '/bin/true', '', 0, 5))[0], VIX_E_INVALID_ARG, 'a property list handle';
            is +($f->($vm, '/bin/true', '', 0, 'x'))[0], VIX_E_INVALID_ARG, 'a property list that is a string';
        }
        is VMRunScriptInGuest(undef, '', 'true', 0, 0), VIX_E_INVALID_HANDLE, 'VMRunScriptInGuest undef handle';
        is VMRunScriptInGuest($host, '', 'true', 0, 0), VIX_E_NOT_SUPPORTED_ON_HANDLE_TYPE, 'host handle';
        is VMRunScriptInGuest($vm, [], 'true', 0, 0), VIX_E_INVALID_ARG, 'ref interpreter';
        is VMRunScriptInGuest($vm, '', undef, 0, 0), VIX_E_INVALID_ARG, 'undef script';
        is VMRunScriptInGuest($vm, '', "\xff", 0, 0), VIX_E_INVALID_UTF8_STRING, 'script not UTF-8';
        is VMRunScriptInGuest($vm, '', "a\0b", 0, 0), VIX_E_INVALID_ARG, 'NUL in the script';
        is VMRunScriptInGuest($vm, '', 'true', 8, 0), VIX_E_INVALID_ARG, 'unknown option';
        is VMRunScriptInGuest($vm, '', 'true', 0, 1), VIX_E_INVALID_ARG, 'property list';
        my @r = VMListProcessesInGuest(0, 0);
        is_deeply \@r, [VIX_E_INVALID_HANDLE], 'VMListProcessesInGuest handle 0: the code alone';
        is VMListProcessesInGuest($host, 0), VIX_E_NOT_SUPPORTED_ON_HANDLE_TYPE, 'host handle';
        is VMListProcessesInGuest($vm, 1), VIX_E_INVALID_ARG, 'options must be 0';
        is VMListProcessesInGuest($vm, \1), VIX_E_INVALID_ARG, 'ref options';
        is VMKillProcessInGuest(-5, 1, 0), VIX_E_INVALID_HANDLE, 'VMKillProcessInGuest bad handle';
        is VMKillProcessInGuest($vm, undef, 0), VIX_E_INVALID_ARG, 'undef pid';
        is VMKillProcessInGuest($vm, 0, 0), VIX_E_INVALID_ARG, 'pid 0';
        is VMKillProcessInGuest($vm, -3, 0), VIX_E_INVALID_ARG, 'negative pid';
        is VMKillProcessInGuest($vm, 'abc', 0), VIX_E_INVALID_ARG, 'pid not a number';
        is VMKillProcessInGuest($vm, 1.5, 0), VIX_E_INVALID_ARG, 'pid not an integer';
        is VMKillProcessInGuest($vm, 2**80, 0), VIX_E_INVALID_ARG, 'huge pid';
        is VMKillProcessInGuest($vm, 1, 1), VIX_E_INVALID_ARG, 'options must be 0';
    });
    is $n, 0, 'nothing sent for any of them';
};

subtest 'stale handle' => sub {
    my ($e, $vm3) = open_vm($host, $g->{vmx});
    guest_login($g, $vm3);
    ReleaseHandle($vm3);
    is VMRunProgramInGuest($vm3, '/bin/true', '', 0, 0), VIX_E_INVALID_HANDLE, 'a released handle';
    ReleaseHandle($vm3);
    pass 'releasing it again is silent';
};

done_testing;
