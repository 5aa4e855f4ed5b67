# HostConnect / HostDisconnect against VMware's vSphere simulator, VPX and
# ESX models, with the simulator's own client as an independent witness of
# what sessions exist on the server.
use strict;
use warnings;
use utf8;
use FindBin;
use lib "$FindBin::Bin/lib";
use File::Temp qw(tempdir);
use Test::More;
use VixTest;

sandbox();

use VMware::Vix::Simple qw(:DEFAULT GetLastErrorDetail AcquireCloneTicket);
use VMware::Vix::API::Constants;

$ENV{HOME} = tempdir(CLEANUP => 1);  # no stray ~/.vmware/config

sub connect_vi {
    my ($url, $user, $pass, %o) = @_;
    return HostConnect(VIX_API_VERSION, $o{provider} // VIX_SERVICEPROVIDER_VMWARE_VI_SERVER,
        $url, 0, $user, $pass, $o{options} // 0, VIX_INVALID_HANDLE);
}

sub ours { grep { $_->{agent} =~ /^VMware-Vix-Simple/ } sim_sessions($_[0]) }

for my $model (qw(vpx esx)) {
    subtest "model $model" => sub {
        my $sim = start_sim(model => $model);
        my $url = $sim->{url};

        my ($err, $h) = connect_vi($url, 'root', 'rootpasswd');
        is $err, VIX_OK, 'HostConnect succeeds' or diag GetLastErrorDetail();
        ok $h > 0, 'a positive handle';
        is GetLastErrorDetail(), '', 'success leaves no error detail';
        is GetHandleType($h), VIX_HANDLETYPE_HOST, 'GetHandleType is HOST';
        is scalar(ours($sim)), 1, 'the server has exactly one session of ours';

        my ($perr, $type, $api, $product) = GetProperties($h, VIX_PROPERTY_HOST_HOSTTYPE,
            VIX_PROPERTY_HOST_API_VERSION, VIX_PROPERTY_HOST_SOFTWARE_VERSION);
        is $perr, VIX_OK, 'GetProperties';
        is $type, VIX_SERVICEPROVIDER_VMWARE_VI_SERVER, 'HOSTTYPE';
        cmp_ok $api, '>=', 1, 'API_VERSION is at least 1';
        like $product, $model eq 'vpx' ? qr/^VMware vCenter Server \S+ build-\d+/ : qr/^VMware ESXi \S+ build-\d+/,
            "SOFTWARE_VERSION is the product and build ($product)";
        ($perr) = GetProperties($h, 9999);
        is $perr, VIX_E_UNRECOGNIZED_PROPERTY, 'unknown property id';

        HostDisconnect($h);
        is scalar(ours($sim)), 0, 'no session left after HostDisconnect';
        is GetHandleType($h), VIX_HANDLETYPE_NONE, 'the handle is stale';
        ($perr) = GetProperties($h, VIX_PROPERTY_HOST_HOSTTYPE);
        is $perr, VIX_E_INVALID_HANDLE, 'GetProperties on a stale handle';
        HostDisconnect($h);
        ReleaseHandle($h);
        pass 'disconnecting a stale handle again is silent';

        my ($err2, $h2) = connect_vi($url, 'root', 'rootpasswd');
        is $err2, VIX_OK, 'connect again';
        isnt $h2, $h, 'a new handle value, never the released one';
        ReleaseHandle($h2);
        is scalar(ours($sim)), 0, 'ReleaseHandle logs out too';

        ($err, $h) = connect_vi($url, 'root', 'wrong password');
        is $err, VIX_E_AUTHENTICATION_FAIL, 'a wrong password is VIX_E_AUTHENTICATION_FAIL';
        is $h, VIX_INVALID_HANDLE, 'no handle';
        like GetLastErrorDetail(), qr/InvalidLogin/, 'the detail names the fault';
        unlike GetLastErrorDetail(), qr/wrong password/, 'the detail does not contain the password';

        ($err, $h) = connect_vi($url, 'root', 'rootpasswd', provider => VIX_SERVICEPROVIDER_VMWARE_WORKSTATION_SHARED);
        is $err, VIX_OK, 'WORKSTATION_SHARED speaks the same protocol';
        HostDisconnect($h);

        # Clone tickets: from the witness, once; reused and bogus ones fail.
        my $ticket = sim_ticket($sim);
        ($err, $h) = connect_vi($url, undef, $ticket);
        is $err, VIX_OK, 'a clone ticket logs in (userName undef)' or diag GetLastErrorDetail();
        is scalar(ours($sim)), 1, 'the cloned session exists';
        HostDisconnect($h);
        ($err, $h) = connect_vi($url, undef, $ticket);
        is $err, VIX_E_AUTHENTICATION_FAIL, 'a used clone ticket fails';
        unlike GetLastErrorDetail(), qr/\Q$ticket\E/, 'the detail does not contain the ticket';
        ($err, $h) = connect_vi($url, undef, 'bogus-ticket');
        is $err, VIX_E_AUTHENTICATION_FAIL, 'a bogus clone ticket fails';

        # AcquireCloneTicket hands our session to another process.
        ($err, $h) = connect_vi($url, 'root', 'rootpasswd');
        my ($terr, $t2) = AcquireCloneTicket($h);
        is $terr, VIX_OK, 'AcquireCloneTicket';
        ok length($t2) > 8, 'a ticket';
        my $out = qx{$^X -Mblib -MVMware::Vix::Simple -MVMware::Vix::API::Constants -e '
            my (\$e, \$h) = HostConnect(VIX_API_VERSION, VIX_SERVICEPROVIDER_VMWARE_VI_SERVER, \$ARGV[0], 0, undef,
                \$ARGV[1], 0, VIX_INVALID_HANDLE);
            print "err=\$e\\n"; HostDisconnect(\$h);' '$url' '$t2'};
        is $out, "err=0\n", 'a worker process connects with the ticket';
        HostDisconnect($h);
        is scalar(ours($sim)), 0, 'all sessions gone';

        # Credentials rules: nothing is sent.
        my $before = () = sim_methods($sim);
        ($err) = connect_vi($url, undef, undef);
        is $err, VIX_E_INVALID_ARG, 'no credentials: VIX_E_INVALID_ARG';
        ($err) = connect_vi($url, 'root', undef);
        is $err, VIX_E_INVALID_ARG, 'no password: VIX_E_INVALID_ARG';
        my $after = () = sim_methods($sim);
        is $after, $before, 'and nothing reached the server';

        stop_sim($sim);
    };
}

subtest 'hostName forms' => sub {
    my $sim = start_sim();
    my $port = $sim->{port};
    for my $form ("https://127.0.0.1:$port/sdk", "HTTPS://127.0.0.1:$port", "127.0.0.1:$port",
                  "  https://localhost:$port/sdk\n", "localhost:$port", "https://sim.test:$port/sdk") {
        my ($err, $h) = connect_vi($form, 'root', 'rootpasswd');
        (my $shown = $form) =~ s/\s+//g;
        is $err, VIX_OK, "hostName '$shown'" or diag GetLastErrorDetail();
        HostDisconnect($h);
    }
    my ($err) = connect_vi("https://127.0.0.1:$port/nope", 'root', 'rootpasswd');
    is $err, VIX_E_NET_HTTP_HTTP_RETURNED_ERROR, 'a wrong path (404) is VIX_E_NET_HTTP_HTTP_RETURNED_ERROR';
    like GetLastErrorDetail(), qr/404/, 'the detail has the status';
    ($err) = connect_vi("http://127.0.0.1:$port/sdk", 'root', 'rootpasswd');
    is $err, VIX_E_NET_HTTP_HTTP_RETURNED_ERROR, 'plain http to a TLS port: the server answers 400';
    for my $bad (['', VIX_E_INVALID_HOSTNAME_SPECIFICATION], [undef, VIX_E_INVALID_HOSTNAME_SPECIFICATION],
                 ["ftp://127.0.0.1:$port/sdk", VIX_E_NET_HTTP_UNSUPPORTED_PROTOCOL],
                 ["https://127.0.0.1:0/sdk", VIX_E_NET_HTTP_URL_MALFORMAT],
                 ["https://127.0.0.1:99999/sdk", VIX_E_NET_HTTP_URL_MALFORMAT],
                 ["https://root:rootpasswd\@127.0.0.1:$port/sdk", VIX_E_NET_HTTP_URL_MALFORMAT]) {
        ($err) = connect_vi($bad->[0], 'root', 'rootpasswd');
        is $err, $bad->[1], 'hostName ' . ($bad->[0] // 'undef') . " gives $bad->[1]";
    }
    unlike GetLastErrorDetail(), qr/rootpasswd/, 'a password inside the URL is not repeated';
    stop_sim($sim);

    my $sim6 = start_sim(listen => '[::1]:0');
    my $p6 = $sim6->{port};
    for my $form ("[::1]:$p6", "https://[::1]:$p6/sdk") {
        my ($err6, $h6) = connect_vi($form, 'root', 'rootpasswd');
        is $err6, VIX_OK, "IPv6 hostName $form" or diag GetLastErrorDetail();
        HostDisconnect($h6);
    }
    stop_sim($sim6);
};

subtest 'a password with every XML special character and non-ASCII' => sub {
    my $pass = qq{p<>&'"]]>\\ "é€};
    my $sim = start_sim(password => $pass);
    my ($err, $h) = connect_vi($sim->{url}, 'root', $pass);
    is $err, VIX_OK, 'character string password' or diag GetLastErrorDetail();
    HostDisconnect($h);
    my $bytes = $pass;
    utf8::encode($bytes);
    ($err, $h) = connect_vi($sim->{url}, 'root', $bytes);
    is $err, VIX_OK, 'the same password as UTF-8 bytes';
    HostDisconnect($h);
    ($err) = connect_vi($sim->{url}, 'root', substr($pass, 0, -1));
    is $err, VIX_E_AUTHENTICATION_FAIL, 'one character short fails';
    stop_sim($sim);
};

subtest 'process lifecycle: exit without disconnect, fork' => sub {
    my $sim = start_sim();
    my $url = $sim->{url};
    my $out = qx{$^X -Mblib -MVMware::Vix::Simple -MVMware::Vix::API::Constants -e '
        my (\$e, \$h) = HostConnect(VIX_API_VERSION, VIX_SERVICEPROVIDER_VMWARE_VI_SERVER, \$ARGV[0], 0, "root",
            "rootpasswd", 0, VIX_INVALID_HANDLE); print "err=\$e\\n"; exit 0' '$url'};
    is $out, "err=0\n", 'a process connects and exits without HostDisconnect';
    is scalar(ours($sim)), 0, 'its session was logged out at exit';

    my ($err, $h) = connect_vi($url, 'root', 'rootpasswd');
    is $err, VIX_OK, 'parent connects';
    pipe my $r, my $w or die $!;
    my $pid = fork // die "fork: $!";
    if ($pid == 0) {
        close $r;
        my @res = (GetHandleType($h), (GetProperties($h, VIX_PROPERTY_HOST_HOSTTYPE))[0]);
        my ($terr) = AcquireCloneTicket($h);
        HostDisconnect($h);
        print {$w} join(',', @res, $terr), "\n";
        close $w;
        exit 0;  # END runs here too: it must not log out the parent's session
    }
    close $w;
    my $line = <$r>;
    waitpid $pid, 0;
    chomp $line;
    is $line, join(',', VIX_HANDLETYPE_NONE, VIX_E_INVALID_HANDLE, VIX_E_INVALID_HANDLE),
        "in the child the parent's handle is invalid";
    is scalar(ours($sim)), 1, "the child's exit did not log out the parent's session";
    my ($perr, $type) = GetProperties($h, VIX_PROPERTY_HOST_HOSTTYPE);
    is $perr, VIX_OK, 'the parent handle still works';
    my ($terr, $ticket) = AcquireCloneTicket($h);
    is $terr, VIX_OK, 'and its connection still talks to the server' or diag GetLastErrorDetail();
    # The simulator lists an unused ticket as a session: use it up.
    my ($cerr, $ch) = connect_vi($url, undef, $ticket);
    is $cerr, VIX_OK, 'the ticket from after the fork works';
    HostDisconnect($ch);
    HostDisconnect($h);
    is scalar(ours($sim)), 0, 'the parent logs out';
    stop_sim($sim);
};

done_testing;
