#!/usr/bin/perl
# VMware::Vix::Simple rows of bench/vm-run.
#
#   perl -Mblib bench/vix_vm.pl URL USER PASSWORD cycle VMXPATH N
#   perl -Mblib bench/vix_vm.pl URL USER PASSWORD snapcycle VMXPATH N
#   perl -Mblib bench/vix_vm.pl URL USER PASSWORD find N
#
# A VM cycle is what a provisioning script does on an open host handle:
# VMOpen, read the power state, VMPowerOn, VMPowerOff, ReleaseHandle.
# A snapshot cycle, on a VM opened once: VMCreateSnapshot, VMRevertToSnapshot,
# VMRemoveSnapshot, ReleaseHandle. A listing is FindItems(VIX_FIND_REGISTERED_VMS).
use strict;
use warnings;
use Time::HiRes qw(clock_gettime CLOCK_MONOTONIC CLOCK_PROCESS_CPUTIME_ID);
use VMware::Vix::Simple;
use VMware::Vix::API::Constants;

sub now_ms { clock_gettime(CLOCK_MONOTONIC) * 1e3 }
sub cpu_ms { clock_gettime(CLOCK_PROCESS_CPUTIME_ID) * 1e3 }
sub status_kb {
    my $key = shift;
    open my $f, '<', '/proc/self/status' or return -1;
    while (<$f>) { return $1 if /^$key:\s+(\d+)/ }
    return -1;
}
sub check {
    my ($what, $err) = @_;
    die "vix: $what failed: " . GetErrorText($err) . " ($err)\n" if $err != VIX_OK;
}

die "usage: perl -Mblib vix_vm.pl URL USER PASSWORD cycle VMXPATH N | find N\n" if @ARGV < 5;
my ($url, $user, $pass, $mode, @rest) = @ARGV;
my $snaps = $mode eq 'snapcycle';
my $cycle = $mode eq 'cycle' || $snaps;
my ($path, $n) = $cycle ? @rest : (undef, $rest[0]);

my ($err, $host) = HostConnect(VIX_API_VERSION, VIX_SERVICEPROVIDER_VMWARE_VI_SERVER,
    $url, 0, $user, $pass, 0, VIX_INVALID_HANDLE);
check('HostConnect', $err);

my $items = 0;
sub vm_cycle {
    my ($e, $vm) = VMOpen($host, $path);
    check('VMOpen', $e);
    my ($pe, $state) = GetProperties($vm, VIX_PROPERTY_VM_POWER_STATE);
    check('GetProperties', $pe);
    check('VMPowerOn', VMPowerOn($vm, VIX_VMPOWEROP_NORMAL, VIX_INVALID_HANDLE));
    check('VMPowerOff', VMPowerOff($vm, VIX_VMPOWEROP_NORMAL));
    ReleaseHandle($vm);
}
my $snap_vm;
sub snap_cycle {
    my ($e, $snap) = VMCreateSnapshot($snap_vm, 'bench', undef, 0, VIX_INVALID_HANDLE);
    check('VMCreateSnapshot', $e);
    check('VMRevertToSnapshot', VMRevertToSnapshot($snap_vm, $snap, 0, VIX_INVALID_HANDLE));
    check('VMRemoveSnapshot', VMRemoveSnapshot($snap_vm, $snap, 0));
    ReleaseHandle($snap);
}
sub find_all {
    my ($e, @paths) = FindItems($host, VIX_FIND_REGISTERED_VMS, 0);
    check('FindItems', $e);
    $items = @paths;
}

my $rss0 = status_kb('VmRSS');
if ($snaps) {
    (my $e, $snap_vm) = VMOpen($host, $path);
    check('VMOpen', $e);
}
my $one = $snaps ? \&snap_cycle : $cycle ? \&vm_cycle : \&find_all;
$one->() if $cycle;    # one untimed warm-up
my @lat;
my ($c0, $w0) = (cpu_ms(), now_ms());
for (1 .. $n) {
    my $t = now_ms();
    $one->();
    push @lat, now_ms() - $t;
}
my ($wall, $cpu) = ((now_ms() - $w0) / 1e3, cpu_ms() - $c0);
@lat = sort { $a <=> $b } @lat;
my $med = $n % 2 ? $lat[$n / 2] : ($lat[$n / 2 - 1] + $lat[$n / 2]) / 2;
my $k = int((95 * $n + 99) / 100);
printf "RESULT client=vix mode=%s n=%d median_ms=%.3f p95_ms=%.3f wall_s=%.3f cpu_ms_per_cycle=%.3f items=%d peak_growth_kb=%d\n",
    $snaps ? 'snapcycle' : $cycle ? 'vmcycle' : 'find', $n, $med, $lat[($k < 1 ? 1 : $k) - 1], $wall, $cpu / $n, $items,
    status_kb('VmHWM') - $rss0;
HostDisconnect($host);
