package VixrunTest;

# Helpers for the vixrun tests (t/80-*): run bin/vixrun as a subprocess with
# the module under test, and read the simulator's state through an
# independent witness (python3-pyvmomi, t/lib/vixrun_witness.py).

use strict;
use warnings;

use Carp qw(croak);
use Exporter 'import';
use File::Temp qw(tempdir);
use JSON::PP ();
use VixTest qw(repo_root skip_or_fail);

our @EXPORT = qw(vixrun vixrun_json witness witness_vm vixrun_path perl_cmd need_witness);

my $ROOT = repo_root();
my $HOME = tempdir('vixrun-home-XXXXXX', TMPDIR => 1, CLEANUP => 1);
my $PY = '/usr/bin/python3';

sub vixrun_path {
    return -f "$ROOT/blib/script/vixrun" ? "$ROOT/blib/script/vixrun" : "$ROOT/bin/vixrun";
}

# The perl that runs the tests, with the include path under test (blib).
sub perl_cmd {
    return ($^X, map { "-I$_" } grep { !ref } @INC);
}

# vixrun(\@args, env => {...}, timeout => S) -> {status, out, err}
# status: the exit status (-1: timed out). Standard input is /dev/null.
sub vixrun {
    my ($args, %o) = @_;
    my ($st, $out, $err) = VixTest::_run([perl_cmd(), vixrun_path(), @$args],
        env => { HOME => $HOME, %{ $o{env} || {} } }, timeout => $o{timeout} // 180);
    return { status => $st == -1 ? -1 : $st >> 8, signal => $st == -1 ? 0 : $st & 127,
             out => $out, err => $err };
}

# As vixrun, with --json first; adds json (the decoded object, or undef).
sub vixrun_json {
    my ($args, %o) = @_;
    my $r = vixrun(['--json', @$args], %o);
    $r->{json} = eval { JSON::PP->new->utf8->decode($r->{out}) };
    return $r;
}

sub need_witness {
    system("$PY -c 'import pyVmomi' >/dev/null 2>&1") == 0
        or skip_or_fail('python3-pyvmomi is not installed (the independent witness)');
}

# witness($sim) -> {datastores => [...], vms => [...]} as the server has them.
sub witness {
    my ($sim) = @_;
    my ($st, $out, $err) = VixTest::_run([$PY, "$ROOT/t/lib/vixrun_witness.py", $sim->{url}, $sim->{user}],
        env => { WITNESS_PASSWORD => $sim->{password} }, timeout => 120);
    croak "witness failed ($st): $err$out" if $st;
    return JSON::PP->new->utf8->decode($out);
}

# The witness's record of one VM by its path, or undef.
sub witness_vm {
    my ($sim, $path) = @_;
    my ($vm) = grep { defined $_->{path} && $_->{path} eq $path } @{ witness($sim)->{vms} };
    return $vm;
}

1;
