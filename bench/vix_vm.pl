#!/usr/bin/perl
# VMware::Vix::Simple rows of bench/vm-run.
#
#   perl -Mblib bench/vix_vm.pl URL USER PASSWORD cycle VMXPATH N
#   perl -Mblib bench/vix_vm.pl URL USER PASSWORD snapcycle VMXPATH N
#   perl -Mblib bench/vix_vm.pl URL USER PASSWORD find N
#   perl -Mblib bench/vix_vm.pl URL USER PASSWORD guestcopy VMXPATH LOCALFILE N
#   perl -Mblib bench/vix_vm.pl URL USER PASSWORD guestrun VMXPATH N
#
# A VM cycle is what a provisioning script does on an open host handle:
# VMOpen, read the power state, VMPowerOn, VMPowerOff, ReleaseHandle.
# A snapshot cycle, on a VM opened once: VMCreateSnapshot, VMRevertToSnapshot,
# VMRemoveSnapshot, ReleaseHandle. A listing is FindItems(VIX_FIND_REGISTERED_VMS).
# Guest rows, on a VM opened once, after VMWaitForToolsInGuest and
# VMLoginInGuest(guest, guestpasswd): a copy is VMCopyFileFromHostToGuest
# (to /tmp/bench.bin) and VMCopyFileFromGuestToHost (to another local file,
# its size checked); a run is VMRunProgramInGuest('/bin/true').
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

die "usage: perl -Mblib vix_vm.pl URL USER PASSWORD cycle|snapcycle|guestrun VMXPATH N | guestcopy VMXPATH LOCALFILE N | find N\n"
    if @ARGV < 5;
my ($url, $user, $pass, $mode, @rest) = @ARGV;
my $snaps = $mode eq 'snapcycle';
my $copy  = $mode eq 'guestcopy';
my $run   = $mode eq 'guestrun';
my $cycle = $mode eq 'cycle' || $snaps || $copy || $run;
my ($path, $local, $n);
if ($copy) { ($path, $local, $n) = @rest }
elsif ($cycle) { ($path, $n) = @rest }
else { $n = $rest[0] }
die "vix: N must be > 0\n" unless $n && $n > 0;

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

my ($guest_vm, $size, $back);
sub guest_copy {
    check('VMCopyFileFromHostToGuest', VMCopyFileFromHostToGuest($guest_vm, $local, '/tmp/bench.bin', 0, VIX_INVALID_HANDLE));
    check('VMCopyFileFromGuestToHost', VMCopyFileFromGuestToHost($guest_vm, '/tmp/bench.bin', $back, 0, VIX_INVALID_HANDLE));
    my $got = -s $back;
    die "vix: the copy back has " . ($got // 'no') . " bytes, not $size\n" unless defined $got && $got == $size;
}
sub guest_run {
    check('VMRunProgramInGuest', VMRunProgramInGuest($guest_vm, '/bin/true', '', 0, VIX_INVALID_HANDLE));
}

my $rss0 = status_kb('VmRSS');
if ($snaps) {
    (my $e, $snap_vm) = VMOpen($host, $path);
    check('VMOpen', $e);
}
if ($copy || $run) {    # untimed set-up
    (my $e, $guest_vm) = VMOpen($host, $path);
    check('VMOpen', $e);
    check('VMWaitForToolsInGuest', VMWaitForToolsInGuest($guest_vm, 60));
    check('VMLoginInGuest', VMLoginInGuest($guest_vm, 'guest', 'guestpasswd', 0));
    if ($copy) {
        $size = -s $local;
        die "vix: no file $local\n" unless defined $size;
        $back = "$local.vix";
    }
}
my $one = $snaps ? \&snap_cycle : $copy ? \&guest_copy : $run ? \&guest_run : $cycle ? \&vm_cycle : \&find_all;
$one->() if $cycle && !$copy;    # one untimed warm-up (a copy has none: the median takes care of the first)
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
printf "RESULT client=vix mode=%s n=%d median_ms=%.3f p95_ms=%.3f wall_s=%.3f cpu_ms_per_cycle=%.3f items=%d peak_growth_kb=%d%s\n",
    $snaps ? 'snapcycle' : $copy ? 'guestcopy' : $run ? 'guestrun' : $cycle ? 'vmcycle' : 'find', $n, $med,
    $lat[($k < 1 ? 1 : $k) - 1], $wall, $cpu / $n, $items, status_kb('VmHWM') - $rss0,
    $copy ? sprintf(' mb_per_s=%.1f', 2 * $size / 1048576 / ($med / 1e3)) : '';
unlink $back if $copy;
ReleaseHandle($guest_vm) if $guest_vm;
HostDisconnect($host);
