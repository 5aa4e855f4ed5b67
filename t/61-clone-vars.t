#!/usr/bin/perl
# VMClone, VM variables, virtual hardware, Tools, the screen and the families
# vSphere lacks (SPEC-VM 13) against the simulator; the server's state is
# checked by an independent client (pyvmomi, t/lib/witness_snap.py).
use strict;
use warnings;
use utf8;
use Test::More;
use lib 't/lib';
use VixTest;
use WitnessSnap;
use VMware::Vix::Simple qw(:DEFAULT GetLastErrorDetail);
use VMware::Vix::API::Constants;

sandbox();
witness_ok();
binmode(Test::More->builder->$_, ':encoding(UTF-8)') for qw(output failure_output todo_output);

my $PASSWORD = 'Cl0ne-s3cret!pw';
my $sim = start_sim(model => 'vpx', password => $PASSWORD);
my @details;
sub detail { my $d = GetLastErrorDetail(); push @details, $d; $d }
sub sent { scalar(() = sim_methods($sim)) }

my ($err, $host) = HostConnect(VIX_API_VERSION, VIX_SERVICEPROVIDER_VMWARE_VI_SERVER, $sim->{url}, 0,
                               $sim->{user}, $PASSWORD, 0, VIX_INVALID_HANDLE);
is($err, VIX_OK, 'connected') or BAIL_OUT(GetLastErrorDetail());
my (undef, @vmx) = FindItems($host, VIX_FIND_REGISTERED_VMS, 0);
my ($vmx) = grep { m{/DC0_H0_VM1\.vmx\z} } @vmx or BAIL_OUT('no DC0_H0_VM1');
my (undef, $vm) = VMOpen($host, $vmx);
my ($ds) = $vmx =~ /^\[([^\]]+)\]/;

# ---- guest variables: ours read by pyvmomi, pyvmomi's read by us ----
my $value = "Wert <&> \"☃\" ünï";
is(VMWriteVariable($vm, VIX_VM_GUEST_VARIABLE, 'role', $value, 0), VIX_OK, 'VMWriteVariable guestinfo.role') or diag detail();
is(witness_get($sim, $vmx, 'guestinfo.role'), $value, 'witness reads guestinfo.role as written');
witness_set($sim, $vmx, 'guestinfo.fromWitness', 'pyvmomi wrote this ☃');
my ($re, $read) = VMReadVariable($vm, VIX_VM_GUEST_VARIABLE, 'fromWitness', 0);
is_deeply([$re, $read], [VIX_OK, 'pyvmomi wrote this ☃'], "we read the witness's guestinfo.fromWitness");
ok(utf8::is_utf8($read), '(as a character string)');
is_deeply([VMReadVariable($vm, VIX_VM_GUEST_VARIABLE, 'role', 0)], [VIX_OK, $value], 'and our own value back');
is_deeply([VMReadVariable($vm, VIX_VM_GUEST_VARIABLE, 'ROLE', 0)], [VIX_OK, $value], 'names are case-insensitive');
is_deeply([VMReadVariable($vm, VIX_VM_GUEST_VARIABLE, 'never.set', 0)], [VIX_OK, ''], 'unset: VIX_OK and ""');
is(VMWriteVariable($vm, VIX_VM_GUEST_VARIABLE, 'role', 'second', 0), VIX_OK, 'overwrite');
is(witness_get($sim, $vmx, 'guestinfo.role'), 'second', 'witness sees the new value');

# ---- the guest variable "ip": what Tools publish, guest.ipAddress on vSphere ----
my $ip = witness_ip($sim, $vmx);
like($ip, qr/\A\d+\.\d+\.\d+\.\d+\z/, "the server reports the guest's address while Tools run ($ip)");
is_deeply([VMReadVariable($vm, VIX_VM_GUEST_VARIABLE, 'ip', 0)], [VIX_OK, $ip], 'VMReadVariable guest "ip": guest.ipAddress');
is_deeply([VMReadVariable($vm, VIX_VM_GUEST_VARIABLE, 'IP', 0)], [VIX_OK, $ip], '(any case)');
is_deeply([VMReadVariable($vm, VIX_VM_CONFIG_RUNTIME_ONLY, 'ip', 0)], [VIX_OK, ''], 'not a runtime config value');
witness_set($sim, $vmx, 'guestinfo.ip', '192.0.2.7');
is_deeply([VMReadVariable($vm, VIX_VM_GUEST_VARIABLE, 'ip', 0)], [VIX_OK, '192.0.2.7'], 'a guestinfo.ip comes first');
witness_set($sim, $vmx, 'guestinfo.ip', '');
is_deeply([VMReadVariable($vm, VIX_VM_GUEST_VARIABLE, 'ip', 0)], [VIX_OK, $ip], 'an empty guestinfo.ip does not hide the address');

# ---- runtime config ----
my (undef, $name, $guest, $mem, $cpus) = GetProperties($vm, VIX_PROPERTY_VM_NAME, VIX_PROPERTY_VM_GUESTOS,
                                                       VIX_PROPERTY_VM_MEMORY_SIZE, VIX_PROPERTY_VM_NUM_VCPUS);
is_deeply([VMReadVariable($vm, VIX_VM_CONFIG_RUNTIME_ONLY, 'displayName', 0)], [VIX_OK, $name], 'displayName');
is_deeply([VMReadVariable($vm, VIX_VM_CONFIG_RUNTIME_ONLY, 'GUESTOS', 0)], [VIX_OK, $guest], 'guestOS (any case)');
is_deeply([VMReadVariable($vm, VIX_VM_CONFIG_RUNTIME_ONLY, 'memsize', 0)], [VIX_OK, $mem], 'memsize');
is_deeply([VMReadVariable($vm, VIX_VM_CONFIG_RUNTIME_ONLY, 'numVCPUs', 0)], [VIX_OK, $cpus], 'numvcpus');
is_deeply([VMReadVariable($vm, VIX_VM_CONFIG_RUNTIME_ONLY, 'guestinfo.role', 0)], [VIX_OK, 'second'], 'an extraConfig key');
is_deeply([VMReadVariable($vm, VIX_VM_CONFIG_RUNTIME_ONLY, 'no.such.key', 0)], [VIX_OK, ''], 'unset runtime key: ""');

# ---- what cannot be written, and environment variables before login ----
my $n = sent();
is(VMWriteVariable($vm, VIX_VM_CONFIG_RUNTIME_ONLY, 'memsize', '64', 0), VIX_E_NOT_SUPPORTED, 'runtime config cannot be written');
like(detail(), qr/DC0_H0_VM1/, 'detail names the VM');
is(VMWriteVariable($vm, VIX_GUEST_ENVIRONMENT_VARIABLE, 'PATH', '/bin', 0), VIX_E_NOT_SUPPORTED, 'nor environment variables');
is_deeply([VMReadVariable($vm, VIX_GUEST_ENVIRONMENT_VARIABLE, 'PATH', 0)], [VIX_E_GUEST_USER_PERMISSIONS],
          'environment variable before VMLoginInGuest: VIX_E_GUEST_USER_PERMISSIONS');
is(sent(), $n, 'none of that reached the server');

# ---- clones ----
my (undef, $snap) = VMCreateSnapshot($vm, 'for-clones', '', 0, 0);
my ($fe, $full) = VMClone($vm, VIX_INVALID_HANDLE, VIX_CLONETYPE_FULL, "[$ds] full1/full1.vmx", 0, VIX_INVALID_HANDLE);
is($fe, VIX_OK, 'full clone of the current state') or diag detail();
is(GetHandleType($full), VIX_HANDLETYPE_VM, 'a VM handle');
my ($ge, $path, $cname) = GetProperties($full, VIX_PROPERTY_VM_VMX_PATHNAME, VIX_PROPERTY_VM_NAME);
is_deeply([$ge, $path, $cname], [VIX_OK, "[$ds] full1/full1.vmx", 'full1'], 'registered where the path says, named after the file');
is(witness_path($sim, 'full1'), "[$ds] full1/full1.vmx", 'witness: registered there');
my ($fse, $fromsnap) = VMClone($vm, $snap, VIX_CLONETYPE_FULL, "[$ds]full2/full2.vmx", 0, undef);
is($fse, VIX_OK, 'full clone from a snapshot (no space after ])') or diag detail();
is(witness_path($sim, 'full2'), "[$ds] full2/full2.vmx", 'witness: registered');
my ($le, $linked) = VMClone($vm, $snap, VIX_CLONETYPE_LINKED, "[$ds] linked1/linked1.vmx", 0, 0);
is($le, VIX_OK, 'linked clone from a snapshot') or diag detail();
is_deeply([GetProperties($linked, VIX_PROPERTY_VM_NAME)], [VIX_OK, 'linked1'], 'its handle is usable');
is(witness_path($sim, 'linked1'), "[$ds] linked1/linked1.vmx", 'witness: registered');
is(VMPowerOn($linked, 0, 0), VIX_OK, 'the clone powers on');
is(VMPowerOff($linked, 0), VIX_OK, 'and off');
$n = sent();
is_deeply([VMClone($vm, 0, VIX_CLONETYPE_LINKED, "[$ds] l2/l2.vmx", 0, 0)], [VIX_E_INVALID_ARG, 0], 'linked without a snapshot: VIX_E_INVALID_ARG');
is_deeply([VMClone($vm, undef, VIX_CLONETYPE_LINKED, "[$ds] l2/l2.vmx", 0, 0)], [VIX_E_INVALID_ARG, 0], '(undef snapshot too)');
is(sent(), $n, 'nothing sent');
is_deeply([VMClone($vm, 0, VIX_CLONETYPE_FULL, '[nosuchds] x/x.vmx', 0, 0)], [VIX_E_NOT_FOUND, 0], 'an unknown datastore: VIX_E_NOT_FOUND');
is(witness_path($sim, 'x'), undef, 'witness: no such clone');
ReleaseHandle($full);
is(VMRemoveSnapshot($vm, $snap, 0), VIX_OK, 'the snapshot the clones came from can go');

# ---- the families vSphere lacks ----
my @ns = (
    [VMEnableSharedFolders => sub { VMEnableSharedFolders($_[0], 1, 0) }, 'shared folders'],
    [VMGetNumSharedFolders => sub { VMGetNumSharedFolders($_[0]) }, 'shared folders'],
    [VMGetSharedFolderState => sub { VMGetSharedFolderState($_[0], 0) }, 'shared folders'],
    [VMSetSharedFolderState => sub { VMSetSharedFolderState($_[0], 's', '/tmp', VIX_SHAREDFOLDER_WRITE_ACCESS) }, 'shared folders'],
    [VMAddSharedFolder => sub { VMAddSharedFolder($_[0], 's', '/tmp', VIX_SHAREDFOLDER_WRITE_ACCESS) }, 'shared folders'],
    [VMRemoveSharedFolder => sub { VMRemoveSharedFolder($_[0], 's', 0) }, 'shared folders'],
    [VMOpenUrlInGuest => sub { VMOpenUrlInGuest($_[0], 'http://example.com/', 0, VIX_INVALID_HANDLE) }, 'URL'],
    [VMBeginRecording => sub { VMBeginRecording($_[0], 'r', 'd', 0, VIX_INVALID_HANDLE) }, 'record and replay'],
    [VMEndRecording => sub { VMEndRecording($_[0], 0, VIX_INVALID_HANDLE) }, 'record and replay'],
    [VMBeginReplay => sub { VMBeginReplay($_[0], 0, 0, VIX_INVALID_HANDLE) }, 'record and replay'],
    [VMEndReplay => sub { VMEndReplay($_[0], 0, VIX_INVALID_HANDLE) }, 'record and replay'],
);
$n = sent();
for my $f (@ns) {
    my ($fn, $call, $what) = @$f;
    my @r = $call->($vm);
    is($r[0], VIX_E_NOT_SUPPORTED, "$fn: VIX_E_NOT_SUPPORTED");
    like(detail(), qr/^$fn .*: vSphere has no .*\Q$what\E/, "$fn: the detail says vSphere has no such feature");
    is(($call->(0))[0], VIX_E_INVALID_HANDLE, "$fn: handle 0 first");
    is(($call->($host))[0], VIX_E_NOT_SUPPORTED_ON_HANDLE_TYPE, "$fn: a host handle");
}
is_deeply([VMBeginRecording($vm, 'r', 'd', 0, 0)], [VIX_E_NOT_SUPPORTED, VIX_INVALID_HANDLE], 'VMBeginRecording: ($err, VIX_INVALID_HANDLE)');
is(scalar(my @one = VMGetNumSharedFolders($vm)), 1, 'VMGetNumSharedFolders: $err only');
is(sent(), $n, 'none of them sent anything');

# ---- virtual hardware ----
is(VMUpgradeVirtualHardware($vm, 0), VIX_E_VM_IS_RUNNING, 'upgrade while on: VIX_E_VM_IS_RUNNING');
is(VMPowerOff($vm, 0), VIX_OK, 'power off');
is_deeply([VMReadVariable($vm, VIX_VM_GUEST_VARIABLE, 'ip', 0)], [VIX_OK, ''], 'off, Tools stopped: "ip" is ""');
# The simulator may create its VMs at the newest version already: then the
# first upgrade is the AlreadyUpgraded fault too. Either way the second is.
my $first = VMUpgradeVirtualHardware($vm, 0);
ok($first == VIX_OK || $first == VIX_E_VM_ALREADY_UP_TO_DATE, 'upgrade to the newest version (or already there)')
    or diag detail();
# (govmomi 0.24.2 never says AlreadyUpgraded; tools/vcsim's UpgradeVM_Task does, as vSphere.)
is(VMUpgradeVirtualHardware($vm, 0), VIX_E_VM_ALREADY_UP_TO_DATE, 'again: VIX_E_VM_ALREADY_UP_TO_DATE') or diag detail();

# ---- VMware Tools ----
is(VMInstallTools($vm, VIX_INSTALLTOOLS_MOUNT_TOOLS_INSTALLER, undef), VIX_E_VM_NOT_RUNNING, 'Tools need the VM on');
is(VMPowerOn($vm, 0, 0), VIX_OK, 'power on');
# Tools come up a moment after power-on (bounded wait); UpgradeTools needs them.
for (1 .. 100) {
    my ($pe, $t) = GetProperties($vm, VIX_PROPERTY_VM_TOOLS_STATE);
    last if $pe == VIX_OK && $t == VIX_TOOLSSTATE_RUNNING;
    select(undef, undef, undef, 0.1);
}
SKIP: {
    my $mount = VMInstallTools($vm, VIX_INSTALLTOOLS_MOUNT_TOOLS_INSTALLER, undef);
    skip 'the simulator has no MountToolsInstaller (tools/vcsim on branch vcsim adds it)', 2
        if $mount == VIX_E_FAIL && detail() =~ /MethodNotFound/;
    is($mount, VIX_OK, 'VIX_INSTALLTOOLS_MOUNT_TOOLS_INSTALLER (0) mounts the installer');
    is(VMInstallTools($vm, VIX_INSTALLTOOLS_AUTO_UPGRADE, '/S /v/qn'), VIX_OK, 'VIX_INSTALLTOOLS_AUTO_UPGRADE with arguments');
}

# ---- the screen: the PNG fetched from the datastore, and deleted there ----
{
    my ($dsdir) = map { $_->{dir} } grep { $_->{name} eq $ds } @{ sim_info($sim)->{datastores} };
    my ($vmdir) = $vmx =~ /^\[[^\]]+\]\s*(.*)\/[^\/]*\z/;
    my $pngs = sub { opendir(my $d, "$dsdir/$vmdir") or return -1; scalar grep { /\.png\z/ } readdir $d };
    my $vmxfile = $vmx =~ s{^\[[^\]]+\]\s*}{}r;
    ok(defined $dsdir && -f "$dsdir/$vmxfile", "the VM's directory on the datastore holds its .vmx: $vmdir");
    for my $fmt (VIX_CAPTURESCREENFORMAT_PNG, VIX_CAPTURESCREENFORMAT_PNG_NOCOMPRESS) {
        my @r = VMCaptureScreenImage($vm, $fmt, VIX_INVALID_HANDLE);
        is($r[0], VIX_OK, "VMCaptureScreenImage (format $fmt)") or diag detail();
        is(scalar(@r), 3, '($err, $size, $png)');
        is($r[1], length($r[2] // ''), '$size == length $png');
        ok(!utf8::is_utf8($r[2] // ''), 'a byte string');
        is(substr($r[2] // '', 0, 8), "\x89PNG\r\n\x1a\n", 'PNG bytes');
        ok(length($r[2] // '') > 100, 'more than a header (' . length($r[2] // '') . ' bytes)');
        is($pngs->(), 0, 'the .png is no longer on the datastore');
    }
    my @m = grep { /CreateScreenshot_Task|DeleteDatastoreFile_Task/ } sim_methods($sim);
    is(scalar(grep { /DeleteDatastoreFile_Task/ } @m), 2, 'each capture deleted its file with DeleteDatastoreFile_Task');
    is(VMPowerOff($vm, 0), VIX_OK, 'power off');
    my @r = VMCaptureScreenImage($vm, VIX_CAPTURESCREENFORMAT_PNG, VIX_INVALID_HANDLE);
    is_deeply(\@r, [VIX_E_VM_NOT_RUNNING], 'a VM that is off: VIX_E_VM_NOT_RUNNING, nothing else');
    like(detail(), qr/^VMCaptureScreenImage \Q$vmx\E: .*InvalidPowerState/, 'the detail names the call, the VM and the fault');
    is($pngs->(), 0, 'no file left behind');
}

# ---- bad input: a clear code, nothing sent ----
my (undef, $snap2) = VMCreateSnapshot($vm, 'bad', '', 0, 0);
my (undef, $gone) = VMCreateSnapshot($vm, 'gone', '', 0, 0);
VMRemoveSnapshot($vm, $gone, 0);
my (undef, $stale) = VMOpen($host, $vmx);
ReleaseHandle($stale);
my $huge = 2**70;
$n = sent();
my @bad = (
    ['clone: VM 0', VIX_E_INVALID_HANDLE, sub { VMClone(0, 0, 0, "[$ds] a/a.vmx", 0, 0) }],
    ['clone: released VM', VIX_E_INVALID_HANDLE, sub { VMClone($stale, 0, 0, "[$ds] a/a.vmx", 0, 0) }],
    ['clone: snapshot as VM', VIX_E_NOT_SUPPORTED_ON_HANDLE_TYPE, sub { VMClone($snap2, 0, 0, "[$ds] a/a.vmx", 0, 0) }],
    ['clone: a VM as snapshot', VIX_E_NOT_SUPPORTED_ON_HANDLE_TYPE, sub { VMClone($vm, $vm, 0, "[$ds] a/a.vmx", 0, 0) }],
    ['clone: a released snapshot', VIX_E_INVALID_HANDLE, sub { VMClone($vm, 12345, 0, "[$ds] a/a.vmx", 0, 0) }],
    ['clone: a removed snapshot', VIX_E_SNAPSHOT_NOTFOUND, sub { VMClone($vm, $gone, 1, "[$ds] a/a.vmx", 0, 0) }],
    ['clone: snapshot a string', VIX_E_INVALID_ARG, sub { VMClone($vm, 'snap', 0, "[$ds] a/a.vmx", 0, 0) }],
    ['clone: snapshot a ref', VIX_E_INVALID_ARG, sub { VMClone($vm, [], 0, "[$ds] a/a.vmx", 0, 0) }],
    ['clone: type 2', VIX_E_INVALID_ARG, sub { VMClone($vm, 0, 2, "[$ds] a/a.vmx", 0, 0) }],
    ['clone: type undef', VIX_E_INVALID_ARG, sub { VMClone($vm, 0, undef, "[$ds] a/a.vmx", 0, 0) }],
    ['clone: type huge', VIX_E_INVALID_ARG, sub { VMClone($vm, 0, $huge, "[$ds] a/a.vmx", 0, 0) }],
    ['clone: path undef', VIX_E_INVALID_ARG, sub { VMClone($vm, 0, 0, undef, 0, 0) }],
    ['clone: path empty', VIX_E_INVALID_ARG, sub { VMClone($vm, 0, 0, '', 0, 0) }],
    ['clone: path without [ds]', VIX_E_INVALID_ARG, sub { VMClone($vm, 0, 0, 'a/a.vmx', 0, 0) }],
    ['clone: path names no file', VIX_E_INVALID_ARG, sub { VMClone($vm, 0, 0, "[$ds] a/", 0, 0) }],
    ['clone: path NUL', VIX_E_INVALID_ARG, sub { VMClone($vm, 0, 0, "[$ds] a\0/a.vmx", 0, 0) }],
    ['clone: path invalid UTF-8', VIX_E_INVALID_UTF8_STRING, sub { VMClone($vm, 0, 0, "[LocalDS_0] \xff/a.vmx", 0, 0) }],  # bytes: no interpolation of a character string
    ['clone: path a ref', VIX_E_INVALID_ARG, sub { VMClone($vm, 0, 0, {}, 0, 0) }],
    ['clone: options', VIX_E_INVALID_ARG, sub { VMClone($vm, 0, 0, "[$ds] a/a.vmx", 1, 0) }],
    ['clone: property list', VIX_E_INVALID_ARG, sub { VMClone($vm, 0, 0, "[$ds] a/a.vmx", 0, 7) }],
    ['read: VM 0', VIX_E_INVALID_HANDLE, sub { VMReadVariable(0, 1, 'a', 0) }],
    ['read: snapshot handle', VIX_E_NOT_SUPPORTED_ON_HANDLE_TYPE, sub { VMReadVariable($snap2, 1, 'a', 0) }],
    ['read: type 0', VIX_E_INVALID_ARG, sub { VMReadVariable($vm, 0, 'a', 0) }],
    ['read: type 4', VIX_E_INVALID_ARG, sub { VMReadVariable($vm, 4, 'a', 0) }],
    ['read: type a string', VIX_E_INVALID_ARG, sub { VMReadVariable($vm, 'guest', 'a', 0) }],
    ['read: name undef', VIX_E_INVALID_ARG, sub { VMReadVariable($vm, 1, undef, 0) }],
    ['read: name empty', VIX_E_INVALID_ARG, sub { VMReadVariable($vm, 1, '', 0) }],
    ['read: name NUL', VIX_E_INVALID_ARG, sub { VMReadVariable($vm, 1, "a\0", 0) }],
    ['read: name invalid UTF-8', VIX_E_INVALID_UTF8_STRING, sub { VMReadVariable($vm, 1, "\xed\xa0\x80", 0) }],
    ['read: options', VIX_E_INVALID_ARG, sub { VMReadVariable($vm, 1, 'a', 1) }],
    ['write: VM released', VIX_E_INVALID_HANDLE, sub { VMWriteVariable($stale, 1, 'a', 'b', 0) }],
    ['write: host handle', VIX_E_NOT_SUPPORTED_ON_HANDLE_TYPE, sub { VMWriteVariable($host, 1, 'a', 'b', 0) }],
    ['write: type huge', VIX_E_INVALID_ARG, sub { VMWriteVariable($vm, $huge, 'a', 'b', 0) }],
    ['write: name a ref', VIX_E_INVALID_ARG, sub { VMWriteVariable($vm, 1, [], 'b', 0) }],
    ['write: value undef', VIX_E_INVALID_ARG, sub { VMWriteVariable($vm, 1, 'a', undef, 0) }],
    ['write: value NUL', VIX_E_INVALID_ARG, sub { VMWriteVariable($vm, 1, 'a', "b\0c", 0) }],
    ['write: value invalid UTF-8', VIX_E_INVALID_UTF8_STRING, sub { VMWriteVariable($vm, 1, 'a', "\x80", 0) }],
    ['write: value a ref', VIX_E_INVALID_ARG, sub { VMWriteVariable($vm, 1, 'a', \'b', 0) }],
    ['write: options', VIX_E_INVALID_ARG, sub { VMWriteVariable($vm, 1, 'a', 'b', -1) }],
    ['write: runtime, bad value first', VIX_E_INVALID_UTF8_STRING, sub { VMWriteVariable($vm, 2, 'a', "\x80", 0) }],
    ['upgrade: VM 0', VIX_E_INVALID_HANDLE, sub { VMUpgradeVirtualHardware(0, 0) }],
    ['upgrade: snapshot handle', VIX_E_NOT_SUPPORTED_ON_HANDLE_TYPE, sub { VMUpgradeVirtualHardware($snap2, 0) }],
    ['upgrade: options', VIX_E_INVALID_ARG, sub { VMUpgradeVirtualHardware($vm, 4) }],
    ['upgrade: options a ref', VIX_E_INVALID_ARG, sub { VMUpgradeVirtualHardware($vm, []) }],
    ['tools: VM undef', VIX_E_INVALID_HANDLE, sub { VMInstallTools(undef, 0, undef) }],
    ['tools: host handle', VIX_E_NOT_SUPPORTED_ON_HANDLE_TYPE, sub { VMInstallTools($host, 0, undef) }],
    ['tools: options 4', VIX_E_INVALID_ARG, sub { VMInstallTools($vm, 4, undef) }],
    ['tools: options huge', VIX_E_INVALID_ARG, sub { VMInstallTools($vm, $huge, undef) }],
    ['tools: args a ref', VIX_E_INVALID_ARG, sub { VMInstallTools($vm, 1, []) }],
    ['tools: args NUL', VIX_E_INVALID_ARG, sub { VMInstallTools($vm, 1, "/S\0") }],
    ['tools: args invalid UTF-8', VIX_E_INVALID_UTF8_STRING, sub { VMInstallTools($vm, 1, "\xc3") }],
    ['screen: VM 0', VIX_E_INVALID_HANDLE, sub { VMCaptureScreenImage(0, 1, 0) }],
    ['screen: snapshot handle', VIX_E_NOT_SUPPORTED_ON_HANDLE_TYPE, sub { VMCaptureScreenImage($snap2, 1, 0) }],
    ['screen: type 0', VIX_E_INVALID_ARG, sub { VMCaptureScreenImage($vm, 0, 0) }],
    ['screen: type undef', VIX_E_INVALID_ARG, sub { VMCaptureScreenImage($vm, undef, 0) }],
    ['screen: type 3', VIX_E_INVALID_ARG, sub { VMCaptureScreenImage($vm, 3, 0) }],
    ['screen: property list', VIX_E_INVALID_ARG, sub { VMCaptureScreenImage($vm, 1, 'x') }],
);
for my $b (@bad) {
    my ($what, $code, $call) = @$b;
    my @r = $call->();
    is($r[0], $code, "bad input: $what") or diag detail();
    detail();
}
is(sent(), $n, 'no bad input reached the server');

HostDisconnect($host);
is(GetHandleType($linked), VIX_HANDLETYPE_NONE, 'HostDisconnect invalidates clone handles');
is((grep { index($_, $PASSWORD) >= 0 } @details), 0, 'no detail holds the password (' . @details . ' details)');

done_testing;
