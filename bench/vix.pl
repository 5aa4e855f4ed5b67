#!/usr/bin/perl
# VMware::Vix::Simple row of bench/run.
#
#   perl -Mblib bench/vix.pl URL USER PASSWORD N [hold]
#
# One cycle = HostConnect (TCP+TLS, RetrieveServiceContent, Login) then
# HostDisconnect (Logout, close), exactly as a VIX Perl script does it.
use strict;
use warnings;
use Time::HiRes qw(clock_gettime CLOCK_MONOTONIC CLOCK_PROCESS_CPUTIME_ID);
use VMware::Vix::Simple;
use VMware::Vix::API::Constants;

# getrusage(RUSAGE_SELF) user+sys, like the other clients; Perl core has no
# wrapper, so call it directly (x86_64 struct rusage starts with two timevals).
my $SYS_getrusage = eval { local $SIG{__WARN__} = sub { }; require "syscall.ph"; SYS_getrusage() } // 98;
sub cpu_ms {
    my $buf = "\0" x 144;
    if (syscall($SYS_getrusage, 0, $buf) == 0) {
        my ($us, $uu, $ss, $su) = unpack 'q4', $buf;
        return ($us + $ss) * 1e3 + ($uu + $su) / 1e3;
    }
    return clock_gettime(CLOCK_PROCESS_CPUTIME_ID) * 1e3;    # same quantity, other API
}

sub now_ms { clock_gettime(CLOCK_MONOTONIC) * 1e3 }

sub vmrss_kb {
    open my $f, '<', '/proc/self/status' or return -1;
    while (<$f>) { return $1 if /^VmRSS:\s+(\d+)/ }
    return -1;
}

sub err_text {
    my $err = shift;
    my $f = VMware::Vix::Simple->can('GetErrorText');
    return $f ? $f->($err) : "VIX error $err";
}

die "usage: perl -Mblib vix.pl URL USER PASSWORD N [hold]\n" if @ARGV < 4;
my ($url, $user, $pass, $n, $mode) = @ARGV;
die "N must be a positive integer\n" unless $n =~ /^\d+$/ && $n > 0;
my $hold = ($mode // '') eq 'hold';

sub connect_host {
    my ($err, $h) = HostConnect(VIX_API_VERSION, VIX_SERVICEPROVIDER_VMWARE_VI_SERVER,
        $url, 0, $user, $pass, 0, VIX_INVALID_HANDLE);
    die "vix: HostConnect failed: " . err_text($err) . " ($err)\n" if $err != VIX_OK;
    die "vix: HostConnect returned an invalid handle\n" if $h == VIX_INVALID_HANDLE;
    return $h;
}

# One untimed warm-up cycle: lazy library init is not per-cycle cost.
HostDisconnect(connect_host());

if (!$hold) {
    my @lat;
    my ($c0, $w0) = (cpu_ms(), now_ms());
    for (1 .. $n) {
        my $t = now_ms();
        HostDisconnect(connect_host());
        push @lat, now_ms() - $t;
    }
    my ($wall, $cpu) = ((now_ms() - $w0) / 1e3, cpu_ms() - $c0);
    @lat = sort { $a <=> $b } @lat;
    my $med = $n % 2 ? $lat[$n / 2] : ($lat[$n / 2 - 1] + $lat[$n / 2]) / 2;
    my $k = int((95 * $n + 99) / 100);    # nearest rank
    printf "RESULT client=vix mode=cycle n=%d median_ms=%.3f p95_ms=%.3f wall_s=%.3f cpu_ms_per_cycle=%.3f\n",
        $n, $med, $lat[($k < 1 ? 1 : $k) - 1], $wall, $cpu / $n;
} else {
    my $before = vmrss_kb();
    my @h = map { connect_host() } 1 .. $n;
    my $after = vmrss_kb();
    HostDisconnect($_) for @h;
    printf "RESULT client=vix mode=hold n=%d rss_before_kb=%d rss_after_kb=%d rss_kb_per_session=%.1f\n",
        $n, $before, $after, ($after - $before) / $n;
}
