# Calls from several Perl threads on one host handle run at once (SPEC-VM
# 16): the session lends each call its own connection, at most 4.
use strict;
use warnings;
use Config;
use lib 't/lib';
use Test::More;
use Time::HiRes qw(time);

BEGIN {
    unless ($Config{useithreads}) {
        require Test::More;
        Test::More::plan(skip_all => 'this perl has no ithreads');
    }
}
use threads;

use VixTest;
use VixTest::Hostile;
use VMware::Vix::Simple qw(:DEFAULT GetLastErrorDetail AcquireCloneTicket);
use VMware::Vix::API::Constants;

sandbox();

my $delay = 0.6;
my $srv = VixTest::Hostile->start('slow_host', delay => $delay);
my ($err, $h) = HostConnect(VIX_API_VERSION, VIX_SERVICEPROVIDER_VMWARE_VI_SERVER, $srv->url, 0, 'root', 'pw', 0,
    VIX_INVALID_HANDLE);
is $err, VIX_OK, 'connected' or BAIL_OUT(GetLastErrorDetail());

sub parallel {
    my ($n) = @_;
    my $t0 = time;
    my @t = map { threads->create(sub { my ($e, $t) = AcquireCloneTicket($h); $e == VIX_OK && $t eq 'cst-slow' }) } 1 .. $n;
    my $ok = grep { $_->join } @t;
    return ($ok, time - $t0);
}

my ($ok, $took) = parallel(4);
is $ok, 4, '4 threads, one handle: every call succeeds (the pool opens its connections)';
($ok, $took) = parallel(4);
is $ok, 4, 'again, on the open connections';
cmp_ok $took, '<', 2 * $delay, "in about one call's time ($took s), not four's";

($ok, $took) = parallel(8);
is $ok, 8, '8 threads: every call succeeds';
cmp_ok $took, '>=', 2 * $delay - 0.05, "in two rounds ($took s): at most 4 connections";
cmp_ok $srv->connections, '<=', 4, 'the server saw at most 4 connections';

HostDisconnect($h);
done_testing;
