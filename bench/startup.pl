#!/usr/bin/perl
# Start-up cost of loading the module: median wall time of `perl -e1`,
# `perl -IDIR -e1` and `perl -IDIR -MVMware::Vix::Simple
# -MVMware::Vix::API::Constants -e1`, run interleaved so drift hits all three.
# DIR holds blib/lib and blib/arch merged, as `make install` lays out an XS
# module (.pm beside auto/): -Mblib would add blib.pm's own cost, and split
# lib/arch trees make XSLoader fall back to DynaLoader, which users never see.
#
#   startup.pl RUNS BLIB_ROOT      -> one STARTUP line; exit 1 if the module fails to load
use strict;
use warnings;
use Time::HiRes qw(clock_gettime CLOCK_MONOTONIC);

my ($runs, $root) = @ARGV;
die "usage: startup.pl RUNS BLIB_ROOT\n" unless $runs && $runs =~ /^\d+$/ && defined $root;
use File::Temp qw(tempdir);
my $dir = tempdir(CLEANUP => 1);
system('cp', '-R', "$root/blib/lib/.", "$root/blib/arch/.", $dir) == 0 or die "copying blib failed\n";
my %cmd = (
    perl   => [$^X, '-e1'],
    blib   => [$^X, "-I$dir", '-e1'],
    module => [$^X, "-I$dir", '-MVMware::Vix::Simple', '-MVMware::Vix::API::Constants', '-e1'],
);
my @order = qw(perl blib module);
my %t;
for my $i (1 .. $runs) {
    for my $k (@order) {
        my $t0 = clock_gettime(CLOCK_MONOTONIC);
        my $pid = fork // die "fork: $!\n";
        if (!$pid) {
            # Silence only the timed runs' stdout; errors are re-run below for the message.
            open STDOUT, '>', '/dev/null';
            open STDERR, '>', '/dev/null';
            exec @{ $cmd{$k} } or exit 127;
        }
        waitpid $pid, 0;
        my $rc = $?;
        push @{ $t{$k} }, (clock_gettime(CLOCK_MONOTONIC) - $t0) * 1e3;
        if ($rc != 0) {
            my $msg = "";
            if (open my $fh, "-|") { local $/; $msg = <$fh> // ""; close $fh }
            else { open STDERR, ">&", \*STDOUT; exec @{ $cmd{$k} } or exit 127 }
            $msg = (split /\n/, $msg)[0] // "exit status $rc";
            print "FAIL client=startup mode=startup reason=$k: $msg\n";
            exit 1;
        }
    }
}
sub median { my @v = sort { $a <=> $b } @_; @v % 2 ? $v[@v / 2] : ($v[@v / 2 - 1] + $v[@v / 2]) / 2 }
printf "STARTUP runs=%d perl_ms=%.2f blib_ms=%.2f module_ms=%.2f\n", $runs, map { median(@{ $t{$_} }) } @order;
