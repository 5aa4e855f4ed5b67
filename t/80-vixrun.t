#!perl
# vixrun against the simulator: host, power and inventory commands, errors,
# the unavailable and unsupported commands, both output modes, exit
# statuses, credentials (flags, environment, prompt, none) and what ps shows.
# Snapshot and guest commands: t/82-vixrun-snapshots.t, t/83-vixrun-guest.t.
use strict;
use warnings;
use Test::More;
use FindBin;
use lib "$FindBin::Bin/lib";
use VixTest qw(:DEFAULT repo_root);
use VixrunTest;

sandbox();

use File::Path qw(make_path);
use IO::Select;
use IO::Socket::IP;
use IPC::Open2 qw(open2);
use POSIX qw(WNOHANG);
use Pod::Checker ();
use Time::HiRes qw(sleep time);
use VMware::Vix::Simple;
use VMware::Vix::API::Constants;

delete @ENV{qw(VIX_USER VIX_PASSWORD VIX_GUEST_USER VIX_GUEST_PASSWORD)};
need_witness();

my $sim = start_sim(model => 'vpx', password => 'S3cret-host-pw');
my @H = ('-T', 'vc', '-h', $sim->{url}, '-u', $sim->{user}, '-p', $sim->{password});
my $err_text = sub { 'Error: ' . GetErrorText($_[0]) . "\n" };

# --- help and usage -------------------------------------------------------

{
    my $r = vixrun(['--help']);
    is($r->{status}, 0, '--help exits 0');
    like($r->{out}, qr/Usage:.*vixrun \[-T esx\|vc/s, '--help prints the synopsis');
    like($r->{out}, qr/B?-gu/, '... and the options');
    my $checker = Pod::Checker->new(-warnings => 2);
    open my $null, '>', File::Spec->devnull or die;
    $checker->parse_from_file(vixrun_path(), $null);
    is($checker->num_errors, 0, 'the POD has no errors (perldoc vixrun)');
    $r = vixrun([]);
    is($r->{status}, 255, 'no command: exit 255');
    like($r->{out}, qr/Usage:/, '... with the usage');
}

# --- list, listRegisteredVM --------------------------------------------------

sub lines { my @l = split /\n/, $_[0]; return @l }

my $w = witness($sim);
my @registered = sort map { $_->{path} } grep { defined $_->{path} } @{ $w->{vms} };
my @running = sort map { $_->{path} } grep { $_->{power} eq 'poweredOn' } @{ $w->{vms} };
ok(@running >= 2, 'the simulator has running VMs');
my ($ds) = @{ $w->{datastores} };
my $dsname = $ds->{name};
(my $dsdir = $ds->{url}) =~ s{^file://}{};

{
    my $r = vixrun([@H, 'list']);
    is($r->{status}, 0, 'list: exit 0');
    my ($head, @vms) = lines($r->{out});
    is($head, 'Total running VMs: ' . scalar @running, 'list: the header');
    is_deeply([sort @vms], \@running, 'list: one path a line, the running VMs');
    like($r->{out}, qr/\n\z/, 'list: ends with a newline');
    is($r->{err}, '', 'list: nothing on stderr');

    $r = vixrun_json([@H, 'LIST']);
    is($r->{status}, 0, 'LIST --json (case-insensitive): exit 0');
    is($r->{json}{command}, 'list', '--json: command');
    is($r->{json}{count}, scalar @running, '--json: count');
    is_deeply([sort @{ $r->{json}{vms} }], \@running, '--json: vms');
    is(scalar(() = $r->{out} =~ /\n/g), 1, '--json: one line');

    $r = vixrun([@H, 'listRegisteredVM']);
    ($head, @vms) = lines($r->{out});
    is($head, 'Total registered VMs: ' . scalar @registered, 'listRegisteredVM: the header');
    is_deeply([sort @vms], \@registered, 'listRegisteredVM: every VM');
    $r = vixrun_json([@H, 'listregisteredvm']);
    is($r->{json}{command}, 'listRegisteredVM', '--json: canonical command name');
    is($r->{json}{count}, scalar @registered, '--json: count');
}

# --- power -------------------------------------------------------------------

my $vm = $running[0];
my $power = sub { witness_vm($sim, $_[0])->{power} };

{
    my $r = vixrun([@H, 'stop', $vm]);
    is_deeply([$r->{status}, $r->{out}], [0, ''], 'stop: exit 0, prints nothing');
    is($power->($vm), 'poweredOff', 'stop: the server has it off (hard, the default)');

    $r = vixrun([@H, 'stop', $vm]);
    is($r->{out}, $err_text->(VIX_E_VM_NOT_RUNNING), 'stop again: Error: <GetErrorText>');
    is($r->{status}, 255, 'stop again: exit 255');

    $r = vixrun([@H, '--verbose', 'stop', $vm]);
    like($r->{out}, qr/\A\Q${\ $err_text->(VIX_E_VM_NOT_RUNNING)}\EDetail: .*\Q$vm\E/,
         '--verbose: the module detail under the error');

    $r = vixrun_json([@H, 'stop', $vm]);
    is($r->{status}, 255, '--json error: exit 255');
    is($r->{json}{error}{code}, VIX_E_VM_NOT_RUNNING, '--json error: code');
    is($r->{json}{error}{text}, GetErrorText(VIX_E_VM_NOT_RUNNING), '--json error: text');
    like($r->{json}{error}{detail}, qr/\Q$vm\E/, '--json error: detail');

    $r = vixrun([@H, 'checkToolsState', $vm]);
    is_deeply([$r->{status}, $r->{out}], [0, "installed\n"], 'checkToolsState, off: installed');

    $r = vixrun([@H, 'start', $vm, 'nogui']);
    is_deeply([$r->{status}, $r->{out}], [0, ''], 'start nogui: exit 0, nothing printed');
    is($power->($vm), 'poweredOn', 'start: the server has it on');
    $r = vixrun([@H, 'start', $vm]);
    is_deeply([$r->{status}, $r->{out}], [255, $err_text->(VIX_E_VM_IS_RUNNING)], 'start again: error, 255');

    $r = vixrun([@H, 'suspend', $vm]);
    is_deeply([$r->{status}, $r->{out}], [0, ''], 'suspend: exit 0');
    is($power->($vm), 'suspended', 'suspend: the server has it suspended');
    $r = vixrun_json([@H, 'start', $vm, 'gui']);
    is_deeply([$r->{status}, $r->{json}], [0, { command => 'start', vmx => $vm }], 'start gui --json: resumes');
    is($power->($vm), 'poweredOn', 'start: on again');

    $r = vixrun([@H, 'reset', $vm, 'hard']);
    is_deeply([$r->{status}, $r->{out}], [0, ''], 'reset hard: exit 0');
    is($power->($vm), 'poweredOn', 'reset: still on');

    # Tools start shortly after power-on (the simulator's -tools-delay).
    my $deadline = time + 20;
    my $state = '';
    while (time < $deadline) {
        $state = vixrun([@H, 'checkToolsState', $vm])->{out};
        last if $state eq "running\n";
        sleep 0.2;
    }
    is($state, "running\n", 'checkToolsState: running');
    $r = vixrun_json([@H, 'checkToolsState', $vm]);
    is_deeply($r->{json}, { command => 'checkToolsState', vmx => $vm, state => 'running',
                            toolsState => VIX_TOOLSSTATE_RUNNING }, 'checkToolsState --json');

    $r = vixrun([@H, 'reset', $vm, 'soft']);
    is_deeply([$r->{status}, $r->{out}], [0, ''], 'reset soft (guest reboot): exit 0');
    $deadline = time + 20;
    while (time < $deadline && vixrun([@H, 'checkToolsState', $vm])->{out} ne "running\n") { sleep 0.2 }
    $r = vixrun([@H, 'stop', $vm, 'SOFT']);
    is_deeply([$r->{status}, $r->{out}], [0, ''], 'stop SOFT (guest shutdown): exit 0');
    is($power->($vm), 'poweredOff', 'stop soft: off on return');
    $r = vixrun([@H, 'stop', $vm, 'gently']);
    is($r->{status}, 255, 'stop with a bad mode: 255');
    like($r->{out}, qr/^Error: Invalid argument "gently"/, '... and says why');

    for my $c (qw(pause unpause)) {
        $r = vixrun([@H, $c, $vm]);
        is_deeply([$r->{status}, $r->{out}], [255, $err_text->(VIX_E_NOT_SUPPORTED)], "$c: the module's answer");
    }
    $r = vixrun([@H, 'start', $vm]);
    is($r->{status}, 0, 'start again');
}

# --- register, a path with spaces, unregister, deleteVM ----------------------

{
    my $dir = "$dsdir/my vm [1]";
    make_path($dir);
    open my $fh, '>', "$dir/my vm.vmx" or die "$dir: $!";
    print {$fh} qq{.encoding = "UTF-8"\nconfig.version = "8"\nvirtualHW.version = "14"\n}
              . qq{displayName = "my vm"\nguestOS = "otherlinux-64"\nmemsize = "64"\nnumvcpus = "1"\n};
    close $fh;
    my $path = "[$dsname] my vm [1]/my vm.vmx";

    my $r = vixrun([@H, 'register', $path]);
    is_deeply([$r->{status}, $r->{out}], [0, ''], 'register a path with spaces and brackets');
    ok(witness_vm($sim, $path), 'the server lists it, at that path');
    $r = vixrun([@H, 'listRegisteredVM']);
    ok((grep { $_ eq $path } lines($r->{out})), 'listRegisteredVM prints the path as it is');
    like($r->{out}, qr/^Total registered VMs: ${\ (@registered + 1)}$/m, '... and counts it');

    (my $nospace = $path) =~ s/\] /]/;
    $r = vixrun([@H, 'start', $nospace, 'nogui']);
    is_deeply([$r->{status}, $r->{out}], [0, ''], 'start "[ds]path" without the space');
    $r = vixrun([@H, 'list']);
    ok((grep { $_ eq $path } lines($r->{out})), 'list prints the running VM with spaces');
    $r = vixrun([@H, 'unregister', $path]);
    is_deeply([$r->{status}, $r->{out}], [255, $err_text->(VIX_E_VM_IS_RUNNING)], 'unregister a running VM: error');
    $r = vixrun([@H, 'deleteVM', $path]);
    is_deeply([$r->{status}, $r->{out}], [255, $err_text->(VIX_E_VM_IS_RUNNING)], 'deleteVM a running VM: error');
    is(vixrun([@H, 'stop', $path])->{status}, 0, 'stop it');
    $r = vixrun_json([@H, 'unregister', $path]);
    is_deeply([$r->{status}, $r->{json}], [0, { command => 'unregister', vmx => $path }], 'unregister --json');
    ok(!witness_vm($sim, $path), 'the server no longer has it');
    ok(-f "$dir/my vm.vmx", 'its files stay');

    $r = vixrun_json([@H, 'register', $path]);
    is_deeply([$r->{status}, $r->{json}], [0, { command => 'register', vmx => $path }], 'register --json');
    $r = vixrun([@H, 'deleteVM', $path]);
    is_deeply([$r->{status}, $r->{out}], [0, ''], 'deleteVM');
    ok(!witness_vm($sim, $path), 'deleteVM: gone from the server');

    $r = vixrun([@H, 'register', "[$dsname] nowhere/nowhere.vmx"]);
    is($r->{status}, 255, 'register a missing file: 255');
    is($r->{out}, $err_text->(VIX_E_NOT_FOUND), 'register a missing file: VIX_E_NOT_FOUND');
    $r = vixrun([@H, 'register', "[NoSuchDS] nowhere/nowhere.vmx"]);
    is_deeply([$r->{status}, $r->{out}], [255, $err_text->(VIX_E_NOT_FOUND)], 'register on an unknown datastore: error');
    $r = vixrun([@H, 'start', "[$dsname] nowhere/nowhere.vmx"]);
    is_deeply([$r->{status}, $r->{out}], [255, $err_text->(VIX_E_VM_NOT_FOUND)], 'start an unknown VM: error');
    $r = vixrun_json([@H, 'start', "[$dsname] nowhere/nowhere.vmx"]);
    is($r->{json}{error}{code}, VIX_E_VM_NOT_FOUND, 'start an unknown VM --json: code');
}

# --- commands that do not exist, are not supported, are not available ---------

{
    my @unsupported = qw(enableSharedFolders disableSharedFolders addSharedFolder removeSharedFolder
                         setSharedFolderState typeKeystrokesInGuest connectNamedDevice
                         disconnectNamedDevice beginRecording endRecording beginReplay endReplay);
    for my $c (@unsupported) {
        my $r = vixrun([@H, $c, $vm, 'x']);
        is_deeply([$r->{status}, $r->{out}], [255, "Error: $c is not supported on vSphere hosts\n"],
                  "$c: not supported, 255");
    }
    my $r = vixrun([@H, uc 'typeKeystrokesInGuest', $vm, 'x']);
    is($r->{out}, "Error: TYPEKEYSTROKESINGUEST is not supported on vSphere hosts\n", 'matched case-insensitively');
    $r = vixrun_json([@H, 'enableSharedFolders', $vm]);
    is_deeply([$r->{status}, $r->{json}{command}, $r->{json}{error}{code}],
              [255, 'enableSharedFolders', VIX_E_NOT_SUPPORTED], 'not supported --json');
    is_deeply([@{ vixrun([@H, 'frobnicate'])}{qw(status out)}], [255, "Error: Unrecognized command: frobnicate\n"],
              'an unknown command: 255');
    # getGuestIPAddress is available now (t/83 tests it against Tools).
    $r = vixrun_json([@H, 'GETGUESTIPADDRESS', $vm, '-wait']);
    is_deeply([$r->{status}, $r->{json}{command}], [0, 'getGuestIPAddress'], 'getGuestIPAddress -wait --json: available');
    is($r->{json}{ip}, witness_vm($sim, $vm)->{ip}, '... the address the server reports');
    $r = vixrun([@H, 'getGuestIPAddress', $vm, '-later']);
    is_deeply([$r->{status}, $r->{out}], [255, "Error: Invalid argument \"-later\": expected -wait\n"],
              'getGuestIPAddress with a bad flag: usage error');

    # Every command whose module function this build lacks says so.
    my %needs = (
        snapshot => ['VMCreateSnapshot'], listSnapshots => ['VMGetNumRootSnapshots'],
        deleteSnapshot => ['VMRemoveSnapshot'], revertToSnapshot => ['VMRevertToSnapshot'],
        clone => ['VMClone'], upgradevm => ['VMUpgradeVirtualHardware'], installTools => ['VMInstallTools'],
        readVariable => ['VMReadVariable'], writeVariable => ['VMWriteVariable'],
        captureScreen => ['VMCaptureScreenImage'], listProcessesInGuest => ['VMListProcessesInGuest'],
        runScriptInGuest => ['VMRunScriptInGuest'], fileExistsInGuest => ['VMFileExistsInGuest'],
        CopyFileFromHostToGuest => ['VMCopyFileFromHostToGuest'],
    );
    my $n = 0;
    for my $c (sort keys %needs) {
        next if grep { VMware::Vix::Simple->can($_) } @{ $needs{$c} };
        $n++;
        my $r = vixrun([@H, $c, $vm, 'a', 'b', 'c']);
        is_deeply([$r->{status}, $r->{out}],
                  [255, "Error: $c is not available in this build of VMware::Vix::Simple\n"],
                  "$c: not available in this build");
    }
    note("$n commands not available in this build");
}

# --- usage errors ------------------------------------------------------------

{
    my $r = vixrun([@H, 'start']);
    is($r->{status}, 255, 'start without a vmx: 255');
    like($r->{out}, qr/^Error: Invalid number of arguments for start: usage: vixrun \[flags\] start <vmx>/,
         '... with the usage');
    $r = vixrun(['-T', 'fusion', '-h', $sim->{url}, 'list']);
    is_deeply([$r->{status}, $r->{out}],
              [255, qq{Error: Invalid host type "fusion": expected esx, vc, server, ws-shared, ws or player\n}],
              '-T fusion: 255');
    $r = vixrun(['-Z', 'list']);
    is_deeply([$r->{status}, $r->{out}], [255, qq{Error: Unrecognized option "-Z"\n}], 'an unknown flag: 255');
    $r = vixrun(['-T', 'ws', 'list']);
    is_deeply([$r->{status}, $r->{out}], [255, $err_text->(VIX_E_WRAPPER_WORKSTATION_NOT_INSTALLED)],
              '-T ws without a local installation: the module\'s error');
    $r = vixrun(['-T', 'vc', '-h', $sim->{url}, '-u', $sim->{user}, '-p', 'wrong', 'list']);
    is_deeply([$r->{status}, $r->{out}], [255, $err_text->(VIX_E_AUTHENTICATION_FAIL)], 'a wrong password');
}

# --- -h, -P, -T ----------------------------------------------------------------

{
    my @cred = ('-u', $sim->{user}, '-p', $sim->{password});
    my $header = 'Total running VMs: ';
    for my $case (
        ['-h host -P port', ['-T', 'esx', '-h', $sim->{host}, '-P', $sim->{port}]],
        ['-h host:port', ['-T', 'server', '-h', $sim->{hostport}]],
        ['-h https://host/sdk -P port', ['-T', 'vc', '-h', "https://$sim->{host}/sdk", '-P', $sim->{port}]],
        ['-h URL, no -T', ['-h', $sim->{url}]],
        ['-T ws-shared', ['-T', 'ws-shared', '-h', $sim->{url}]],
    ) {
        my ($name, $flags) = @$case;
        my $r = vixrun([@$flags, @cred, 'list']);
        is($r->{status}, 0, "$name: exit 0");
        like($r->{out}, qr/^\Q$header\E\d+\n/, "$name: lists");
    }
    my $r = vixrun(['-h', $sim->{host}, '-P', '0', @cred, 'list']);
    is_deeply([$r->{status}, $r->{out}], [255, qq{Error: Invalid port "0"\n}], '-P 0: 255');
    $r = vixrun(['-vp', 'ignored', @H, 'list']);
    is($r->{status}, 0, '-vp is accepted and ignored');
}

# --- credentials ---------------------------------------------------------------

{
    my %env = (VIX_USER => $sim->{user}, VIX_PASSWORD => $sim->{password});
    my $r = vixrun(['-T', 'vc', '-h', $sim->{url}, 'list'], env => \%env);
    is($r->{status}, 0, 'credentials from VIX_USER and VIX_PASSWORD');
    $r = vixrun(['-T', 'vc', '-h', $sim->{url}, '-u', $sim->{user}, 'list']);
    is($r->{status}, 255, 'no password, stdin not a terminal: 255');
    like($r->{out}, qr/^Error: a host user name and password are required/, '... and says so');
    is($r->{err}, '', '... without prompting');
    $r = vixrun(['-T', 'vc', '-h', $sim->{url}, 'list'], env => { VIX_PASSWORD => $sim->{password} });
    is($r->{status}, 255, 'no user, stdin not a terminal: 255');
    $r = vixrun(['-T', 'vc', '-h', $sim->{url}, '-u', $sim->{user}, '-p', '', 'list'],
                env => { VIX_PASSWORD => $sim->{password} });
    is_deeply([$r->{status}, $r->{out}], [255, $err_text->(VIX_E_AUTHENTICATION_FAIL)], '-p wins over VIX_PASSWORD');
}

# The prompt, on a terminal (script(1) gives the command a pty).
SKIP: {
    my $script = -x '/usr/bin/script' ? '/usr/bin/script' : undef;
    skip 'script(1) not available', 4 unless $script;
    my $cmd = join ' ', map { my $s = $_; $s =~ s/'/'\\''/g; "'$s'" }
        perl_cmd(), vixrun_path(), '-T', 'vc', '-h', $sim->{url}, '-u', $sim->{user}, 'list';
    local $ENV{HOME} = File::Temp::tempdir(CLEANUP => 1);
    my $pid = open2(my $out, my $in, $script, '-qec', $cmd, '/dev/null');
    my $buf = '';
    my $sel = IO::Select->new($out);
    my $deadline = time + 60;
    my $sent = 0;
    while (time < $deadline) {
        last unless $sel->can_read(1) || !$sent;
        my $n = sysread($out, $buf, 4096, length $buf);
        last if defined $n && $n == 0;
        if (!$sent && $buf =~ /Host password for \Q$sim->{user}\E: /) {
            sleep 0.3;    # the prompt is printed just before echo goes off
            print {$in} "$sim->{password}\n";
            $in->flush;
            $sent = 1;
        }
    }
    close $in;
    waitpid($pid, 0);
    ok($sent, 'on a terminal, vixrun asks for the password');
    like($buf, qr/Total running VMs: \d+/, '... and uses it');
    unlike($buf, qr/\Q$sim->{password}\E/, '... which the terminal does not echo');
    is($? >> 8, 0, '... exit 0');
}

# --- no password in ps ------------------------------------------------------------

# A server that accepts and never answers keeps vixrun waiting in HostConnect.
{
    my $stall = IO::Socket::IP->new(LocalHost => '127.0.0.1', LocalPort => 0, Listen => 5, Proto => 'tcp')
        or die "listen: $@";
    my $port = $stall->sockport;
    my $secret = 'Env-Secret-' . int(rand(1e9));
    my $flagsecret = 'Flag-Secret-' . int(rand(1e9));

    my $spawn = sub {
        my ($env, @args) = @_;
        my $pid = fork // die "fork: $!";
        if (!$pid) {
            open STDIN, '<', '/dev/null';
            open STDOUT, '>', '/dev/null';
            open STDERR, '>', '/dev/null';
            $ENV{HOME} = File::Temp::tempdir(CLEANUP => 0);
            $ENV{$_} = $env->{$_} for keys %$env;
            exec(perl_cmd(), vixrun_path(), @args) or POSIX::_exit(127);
        }
        return $pid;
    };
    my $cmdlines = sub {
        my %c;
        for my $f (glob '/proc/[0-9]*/cmdline') {
            open my $fh, '<', $f or next;
            local $/;
            my $c = <$fh> // '';
            (my $p = $f) =~ s{^/proc/(\d+)/.*}{$1};
            $c =~ s/\0/ /g;
            $c{$p} = $c;
        }
        return \%c;
    };
    my $wait_accept = sub {
        my $sel = IO::Select->new($stall);
        return $sel->can_read(30) ? $stall->accept : undef;
    };

    my $pid = $spawn->({ VIX_USER => 'root', VIX_PASSWORD => $secret, VIX_GUEST_PASSWORD => "g$secret" },
                       '-T', 'esx', '-h', "127.0.0.1:$port", '-gu', 'guest', 'list');
    my $conn = $wait_accept->();
    ok($conn, 'vixrun (password from the environment) is waiting on a silent server');
    my $all = $cmdlines->();
    like($all->{$pid} // '', qr/vixrun/, 'its command line is visible');
    is((grep { /\Q$secret\E/ } values %$all), 0, 'no command line in /proc (ps) holds the password');
    kill 'TERM', $pid;
    waitpid($pid, 0);
    close $conn if $conn;

    $pid = $spawn->({}, '-T', 'esx', '-h', "127.0.0.1:$port", '-u', 'root', '-p', $flagsecret, 'list');
    $conn = $wait_accept->();
    ok($conn, 'vixrun -p is waiting on a silent server');
    $all = $cmdlines->();
    unlike($all->{$pid} // '', qr/\Q$flagsecret\E/, 'a -p password is overwritten in its command line');
    like($all->{$pid} // '', qr/-p xxxxxxxx/, '... shown as xxxxxxxx');
    kill 'TERM', $pid;
    waitpid($pid, 0);
}

# --- an ESXi host ----------------------------------------------------------------

{
    my $esx = start_sim(model => 'esx');
    my @E = ('-T', 'esx', '-h', $esx->{url}, '-u', $esx->{user}, '-p', $esx->{password});
    my @on = sort map { $_->{path} } grep { $_->{power} eq 'poweredOn' } @{ witness($esx)->{vms} };
    my $r = vixrun([@E, 'list']);
    my ($head, @vms) = lines($r->{out});
    is($head, 'Total running VMs: ' . @on, 'esx: list header');
    is_deeply([sort @vms], \@on, 'esx: list');
    is(vixrun([@E, 'stop', $on[0]])->{status}, 0, 'esx: stop');
    is(witness_vm($esx, $on[0])->{power}, 'poweredOff', 'esx: off');
    $r = vixrun([@E, 'list']);
    is((lines($r->{out}))[0], 'Total running VMs: ' . (@on - 1), 'esx: one fewer running');
    is(vixrun([@E, 'start', $on[0]])->{status}, 0, 'esx: start');
    is_deeply([sim_sessions($esx)], [], 'esx: no session left on the server');
}

is_deeply([sim_sessions($sim)], [], 'no session left on the server');

done_testing;
