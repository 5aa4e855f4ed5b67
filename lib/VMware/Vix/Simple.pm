package VMware::Vix::Simple;
use strict;
# No "use warnings": it would add a third to the load time (see bench/), and
# this file only loads the XS part.

our $VERSION = '0.01';

require XSLoader;
XSLoader::load(__PACKAGE__, $VERSION);
# Puts every constant into this package too (VMware::Vix::Simple::VIX_OK).
require VMware::Vix::API::Constants;

use Exporter 'import';

# The original bindings' names, exported by default. New functions go to
# @EXPORT_OK only, so existing scripts never meet a name clash.
our @EXPORT = qw(
    HostConnect
    HostDisconnect
    GetErrorText
    ReleaseHandle
    GetHandleType
    GetProperties
    FindItems
    FindRunningVMs
    VMOpen
    HostOpenVM
    RegisterVM
    UnregisterVM
    VMPowerOn
    VMPowerOff
    VMReset
    VMSuspend
    VMPause
    VMUnpause
    VMDelete
    VMCreateSnapshot
    VMRemoveSnapshot
    VMRevertToSnapshot
    VMGetNumRootSnapshots
    VMGetRootSnapshot
    VMGetCurrentSnapshot
    VMGetNamedSnapshot
    SnapshotGetNumChildren
    SnapshotGetChild
    SnapshotGetParent
    VMClone
    VMReadVariable
    VMWriteVariable
    VMUpgradeVirtualHardware
    VMInstallTools
    VMCaptureScreenImage
    VMEnableSharedFolders
    VMGetNumSharedFolders
    VMGetSharedFolderState
    VMSetSharedFolderState
    VMAddSharedFolder
    VMRemoveSharedFolder
    VMOpenUrlInGuest
    VMBeginRecording
    VMEndRecording
    VMBeginReplay
    VMEndReplay
    VMWaitForToolsInGuest
    VMLoginInGuest
    VMLogoutFromGuest
    VMRunProgramInGuest
    VMRunProgramInGuestEx
    VMRunScriptInGuest
    VMListProcessesInGuest
    VMKillProcessInGuest
    VMCopyFileFromHostToGuest
    VMCopyFileFromGuestToHost
    VMDeleteFileInGuest
    VMFileExistsInGuest
    VMRenameFileInGuest
    VMCreateTempFileInGuest
    VMListDirectoryInGuest
    VMCreateDirectoryInGuest
    VMDeleteDirectoryInGuest
    VMDirectoryExistsInGuest
    VMGetFileInfoInGuest
);
our @EXPORT_OK = qw(
    GetLastErrorDetail
    AcquireCloneTicket
);
our %EXPORT_TAGS = (all => [@EXPORT, @EXPORT_OK]);

# Sessions this process still holds at exit are logged out (bounded); in a
# forked child the core knows they are not its own and only closes sockets.
END { _disconnect_all() }

1;
__END__

=encoding utf8

=head1 NAME

VMware::Vix::Simple - VMware VIX API for Perl: connect to vCenter, ESXi and Workstation

=head1 SYNOPSIS

    use VMware::Vix::Simple;
    use VMware::Vix::API::Constants;

    my ($err, $hostHandle) = HostConnect(VIX_API_VERSION,
        VIX_SERVICEPROVIDER_VMWARE_VI_SERVER,
        "https://vcenter.example.com/sdk",   # hostName
        0,                                   # hostPort (ignored)
        "administrator\@vsphere.local",      # userName
        $password,                           # password
        0,                                   # options
        VIX_INVALID_HANDLE);                 # propertyListHandle
    die "HostConnect() failed, $err ", GetErrorText($err), "\n" if $err != VIX_OK;
    # ...
    HostDisconnect($hostHandle);

=head1 DESCRIPTION

A drop-in replacement for VMware's discontinued VIX Perl bindings. Scripts
written for the original run unchanged: same function names, argument order,
list returns, constants and error codes. The connection layer talks to vCenter
and ESXi through the vSphere Web Services API (SOAP over HTTPS).

All functions are synchronous; none of them dies on a bad value (only on a
wrong number of arguments). Errors are returned as VIX error codes; compare
them with the constants of L<VMware::Vix::API::Constants>.

=head1 FUNCTIONS

=head2 HostConnect

    my ($err, $hostHandle) = HostConnect($apiVersion, $hostType, $hostName,
        $hostPort, $userName, $password, $options, $propertyListHandle);

Connects to a host and returns a host handle (C<VIX_INVALID_HANDLE>, 0, on
failure).

=over 4

=item $apiVersion

C<VIX_API_VERSION>.

=item $hostType

C<VIX_SERVICEPROVIDER_VMWARE_VI_SERVER> for vCenter and ESXi (and
C<VIX_SERVICEPROVIDER_VMWARE_WORKSTATION_SHARED>, which speaks the same
protocol). C<VIX_SERVICEPROVIDER_VMWARE_WORKSTATION> and
C<VIX_SERVICEPROVIDER_VMWARE_PLAYER> (and C<VIX_SERVICEPROVIDER_DEFAULT>) reach
the local host only and need a local C<vmrun>. C<VIX_SERVICEPROVIDER_VMWARE_SERVER>
(Server 1.0) returns C<VIX_E_NOT_SUPPORTED>.

=item $hostName

C<https://host[:port][/path]>, C<http://host[:port][/path]>, C<host>,
C<host:port>, C<[::1]>, C<[::1]:8443>, or a bare IPv6 address. Defaults:
https, port 443 (80 for http), path C</sdk>.

=item $hostPort

Ignored (put the port into C<$hostName>).

=item $userName, $password

Required for vSphere hosts. With C<$userName> undef, C<$password> is taken
as a clone ticket (see L</AcquireCloneTicket>).

=item $options

0, or C<VIX_HOSTOPTION_VERIFY_SSL_CERT> to verify the server's certificate.

=item $propertyListHandle

C<VIX_INVALID_HANDLE>.

=back

The whole call is bounded by one deadline: 60 seconds, or
C<vix.connectTimeoutSeconds> from the VMware config file
(F</etc/vmware/config>, then F<$HOME/.vmware/config>), which also holds
C<vix.enableSslCertificateCheck>, C<vix.sslCertificateFile>,
C<vix.sslCertificateDirectory> and C<vix.sslThumbprint>.

A signal with a Perl handler stops a waiting call, so an C<alarm> still
bounds it as it did with the original bindings:

    my ($err, $h) = eval {
        local $SIG{ALRM} = sub { die "timeout\n" };
        alarm 10;
        my @r = HostConnect(VIX_API_VERSION, VIX_SERVICEPROVIDER_VMWARE_VI_SERVER,
            $url, 0, $user, $password, 0, VIX_INVALID_HANDLE);
        alarm 0;
        @r;
    };

A handler that returns instead of dying makes C<HostConnect> return
C<VIX_E_CANCELLED>.

=head2 HostDisconnect

    HostDisconnect($hostHandle);

Logs the session out on the server (best effort, bounded by a few seconds),
closes the connection and invalidates the handle. A stale handle is ignored.

=head2 GetErrorText

    print GetErrorText($err), "\n";

The text for C<$err & 0xFFFF>; an "Unknown error" text for unknown codes. An
optional second argument (a locale) is accepted and ignored.

=head2 ReleaseHandle

    ReleaseHandle($hostHandle);

On a host handle, the same as L</HostDisconnect>; on a VM handle, frees it
(the host stays connected); on 0 or a stale handle, nothing.

=head2 GetHandleType

    if (GetHandleType($h) == VIX_HANDLETYPE_HOST) { ... }

C<VIX_HANDLETYPE_HOST> for a live host handle, C<VIX_HANDLETYPE_VM> for a
live VM handle (also after L</VMDelete>, until released), else
C<VIX_HANDLETYPE_NONE>.

=head2 GetProperties

    my ($err, $type, $product) = GetProperties($hostHandle,
        VIX_PROPERTY_HOST_HOSTTYPE, VIX_PROPERTY_HOST_SOFTWARE_VERSION);

Host properties: C<VIX_PROPERTY_HOST_HOSTTYPE> (the provider),
C<VIX_PROPERTY_HOST_API_VERSION> (the VIX API level implemented) and
C<VIX_PROPERTY_HOST_SOFTWARE_VERSION> (the server's product name and build).
An unknown id gives C<VIX_E_UNRECOGNIZED_PROPERTY>, a stale handle
C<VIX_E_INVALID_HANDLE>.

=head1 VIRTUAL MACHINES

Exported by default. Paths are the server's C<vmPathName>,
C<"[datastore] dir/name.vmx"> with one space after the C<]> (the space is
optional on input). Every call asks the server; nothing about a VM is
cached. A call given a handle of the wrong kind returns
C<VIX_E_NOT_SUPPORTED_ON_HANDLE_TYPE>; a released handle, or one whose host
was disconnected, C<VIX_E_INVALID_HANDLE>. Arguments are checked in order
before anything is sent.

=head2 FindItems

    my ($err, @vmxPaths) = FindItems($hostHandle, VIX_FIND_REGISTERED_VMS, 60);
    die GetErrorText($err) if $err != VIX_OK;
    print "$_\n" for @vmxPaths;

C<VIX_FIND_REGISTERED_VMS> lists every VM (templates included),
C<VIX_FIND_RUNNING_VMS> the powered-on ones; any other search type gives
C<VIX_E_INVALID_ARG>. The timeout is in seconds and bounds the whole call;
0 or a negative value means no bound of its own. When it passes the call
returns C<VIX_E_NET_HTTP_OPERATION_TIMEDOUT> and no items (never a partial
list), and the host handle stays usable. Both C<my ($err, @v) = FindItems(...)>
and C<@v = FindItems(...); $err = shift @v;> work.

=head2 FindRunningVMs

    my @r = FindRunningVMs($hostHandle, 60);
    my $err = shift @r;    # @r: the powered-on VMs' paths

The same as C<FindItems($hostHandle, VIX_FIND_RUNNING_VMS, $timeout)>.

=head2 VMOpen

    my ($err, $vmHandle) = VMOpen($hostHandle, '[datastore1] web01/web01.vmx');

Opens a registered VM (looked up in each datacenter in inventory order).
Not registered, unknown datastore, or no C<[datastore]> prefix:
C<VIX_E_VM_NOT_FOUND>; undef or empty path: C<VIX_E_INVALID_ARG>. On
failure the handle is C<VIX_INVALID_HANDLE>. Each open gives a new handle;
it belongs to the host handle and is invalid after L</HostDisconnect>.

=head2 HostOpenVM

    my ($err, $vmHandle) = HostOpenVM($hostHandle, $vmxPath,
        VIX_VMOPEN_NORMAL, VIX_INVALID_HANDLE);

As L</VMOpen>. Options must be C<VIX_VMOPEN_NORMAL> (0) and the property
list C<VIX_INVALID_HANDLE> (or undef); anything else is
C<VIX_E_INVALID_ARG>.

=head2 RegisterVM

    my $err = RegisterVM($hostHandle, '[datastore1] web02/web02.vmx');

Registers the C<.vmx> file with the datacenter that holds the datastore
(C<Folder.RegisterVM_Task>, waited for); the next L</FindItems> lists it. A
VM already registered gives C<VIX_OK> and sends nothing. A missing file or
an unknown datastore: C<VIX_E_NOT_FOUND>; an empty path or one without
C<[datastore]>: C<VIX_E_INVALID_ARG>; only a real C<RestrictedVersion> fault
gives C<VIX_E_LICENSE>.

=head2 UnregisterVM

    my $err = UnregisterVM($hostHandle, '[datastore1] web02/web02.vmx');

Removes a powered-off VM from the inventory (its files stay). A VM that is
powered on or suspended: C<VIX_E_VM_IS_RUNNING>, and it stays registered. A
path that matches no registered VM: C<VIX_OK>.

=head2 VMPowerOn

    my $err = VMPowerOn($vmHandle, VIX_VMPOWEROP_NORMAL, VIX_INVALID_HANDLE);

Powers the VM on, or resumes a suspended one, and waits for the task
(C<WaitForUpdatesEx>, no polling). Already on: C<VIX_E_VM_IS_RUNNING>.
C<VIX_VMPOWEROP_LAUNCH_GUI> is accepted and ignored;
C<VIX_VMPOWEROP_START_VM_PAUSED> gives C<VIX_E_NOT_SUPPORTED>; other bits
C<VIX_E_INVALID_ARG>. A task has no deadline of its own unless
C<vix.operationTimeoutSeconds> is set in the config file (then
C<VIX_E_NET_HTTP_OPERATION_TIMEDOUT>; the task goes on at the server); a
Perl signal (C<alarm>) ends the wait with C<VIX_E_CANCELLED>.

=head2 VMPowerOff

    my $err = VMPowerOff($vmHandle, VIX_VMPOWEROP_NORMAL);
    # or, through VMware Tools:
    $err = VMPowerOff($vmHandle, VIX_VMPOWEROP_FROM_GUEST);

Off or suspended: C<VIX_E_VM_NOT_RUNNING> (a suspended VM stays suspended).
C<VIX_VMPOWEROP_FROM_GUEST> asks the guest to shut down and waits until the
VM is off; without running Tools: C<VIX_E_TOOLS_NOT_RUNNING>. Both
C<my $err = VMPowerOff(...)> and C<my ($err) = VMPowerOff(...)> work.

=head2 VMReset

    my $err = VMReset($vmHandle, VIX_VMPOWEROP_NORMAL);

Resets a powered-on VM (C<FROM_GUEST>: reboots the guest through Tools).
Not on: C<VIX_E_VM_NOT_RUNNING>.

=head2 VMSuspend

    my $err = VMSuspend($vmHandle, VIX_VMPOWEROP_NORMAL);

Suspends a powered-on VM. Not on: C<VIX_E_VM_NOT_RUNNING>.

=head2 VMPause

    my $err = VMPause($vmHandle, 0, VIX_INVALID_HANDLE);   # VIX_E_NOT_SUPPORTED

vSphere has no paused state: after the handle and arguments pass, always
C<VIX_E_NOT_SUPPORTED>.

=head2 VMUnpause

    my $err = VMUnpause($vmHandle, 0, VIX_INVALID_HANDLE); # VIX_E_NOT_SUPPORTED

As L</VMPause>.

=head2 VMDelete

    my $err = VMDelete($vmHandle, VIX_VMDELETE_DISK_FILES);

Removes the VM and all its files (C<Destroy_Task>). The options must include
C<VIX_VMDELETE_DISK_FILES> (vSphere cannot keep the disks), else
C<VIX_E_INVALID_ARG>. Powered on: C<VIX_E_VM_IS_RUNNING>; off or suspended
VMs are deleted. The handle stays a VM handle until released; calls on it
give C<VIX_E_VM_NOT_FOUND>, as do calls on a VM deleted by someone else.

=head2 GetProperties on a VM handle

    my ($err, $state, $name) = GetProperties($vmHandle,
        VIX_PROPERTY_VM_POWER_STATE, VIX_PROPERTY_VM_NAME);
    print "$name is on\n" if $state == VIX_POWERSTATE_POWERED_ON;

One value per id, in order, read in one round trip. An id that is not a VM
property gives C<VIX_E_UNRECOGNIZED_PROPERTY> and no values.

    id                                  value
    VIX_PROPERTY_VM_NUM_VCPUS           int: config.hardware.numCPU
    VIX_PROPERTY_VM_VMX_PATHNAME        string: config.files.vmPathName
    VIX_PROPERTY_VM_VMTEAM_PATHNAME     string: "" (no teams on vSphere)
    VIX_PROPERTY_VM_MEMORY_SIZE         int (MB): config.hardware.memoryMB
    VIX_PROPERTY_VM_READ_ONLY           bool: config.template
    VIX_PROPERTY_VM_NAME                string: name
    VIX_PROPERTY_VM_GUESTOS             string: config.guestId ("" if unset)
    VIX_PROPERTY_VM_IN_VMTEAM           bool: 0
    VIX_PROPERTY_VM_POWER_STATE         int: exactly one of POWERED_OFF,
                                        POWERED_ON, SUSPENDED (plus
                                        BLOCKED_ON_MSG while a question is
                                        pending); TOOLS_RUNNING is never
                                        added, so == works
    VIX_PROPERTY_VM_TOOLS_STATE         int: VIX_TOOLSSTATE_RUNNING,
                                        _NOT_INSTALLED or _UNKNOWN
    VIX_PROPERTY_VM_IS_RUNNING          bool: powered on
    VIX_PROPERTY_VM_SUPPORTED_FEATURES  int: MULTIPLE_SNAPSHOTS |
                                        TOOLS_INSTALL | HARDWARE_UPGRADE
    VIX_PROPERTY_VM_IS_RECORDING (236),
    VIX_PROPERTY_VM_IS_REPLAYING (237)  0 (retired in VIX 1.11, still accepted)

=head1 SNAPSHOTS

Snapshot handles (C<VIX_HANDLETYPE_SNAPSHOT>) belong to the host handle the
VM was opened through: C<HostDisconnect> invalidates them, C<ReleaseHandle>
frees one. Every call reads the VM's snapshot tree from the server; nothing
is cached. After C<VMRemoveSnapshot> (or when the snapshot went with its
parent) a handle stays a snapshot handle until released, and calls on it
return C<VIX_E_SNAPSHOT_NOTFOUND>. A snapshot handle given with a VM it does
not belong to is C<VIX_E_INVALID_ARG>, and nothing is sent.

Snapshot properties for L</GetProperties>: C<VIX_PROPERTY_SNAPSHOT_DISPLAYNAME>,
C<VIX_PROPERTY_SNAPSHOT_DESCRIPTION>, C<VIX_PROPERTY_SNAPSHOT_POWERSTATE>
(the VM's power state when the snapshot was taken, as
C<VIX_PROPERTY_VM_POWER_STATE>) and C<VIX_PROPERTY_SNAPSHOT_IS_REPLAYABLE>
(always 0).

=head2 VMCreateSnapshot

    my ($err, $snapshotHandle) = VMCreateSnapshot($vmHandle, "before-upgrade",
        "taken by the nightly job", VIX_SNAPSHOT_INCLUDE_MEMORY, VIX_INVALID_HANDLE);

Takes a snapshot (C<CreateSnapshot_Task>) and returns a handle to it; it
becomes the current snapshot. An undef name is C<"Snapshot">, an undef
description C<"">. Options: 0 or C<VIX_SNAPSHOT_INCLUDE_MEMORY>.

=head2 VMRemoveSnapshot

    $err = VMRemoveSnapshot($vmHandle, $snapshotHandle, VIX_SNAPSHOT_REMOVE_CHILDREN);

Removes the snapshot (C<RemoveSnapshot_Task>); with
C<VIX_SNAPSHOT_REMOVE_CHILDREN> its children too, otherwise they move up to
its parent.

=head2 VMRevertToSnapshot

    $err = VMRevertToSnapshot($vmHandle, $snapshotHandle,
        VIX_VMPOWEROP_SUPPRESS_SNAPSHOT_POWERON, VIX_INVALID_HANDLE);

Reverts the VM (C<RevertToSnapshot_Task>). A snapshot of a running VM
powers it on unless C<VIX_VMPOWEROP_SUPPRESS_SNAPSHOT_POWERON> is given;
C<VIX_VMPOWEROP_LAUNCH_GUI> is accepted and ignored.

=head2 VMGetNumRootSnapshots

    my ($err, $n) = VMGetNumRootSnapshots($vmHandle);

The number of snapshots at the top of the VM's tree.

=head2 VMGetRootSnapshot

    my ($err, $snapshotHandle) = VMGetRootSnapshot($vmHandle, 0);

Root snapshot C<$index> (0 to n-1); out of range is C<VIX_E_INVALID_ARG>.

=head2 VMGetCurrentSnapshot

    my ($err, $snapshotHandle) = VMGetCurrentSnapshot($vmHandle);

The snapshot the VM runs from; C<VIX_E_SNAPSHOT_NOTFOUND> when it has none.

=head2 VMGetNamedSnapshot

    my ($err, $snapshotHandle) = VMGetNamedSnapshot($vmHandle, "base/clean");

A name without C</> matches a snapshot of that name anywhere in the tree; a
path C<a/b/c> starts at the root snapshots, each level a direct child of the
one before. No match is C<VIX_E_SNAPSHOT_NOTFOUND>, several are
C<VIX_E_SNAPSHOT_NONUNIQUE_NAME> (13017: name it by its path then). Names are
compared exactly.

=head2 SnapshotGetNumChildren

    my ($err, $n) = SnapshotGetNumChildren($snapshotHandle);

=head2 SnapshotGetChild

    my ($err, $childHandle) = SnapshotGetChild($snapshotHandle, 0);

Child C<$index> (0 to n-1); out of range is C<VIX_E_INVALID_ARG>.

=head2 SnapshotGetParent

    my ($err, $parentHandle) = SnapshotGetParent($snapshotHandle);

The parent snapshot; for a root, C<VIX_OK> and C<VIX_INVALID_HANDLE>.

=head1 CLONES, VARIABLES, HARDWARE AND TOOLS

=head2 VMClone

    my ($err, $cloneHandle) = VMClone($vmHandle, $snapshotHandle, VIX_CLONETYPE_LINKED,
        "[datastore1] web02/web02.vmx", 0, VIX_INVALID_HANDLE);

Clones the VM (C<CloneVM_Task>) into its own folder and resource pool, on
the datastore named in the path; the new VM is named after the file
(C<web02>), and where the server puts its files is the server's choice:
C<VIX_PROPERTY_VM_VMX_PATHNAME> of the returned handle says. With a
snapshot handle the clone starts from that snapshot, else from the current
state (C<$snapshotHandle> 0 or undef). C<VIX_CLONETYPE_LINKED> shares the
snapshot's disks and needs a snapshot (else C<VIX_E_INVALID_ARG>). A
datastore the VM's host does not see is C<VIX_E_NOT_FOUND>.

=head2 VMReadVariable

    my ($err, $value) = VMReadVariable($vmHandle, VIX_VM_GUEST_VARIABLE, "ip", 0);

C<VIX_VM_GUEST_VARIABLE>: C<guestinfo.$name> of the VM's configuration
(what a guest reads with C<vmtoolsd --cmd "info-get guestinfo.ip">).
C<VIX_VM_CONFIG_RUNTIME_ONLY>: C<displayName>, C<guestOS>, C<memsize>,
C<numvcpus>, or any other configuration key. Names are case-insensitive; an
unset variable is C<VIX_OK> and C<"">. C<VIX_GUEST_ENVIRONMENT_VARIABLE>
reads the guest user's environment (C<ReadEnvironmentVariableInGuest>) and
needs C<VMLoginInGuest> first (else C<VIX_E_GUEST_USER_PERMISSIONS>):

    my ($err, $home) = VMReadVariable($vmHandle, VIX_GUEST_ENVIRONMENT_VARIABLE, "HOME", 0);

The guest variable C<ip> is a vSphere mapping of the one VMware Tools
publish on Workstation (C<guestinfo.ip>, what C<vmrun getGuestIPAddress>
reads): a non-empty C<guestinfo.ip> in the configuration when there is one,
else the address vSphere reports for the guest (C<guest.ipAddress>, the
guest's primary IP address while Tools run), else C<"">.

=head2 VMWriteVariable

    $err = VMWriteVariable($vmHandle, VIX_VM_GUEST_VARIABLE, "role", "db", 0);

Sets C<guestinfo.$name> (C<ReconfigVM_Task>). The other types are
C<VIX_E_NOT_SUPPORTED> on vSphere, as with the original against ESX.

=head2 VMUpgradeVirtualHardware

    $err = VMUpgradeVirtualHardware($vmHandle, 0);

Upgrades the virtual hardware to the newest version the host supports
(C<UpgradeVM_Task>). The VM must be powered off (else
C<VIX_E_VM_IS_RUNNING>); a VM already there is C<VIX_E_VM_ALREADY_UP_TO_DATE>.

=head2 VMInstallTools

    $err = VMInstallTools($vmHandle, VIX_INSTALLTOOLS_MOUNT_TOOLS_INSTALLER, undef);
    $err = VMInstallTools($vmHandle, VIX_INSTALLTOOLS_AUTO_UPGRADE, "/S /v/qn");

C<VIX_INSTALLTOOLS_MOUNT_TOOLS_INSTALLER> (0) connects the VMware Tools
installer image to the VM (C<MountToolsInstaller>);
C<VIX_INSTALLTOOLS_AUTO_UPGRADE> upgrades Tools in the guest
(C<UpgradeTools_Task>, C<$commandLineArgs> passed to the installer) and
waits for it unless C<VIX_INSTALLTOOLS_RETURN_IMMEDIATELY> is added. The VM
must be powered on (else C<VIX_E_VM_NOT_RUNNING>).

=head2 VMCaptureScreenImage

    my ($err, $size, $png) = VMCaptureScreenImage($vmHandle,
        VIX_CAPTURESCREENFORMAT_PNG, VIX_INVALID_HANDLE);

    open my $fh, '>:raw', 'console.png' or die $!;
    print {$fh} $png;

The console as PNG bytes: a byte string, C<$size == length $png>. The VM
must be on, else C<VIX_E_VM_NOT_RUNNING>. C<VIX_CAPTURESCREENFORMAT_PNG> and
C<VIX_CAPTURESCREENFORMAT_PNG_NOCOMPRESS> are accepted and give the same
image: vSphere writes one kind of PNG.

On vSphere this is C<CreateScreenshot_Task>, which leaves the PNG in the
VM's directory on its datastore; the call then fetches it over HTTPS from
the host it is connected to (the datastore file interface,
C</folder/...>, with the session's cookie and TLS settings; at most 32 MiB)
and deletes it there with C<DeleteDatastoreFile_Task>, whether the fetch
worked or not. A delete that fails does not fail the call (the image is
yours); the file then stays in the VM's directory.

=head1 INSIDE THE GUEST

vSphere's guest operations (C<GuestOperationsManager>) need VMware Tools
running in a powered-on VM and the guest's credentials. C<VMLoginInGuest>
checks them and keeps them on the VM handle (wiped from memory by
C<VMLogoutFromGuest>, C<ReleaseHandle> and C<HostDisconnect>); every other
call below needs it first, else C<VIX_E_GUEST_USER_PERMISSIONS> and nothing
is sent. A VM that is not on is C<VIX_E_VM_NOT_RUNNING>; Tools not running,
C<VIX_E_TOOLS_NOT_RUNNING>. Guest paths are the guest's own
(C</tmp/x>, C<C:\Temp\x>); strings from the guest are character strings.
Options and property lists are 0 unless said otherwise.

=head2 VMWaitForToolsInGuest

    $err = VMWaitForToolsInGuest($vmHandle, 300);

Waits until VMware Tools run in the guest (watching
C<guest.toolsRunningStatus>, no polling). The bound is in seconds; 0 or
negative waits as long as it takes (an C<alarm> still ends it with
C<VIX_E_CANCELLED>). Bound passed: C<VIX_E_TIMEOUT_WAITING_FOR_TOOLS>; VM
off: C<VIX_E_VM_NOT_RUNNING>.

=head2 VMLoginInGuest

    $err = VMLoginInGuest($vmHandle, "builder", $guestPassword, 0);

Checks the guest credentials (C<ValidateCredentialsInGuest>) and keeps them
for the calls below. C<VIX_LOGIN_IN_GUEST_REQUIRE_INTERACTIVE_ENVIRONMENT>
asks for the interactive desktop session. Wrong credentials:
C<VIX_E_CANNOT_AUTHENTICATE_WITH_GUEST>, and the handle is logged out. The
password never appears in an error detail, even when a server echoes it.

=head2 VMLogoutFromGuest

    $err = VMLogoutFromGuest($vmHandle);

Forgets (and wipes) the guest credentials. Nothing is sent: vSphere's guest
operations have no session.

=head2 VMRunProgramInGuest

    $err = VMRunProgramInGuest($vmHandle, "/usr/bin/make", "-C /src test", 0, VIX_INVALID_HANDLE);

Starts the program (C<StartProgramInGuest>) and waits until it has ended.
Its exit code does not make the call fail: use C<VMRunProgramInGuestEx> to
read it. C<VIX_RUNPROGRAM_RETURN_IMMEDIATELY> returns once it has started;
C<VIX_RUNPROGRAM_ACTIVATE_WINDOW> is accepted and ignored. A missing program
is C<VIX_E_FILE_NOT_FOUND>.

=head2 VMRunProgramInGuestEx

    my ($err, %info) = VMRunProgramInGuestEx($vmHandle, "/bin/sh", "-c 'exit 3'", 0, 0);
    print "exit code $info{EXIT_CODE}, pid $info{PROCESS_ID}, $info{ELAPSED_TIME} s\n";

As C<VMRunProgramInGuest>, with the keys C<EXIT_CODE>, C<PROCESS_ID> and
C<ELAPSED_TIME> (whole seconds, from the guest's start and end times). With
C<VIX_RUNPROGRAM_RETURN_IMMEDIATELY> only C<PROCESS_ID>.

=head2 VMRunScriptInGuest

    $err = VMRunScriptInGuest($vmHandle, "/bin/bash", "cd /src && make test > /tmp/log 2>&1", 0, 0);

Writes the script text to a new file in the guest's temp directory, runs the
interpreter on it and deletes it. An empty interpreter is C</bin/sh>
(C<cmd.exe /c> for a Windows guest). With
C<VIX_RUNPROGRAM_RETURN_IMMEDIATELY> the file is left in place.

=head2 VMListProcessesInGuest

    my ($err, @procs) = VMListProcessesInGuest($vmHandle, 0);
    printf "%d %s %s\n", @{$_}{qw(PROCESS_ID PROCESS_OWNER PROCESS_COMMAND)} for @procs;

The processes that run in the guest, as hashrefs with C<PROCESS_NAME>,
C<PROCESS_ID>, C<PROCESS_OWNER>, C<PROCESS_COMMAND>, C<PROCESS_START_TIME>
(epoch seconds) and C<PROCESS_BEING_DEBUGGED> (always 0).

=head2 VMKillProcessInGuest

    $err = VMKillProcessInGuest($vmHandle, $pid, 0);

Ends a process (C<TerminateProcessInGuest>). A pid that does not run:
C<VIX_E_NO_SUCH_PROCESS>; another user's process:
C<VIX_E_GUEST_USER_PERMISSIONS>.

=head2 VMCopyFileFromHostToGuest

    $err = VMCopyFileFromHostToGuest($vmHandle, "build/tests.tar", "/tmp/tests.tar", 0, VIX_INVALID_HANDLE);

Copies a local file into the guest, overwriting what is there
(C<InitiateFileTransferToGuest>, then an HTTPS C<PUT> with the session's TLS
settings). Streamed: memory stays small whatever the size. A missing local
file is C<VIX_E_FILE_NOT_FOUND>, a directory C<VIX_E_NOT_A_FILE> (checked
before anything is sent).

Beyond the original, both copy functions take an optional sixth argument, a
code reference called as the copy goes (about every 64 KiB) with the bytes
done and the total. A C<die> in it stops the copy with C<VIX_E_CANCELLED> (a
download leaves no file); so does a script's C<alarm> whose handler dies,
wherever the signal lands. Anything else there is C<VIX_E_INVALID_ARG>.

    $err = VMCopyFileFromHostToGuest($vmHandle, "big.iso", "/tmp/big.iso", 0, 0,
        sub { my ($done, $total) = @_; printf STDERR "\r%d%%", 100 * $done / $total });

=head2 VMCopyFileFromGuestToHost

    $err = VMCopyFileFromGuestToHost($vmHandle, "/tmp/test.log", "logs/test.log", 0, 0);

Copies a guest file here (C<InitiateFileTransferFromGuest>, then C<GET>),
streamed into a temporary file beside the target and renamed into place only
when complete: a failed copy leaves an existing file as it was. The optional
sixth argument is a progress callback, as for L</VMCopyFileFromHostToGuest>.

=head2 VMDeleteFileInGuest

    $err = VMDeleteFileInGuest($vmHandle, "/tmp/tests.tar");

Missing: C<VIX_E_FILE_NOT_FOUND>; a directory: C<VIX_E_NOT_A_FILE>.

=head2 VMFileExistsInGuest

    my ($err, $exists) = VMFileExistsInGuest($vmHandle, "/etc/hostname");

True for a file (a symlink counts as a file), false for a directory or
nothing.

=head2 VMDirectoryExistsInGuest

    my ($err, $exists) = VMDirectoryExistsInGuest($vmHandle, "/opt/app");

True only for a directory (never for a symlink).

=head2 VMRenameFileInGuest

    $err = VMRenameFileInGuest($vmHandle, "/tmp/a.log", "/tmp/b.log", 0, 0);

Renames a file or a directory. Onto an existing path:
C<VIX_E_FILE_ALREADY_EXISTS>.

=head2 VMCreateTempFileInGuest

    my ($err, $path) = VMCreateTempFileInGuest($vmHandle, 0, 0);

Creates an empty file in the guest's temp directory and returns its path.

=head2 VMListDirectoryInGuest

    my ($err, @entries) = VMListDirectoryInGuest($vmHandle, "/var/log", 0);
    for (@entries) {
        my $dir = $_->{FILE_ATTRIBUTES} & VIX_FILE_ATTRIBUTES_DIRECTORY;
        print "$_->{FILE_NAME}", ($dir ? "/" : ""), " $_->{FILE_SIZE}\n";
    }

Every entry (all pages the server sends), without C<.> and C<..>, as hashrefs
with C<FILE_NAME> (no directory part), C<FILE_ATTRIBUTES>
(C<VIX_FILE_ATTRIBUTES_DIRECTORY>, C<VIX_FILE_ATTRIBUTES_SYMLINK>),
C<FILE_SIZE> and C<FILE_MOD_TIME> (epoch seconds). A file:
C<VIX_E_NOT_A_DIRECTORY>.

=head2 VMCreateDirectoryInGuest

    $err = VMCreateDirectoryInGuest($vmHandle, "/opt/app/conf", VIX_INVALID_HANDLE);

Creates the directory and any missing parents. Already there:
C<VIX_E_FILE_ALREADY_EXISTS>.

=head2 VMDeleteDirectoryInGuest

    $err = VMDeleteDirectoryInGuest($vmHandle, "/tmp/build", 0);

Deletes the directory with everything in it.

=head2 VMGetFileInfoInGuest

    my ($err, %info) = VMGetFileInfoInGuest($vmHandle, "/var/log/syslog");
    print "$info{FILE_SIZE} bytes, changed ", scalar localtime $info{FILE_MOD_TIME}, "\n";

The keys C<FILE_SIZE>, C<FILE_FLAGS> (C<VIX_FILE_ATTRIBUTES_DIRECTORY>,
C<VIX_FILE_ATTRIBUTES_SYMLINK>) and C<FILE_MOD_TIME>. Missing:
C<VIX_E_FILE_NOT_FOUND>.

=head1 WHAT VSPHERE DOES NOT HAVE

Shared folders, opening a URL in the guest and record/replay exist only on
Workstation. These calls take the original's arguments, so old scripts
compile and run: each checks its VM handle, then returns
C<VIX_E_NOT_SUPPORTED> (the detail says vSphere has no such feature).
On failure (always, here) only C<$err> is meaningful; calls that would
return a handle return C<VIX_INVALID_HANDLE> after it.

=head2 VMEnableSharedFolders

    $err = VMEnableSharedFolders($vmHandle, 1, 0);

C<VIX_E_NOT_SUPPORTED> once the handle has passed.

=head2 VMGetNumSharedFolders

    my ($err, $n) = VMGetNumSharedFolders($vmHandle);

C<VIX_E_NOT_SUPPORTED> once the handle has passed.

=head2 VMGetSharedFolderState

    my ($err, $name, $hostPath, $flags) = VMGetSharedFolderState($vmHandle, 0);

C<VIX_E_NOT_SUPPORTED> once the handle has passed.

=head2 VMSetSharedFolderState

    $err = VMSetSharedFolderState($vmHandle, "share", "/srv/share", VIX_SHAREDFOLDER_WRITE_ACCESS);

C<VIX_E_NOT_SUPPORTED> once the handle has passed.

=head2 VMAddSharedFolder

    $err = VMAddSharedFolder($vmHandle, "share", "/srv/share", VIX_SHAREDFOLDER_WRITE_ACCESS);

C<VIX_E_NOT_SUPPORTED> once the handle has passed.

=head2 VMRemoveSharedFolder

    $err = VMRemoveSharedFolder($vmHandle, "share", 0);

C<VIX_E_NOT_SUPPORTED> once the handle has passed.

=head2 VMOpenUrlInGuest

    $err = VMOpenUrlInGuest($vmHandle, "https://example.com/", 0, VIX_INVALID_HANDLE);

C<VIX_E_NOT_SUPPORTED> once the handle has passed.

=head2 VMBeginRecording

    my ($err, $snapshotHandle) = VMBeginRecording($vmHandle, "rec", "", 0, VIX_INVALID_HANDLE);

C<VIX_E_NOT_SUPPORTED> once the handle has passed.

=head2 VMEndRecording

    $err = VMEndRecording($vmHandle, 0, VIX_INVALID_HANDLE);

C<VIX_E_NOT_SUPPORTED> once the handle has passed.

=head2 VMBeginReplay

    $err = VMBeginReplay($vmHandle, $snapshotHandle, 0, VIX_INVALID_HANDLE);

C<VIX_E_NOT_SUPPORTED> once the handle has passed.

=head2 VMEndReplay

    $err = VMEndReplay($vmHandle, 0, VIX_INVALID_HANDLE);

C<VIX_E_NOT_SUPPORTED> once the handle has passed.

=head1 ADDITIONS (exported on request)

    use VMware::Vix::Simple qw(:DEFAULT GetLastErrorDetail AcquireCloneTicket);

=head2 GetLastErrorDetail

    my ($err, $h) = HostConnect(...);
    warn "failed: ", GetErrorText($err), ": ", GetLastErrorDetail(), "\n" if $err;

A one-line description of the real cause of this thread's last failing call
(host and port, TLS verification reason, fault name and server message). It
never contains a password, ticket or session cookie. Calls that can fail
reset it (a successful call leaves it empty); C<GetErrorText>,
C<GetHandleType> and C<GetLastErrorDetail> itself leave it alone.

=head2 AcquireCloneTicket

    my ($err, $ticket) = AcquireCloneTicket($hostHandle);
    # in another process:
    my ($err2, $h2) = HostConnect(VIX_API_VERSION, VIX_SERVICEPROVIDER_VMWARE_VI_SERVER,
        $url, 0, undef, $ticket, 0, VIX_INVALID_HANDLE);

A one-time ticket that lets another process join this session, for handing
work to a child without passing the password around.

=head1 PROCESSES AND THREADS

Handles are valid in the process that created them. After C<fork> the child
cannot use (or log out) the parent's sessions; it only closes its copies of
the sockets. Sessions still open when the process exits are logged out.
Handle values are never reused within a process. The functions are safe to
call from several threads.

=head1 SEE ALSO

L<VMware::Vix::API::Constants>

=cut
