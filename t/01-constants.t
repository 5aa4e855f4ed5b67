# Every VIX constant: name, value, exported by default, inlinable.
use strict;
use warnings;
use Test::More;
use B ();
use FindBin;

use VMware::Vix::API::Constants;

my $table = "$FindBin::Bin/../constants/vix_constants.tsv";
open my $fh, '<', $table or die "$table: $!";
<$fh>;
my @rows = map { chomp; [split /\t/] } grep { /\S/ } <$fh>;
is scalar(@rows), 391, 'the table has 391 constants';

# The repo's table must be the public reference, unchanged, where it is at hand.
my $ref = "$FindBin::Bin/../../shared/reference/vix_constants.tsv";
if (-r $ref) {
    open my $a, '<', $table or die; open my $b, '<', $ref or die;
    local $/;
    is <$a>, <$b>, 'constants/vix_constants.tsv is identical to the shared reference';
}

my %exported = map { $_ => 1 } @VMware::Vix::API::Constants::EXPORT;
# The 391 of the table, and the three VIX 1.11 dropped (SPEC-VM 17.13).
is scalar(keys %exported), 394, 'all 391 and the 3 retired ones are exported by default';
my %retired = (VIX_PROPERTY_VM_IS_RECORDING => 236, VIX_PROPERTY_VM_IS_REPLAYING => 237,
               VIX_PROPERTY_SNAPSHOT_IS_REPLAYABLE => 4207);
push @rows, map { [$_, $retired{$_}] } sort keys %retired;
for my $r (@rows) {
    my ($name, $value) = @$r;
    no strict 'refs';
    ok $exported{$name}, "$name exported";
    ok defined &{"main::$name"}, "$name imported into main";
    is &{"main::$name"}(), $value, "$name == $value";
    my $cv = B::svref_2object(\&{"VMware::Vix::API::Constants::$name"});
    ok $cv->CvFLAGS & B::CVf_CONST(), "$name is an inlinable constant";
    is prototype("VMware::Vix::API::Constants::$name"), '', "$name has an empty prototype";
    # Old scripts call them fully qualified in the Simple package.
    is eval "VMware::Vix::Simple::$name()", $value, "VMware::Vix::Simple::$name == $value";
}

# As old scripts write it: a bareword under strict, with only Simple loaded.
is system($^X, '-Mblib', '-e', 'use strict; use VMware::Vix::Simple; '
    . 'exit(VMware::Vix::Simple::VIX_OK == 0 && VMware::Vix::Simple::VIX_API_VERSION == -1 '
    . '&& VMware::Vix::Simple::VIX_E_VM_NOT_RUNNING == 3006 ? 0 : 1)'), 0,
    'VMware::Vix::Simple::VIX_* barewords compile and have their values with only Simple loaded';

is VIX_API_VERSION, -1, 'VIX_API_VERSION';
is VIX_INVALID_HANDLE, 0, 'VIX_INVALID_HANDLE';
is VIX_OK, 0, 'VIX_OK';
is VIX_HOSTOPTION_VERIFY_SSL_CERT, 0x4000, 'VIX_HOSTOPTION_VERIFY_SSL_CERT';
is VIX_E_NET_HTTP_SSL_SECURITY, 30201, 'VIX_E_NET_HTTP_SSL_SECURITY';

done_testing;
