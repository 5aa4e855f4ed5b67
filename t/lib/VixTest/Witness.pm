package VixTest::Witness;

# The VM tests' independent witness: t/lib/witness_vms.py (pyvmomi, the
# system python3) run against a simulator started by VixTest::start_sim.
# It shares no code with the module, so what it reports is the server's
# state, not the module's idea of it.
#
#   use VixTest::Witness;
#   witness_ok() or skip_or_fail('pyvmomi not installed');
#   my %state = witness_vms($sim);          # vmPathName => powerState
#   my @paths = witness_paths($sim);        # sorted vmPathNames
#   witness($sim, 'poweroff', $path);       # behind the module's back
#   my %ds = witness_datastores($sim);      # name => local directory

use strict;
use warnings;
use Carp qw(croak);
use Encode ();
use Exporter 'import';
use File::Basename qw(dirname);
use Cwd qw(abs_path);

use VixTest ();

our @EXPORT = qw(witness_ok witness witness_vms witness_paths witness_datastores witness_props);

my $SCRIPT = abs_path(dirname(__FILE__) . '/../witness_vms.py');
# The system python3: pyvmomi is a Debian package (python3-pyvmomi), which a
# pyenv or venv python3 earlier on PATH would not see.
my $PY = (grep { -x } '/usr/bin/python3')[0] // 'python3';

# True when the witness can run (python3 with pyVmomi).
sub witness_ok {
    my ($st) = VixTest::_run([$PY, '-c', 'import pyVmomi, pyVim.connect'], timeout => 30);
    return $st == 0;
}

# witness($sim, $command, @args) -> output lines (decoded). Croaks on failure;
# in list context with allow_missing => 1 returns () when the VM is not there.
sub witness {
    my ($sim, $cmd, @args) = @_;
    my ($st, $out, $err) = VixTest::_run(
        [$PY, $SCRIPT, $cmd, map { Encode::encode('UTF-8', $_) } @args],
        env => { VIX_WITNESS_URL => $sim->{url}, VIX_WITNESS_USER => Encode::encode('UTF-8', $sim->{user}),
                 VIX_WITNESS_PASSWORD => Encode::encode('UTF-8', $sim->{password}) },
        timeout => 60);
    croak "witness $cmd @args: " . ($st == -1 ? $err : "exit " . ($st >> 8) . ": $err") if $st;
    return grep { length } split /\n/, Encode::decode('UTF-8', $out);
}

sub witness_vms {
    my ($sim) = @_;
    return map { split /\t/, $_, 2 } witness($sim, 'list');
}

sub witness_paths {
    my ($sim) = @_;
    return map { (split /\t/, $_, 2)[0] } witness($sim, 'list');
}

sub witness_datastores {
    my ($sim) = @_;
    return map { split /\t/, $_, 2 } witness($sim, 'datastores');
}

# name, numCPU, memoryMB, guestId, template (0/1), vmPathName
sub witness_props {
    my ($sim, $path) = @_;
    my ($line) = witness($sim, 'props', $path);
    return split /\t/, $line, -1;
}

1;
