package WitnessSnap;

# The pyvmomi witness of t/lib/witness_snap.py, for the snapshot and VM
# variable tests: the server's state as an independent client sees it.

use strict;
use warnings;

use Encode ();
use Exporter 'import';
use VixTest ();

our @EXPORT = qw(witness_ok witness_tree witness_get witness_set witness_path witness_ip);

my $PY = '/usr/bin/python3';    # Debian's, where python3-pyvmomi lives
my $SCRIPT = VixTest::repo_root() . '/t/lib/witness_snap.py';

# Skips (or fails under VIX_TEST_STRICT) when pyvmomi is missing.
sub witness_ok {
    my ($st) = VixTest::_run([$PY, '-c', 'import pyVim.connect, pyVmomi'], timeout => 30);
    VixTest::skip_or_fail('python3-pyvmomi is not installed (the independent witness)') if $st;
    return 1;
}

# -> ($exit_code, $stdout as characters)
sub _witness {
    my ($sim, @args) = @_;
    my ($st, $out, $err) = VixTest::_run(
        [$PY, $SCRIPT, $sim->{url}, $sim->{user}, map { Encode::encode('UTF-8', $_) } @args],
        env => { VCSIM_PASSWORD => $sim->{password}, PYTHONIOENCODING => 'utf-8' }, timeout => 90);
    die "witness @args: timed out\n" if $st == -1;
    my $code = $st >> 8;
    die "witness @args: exit $code: $err" if $code && $code != 3;
    return ($code, Encode::decode('UTF-8', $out));
}

# The VM's snapshot tree, depth first: "name:depth" with a trailing '*' on
# the current snapshot, e.g. ('base:0', 'a:1*').
sub witness_tree {
    my ($sim, $vmx) = @_;
    my (undef, $out) = _witness($sim, 'tree', $vmx);
    return map { my ($n, $d, $c) = split /\t/; "$n:$d" . ($c ? '*' : '') } grep { length } split /\n/, $out;
}

# extraConfig[$key] (the last value where the server repeats a key), or undef.
sub witness_get {
    my ($sim, $vmx, $key) = @_;
    my ($code, $out) = _witness($sim, 'get', $vmx, $key);
    return $code == 3 ? undef : $out;
}

sub witness_set {
    my ($sim, $vmx, $key, $value) = @_;
    _witness($sim, 'set', $vmx, $key, $value);
    return 1;
}

# guest.ipAddress of the VM at $vmx ("" when the server reports none).
sub witness_ip {
    my ($sim, $vmx) = @_;
    my (undef, $out) = _witness($sim, 'ip', $vmx);
    return $out;
}

# vmPathName of the VM named $name, or undef.
sub witness_path {
    my ($sim, $name) = @_;
    my ($code, $out) = _witness($sim, 'path', $name);
    return undef if $code == 3;
    $out =~ s/\n\z//;
    return $out;
}

1;
