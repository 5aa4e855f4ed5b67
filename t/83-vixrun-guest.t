#!perl
# vixrun guest commands against the simulator's guest double: login, programs
# and their exit codes, processes, files and directories, copies, both output
# modes, exit statuses, and no password in ps while a guest program runs.
use strict;
use warnings;
use Test::More;
use FindBin;
use lib "$FindBin::Bin/lib";
use VixTest qw(:DEFAULT repo_root);
use VixrunTest;

sandbox();

use File::Temp qw(tempdir);
use POSIX ();
use Time::HiRes qw(sleep time);
use VMware::Vix::Simple;
use VMware::Vix::API::Constants;

delete @ENV{qw(VIX_USER VIX_PASSWORD VIX_GUEST_USER VIX_GUEST_PASSWORD)};
need_witness();

my $has = sub { !grep { !VMware::Vix::Simple->can($_) } @_ };
unless ($has->(qw(VMWaitForToolsInGuest VMLoginInGuest))) {
    my $r = vixrun(['listProcessesInGuest', '[ds] x/x.vmx']);
    is($r->{out}, "Error: listProcessesInGuest is not available in this build of VMware::Vix::Simple\n",
       'guest commands: not available in this build');
    done_testing;
    exit 0;
}

my $sim = start_sim(model => 'vpx', password => 'Host-pw-' . int(rand(1e9)));
my @H = ('-T', 'vc', '-h', $sim->{url}, '-u', $sim->{user}, '-p', $sim->{password});
my @G = (@H, '-gu', 'guest', '-gp', 'guestpasswd');
my $err_text = sub { 'Error: ' . GetErrorText($_[0]) . "\n" };
my @vms = sort map { $_->{path} } grep { $_->{power} eq 'poweredOn' } @{ witness($sim)->{vms} };
my ($vm, $off) = @vms;
is(vixrun([@H, 'stop', $off])->{status}, 0, 'one VM off');

# --- login ---------------------------------------------------------------------

{
    my $r = vixrun([@H, 'listProcessesInGuest', $vm]);
    is($r->{status}, 255, 'no guest credentials, stdin not a terminal: 255');
    like($r->{out}, qr/^Error: a guest user name and password are required/, '... says so');
    $r = vixrun([@H, '-gu', 'guest', '-gp', 'wrong', 'listProcessesInGuest', $vm]);
    is_deeply([$r->{status}, $r->{out}], [255, $err_text->(VIX_E_CANNOT_AUTHENTICATE_WITH_GUEST)],
              'a wrong guest password: error');
    $r = vixrun([@G, 'listProcessesInGuest', $off]);
    is_deeply([$r->{status}, $r->{out}], [255, $err_text->(VIX_E_VM_NOT_RUNNING)], 'a VM that is off: error');
    $r = vixrun([@H, 'listProcessesInGuest', $vm],
                env => { VIX_GUEST_USER => 'guest', VIX_GUEST_PASSWORD => 'guestpasswd' });
    is($r->{status}, 0, 'guest credentials from VIX_GUEST_USER and VIX_GUEST_PASSWORD');
}

# --- programs and processes --------------------------------------------------------

{
    my $r = vixrun([@G, 'runProgramInGuest', $vm, '/bin/true']);
    is_deeply([$r->{status}, $r->{out}], [0, ''], 'runProgramInGuest, exit 0: nothing printed');
    # The arguments are joined into one command line that the guest's shell
    # parses (as with vmrun), so the script is quoted for the guest.
    $r = vixrun([@G, 'runProgramInGuest', $vm, '/bin/sh', '-c', '"exit 3"']);
    is_deeply([$r->{status}, $r->{out}], [255, "Guest program exited with non-zero exit code: 3\n"],
              'exit 3: the vmrun line, status 255');
    $r = vixrun_json([@G, 'runProgramInGuest', '-activeWindow', $vm, '/bin/sh', '-c', '"exit 4"']);
    is($r->{status}, 255, '--json, exit 4: status 255');
    is($r->{json}{exitCode}, 4, '--json: exitCode');
    ok($r->{json}{pid} > 0, '--json: pid');

    $r = vixrun_json([@G, 'runProgramInGuest', $vm, '-noWait', '/bin/sleep', '300']);
    is($r->{status}, 0, '-noWait after the vmx: returns at once');
    my $pid = $r->{json}{pid};
    ok($pid, '... with the pid');
    ok(!exists $r->{json}{exitCode}, '... and no exit code');

    $r = vixrun([@G, 'listProcessesInGuest', $vm]);
    is($r->{status}, 0, 'listProcessesInGuest: exit 0');
    my ($head, @p) = split /\n/, $r->{out};
    like($head, qr/^Process list: (\d+)\z/, 'the header');
    is($head, 'Process list: ' . @p, 'the header counts the lines');
    is((grep { !/^pid=\d+, owner=[^,]*, cmd=.*\z/ } @p), 0, 'every line is pid=<n>, owner=<owner>, cmd=<cmd>');
    ok((grep { /^pid=$pid, owner=guest, cmd=.*sleep.* 300\z/ } @p), 'the sleeping program is listed');
    $r = vixrun_json([@G, 'listProcessesInGuest', $vm]);
    my ($p) = grep { $_->{pid} == $pid } @{ $r->{json}{processes} };
    is($p->{owner}, 'guest', '--json: the process with its owner');
    is($r->{json}{count}, scalar @{ $r->{json}{processes} }, '--json: count');

    $r = vixrun([@G, 'killProcessInGuest', $vm, $pid]);
    is_deeply([$r->{status}, $r->{out}], [0, ''], 'killProcessInGuest');
    $r = vixrun([@G, 'listProcessesInGuest', $vm]);
    ok(!(grep { /^pid=$pid,/ } split /\n/, $r->{out}), 'gone from the list');
    $r = vixrun([@G, 'killProcessInGuest', $vm, 999999]);
    is_deeply([$r->{status}, $r->{out}], [255, $err_text->(VIX_E_NO_SUCH_PROCESS)], 'kill an unknown pid: error');
    $r = vixrun([@G, 'killProcessInGuest', $vm, 'abc']);
    is($r->{status}, 255, 'kill "abc": 255');

    $r = vixrun([@G, 'runProgramInGuest', '-interactive', $vm, '/bin/true']);
    ok($r->{status} == 0 || $r->{out} =~ /^Error: /, '-interactive: the module decides');
}

# --- files and directories ------------------------------------------------------------

{
    my $d = '/tmp/vixrun dir';
    my $r = vixrun([@G, 'directoryExistsInGuest', $vm, $d]);
    is_deeply([$r->{status}, $r->{out}], [1, "The directory does not exist.\n"], 'directoryExistsInGuest, absent: exit 1');
    $r = vixrun([@G, 'createDirectoryInGuest', $vm, "$d/sub"]);
    is_deeply([$r->{status}, $r->{out}], [0, ''], 'createDirectoryInGuest (a path with a space, parents too)');
    $r = vixrun([@G, 'directoryExistsInGuest', $vm, $d]);
    is_deeply([$r->{status}, $r->{out}], [0, "The directory exists.\n"], 'directoryExistsInGuest: exists, exit 0');
    $r = vixrun([@G, 'createDirectoryInGuest', $vm, "$d/sub"]);
    is_deeply([$r->{status}, $r->{out}], [255, $err_text->(VIX_E_FILE_ALREADY_EXISTS)], 'create it again: error');

    # A file: the program makes one (no copy needed).
    $r = vixrun([@G, 'runProgramInGuest', $vm, '/bin/sh', '-c', qq{"echo hi > '$d/a file'"}]);
    is($r->{status}, 0, 'a guest program writes a file');
    $r = vixrun([@G, 'fileExistsInGuest', $vm, "$d/a file"]);
    is_deeply([$r->{status}, $r->{out}], [0, "The file exists.\n"], 'fileExistsInGuest: exists');
    $r = vixrun([@G, 'fileExistsInGuest', $vm, $d]);
    is_deeply([$r->{status}, $r->{out}], [1, "The file does not exist.\n"], 'fileExistsInGuest on a directory: absent');
    $r = vixrun_json([@G, 'fileExistsInGuest', $vm, "$d/none"]);
    is_deeply([$r->{status}, $r->{json}],
              [1, { command => 'fileExistsInGuest', vmx => $vm, path => "$d/none", exists => JSON::PP::false }],
              'fileExistsInGuest --json, absent: exit 1');

    $r = vixrun([@G, 'listDirectoryInGuest', $vm, $d]);
    is_deeply([$r->{status}, [sort split /\n/, $r->{out}]], [0, ['Directory list: 2', 'a file', 'sub']],
              'listDirectoryInGuest: Directory list: N, then the names');
    like($r->{out}, qr/\ADirectory list: 2\n/, '... the header first');
    $r = vixrun_json([@G, 'listDirectoryInGuest', $vm, $d]);
    my %e = map { $_->{name} => $_ } @{ $r->{json}{entries} };
    ok($e{sub}{directory} && !$e{'a file'}{directory}, '--json: which is a directory');
    is($e{'a file'}{size}, 3, '--json: size');

    $r = vixrun([@G, 'renameFileInGuest', $vm, "$d/a file", "$d/renamed"]);
    is_deeply([$r->{status}, $r->{out}], [0, ''], 'renameFileInGuest');
    is(vixrun([@G, 'fileExistsInGuest', $vm, "$d/renamed"])->{status}, 0, 'the new name exists');
    $r = vixrun([@G, 'deleteFileInGuest', $vm, "$d/renamed"]);
    is_deeply([$r->{status}, $r->{out}], [0, ''], 'deleteFileInGuest');
    $r = vixrun([@G, 'deleteFileInGuest', $vm, "$d/renamed"]);
    is_deeply([$r->{status}, $r->{out}], [255, $err_text->(VIX_E_FILE_NOT_FOUND)], 'delete it again: error');

    $r = vixrun([@G, 'CreateTempfileInGuest', $vm]);
    is($r->{status}, 0, 'CreateTempfileInGuest');
    my ($tmp) = $r->{out} =~ m{\A(/\S.*)\n\z};
    ok($tmp, 'prints the bare path');
    is(vixrun([@G, 'fileExistsInGuest', $vm, $tmp])->{out}, "The file exists.\n", 'which exists');
    $r = vixrun_json([@G, 'createTempFileInGuest', $vm]);
    like($r->{json}{path}, qr{^/}, 'CreateTempfileInGuest --json (any case)');

    $r = vixrun([@G, 'deleteDirectoryInGuest', $vm, $d]);
    is_deeply([$r->{status}, $r->{out}], [0, ''], 'deleteDirectoryInGuest (recursive)');
    is(vixrun([@G, 'directoryExistsInGuest', $vm, $d])->{status}, 1, 'gone');
}

# --- copies and scripts (need the module's transfers) ---------------------------------

{
    my $dir = tempdir(CLEANUP => 1);
    open my $fh, '>', "$dir/host file.txt" or die;
    print {$fh} "line 1\nline 2\n";
    close $fh;
    my $r = vixrun([@G, 'CopyFileFromHostToGuest', $vm, "$dir/host file.txt", '/tmp/copied.txt']);
    {
        is_deeply([$r->{status}, $r->{out}], [0, ''], 'CopyFileFromHostToGuest');
        $r = vixrun([@G, 'CopyFileFromGuestToHost', $vm, '/tmp/copied.txt', "$dir/back.txt"]);
        is_deeply([$r->{status}, $r->{out}], [0, ''], 'CopyFileFromGuestToHost');
        my $back;
        if (open my $bf, '<', "$dir/back.txt") { local $/; $back = <$bf> }
        is($back, "line 1\nline 2\n", 'the round trip keeps the content');
        $r = vixrun([@G, 'runScriptInGuest', $vm, '/bin/sh', "echo scripted > /tmp/script.out\n"]);
        is_deeply([$r->{status}, $r->{out}], [0, ''], 'runScriptInGuest');
        is(vixrun([@G, 'fileExistsInGuest', $vm, '/tmp/script.out'])->{out}, "The file exists.\n",
           'the script ran');
    }
    # readVariable guestEnv logs in, then reads the guest's environment.
    $r = vixrun([@G, 'readVariable', $vm, 'guestEnv', 'HOME']);
    {
        is($r->{status}, 0, 'readVariable guestEnv HOME');
        like($r->{out}, qr{\A/\S*\n\z}, '... prints the bare value');
    }
    $r = vixrun([@G, 'CopyFileFromHostToGuest', $vm, "$dir/none.txt", '/tmp/x']);
    is($r->{status}, 255, 'copy a missing host file: 255');
    $r = vixrun([@G, 'runScriptInGuest', $vm, '/bin/sh']);
    is($r->{status}, 255, 'runScriptInGuest without the script text: 255');
}

# --- getGuestIPAddress: guest.ipAddress, reported while Tools run ---------------------

{
    my $ip = witness_vm($sim, $vm)->{ip};
    like($ip, qr/\A\d+\.\d+\.\d+\.\d+\z/, "the server reports the guest's address ($ip)");
    my $r = vixrun([@H, 'getGuestIPAddress', $vm]);
    is_deeply([$r->{status}, $r->{out}, $r->{err}], [0, "$ip\n", ''], 'getGuestIPAddress: the bare address, no guest login');
    $r = vixrun_json([@H, 'getGuestIPAddress', $vm]);
    is_deeply([$r->{status}, $r->{json}], [0, { command => 'getGuestIPAddress', vmx => $vm, ip => $ip }], '--json');
    $r = vixrun([@H, 'getGuestIPAddress', $off]);
    is_deeply([$r->{status}, $r->{out}], [255, $err_text->(VIX_E_VM_NOT_RUNNING)], 'a VM that is off: error');
    $r = vixrun_json([@H, 'getGuestIPAddress', $off, '-wait']);
    is_deeply([$r->{status}, $r->{json}{error}{code}], [255, VIX_E_VM_NOT_RUNNING], '-wait on a VM that is off: error at once');

    # Tools that take a while to start: a second simulator, so the others'
    # Tools stay quick.
    my $slow = start_sim(model => 'vpx', tools_delay => '4s');
    my @S = ('-T', 'vc', '-h', $slow->{url}, '-u', $slow->{user}, '-p', $slow->{password});
    my ($v) = sort map { $_->{path} } grep { $_->{power} eq 'poweredOn' } @{ witness($slow)->{vms} };
    is(vixrun([@S, 'stop', $v])->{status}, 0, 'slow Tools: stop');
    is(vixrun([@S, 'start', $v])->{status}, 0, 'start');
    my $t0 = time;
    $r = vixrun([@S, 'getGuestIPAddress', $v]);
    is_deeply([$r->{status}, $r->{out}], [255, $err_text->(VIX_E_TOOLS_NOT_RUNNING)],
              'right after power-on: Tools are not running yet');
    $r = vixrun([@S, 'getGuestIPAddress', $v, '-wait']);
    is_deeply([$r->{status}, $r->{out}], [0, witness_vm($slow, $v)->{ip} . "\n"], '-wait: the address once Tools run');
    ok(time - $t0 >= 3, sprintf('... after waiting for them (%.1f s)', time - $t0));
    is(vixrun([@S, 'reset', $v])->{status}, 0, 'reset: Tools restart');
    $r = vixrun([@S, '--tools-timeout', '1', 'getGuestIPAddress', $v, '-wait']);
    is_deeply([$r->{status}, $r->{out}], [255, $err_text->(VIX_E_TIMEOUT_WAITING_FOR_TOOLS)],
              '-wait is bounded by --tools-timeout');
    is_deeply([sim_sessions($slow)], [], 'no session left on the second server');
    stop_sim($slow);
}

# --- the copy progress bar: on a terminal only (script(1) gives vixrun a pty) -------------
SKIP: {
    skip 'script(1) not available', 4 unless -x '/usr/bin/script';
    my $dir = tempdir(CLEANUP => 1);
    open my $fh, '>:raw', "$dir/two.bin" or die;
    print {$fh} map { chr($_ % 256) } 1 .. 2_000_000;
    close $fh;
    my $cmd = join ' ', map { my $q = $_; $q =~ s/'/'\\''/g; "'$q'" }
        perl_cmd(), vixrun_path(), @G, 'CopyFileFromHostToGuest', $vm, "$dir/two.bin", '/tmp/two.bin';
    my ($st, $out) = VixTest::_run(['/usr/bin/script', '-qec', $cmd, '/dev/null'],
                                   env => { HOME => $dir }, timeout => 120, merge => 1);
    is($st >> 8, 0, 'CopyFileFromHostToGuest on a terminal');
    like($out, qr/copying to the guest \[#{30}\] 100% 1\.9\/1\.9 MiB/, '... draws a progress bar that ends full');
    my $r = vixrun([@G, 'CopyFileFromHostToGuest', $vm, "$dir/two.bin", '/tmp/two2.bin']);
    is_deeply([$r->{status}, $r->{out}, $r->{err}], [0, '', ''], 'not on a terminal: no bar, nothing printed');
    $r = vixrun_json([@G, 'CopyFileFromGuestToHost', $vm, '/tmp/two.bin', "$dir/back.bin"]);
    is(-s "$dir/back.bin", 2_000_000, '--json: the copy, and no bar in its output') or diag($r->{out});
}

# --- no password in ps while a guest program runs ---------------------------------------

{
    my $hp = $sim->{password};
    my $pid = fork // die;
    if (!$pid) {
        open STDIN, '<', '/dev/null';
        open STDOUT, '>', '/dev/null';
        open STDERR, '>', '/dev/null';
        @ENV{qw(VIX_USER VIX_PASSWORD VIX_GUEST_USER VIX_GUEST_PASSWORD)} = ($sim->{user}, $hp, 'guest', 'guestpasswd');
        exec(perl_cmd(), vixrun_path(), '-T', 'vc', '-h', $sim->{url}, 'runProgramInGuest', $vm, '/bin/sleep', '4')
            or POSIX::_exit(127);
    }
    # Wait until the program runs in the guest, i.e. vixrun is waiting for it.
    my $deadline = time + 30;
    my $seen = 0;
    while (!$seen && time < $deadline) {
        my $r = vixrun([@G, 'listProcessesInGuest', $vm]);
        $seen = $r->{out} =~ /cmd=.*sleep.* 4$/m;
        sleep 0.2 unless $seen;
    }
    ok($seen, 'vixrun is waiting for a guest program');
    my @found;
    for my $f (glob '/proc/[0-9]*/cmdline') {
        open my $fh, '<', $f or next;
        local $/;
        my $c = <$fh> // '';
        # Other processes on this machine (other test runs) may well hold
        # "guestpasswd"; the unique host password is searched everywhere.
        push @found, $f if index($c, $hp) >= 0 || ($c =~ /vixrun/ && index($c, 'guestpasswd') >= 0);
    }
    is_deeply(\@found, [], 'no command line in /proc (ps) holds the host or guest password');
    waitpid($pid, 0);
    is($? >> 8, 0, 'the program ended, vixrun exit 0');
}

is_deeply([sim_sessions($sim)], [], 'no session left on the server');
done_testing;
