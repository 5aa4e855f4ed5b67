# Perl threads (SPEC sections 7 and 8): connects from several threads at once,
# a handle made in one thread used in another, and GetLastErrorDetail kept per
# thread.
use strict;
use warnings;
use Config;
use FindBin;
use lib "$FindBin::Bin/lib";
use File::Temp qw(tempdir);
use Test::More;
use VixTest;

BEGIN {
    unless ($Config{useithreads}) {
        require Test::More;
        Test::More::plan(skip_all => 'this perl has no ithreads');
    }
}
use threads;

sandbox();

use VMware::Vix::Simple qw(:DEFAULT GetLastErrorDetail);
use VMware::Vix::API::Constants;

$ENV{HOME} = tempdir(CLEANUP => 1);
my $sim = start_sim();
my $url = $sim->{url};

sub connect_vi {
    return HostConnect(VIX_API_VERSION, VIX_SERVICEPROVIDER_VMWARE_VI_SERVER, $url, 0, 'root', $_[0] // 'rootpasswd',
        0, VIX_INVALID_HANDLE);
}

my @workers = map {
    threads->create(sub {
        my ($ok, @handles) = (0);
        for (1 .. 10) {
            my ($err, $h) = connect_vi();
            $ok++ if $err == VIX_OK;
            push @handles, $h;
        }
        HostDisconnect($_) for @handles;
        my %distinct = map { $_ => 1 } @handles;
        return ($ok, scalar keys %distinct);
    })
} 1 .. 4;
my @results = map { [$_->join] } @workers;
is_deeply \@results, [([10, 10]) x 4], '4 threads connect 10 times each at once, with distinct handles';
is scalar(grep { $_->{agent} =~ /^VMware-Vix-Simple/ } sim_sessions($sim)), 0, 'and log every session out';

# A handle created here is used and released in another thread.
my ($err, $h) = connect_vi();
is $err, VIX_OK, 'main thread connects';
my ($type) = threads->create(sub { my @r = GetProperties($h, VIX_PROPERTY_HOST_HOSTTYPE); HostDisconnect($h); $r[1] })
    ->join;
is $type, VIX_SERVICEPROVIDER_VMWARE_VI_SERVER, 'another thread reads its properties';
is GetHandleType($h), VIX_HANDLETYPE_NONE, 'and its HostDisconnect there released it here too';

# The error detail belongs to the thread that made the failing call.
($err) = connect_vi('wrong');
is $err, VIX_E_AUTHENTICATION_FAIL, 'main thread fails to log in';
my $main_detail = GetLastErrorDetail();
like $main_detail, qr/InvalidLogin/, 'main thread detail';
my ($other) = threads->create({ context => "list" }, sub {
    my $before = GetLastErrorDetail();
    my ($e) = HostConnect(VIX_API_VERSION, VIX_SERVICEPROVIDER_VMWARE_VI_SERVER, 'ftp://x', 0, 'u', 'p', 0, 0);
    return ($before, GetLastErrorDetail());
})->join;
is $other, '', 'a new thread starts with no detail of its own';
is GetLastErrorDetail(), $main_detail, "another thread's failure does not touch this thread's detail";

stop_sim($sim);
done_testing;
