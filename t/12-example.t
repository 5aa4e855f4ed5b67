# The seed page's example, unchanged, against a simulated vCenter reachable
# as https://viserver/sdk (port 443) with root/rootpasswd: inside the
# sandbox viserver is 127.0.0.1 and port 443 is ours.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use File::Temp qw(tempdir);
use Test::More;
use VixTest;

sandbox();

my $example = "$FindBin::Bin/../examples/hostconnect.pl";
open my $fh, '<', $example or die "$example: $!";
my $code = do { local $/; <$fh> };
my $seed_path = "$FindBin::Bin/../../shared/seed/HostConnect.txt";
if (open my $seed_fh, '<', $seed_path) {
    my $seed = do { local $/; <$seed_fh> };
    my ($seed_example) = $seed =~ /^Example\n(.*)\z/ms;
    is $code, $seed_example, 'examples/hostconnect.pl is the seed page example, verbatim';
}

my $sim = start_sim(listen => '127.0.0.1:443', user => 'root', password => 'rootpasswd');
is $sim->{port}, 443, 'simulator on port 443';

local $ENV{HOME} = tempdir(CLEANUP => 1);
my $out = qx{$^X -Mblib $example 2>&1};
is $?, 0, 'the example exits 0' or diag $out;
is $out, '', 'and prints nothing';
is_deeply [sim_methods($sim)], [qw(RetrieveServiceContent Login Logout)],
    'the server saw RetrieveServiceContent, Login, Logout';
is scalar(sim_sessions($sim)), 0, 'no session left on the server';

# The same script with a wrong password dies with the error text.
(my $bad = $code) =~ s/"rootpasswd"/"wrong"/;
my $dir = tempdir(CLEANUP => 1);
open my $out_fh, '>', "$dir/bad.pl" or die $!;
print {$out_fh} $bad;
close $out_fh;
$out = qx{$^X -Mblib $dir/bad.pl 2>&1};
isnt $?, 0, 'with a wrong password the example dies';
like $out, qr/^HostConnect\(\) failed, 35 Authentication failed/, 'with code 35 and its text';

stop_sim($sim);
done_testing;
