#!/usr/bin/perl
# Power-cycle the first registered VM of a vSphere host.
#
#   perl examples/power-cycle.pl [https://viserver/sdk [user [password]]]
#
# Host, user and password come from @ARGV, else from VIX_HOST, VIX_USER and
# VIX_PASSWORD, else the defaults below. Exits non-zero on any error.
use strict;
use warnings;
use VMware::Vix::Simple;
use VMware::Vix::API::Constants;

my $host     = shift // $ENV{VIX_HOST}     // 'https://viserver/sdk';
my $user     = shift // $ENV{VIX_USER}     // 'root';
my $password = shift // $ENV{VIX_PASSWORD} // 'rootpasswd';

my %STATE = (
    VIX_POWERSTATE_POWERED_OFF() => 'powered off',
    VIX_POWERSTATE_POWERED_ON()  => 'powered on',
    VIX_POWERSTATE_SUSPENDED()   => 'suspended',
);

my $hostHandle = VIX_INVALID_HANDLE;
sub check {
    my ($err, $what) = @_;
    return if $err == VIX_OK;
    print STDERR "$what failed: $err ", GetErrorText($err), "\n";
    HostDisconnect($hostHandle) if $hostHandle;
    exit 1;
}

my $err;
($err, $hostHandle) = HostConnect(VIX_API_VERSION, VIX_SERVICEPROVIDER_VMWARE_VI_SERVER,
                                  $host, 0, $user, $password, 0, VIX_INVALID_HANDLE);
check($err, "HostConnect($host)");

my @vms = FindItems($hostHandle, VIX_FIND_REGISTERED_VMS, 60);
$err = shift @vms;
check($err, 'FindItems');
print "registered VMs:\n", map { "  $_\n" } @vms;
@vms or check(VIX_E_VM_NOT_FOUND, 'finding a VM to power-cycle');

my ($e, $vmHandle) = VMOpen($hostHandle, $vms[0]);
check($e, "VMOpen($vms[0])");

sub state {
    my ($e, $s) = GetProperties($vmHandle, VIX_PROPERTY_VM_POWER_STATE);
    check($e, 'GetProperties(VIX_PROPERTY_VM_POWER_STATE)');
    return $s;
}

my $s = state();
printf "%s is %s\n", $vms[0], $STATE{$s} // "in power state $s";
if ($s == VIX_POWERSTATE_POWERED_ON) {
    check(VMPowerOff($vmHandle, VIX_VMPOWEROP_NORMAL), 'VMPowerOff');
    printf "powered off: now %s\n", $STATE{ state() };
}
check(VMPowerOn($vmHandle, VIX_VMPOWEROP_NORMAL, VIX_INVALID_HANDLE), 'VMPowerOn');
printf "powered on: now %s\n", $STATE{ state() };
check(VMPowerOff($vmHandle, VIX_VMPOWEROP_NORMAL), 'VMPowerOff');
printf "powered off: now %s\n", $STATE{ state() };

ReleaseHandle($vmHandle);
HostDisconnect($hostHandle);
exit 0;
