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

On a host handle, the same as L</HostDisconnect>; on 0 or a stale handle,
nothing.

=head2 GetHandleType

    if (GetHandleType($h) == VIX_HANDLETYPE_HOST) { ... }

C<VIX_HANDLETYPE_HOST> for a live host handle, else C<VIX_HANDLETYPE_NONE>.

=head2 GetProperties

    my ($err, $type, $product) = GetProperties($hostHandle,
        VIX_PROPERTY_HOST_HOSTTYPE, VIX_PROPERTY_HOST_SOFTWARE_VERSION);

Host properties: C<VIX_PROPERTY_HOST_HOSTTYPE> (the provider),
C<VIX_PROPERTY_HOST_API_VERSION> (the VIX API level implemented) and
C<VIX_PROPERTY_HOST_SOFTWARE_VERSION> (the server's product name and build).
An unknown id gives C<VIX_E_UNRECOGNIZED_PROPERTY>, a stale handle
C<VIX_E_INVALID_HANDLE>.

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
