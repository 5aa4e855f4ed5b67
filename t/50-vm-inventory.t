#!/usr/bin/perl
# Inventory (SPEC-VM 10, 17.1, 17.4, 17.9): FindItems, FindRunningVMs,
# VMOpen, HostOpenVM, RegisterVM, UnregisterVM against the simulator in both
# models, every answer checked against an independent pyvmomi witness.
use strict;
use warnings;
use lib 't/lib';

use Test::More;
use File::Copy qw(copy);
use File::Path qw(make_path);
use Time::HiRes qw(time);

use VixTest;
use VixTest::Witness;
use VixTest::Hostile;
use VMware::Vix::Simple qw(:DEFAULT GetLastErrorDetail);
use VMware::Vix::API::Constants;

sandbox();
witness_ok() or skip_or_fail('the witness needs /usr/bin/python3 with pyVmomi (python3-pyvmomi)');

my $PW = 'Wq7-vix-DISTINCT-pass';    # must never show up in a detail
my @DETAILS;                          # every detail seen, checked at the end
sub detail { my $d = GetLastErrorDetail(); push @DETAILS, $d; $d }

# Something scripts pass where a string goes: an object that stringifies.
package VixTest::StrObj { use overload '""' => sub { ${ $_[0] } }, fallback => 1 }
sub strobj { my $s = shift; bless \$s, 'VixTest::StrObj' }

sub count_methods {
    my ($sim, $name) = @_;
    return scalar grep { $_ eq $name } sim_methods($sim);
}

sub run_model {
    my ($model) = @_;
    my $sim = start_sim(model => $model, password => $PW);

    # A URI-like object as the host name, as scripts built with URI pass it.
    my ($err, $h) = HostConnect(VIX_API_VERSION, VIX_SERVICEPROVIDER_VMWARE_VI_SERVER, strobj($sim->{url}),
                                0, $sim->{user}, $sim->{password}, 0, VIX_INVALID_HANDLE);
    is($err, VIX_OK, 'HostConnect with a stringifying object as host name') or do { diag(detail()); return };

    # ---- FindItems: exactly the witness's list, both unpacking styles
    my %w = witness_vms($sim);
    my @wpaths = sort keys %w;
    cmp_ok(scalar @wpaths, '>=', 2, "witness sees the model's VMs (@wpaths)");
    like($_, qr/^\[[^\]]+\] \S/, "witness path '$_' has one space after ]") for @wpaths;

    my ($e, @v) = FindItems($h, VIX_FIND_REGISTERED_VMS, 0);
    is($e, VIX_OK, 'FindItems(REGISTERED) ok: my ($e, @v) = ...') or diag(detail());
    is_deeply([sort @v], \@wpaths, 'FindItems(REGISTERED) lists exactly the witness\'s vmPathNames');
    ok(!(grep { !utf8::is_utf8($_) && /[^\x00-\x7f]/ } @v), 'items are character strings');

    my @r = FindItems($h, VIX_FIND_REGISTERED_VMS, 30);
    my $e2 = shift @r;
    is($e2, VIX_OK, 'FindItems ok: @v = F(); $e = shift @v');
    is_deeply([sort @r], \@wpaths, '... same list');

    @r = FindItems($h, '4', '30');
    is(shift(@r), VIX_OK, 'FindItems with numeric strings ("4", "30")');
    is_deeply([sort @r], \@wpaths, '... same list');

    @r = FindItems($h, VMware::Vix::Simple::VIX_FIND_REGISTERED_VMS(), -1);
    is(shift(@r), VIX_OK, 'FindItems with a fully qualified constant and timeout -1 (no bound)');
    is_deeply([sort @r], \@wpaths, '... same list');

    for my $bad (0, 2, 3, 5, -1) {
        my $before = scalar sim_methods($sim);
        my @x = FindItems($h, $bad, 0);
        is_deeply(\@x, [VIX_E_INVALID_ARG], "FindItems(searchType $bad) -> VIX_E_INVALID_ARG alone");
        is(scalar sim_methods($sim), $before, "... nothing sent for searchType $bad");
    }

    # ---- running VMs after powering one off behind our back
    my $off = $wpaths[0];
    witness($sim, 'poweroff', $off);
    %w = witness_vms($sim);
    is($w{$off}, 'poweredOff', "witness powered off $off");
    my @wrun = sort grep { $w{$_} eq 'poweredOn' } keys %w;
    @r = FindRunningVMs($h, 10);
    is(shift(@r), VIX_OK, 'FindRunningVMs ok') or diag(detail());
    is_deeply([sort @r], \@wrun, 'FindRunningVMs lists exactly the witness\'s poweredOn VMs');
    ($e, @v) = FindItems($h, VIX_FIND_RUNNING_VMS, 0);
    is($e, VIX_OK, 'FindItems(RUNNING) ok');
    is_deeply([sort @v], \@wrun, 'FindItems(RUNNING) lists exactly the poweredOn VMs');
    ok(!(grep { $_ eq $off } @v), "... and not the one powered off");

    # ---- VMOpen / HostOpenVM
    my $path = $wpaths[1];
    my ($oe, $vm) = VMOpen($h, $path);
    is($oe, VIX_OK, "VMOpen('$path')") or diag(detail());
    cmp_ok($vm, '>', 0, '... a handle');
    is(GetHandleType($vm), VIX_HANDLETYPE_VM, '... of type VIX_HANDLETYPE_VM');
    my ($pe, $vmx) = GetProperties($vm, VIX_PROPERTY_VM_VMX_PATHNAME);
    is($pe, VIX_OK, 'GetProperties(VMX_PATHNAME)');
    ok($vmx eq $path, '... is the path opened, exactly');

    (my $nospace = $path) =~ s/^(\[[^\]]+\]) /$1/;
    my ($oe2, $vm2) = VMOpen($h, $nospace);
    is($oe2, VIX_OK, "VMOpen('$nospace') (no space after ])") or diag(detail());
    isnt($vm2, $vm, 'two opens give two distinct handles');
    ($pe, $vmx) = GetProperties($vm2, VIX_PROPERTY_VM_VMX_PATHNAME);
    ok($vmx eq $path, '... the same VM');

    my ($oe3, $vm3) = VMOpen($h, strobj($path));
    is($oe3, VIX_OK, 'VMOpen with a stringifying object');
    my $logouts = count_methods($sim, 'Logout');    # the witness logs out too
    ReleaseHandle($vm3);
    is(GetHandleType($vm3), VIX_HANDLETYPE_NONE, 'released VM handle has type NONE');
    is(count_methods($sim, 'Logout'), $logouts, 'releasing a VM handle does not log out');

    (my $ds) = $path =~ /^\[([^\]]+)\]/;
    for my $c (["[$ds] no_such_vm/no_such_vm.vmx", VIX_E_VM_NOT_FOUND, 'not registered'],
               ["[NoSuchDatastore] x/x.vmx", VIX_E_VM_NOT_FOUND, 'unknown datastore'],
               [substr($path, length("[$ds] ")), VIX_E_VM_NOT_FOUND, 'no [ds] prefix'],
               [undef, VIX_E_INVALID_ARG, 'undef'], ['', VIX_E_INVALID_ARG, 'empty']) {
        my ($p, $code, $what) = @$c;
        my @x = VMOpen($h, $p);
        is_deeply(\@x, [$code, VIX_INVALID_HANDLE], "VMOpen($what) -> ($code, VIX_INVALID_HANDLE)")
          or diag(detail());
        my $d = detail();
        like($d, qr/\Q$p\E/, "... detail names the path") if defined $p && length $p && $code == VIX_E_VM_NOT_FOUND;
        @x = HostOpenVM($h, $p, VIX_VMOPEN_NORMAL, VIX_INVALID_HANDLE);
        is_deeply(\@x, [$code, VIX_INVALID_HANDLE], "HostOpenVM($what) -> $code");
    }

    my ($he, $hvm) = HostOpenVM($h, $path, VIX_VMOPEN_NORMAL, VIX_INVALID_HANDLE);
    is($he, VIX_OK, 'HostOpenVM(path, 0, VIX_INVALID_HANDLE)') or diag(detail());
    is(GetHandleType($hvm), VIX_HANDLETYPE_VM, '... a VM handle');
    ($he) = HostOpenVM($h, $path, undef, undef);
    is($he, VIX_OK, 'HostOpenVM with undef options and property list');
    for my $opt (1, 2, 8, 0x100, -1) {
        my $before = scalar sim_methods($sim);
        my @x = HostOpenVM($h, $path, $opt, VIX_INVALID_HANDLE);
        is_deeply(\@x, [VIX_E_INVALID_ARG, VIX_INVALID_HANDLE], "HostOpenVM options $opt -> VIX_E_INVALID_ARG");
        is(scalar sim_methods($sim), $before, '... nothing sent');
    }
    my @x = HostOpenVM($h, $path, 0, $h);
    is($x[0], VIX_E_INVALID_ARG, 'HostOpenVM with a real handle as property list -> VIX_E_INVALID_ARG');

    # ---- wrong handle types
    is(scalar(() = FindItems($vm, VIX_FIND_REGISTERED_VMS, 0)), 1, 'FindItems(vmHandle) returns the code alone');
    is((FindItems($vm, VIX_FIND_REGISTERED_VMS, 0))[0], VIX_E_NOT_SUPPORTED_ON_HANDLE_TYPE,
       'FindItems(vmHandle) -> NOT_SUPPORTED_ON_HANDLE_TYPE');
    is((FindRunningVMs($vm, 0))[0], VIX_E_NOT_SUPPORTED_ON_HANDLE_TYPE, 'FindRunningVMs(vmHandle)');
    is_deeply([VMOpen($vm, $path)], [VIX_E_NOT_SUPPORTED_ON_HANDLE_TYPE, 0], 'VMOpen(vmHandle)');
    is(RegisterVM($vm, $path), VIX_E_NOT_SUPPORTED_ON_HANDLE_TYPE, 'RegisterVM(vmHandle)');
    is(UnregisterVM($vm, $path), VIX_E_NOT_SUPPORTED_ON_HANDLE_TYPE, 'UnregisterVM(vmHandle)');
    is(VMPowerOn($h, 0, 0), VIX_E_NOT_SUPPORTED_ON_HANDLE_TYPE, 'VMPowerOn(hostHandle)');
    is(VMPowerOff($h, 0), VIX_E_NOT_SUPPORTED_ON_HANDLE_TYPE, 'VMPowerOff(hostHandle)');
    is(VMDelete($h, VIX_VMDELETE_DISK_FILES), VIX_E_NOT_SUPPORTED_ON_HANDLE_TYPE, 'VMDelete(hostHandle)');
    is(VMPause($h, 0, 0), VIX_E_NOT_SUPPORTED_ON_HANDLE_TYPE, 'VMPause(hostHandle): the handle before NOT_SUPPORTED');

    # ---- RegisterVM of a .vmx placed in the datastore's directory
    my %dsdir = witness_datastores($sim);
    my $dir = $dsdir{$ds};
    ok(defined $dir && -d $dir, "datastore $ds has a local directory ($dir)");
    my ($srcdir, $srcfile) = $wpaths[0] =~ /^\[[^\]]+\] (.*)\/([^\/]+)$/;
    make_path("$dir/vixreg");
    ok(copy("$dir/$srcdir/$srcfile", "$dir/vixreg/vixreg.vmx"), 'placed vixreg/vixreg.vmx in the datastore')
      or diag("copy: $!");
    # The simulator registers only a complete VM directory: nvram and log too.
    for my $f ('vixreg.nvram', 'vmware.log') {
        open my $fh, '>', "$dir/vixreg/$f" or die "$f: $!";
        close $fh;
    }
    my $reg = "[$ds] vixreg/vixreg.vmx";
    my $tasks = count_methods($sim, 'RegisterVM_Task');
    is(RegisterVM($h, "[$ds]vixreg/vixreg.vmx"), VIX_OK, "RegisterVM('[$ds]vixreg/vixreg.vmx')") or diag(detail());
    is(count_methods($sim, 'RegisterVM_Task'), $tasks + 1, '... one RegisterVM_Task sent');
    ($e, @v) = FindItems($h, VIX_FIND_REGISTERED_VMS, 0);
    ok((grep { $_ eq $reg } @v), "the next FindItems lists '$reg'");
    %w = witness_vms($sim);
    ok(exists $w{$reg}, '... and so does the witness');
    is_deeply([sort @v], [sort keys %w], 'FindItems still equals the witness');

    is(RegisterVM($h, $reg), VIX_OK, 'RegisterVM of a registered VM -> VIX_OK');
    is(RegisterVM($h, $path), VIX_OK, 'RegisterVM of a model VM (registered) -> VIX_OK');
    is(count_methods($sim, 'RegisterVM_Task'), $tasks + 1, '... no RegisterVM_Task sent for them');

    is(RegisterVM($h, "[$ds] nothere/nothere.vmx"), VIX_E_NOT_FOUND, 'RegisterVM of a missing file -> VIX_E_NOT_FOUND');
    like(detail(), qr/nothere\.vmx/, '... detail names the path');
    my $t2 = count_methods($sim, 'RegisterVM_Task');
    is(RegisterVM($h, '[NoSuchDatastore] x/x.vmx'), VIX_E_NOT_FOUND, 'RegisterVM on an unknown datastore -> VIX_E_NOT_FOUND');
    is(count_methods($sim, 'RegisterVM_Task'), $t2, '... no RegisterVM_Task sent');
    for my $c (['', 'empty'], [undef, 'undef'], ['vixreg/vixreg.vmx', 'no [ds] prefix'], ['[] x.vmx', 'empty [ds]']) {
        my $before = scalar sim_methods($sim);
        is(RegisterVM($h, $c->[0]), VIX_E_INVALID_ARG, "RegisterVM($c->[1]) -> VIX_E_INVALID_ARG");
        is(scalar sim_methods($sim), $before, '... nothing sent');
    }

    # ---- UnregisterVM
    is($w{$reg}, 'poweredOff', 'the registered VM is off (witness)');
    is(UnregisterVM($h, $reg), VIX_OK, 'UnregisterVM of an off VM') or diag(detail());
    %w = witness_vms($sim);
    ok(!exists $w{$reg}, '... gone (witness)');
    ($e, @v) = FindItems($h, VIX_FIND_REGISTERED_VMS, 0);
    ok(!(grep { $_ eq $reg } @v), '... gone from FindItems');
    ok(-e "$dir/vixreg/vixreg.vmx", '... its file stays');
    is(UnregisterVM($h, $reg), VIX_OK, 'UnregisterVM of a VM no longer registered -> VIX_OK');
    is(UnregisterVM($h, 'vixreg/vixreg.vmx'), VIX_OK, 'UnregisterVM without [ds] -> VIX_OK');
    is(UnregisterVM($h, '[NoSuchDatastore] a/a.vmx'), VIX_OK, 'UnregisterVM on an unknown datastore -> VIX_OK');
    is(UnregisterVM($h, ''), VIX_E_INVALID_ARG, "UnregisterVM('') -> VIX_E_INVALID_ARG");

    my $on = $wpaths[1];
    is($w{$on}, 'poweredOn', "$on is on (witness)");
    is(UnregisterVM($h, $on), VIX_E_VM_IS_RUNNING, 'UnregisterVM of a powered-on VM -> VIX_E_VM_IS_RUNNING');
    witness($sim, 'suspend', $on);
    is(UnregisterVM($h, $on), VIX_E_VM_IS_RUNNING, 'UnregisterVM of a suspended VM -> VIX_E_VM_IS_RUNNING');
    %w = witness_vms($sim);
    ok(exists $w{$on}, '... both times it stays registered (witness)');
    is($w{$on}, 'suspended', '... and suspended');
    is(count_methods($sim, 'UnregisterVM'), 1, 'only the one UnregisterVM of the off VM was sent');

    # ---- after HostDisconnect every VM handle is stale
    HostDisconnect($h);
    for my $hh ([$vm, 'opened with VMOpen'], [$hvm, 'opened with HostOpenVM']) {
        my ($v, $what) = @$hh;
        is(GetHandleType($v), VIX_HANDLETYPE_NONE, "VM handle $what: type NONE after HostDisconnect");
        is(VMPowerOn($v, 0, 0), VIX_E_INVALID_HANDLE, '... VMPowerOn -> VIX_E_INVALID_HANDLE');
        is_deeply([GetProperties($v, VIX_PROPERTY_VM_NAME)], [VIX_E_INVALID_HANDLE], '... GetProperties -> INVALID_HANDLE alone');
        my @rr = eval { (ReleaseHandle($v), ReleaseHandle($v)) };
        is($@, '', '... ReleaseHandle twice does not die');
        is(scalar @rr, 0, '... and returns nothing');
    }
    is_deeply([FindItems($h, VIX_FIND_REGISTERED_VMS, 0)], [VIX_E_INVALID_HANDLE], 'FindItems on the disconnected host -> INVALID_HANDLE');
    is_deeply([VMOpen($h, $path)], [VIX_E_INVALID_HANDLE, 0], 'VMOpen on the disconnected host');
    is(scalar(sim_sessions($sim)), 0, 'no session left on the server');

    ok(!(grep { /\Q$PW\E/ } @DETAILS), 'no detail contained the password (' . scalar(@DETAILS) . ' seen)');
    stop_sim($sim);
}

for my $model (qw(vpx esx)) {
    subtest "model $model" => sub { run_model($model) };
}

# ---- FindItems timeout (SPEC-VM 10, 17.9): a server slow to answer the
# property retrieval. A bound shorter than the delay ends the call with
# OPERATION_TIMEDOUT and no items; 0 and -1 have no bound of their own; the
# host handle works after the timeout.
subtest 'FindItems timeout' => sub {
    my $srv = VixTest::Hostile->start('fake_vsphere', delay => { RetrievePropertiesEx => 2.5 });
    my ($err, $h) = HostConnect(VIX_API_VERSION, VIX_SERVICEPROVIDER_VMWARE_VI_SERVER, $srv->url, 0,
                                'root', $PW, 0, VIX_INVALID_HANDLE);
    is($err, VIX_OK, 'connected to the scripted host') or return diag(detail());
    my $t0 = time;
    my @r = FindItems($h, VIX_FIND_REGISTERED_VMS, 1);
    my $took = time - $t0;
    is_deeply(\@r, [VIX_E_NET_HTTP_OPERATION_TIMEDOUT], 'timeout 1 s, answer after 2.5 s: OPERATION_TIMEDOUT and no items');
    cmp_ok($took, '<', 2.4, sprintf('... returned before the answer came (%.2f s)', $took));
    like(detail(), qr/FindItems/, '... detail names FindItems');
    for my $t (0, -1) {
        @r = FindItems($h, VIX_FIND_REGISTERED_VMS, $t);
        is_deeply(\@r, [VIX_OK, '[ds1] vm1/vm1.vmx'], "timeout $t: no bound of its own, the slow answer arrives")
          or diag(detail());
    }
    @r = FindItems($h, VIX_FIND_REGISTERED_VMS, 20);
    is_deeply(\@r, [VIX_OK, '[ds1] vm1/vm1.vmx'], 'timeout 20 s: the host handle is as usable as before');
    HostDisconnect($h);

    # A stalled answer (never sent): same code, and the next call still works.
    my $stall = VixTest::Hostile->start('fake_vsphere', stall_once => 'RetrievePropertiesEx');
    ($err, $h) = HostConnect(VIX_API_VERSION, VIX_SERVICEPROVIDER_VMWARE_VI_SERVER, $stall->url, 0,
                             'root', $PW, 0, VIX_INVALID_HANDLE);
    is($err, VIX_OK, 'connected to the stalling host');
    $t0 = time;
    @r = FindItems($h, VIX_FIND_REGISTERED_VMS, 1);
    $took = time - $t0;
    is_deeply(\@r, [VIX_E_NET_HTTP_OPERATION_TIMEDOUT], 'a stalled retrieval with timeout 1 s -> OPERATION_TIMEDOUT, no items');
    cmp_ok($took, '<', 5, sprintf('... within the bound (%.2f s)', $took));
    @r = FindItems($h, VIX_FIND_REGISTERED_VMS, 10);
    is_deeply(\@r, [VIX_OK, '[ds1] vm1/vm1.vmx'], 'after the timeout the host handle still works');
    my ($oe, $vm) = VMOpen($h, '[ds1] vm1/vm1.vmx');
    is($oe, VIX_OK, '... and VMOpen too');
    HostDisconnect($h);
    ok(!(grep { /\Q$PW\E/ } @DETAILS), 'no detail contained the password');
};

done_testing;
