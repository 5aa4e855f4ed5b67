#!/usr/bin/perl
# Turns the raw lines collected by bench/run into the one results table.
#
#   report.pl RAWFILE        -> table on stdout; exit 1 if the floor or the
#                               module (vix) row failed, or leaked sessions
#
# Raw line kinds (key=value, reason= always last and free text):
#   META key=value ...            run parameters
#   SKIP client=X reason=...      peer not available
#   RESULT client=X mode=cycle|hold ... [round=R sim_ms_per_cycle=S]
#   FAIL client=X mode=M [round=R] reason=...
#   LEAK client=X mode=M count=K
#   STARTUP runs=R perl_ms=.. blib_ms=.. module_ms=..
#   ORDER client=X                client row position
#   LEAKCHECK free text           outcome of the session leak check
use strict;
use warnings;

my $raw = shift // die "usage: report.pl RAWFILE\n";
open my $fh, '<', $raw or die "report.pl: $raw: $!\n";

my (%meta, @order, %skip, %cycle, %hold, %fail, %leak, $startup, $startup_fail);
sub kv {
    my $s = shift;
    my %h;
    $h{reason} = $1 if $s =~ s/\s*\breason=(.*)$//;
    $h{$1} = $2 while $s =~ /(\w+)=(\S+)/g;
    return \%h;
}
while (my $line = <$fh>) {
    chomp $line;
    my ($kind, $rest) = split ' ', $line, 2;
    next unless defined $rest;
    my $h = kv($rest);
    if ($kind eq 'LEAKCHECK') { $meta{leakcheck} = $rest; next }
    if ($kind eq 'META') { %meta = (%meta, %$h); next }
    if ($kind eq 'STARTUP') { $startup = $h; next }
    my $c = $h->{client} // next;
    if ($c eq 'startup') { $startup_fail = $h->{reason} if $kind eq 'FAIL'; next }
    push @order, $c unless grep { $_ eq $c } @order;
    if    ($kind eq 'SKIP') { $skip{$c} = $h->{reason} }
    elsif ($kind eq 'FAIL') { push @{ $fail{$c} }, $h }
    elsif ($kind eq 'LEAK') { $leak{$c} += $h->{count} }
    elsif ($kind eq 'RESULT' && $h->{mode} eq 'cycle') { push @{ $cycle{$c} }, $h }
    elsif ($kind eq 'RESULT' && $h->{mode} eq 'hold')  { $hold{$c} = $h }
}

# Best of the rounds by median; the row's other numbers come from that same round.
my %best;
for my $c (keys %cycle) {
    ($best{$c}) = sort { $a->{median_ms} <=> $b->{median_ms} } @{ $cycle{$c} };
}
my $floor = $best{floor};

my @cols = ('client', 'median ms', 'p95 ms', 'connects/s', 'client CPU ms/cycle', 'RSS KB/open session',
            'median/floor', 'CPU/floor', 'sim CPU ms/cycle', 'notes');
my @rows;
for my $c (@order) {
    my @notes;
    push @notes, "skipped: $skip{$c}" if $skip{$c};
    # one note per distinct message, saying where it happened
    my (%where, @msgs);
    for my $f (@{ $fail{$c} // [] }) {
        push @msgs, $f->{reason} unless $where{ $f->{reason} };
        push @{ $where{ $f->{reason} } }, $f->{mode} eq 'hold' ? 'hold' : "round $f->{round}";
    }
    push @notes, "FAILED (" . join(', ', @{ $where{$_} }) . "): $_" for @msgs;
    push @notes, "LEAKED $leak{$c} session(s) (logout not effective)" if $leak{$c};
    my $row = $best{$c};
    my $hd = $hold{$c};
    my @r = ($c);
    if ($row) {
        push @r, sprintf("%.2f", $row->{median_ms}), sprintf("%.2f", $row->{p95_ms}),
            sprintf("%.0f", $row->{wall_s} > 0 ? $row->{n} / $row->{wall_s} : 0), sprintf("%.2f", $row->{cpu_ms_per_cycle});
    } else {
        push @r, ('-') x 4;
    }
    push @r, $hd ? sprintf('%.1f', $hd->{rss_kb_per_session}) : '-';
    if ($row && $floor) {
        push @r, sprintf("%.2fx", $row->{median_ms} / $floor->{median_ms}),
            $floor->{cpu_ms_per_cycle} > 0 ? sprintf("%.2fx", $row->{cpu_ms_per_cycle} / $floor->{cpu_ms_per_cycle}) : '-';
    } else {
        push @r, '-', '-';
    }
    push @r, $row && defined $row->{sim_ms_per_cycle} ? sprintf("%.2f", $row->{sim_ms_per_cycle}) : '-';
    push @r, join('; ', @notes);
    push @rows, \@r;
}

my @w = map { length } @cols;
for my $r (@rows) { $w[$_] = length $r->[$_] > $w[$_] ? length $r->[$_] : $w[$_] for 0 .. $#cols - 1 }
my $fmt = join(' | ', map { $_ == 0 ? "%-$w[$_]s" : $_ == $#cols ? '%s' : "%$w[$_]s" } 0 .. $#cols) . "\n";
my $out = '';
$out .= "vSphere login cycle benchmark (TCP+TLS connect, RetrieveServiceContent, Login, Logout, close)\n";
$out .= "simulator: $meta{sim} (model vpx, $meta{url})\n" if $meta{sim};
$out .= sprintf "N=%s cycles per client per round, %s interleaved rounds; row = round with the best median; "
    . "RSS = %s sessions held; 1 untimed warm-up cycle per process\n\n", $meta{n} // '?', $meta{rounds} // '?',
    $meta{hold} // '?';
$out .= sprintf $fmt, @cols;
$out .= join('-+-', map { '-' x $_ } @w[0 .. $#w - 1]) . "-+-" . ('-' x 5) . "\n";
$out .= sprintf $fmt, @$_ for @rows;

$out .= "\nmedians per round (ms):";
for my $c (@order) {
    next unless $cycle{$c};
    $out .= sprintf ' %s %s;', $c, join('/', map { sprintf '%.2f', $_->{median_ms} } @{ $cycle{$c} });
}
$out .= "\n";
if ($floor && defined $floor->{tls_ms}) {
    $out .= sprintf "floor phases (median ms): tcp connect %.3f, TLS handshake %.3f, RetrieveServiceContent %.3f, "
        . "Login %.3f, Logout %.3f, close %.3f\n", map { $floor->{$_} } qw(tcp_ms tls_ms rsc_ms login_ms logout_ms close_ms);
}
if ($startup) {
    $out .= sprintf "start-up (median of %d): perl -e1 %.1f ms; perl -IDIR -e1 %.1f ms; "
        . "perl -IDIR -MVMware::Vix::Simple -MVMware::Vix::API::Constants -e1 %.1f ms "
        . "(module load adds %.1f ms to perl -e1; DIR = blib laid out as installed)\n", $startup->{runs},
        $startup->{perl_ms}, $startup->{blib_ms}, $startup->{module_ms}, $startup->{module_ms} - $startup->{perl_ms};
} elsif ($startup_fail) {
    $out .= "start-up: FAILED ($startup_fail)\n";
} else {
    $out .= "start-up: skipped (" . ($skip{vix} // 'not measured') . ")\n";
}
$out .= "session leak check: " . ($meta{leakcheck} // 'not run') . "\n";
print $out;

# CI gate: the floor must work, and the module row too unless it is skipped.
my @bad;
push @bad, 'floor has no result' unless $floor;
for my $c ('floor', 'vix') {
    push @bad, "$c failed" if $fail{$c};
    push @bad, "$c leaked sessions" if $leak{$c};
}
push @bad, 'vix has no result' if !$skip{vix} && !$best{vix};
push @bad, 'module start-up failed' if $startup_fail;
if (@bad) {
    print STDERR "bench: FAILED: ", join(', ', @bad), "\n";
    exit 1;
}
exit 0;
