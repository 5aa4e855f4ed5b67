#!/usr/bin/perl
# Table for bench/vm-run: per mode, each client's best-median round, and the
# ratio to the floor (for guestcopy also the throughput, MiB/s both ways).
use strict;
use warnings;
my %best;
my @notes;
while (<>) {
    if (/^RESULT (.*)/) {
        my %r = map { split /=/, $_, 2 } split ' ', $1;
        my $k = "$r{mode}\t$r{client}";
        push @{ $best{$k}{medians} }, $r{median_ms};
        $best{$k}{row} = \%r if !$best{$k}{row} || $r{median_ms} < $best{$k}{row}{median_ms};
    } elsif (/^(FAILED|SKIPPED|CALLGRIND) (.*)/) {
        push @notes, "$1 $2";
    }
}
my %title = (vmcycle => 'VM cycle (open, power state, on, off)',
             snapcycle => 'Snapshot cycle (create, revert, remove)',
             find => 'FindItems over the scale inventory',
             guestcopy => 'Guest copy (a file into the guest and back out; MiB/s = 2 x size / median)',
             guestrun => 'Guest run-program round trip (/bin/true, started and waited for)');
for my $mode (qw(vmcycle snapcycle find guestcopy guestrun)) {
    my @rows = grep { /^$mode\t/ } sort keys %best;
    next unless @rows;
    my $floor = $best{"$mode\tfloor"}{row};
    my $copy = $mode eq 'guestcopy';
    printf "\n%s\n%-9s %10s %10s %8s %12s %8s %14s  %s\n", $title{$mode},
        'client', 'median ms', 'p95 ms', 'x floor', 'cpu ms/op', $copy ? 'MiB/s' : 'items', 'peak RSS +KB',
        'medians of all rounds';
    for my $c (qw(floor vix pyvmomi govmomi)) {
        my $b = $best{"$mode\t$c"} or next;
        my $r = $b->{row};
        printf "%-9s %10.2f %10.2f %8s %12.2f %8s %14d  %s\n", $c, $r->{median_ms}, $r->{p95_ms},
            $floor ? sprintf('%.2f', $r->{median_ms} / $floor->{median_ms}) : '-', $r->{cpu_ms_per_cycle},
            $copy ? sprintf('%.1f', $r->{mb_per_s} // 0) : sprintf('%d', $r->{items} // 0),
            $r->{peak_growth_kb} // 0, join(' ', @{ $b->{medians} });
    }
}
print "\n$_\n" for @notes;
