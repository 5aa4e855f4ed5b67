#!/usr/bin/perl
# FindItems over a large inventory (SPEC-VM 10, issue #10): every VM listed,
# and the answer never held in memory whole. The objects of a
# RetrievePropertiesEx answer are cut out and handed on while the body
# arrives, so a fresh process's peak RSS grows by little more than the list
# it returns. (Parsed as one document, 2,000 VMs cost about 6 MB.)
use strict;
use warnings;
use lib 't/lib';

use Test::More;

use VixTest;
use VixTest::Witness;

sandbox();
witness_ok() or skip_or_fail('the witness needs /usr/bin/python3 with pyVmomi (python3-pyvmomi)');

my $VMS = 2000;
my $sim = start_sim(model => 'esx', args => ['-vms', $VMS]);
my %w = witness_vms($sim);
is(scalar(keys %w), $VMS, "the simulator has $VMS VMs (witness)");

# A fresh process, so that its high-water mark is this call's.
my $code = <<'PERL';
use strict;
use VMware::Vix::Simple;
use VMware::Vix::API::Constants;
sub kb { my $k = shift; open my $f, '<', '/proc/self/status' or die; while (<$f>) { return $1 if /^$k:\s+(\d+)/ } -1 }
my ($err, $h) = HostConnect(VIX_API_VERSION, VIX_SERVICEPROVIDER_VMWARE_VI_SERVER, $ARGV[0], 0, $ARGV[1], $ARGV[2], 0, 0);
die "HostConnect: $err\n" if $err;
my $before = kb('VmRSS');
my ($e, @paths) = FindItems($h, VIX_FIND_REGISTERED_VMS, 0);
my $peak = kb('VmHWM');
print join("\n", "err=$e", "growth=" . ($peak - $before), @paths), "\n";
HostDisconnect($h);
PERL
my ($st, $out, $errout) = VixTest::_run([$^X, (map { "-I$_" } grep { !ref } @INC), '-e', $code,
                                         $sim->{url}, $sim->{user}, $sim->{password}], timeout => 120);
is($st, 0, 'the listing process ran') or diag($errout);
my ($err_line, $growth_line, @paths) = split /\n/, $out;
is($err_line, 'err=0', 'FindItems: VIX_OK');
is_deeply([sort @paths], [sort keys %w], "all $VMS paths, exactly as the server has them");
my ($growth) = ($growth_line // '') =~ /growth=(-?\d+)/;
ok(defined $growth && $growth < 4096, "peak RSS grew by less than 4 MB (${\($growth // '?')} KB)");
stop_sim($sim);
done_testing;
