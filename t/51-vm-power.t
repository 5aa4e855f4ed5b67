#!/usr/bin/perl
# Power and lifecycle (SPEC-VM 11, 12, 17.5, 17.7, 17.13) against the
# simulator in both models; server state checked with the pyvmomi witness.
use strict;
use warnings;
use lib 't/lib';

use Test::More;

use VixTest;
use VixTest::Witness;
use VMware::Vix::Simple qw(:DEFAULT GetLastErrorDetail);
use VMware::Vix::API::Constants;

sandbox();
witness_ok() or skip_or_fail('the witness needs /usr/bin/python3 with pyVmomi (python3-pyvmomi)');

my $PW = 'Pz4-power-DISTINCT';

sub state_of {
    my ($vm) = @_;
    my ($e, $s) = GetProperties($vm, VIX_PROPERTY_VM_POWER_STATE);
    return $e == VIX_OK ? $s : "error $e";
}

sub new_methods {
    my ($sim, $before) = @_;
    my @m = sim_methods($sim);
    return @m[$before .. $#m];
}

sub run_model {
    my ($model) = @_;
    # Tools of a VM powered on here start an hour later, i.e. never during
    # the test: the VM used below is power-cycled so that its Tools are not
    # running (the simulator's own VMs start with Tools running).
    my $sim = start_sim(model => $model, password => $PW, args => ['-tools-delay', '1h']);
    my ($err, $h) = HostConnect(VIX_API_VERSION, VIX_SERVICEPROVIDER_VMWARE_VI_SERVER, $sim->{url}, 0,
                                $sim->{user}, $sim->{password}, 0, VIX_INVALID_HANDLE);
    is($err, VIX_OK, 'HostConnect') or return diag(GetLastErrorDetail());
    my %w = witness_vms($sim);
    my @paths = sort keys %w;
    my ($path, $other) = @paths;
    my ($e, $vm) = VMOpen($h, $path);
    is($e, VIX_OK, "VMOpen($path)") or return diag(GetLastErrorDetail());

    # ---- properties (SPEC-VM 12) against the witness
    my @ids = (VIX_PROPERTY_VM_NAME, VIX_PROPERTY_VM_NUM_VCPUS, VIX_PROPERTY_VM_MEMORY_SIZE,
               VIX_PROPERTY_VM_GUESTOS, VIX_PROPERTY_VM_READ_ONLY, VIX_PROPERTY_VM_VMX_PATHNAME);
    my ($pe, @vals) = GetProperties($vm, @ids);
    is($pe, VIX_OK, 'GetProperties(name, vcpus, memory, guestos, read-only, vmx)') or diag(GetLastErrorDetail());
    my @wp = witness_props($sim, $path);
    is_deeply(\@vals, \@wp, 'values equal the witness (name numCPU memoryMB guestId template vmPathName)');
    my ($pe2, @more) = GetProperties($vm, VIX_PROPERTY_VM_VMTEAM_PATHNAME, VIX_PROPERTY_VM_IN_VMTEAM,
                                     VIX_PROPERTY_VM_IS_RUNNING, VIX_PROPERTY_VM_SUPPORTED_FEATURES,
                                     VIX_PROPERTY_VM_TOOLS_STATE, VIX_PROPERTY_VM_IS_RECORDING,
                                     VIX_PROPERTY_VM_IS_REPLAYING, 236, 237);
    is($pe2, VIX_OK, 'GetProperties(team path, in team, running, features, tools, retired 236/237)');
    is_deeply(\@more, ['', 0, 1,
                       VIX_VM_SUPPORT_MULTIPLE_SNAPSHOTS | VIX_VM_SUPPORT_TOOLS_INSTALL | VIX_VM_SUPPORT_HARDWARE_UPGRADE,
                       $more[4], 0, 0, 0, 0], '... "", 0, 1 (on), the feature bits, retired ids answer 0');
    ok((grep { $more[4] == $_ } VIX_TOOLSSTATE_UNKNOWN, VIX_TOOLSSTATE_RUNNING, VIX_TOOLSSTATE_NOT_INSTALLED),
       "tools state is one of the VIX_TOOLSSTATE values ($more[4])");
    for my $bad (99999, VIX_PROPERTY_HOST_HOSTTYPE, -1, 'abc') {
        my $n = scalar sim_methods($sim);
        is_deeply([GetProperties($vm, VIX_PROPERTY_VM_NAME, $bad)], [VIX_E_UNRECOGNIZED_PROPERTY],
                  "GetProperties(vm, name, $bad) -> VIX_E_UNRECOGNIZED_PROPERTY and no values");
        is(scalar sim_methods($sim), $n, '... nothing sent');
    }

    # ---- power states compared with ==
    my $st = state_of($vm);
    ok($st == VIX_POWERSTATE_POWERED_ON, 'power state == VIX_POWERSTATE_POWERED_ON (no TOOLS_RUNNING added)')
      or diag("got $st");
    is(VMPowerOn($vm, 0, 0), VIX_E_VM_IS_RUNNING, 'VMPowerOn of an on VM -> VIX_E_VM_IS_RUNNING');
    like(GetLastErrorDetail(), qr/VMPowerOn.*\Q$path\E/, '... detail names the operation and the VM');
    is(VMPowerOn($vm, VIX_VMPOWEROP_START_VM_PAUSED, 0), VIX_E_NOT_SUPPORTED, 'START_VM_PAUSED -> VIX_E_NOT_SUPPORTED');
    witness($sim, 'poweroff', $path);
    witness($sim, 'poweron', $path);
    is(VMPowerOff($vm, VIX_VMPOWEROP_FROM_GUEST), VIX_E_TOOLS_NOT_RUNNING,
       'VMPowerOff FROM_GUEST without Tools running -> VIX_E_TOOLS_NOT_RUNNING');
    is(VMReset($vm, VIX_VMPOWEROP_FROM_GUEST), VIX_E_TOOLS_NOT_RUNNING, 'VMReset FROM_GUEST without Tools');
    %w = witness_vms($sim);
    is($w{$path}, 'poweredOn', '... the VM is still on (witness)');
    for my $c ([\&VMPowerOff, 'VMPowerOff', [VIX_VMPOWEROP_LAUNCH_GUI]], [\&VMPowerOff, 'VMPowerOff', [0x8000]],
               [\&VMReset, 'VMReset', [VIX_VMPOWEROP_START_VM_PAUSED]], [\&VMSuspend, 'VMSuspend', [1]],
               [\&VMPowerOn, 'VMPowerOn', [VIX_VMPOWEROP_FROM_GUEST, 0]], [\&VMPowerOn, 'VMPowerOn', [1 << 20, 0]]) {
        my ($f, $name, $args) = @$c;
        my $n = scalar sim_methods($sim);
        is($f->($vm, @$args), VIX_E_INVALID_ARG, "$name options $args->[0] -> VIX_E_INVALID_ARG");
        is(scalar sim_methods($sim), $n, '... nothing sent');
    }
    is(VMDelete($vm, 0), VIX_E_INVALID_ARG, 'VMDelete without VIX_VMDELETE_DISK_FILES -> VIX_E_INVALID_ARG');
    is(VMDelete($vm, VIX_VMDELETE_DISK_FILES), VIX_E_VM_IS_RUNNING, 'VMDelete of an on VM -> VIX_E_VM_IS_RUNNING');
    is(VMPause($vm, 0, 0), VIX_E_NOT_SUPPORTED, 'VMPause -> VIX_E_NOT_SUPPORTED');
    is(VMUnpause($vm, 0, 0), VIX_E_NOT_SUPPORTED, 'VMUnpause -> VIX_E_NOT_SUPPORTED');

    # ---- power off: list and scalar context; waited for with WaitForUpdatesEx
    my $n = scalar sim_methods($sim);
    my ($off) = VMPowerOff($vm, VIX_VMPOWEROP_NORMAL);
    is($off, VIX_OK, 'my ($e) = VMPowerOff(...)') or diag(GetLastErrorDetail());
    my @m = new_methods($sim, $n);
    is_deeply([grep { /_Task$|^CreateFilter$/ } @m], ['PowerOffVM_Task', 'CreateFilter'], '... one task, one filter');
    cmp_ok(scalar(grep { $_ eq 'WaitForUpdatesEx' } @m), '>=', 1, '... waited for with WaitForUpdatesEx');
    cmp_ok(scalar(grep { $_ eq 'RetrievePropertiesEx' } @m), '<=', 1, '... no polling of the power state');
    is({ witness_vms($sim) }->{$path}, 'poweredOff', '... off (witness)');
    ok(state_of($vm) == VIX_POWERSTATE_POWERED_OFF, 'power state == VIX_POWERSTATE_POWERED_OFF');
    my $again = VMPowerOff($vm, 0);
    is($again, VIX_E_VM_NOT_RUNNING, 'scalar: my $e = VMPowerOff(off VM) -> VIX_E_VM_NOT_RUNNING');
    is(VMReset($vm, 0), VIX_E_VM_NOT_RUNNING, 'VMReset of an off VM -> VIX_E_VM_NOT_RUNNING');
    is(VMSuspend($vm, 0), VIX_E_VM_NOT_RUNNING, 'VMSuspend of an off VM -> VIX_E_VM_NOT_RUNNING');
    is(VMPowerOff($vm, VIX_VMPOWEROP_FROM_GUEST), VIX_E_VM_NOT_RUNNING, 'VMPowerOff FROM_GUEST of an off VM');

    # ---- on (LAUNCH_GUI accepted), suspend, off refused, resume
    $n = scalar sim_methods($sim);
    is(VMPowerOn($vm, VIX_VMPOWEROP_LAUNCH_GUI, VIX_INVALID_HANDLE), VIX_OK, 'VMPowerOn LAUNCH_GUI accepted')
      or diag(GetLastErrorDetail());
    ok((grep { $_ eq 'WaitForUpdatesEx' } new_methods($sim, $n)), '... waited for with WaitForUpdatesEx');
    ok(state_of($vm) == VIX_POWERSTATE_POWERED_ON, '... on');
    is(VMReset($vm, 0), VIX_OK, 'VMReset of an on VM');
    is(VMSuspend($vm, 0), VIX_OK, 'VMSuspend');
    ok(state_of($vm) == VIX_POWERSTATE_SUSPENDED, 'power state == VIX_POWERSTATE_SUSPENDED');
    $n = scalar sim_methods($sim);
    is(VMPowerOff($vm, 0), VIX_E_VM_NOT_RUNNING, 'VMPowerOff of a suspended VM -> VIX_E_VM_NOT_RUNNING');
    ok(!(grep { /_Task$/ } new_methods($sim, $n)), '... no task sent');
    is({ witness_vms($sim) }->{$path}, 'suspended', '... it stays suspended (witness)');
    is(VMSuspend($vm, 0), VIX_E_VM_NOT_RUNNING, 'VMSuspend of a suspended VM -> VIX_E_VM_NOT_RUNNING');
    is(VMPowerOn($vm, 0, 0), VIX_OK, 'VMPowerOn resumes a suspended VM') or diag(GetLastErrorDetail());
    is({ witness_vms($sim) }->{$path}, 'poweredOn', '... on (witness)');

    # ---- delete: suspended and off VMs
    is(VMSuspend($vm, 0), VIX_OK, 'suspend again');
    is(VMDelete($vm, VIX_VMDELETE_DISK_FILES), VIX_OK, 'VMDelete of a suspended VM') or diag(GetLastErrorDetail());
    %w = witness_vms($sim);
    ok(!exists $w{$path}, '... gone (witness)');
    is(GetHandleType($vm), VIX_HANDLETYPE_VM, '... the handle stays a VM handle');
    is(VMPowerOn($vm, 0, 0), VIX_E_VM_NOT_FOUND, '... VMPowerOn on it -> VIX_E_VM_NOT_FOUND');
    is_deeply([GetProperties($vm, VIX_PROPERTY_VM_NAME)], [VIX_E_VM_NOT_FOUND], '... GetProperties -> VM_NOT_FOUND alone');
    is(VMDelete($vm, VIX_VMDELETE_DISK_FILES), VIX_E_VM_NOT_FOUND, '... VMDelete again -> VM_NOT_FOUND');
    ReleaseHandle($vm);
    is(GetHandleType($vm), VIX_HANDLETYPE_NONE, '... until released');

    my ($e2, $vm2) = VMOpen($h, $other);
    is($e2, VIX_OK, "VMOpen($other)");
    witness($sim, 'poweroff', $other);
    ok(state_of($vm2) == VIX_POWERSTATE_POWERED_OFF, 'a state changed behind our back is seen (nothing cached)');
    is(VMDelete($vm2, VIX_VMDELETE_DISK_FILES), VIX_OK, 'VMDelete of an off VM');
    ok(!exists { witness_vms($sim) }->{$other}, '... gone (witness)');

    # ---- a VM deleted behind our back
    %w = witness_vms($sim);
    my ($third) = grep { $_ ne $path && $_ ne $other } sort keys %w;
  SKIP: {
        skip 'the model has no third VM', 4 unless $third;
        my ($e3, $vm3) = VMOpen($h, $third);
        is($e3, VIX_OK, "VMOpen($third)");
        witness($sim, 'poweroff', $third);
        witness($sim, 'destroy', $third);
        is(VMPowerOn($vm3, 0, 0), VIX_E_VM_NOT_FOUND, 'VMPowerOn of a VM deleted behind our back -> VIX_E_VM_NOT_FOUND');
        like(GetLastErrorDetail(), qr/\Q$third\E/, '... detail names the VM');
        is_deeply([GetProperties($vm3, VIX_PROPERTY_VM_POWER_STATE)], [VIX_E_VM_NOT_FOUND], '... GetProperties too');
    }
    unlike(GetLastErrorDetail(), qr/\Q$PW\E/, 'no password in the detail');
    HostDisconnect($h);
    stop_sim($sim);
}

for my $model (qw(vpx esx)) {
    subtest "model $model" => sub { run_model($model) };
}

# FROM_GUEST with Tools running: the guest's own shutdown, standby and
# reboot (ShutdownGuest, StandbyGuest, RebootGuest), then a wait for the
# power state the guest reaches.
subtest 'FROM_GUEST with Tools running' => sub {
    my $sim = start_sim(password => $PW, args => ['-tools-delay', '200ms']);
    my ($err, $h) = HostConnect(VIX_API_VERSION, VIX_SERVICEPROVIDER_VMWARE_VI_SERVER, $sim->{url}, 0,
                                $sim->{user}, $sim->{password}, 0, VIX_INVALID_HANDLE);
    is($err, VIX_OK, 'HostConnect') or return diag(GetLastErrorDetail());
    my ($path) = sort keys %{ { witness_vms($sim) } };
    my ($e, $vm) = VMOpen($h, $path);
    is($e, VIX_OK, "VMOpen($path)");
    my $tools_up = sub {    # bounded: 100 x 100 ms
        for (1 .. 100) {
            my ($pe, $t) = GetProperties($vm, VIX_PROPERTY_VM_TOOLS_STATE);
            return 1 if $pe == VIX_OK && $t == VIX_TOOLSSTATE_RUNNING;
            select(undef, undef, undef, 0.1);
        }
        return 0;
    };
    ok($tools_up->(), 'Tools run in the powered-on VM');
    is(VMReset($vm, VIX_VMPOWEROP_FROM_GUEST), VIX_OK, 'VMReset FROM_GUEST (RebootGuest)');
    is({ witness_vms($sim) }->{$path}, 'poweredOn', '... the VM stays on (witness)');
    ok($tools_up->(), '... and its Tools come back');
    is(VMSuspend($vm, VIX_VMPOWEROP_FROM_GUEST), VIX_OK, 'VMSuspend FROM_GUEST (StandbyGuest) waits for the standby');
    is({ witness_vms($sim) }->{$path}, 'suspended', '... suspended on return (witness)');
    is(VMPowerOn($vm, 0, 0), VIX_OK, 'VMPowerOn resumes it');
    ok($tools_up->(), '... Tools run again');
    is(VMPowerOff($vm, VIX_VMPOWEROP_FROM_GUEST), VIX_OK, 'VMPowerOff FROM_GUEST (ShutdownGuest) waits for the power-off');
    is({ witness_vms($sim) }->{$path}, 'poweredOff', '... off on return (witness)');
    my @m = sim_methods($sim);
    ok((grep { $_ eq 'ShutdownGuest' } @m) && (grep { $_ eq 'StandbyGuest' } @m) && (grep { $_ eq 'RebootGuest' } @m),
       '... through ShutdownGuest, StandbyGuest and RebootGuest');
    HostDisconnect($h);
    stop_sim($sim);
};

done_testing;
