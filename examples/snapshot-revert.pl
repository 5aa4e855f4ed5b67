#!/usr/bin/perl
# The test-lab pattern: open a VM, revert it to a named snapshot (taken
# first if it does not exist yet, so that the example runs against a fresh
# simulator), power it on, wait until it runs, report.
#
#   perl examples/snapshot-revert.pl [URL] [VMX_PATH] [SNAPSHOT]
#   VIX_USER / VIX_PASSWORD from the environment (default root/rootpasswd)
use strict;
use warnings;
use VMware::Vix::Simple;
use VMware::Vix::API::Constants;

my $url      = shift // 'https://viserver/sdk';
my $vmx      = shift // '[LocalDS_0] DC0_H0_VM0/DC0_H0_VM0.vmx';
my $snapshot = shift // 'clean';
my $user     = $ENV{VIX_USER} // 'root';
my $password = $ENV{VIX_PASSWORD} // 'rootpasswd';

sub check {
    my ($err, $what) = @_;
    die "$what failed, $err ", GetErrorText($err), "\n" if $err != VIX_OK;
}

my ($err, $host) = HostConnect(VIX_API_VERSION, VIX_SERVICEPROVIDER_VMWARE_VI_SERVER,
                               $url, 0, $user, $password, 0, VIX_INVALID_HANDLE);
check($err, 'HostConnect()');

($err, my $vm) = VMOpen($host, $vmx);
check($err, "VMOpen($vmx)");

($err, my $snap) = VMGetNamedSnapshot($vm, $snapshot);
if ($err == VIX_E_SNAPSHOT_NOTFOUND) {
    print "no snapshot \"$snapshot\" yet: taking it now\n";
    ($err, $snap) = VMCreateSnapshot($vm, $snapshot, 'baseline for test runs', 0, VIX_INVALID_HANDLE);
}
check($err, "finding snapshot \"$snapshot\"");

# Revert without powering on: this script decides when the VM starts.
check(VMRevertToSnapshot($vm, $snap, VIX_VMPOWEROP_SUPPRESS_SNAPSHOT_POWERON, VIX_INVALID_HANDLE),
      'VMRevertToSnapshot()');
print "reverted $vmx to \"$snapshot\"\n";

($err, my $state) = GetProperties($vm, VIX_PROPERTY_VM_POWER_STATE);
check($err, 'GetProperties()');
if (!($state & VIX_POWERSTATE_POWERED_ON)) {
    check(VMPowerOn($vm, VIX_VMPOWEROP_NORMAL, VIX_INVALID_HANDLE), 'VMPowerOn()');
}

# Wait (bounded) until the VM reports powered on; every call asks the server.
my $deadline = time + 60;
while (1) {
    ($err, $state) = GetProperties($vm, VIX_PROPERTY_VM_POWER_STATE);
    check($err, 'GetProperties()');
    last if $state & VIX_POWERSTATE_POWERED_ON;
    die "the VM did not power on within 60 seconds\n" if time > $deadline;
    select(undef, undef, undef, 0.5);
}

my ($e2, $name) = GetProperties($snap, VIX_PROPERTY_SNAPSHOT_DISPLAYNAME);
check($e2, 'GetProperties(snapshot)');
print "$vmx is running from snapshot \"$name\"\n";

ReleaseHandle($snap);
ReleaseHandle($vm);
HostDisconnect($host);
