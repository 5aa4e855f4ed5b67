#!/usr/bin/perl
# The test-bot pattern: wait for VMware Tools in a running VM, log in to the
# guest, copy a script in, run it, copy its output out, log out.
#
#   perl examples/guest-run.pl [URL] [VMX_PATH]
#   VIX_USER / VIX_PASSWORD: the vSphere login (default root/rootpasswd)
#   VIX_GUEST_USER / VIX_GUEST_PASSWORD: the guest's (default guest/guestpasswd)
use strict;
use warnings;
use File::Temp qw(tempdir);
use VMware::Vix::Simple;
use VMware::Vix::API::Constants;

my $url        = shift // 'https://viserver/sdk';
my $vmx        = shift // '[LocalDS_0] DC0_H0_VM0/DC0_H0_VM0.vmx';
my $user       = $ENV{VIX_USER} // 'root';
my $password   = $ENV{VIX_PASSWORD} // 'rootpasswd';
my $guest_user = $ENV{VIX_GUEST_USER} // 'guest';
my $guest_pw   = $ENV{VIX_GUEST_PASSWORD} // 'guestpasswd';

sub check {
    my ($err, $what) = @_;
    die "$what failed, $err ", GetErrorText($err), "\n" if $err != VIX_OK;
}

my ($err, $host) = HostConnect(VIX_API_VERSION, VIX_SERVICEPROVIDER_VMWARE_VI_SERVER,
                               $url, 0, $user, $password, 0, VIX_INVALID_HANDLE);
check($err, 'HostConnect()');

($err, my $vm) = VMOpen($host, $vmx);
check($err, "VMOpen($vmx)");

check(VMWaitForToolsInGuest($vm, 300), 'VMWaitForToolsInGuest()');
check(VMLoginInGuest($vm, $guest_user, $guest_pw, 0), 'VMLoginInGuest()');

# The script to run, written here and copied in.
my $dir = tempdir(CLEANUP => 1);
open my $fh, '>', "$dir/test.sh" or die "$dir/test.sh: $!\n";
print $fh <<'SH';
#!/bin/sh
{
  echo "hello from the guest"
  echo "user: $(id -un 2>/dev/null || echo "$USER")"
  echo "files in /tmp: $(ls /tmp | wc -l)"
} > /tmp/guest-run.out
exit 7
SH
close $fh or die "$dir/test.sh: $!\n";

check(VMCreateDirectoryInGuest($vm, '/tmp/guest-run', VIX_INVALID_HANDLE), 'VMCreateDirectoryInGuest()')
    unless (VMDirectoryExistsInGuest($vm, '/tmp/guest-run'))[1];
check(VMCopyFileFromHostToGuest($vm, "$dir/test.sh", '/tmp/guest-run/test.sh', 0, VIX_INVALID_HANDLE),
      'VMCopyFileFromHostToGuest()');

# A non-zero exit code is a result, not a failure of the call.
($err, my %info) = VMRunProgramInGuestEx($vm, '/bin/sh', '/tmp/guest-run/test.sh', 0, VIX_INVALID_HANDLE);
check($err, 'VMRunProgramInGuestEx()');
print "the script ran as pid $info{PROCESS_ID} for $info{ELAPSED_TIME} s and exited with $info{EXIT_CODE}\n";

check(VMCopyFileFromGuestToHost($vm, '/tmp/guest-run.out', "$dir/out.txt", 0, VIX_INVALID_HANDLE),
      'VMCopyFileFromGuestToHost()');
open my $out, '<', "$dir/out.txt" or die "$dir/out.txt: $!\n";
print "its output:\n", map { "  $_" } <$out>;
close $out;

# Leave the guest as it was.
check(VMDeleteDirectoryInGuest($vm, '/tmp/guest-run', 0), 'VMDeleteDirectoryInGuest()');
check(VMDeleteFileInGuest($vm, '/tmp/guest-run.out'), 'VMDeleteFileInGuest()');

check(VMLogoutFromGuest($vm), 'VMLogoutFromGuest()');
ReleaseHandle($vm);
HostDisconnect($host);
exit($info{EXIT_CODE} == 7 ? 0 : 1);
