#!/usr/bin/perl
# Checks the test harness itself: the sandbox, the vSphere simulator
# (tools/vcsim) in its VPX and ESX models, its credentials, method log,
# witness client, listen addresses and certificates (t/lib/VixTest.pm).
use strict;
use warnings;
use utf8;

use FindBin;
use lib "$FindBin::Bin/lib";

use File::Path ();
use File::Temp qw(tempdir);
use IO::Select;
use IO::Socket::SSL;
use POSIX ();
use Socket qw(inet_ntoa);
use Test::More;
use Time::HiRes qw(sleep time);
use VixTest qw(:DEFAULT soap_request);

sandbox();

binmode Test::More->builder->$_, ':encoding(UTF-8)' for qw(output failure_output todo_output);

my $RSC = '<RetrieveServiceContent xmlns="urn:vim25">'
    . '<_this type="ServiceInstance">ServiceInstance</_this></RetrieveServiceContent>';

use VixTest::Hostile ();
sub xml_escape { VixTest::Hostile::xml_escape(@_) }

sub login_xml {
    my ($user, $pass) = @_;
    return '<Login xmlns="urn:vim25"><_this type="SessionManager">SessionManager</_this>'
        . '<userName>' . xml_escape($user) . '</userName>'
        . '<password>' . xml_escape($pass) . '</password></Login>';
}

# Gone, or a zombie about to be reaped by someone else.
sub process_gone {
    my ($pid) = @_;
    return 1 unless kill 0, $pid;
    open my $fh, '<', "/proc/$pid/stat" or return 1;
    my $stat = <$fh> // '';
    return $stat =~ /^\d+ \(.*\) Z/ ? 1 : 0;
}

my @pids;

subtest 'sandbox' => sub {
    ok($ENV{VIX_TEST_SANDBOXED}, 'running inside the sandbox');
    my $a = gethostbyname('viserver');
    ok($a, 'viserver resolves') and is(inet_ntoa($a), '127.0.0.1', 'viserver is 127.0.0.1');
    my $t0 = time;
    ok(!gethostbyname('no-such-host.example'), 'unknown names do not resolve');
    cmp_ok(time - $t0, '<', 2, '... and fail at once (files only, no DNS)');
};

my $bin = sim_build();
ok(-x $bin, "simulator built: $bin");

subtest 'vpx model' => sub {
    my $sim = start_sim();
    push @pids, $sim->{pid};
    like($sim->{url}, qr{^https://127\.0\.0\.1:\d+/sdk\z}, 'URL');
    is($sim->{host}, '127.0.0.1', 'host');
    is("$sim->{host}:$sim->{port}", $sim->{hostport}, 'hostport');
    is($sim->{user}, 'root', 'default user');
    is($sim->{password}, 'rootpasswd', 'default password');

    my ($st, $h, $body) = soap_request($sim, $RSC);
    is($st, 200, 'RetrieveServiceContent over TLS: HTTP 200');
    like($body, qr{<returnval>}, '... a returnval');
    like($body, qr{>SessionManager<}, '... naming the SessionManager');
    like($body, qr{<apiType>VirtualCenter</apiType>}, '... from a vCenter');
    is_deeply([sim_methods($sim)], ['RetrieveServiceContent'], 'method log');

    is_deeply([sim_sessions($sim)], [], 'no sessions at start');
    my $ticket = sim_ticket($sim);
    like($ticket, qr/\S/, "clone ticket: $ticket");
    is_deeply([sim_sessions($sim)], [], 'the witness leaves no session behind');
    my @all = sim_sessions($sim, all => 1);
    is(scalar(grep { $_->{agent} eq 'vcsim-witness' } @all), 1,
       'the unused ticket is listed as a witness session with all => 1');

    ($st, $h, $body) = soap_request($sim, login_xml('root', 'wrong'));
    is($st, 500, 'Login with a wrong password: HTTP 500');
    like($body, qr{InvalidLogin}, '... an InvalidLogin fault');
    ($st, $h, $body) = soap_request($sim, login_xml('Root', 'rootpasswd'));
    like($body, qr{InvalidLogin}, 'user names are exact');
    ($st, $h, $body) = soap_request($sim, login_xml('root', 'rootpasswd'));
    is($st, 200, 'Login with the right password: HTTP 200');
    like($h->{'set-cookie'} // '', qr{^vmware_soap_session=}, '... sets vmware_soap_session');
    is_deeply([sim_sessions($sim)],
              [{ user => 'root', agent => 'vixtest-soap', ip => '127.0.0.1' }],
              'the witness sees that session');

    ok(!eval { sim_sessions($sim, password => 'nope'); 1 }, 'the witness fails with a bad password');
    like($@, qr/Login failure/, '... with the fault text');

    my @m = sim_methods($sim);
    is(scalar(grep { $_ eq 'Login' } @m), 9, 'every Login is logged');
    ok(!grep({ /rootpasswd|wrong/ } @m), 'the log holds no credentials');
};

subtest 'esx model' => sub {
    my $sim = start_sim(model => 'esx');
    push @pids, $sim->{pid};
    my ($st, undef, $body) = soap_request($sim, $RSC);
    is($st, 200, 'HTTP 200');
    like($body, qr{<apiType>HostAgent</apiType>}, 'an ESX host agent');
    is_deeply([sim_sessions($sim)], [], 'no sessions');

    my $ticket = sim_ticket($sim);
    my $clone = '<CloneSession xmlns="urn:vim25"><_this type="SessionManager">ha-sessionmgr</_this>'
        . "<cloneTicket>$ticket</cloneTicket></CloneSession>";
    my $h;
    ($st, $h, $body) = soap_request($sim, $clone);
    is($st, 200, 'CloneSession with a fresh ticket (it outlives the witness logout)');
    like($h->{'set-cookie'} // '', qr{^vmware_soap_session=}, '... sets vmware_soap_session');
    is_deeply([sim_sessions($sim, all => 1)],
              [{ user => 'root', agent => 'vixtest-soap', ip => '127.0.0.1' }],
              '... the ticket became that session');
    ($st, undef, $body) = soap_request($sim, $clone);
    like($body, qr{InvalidLogin}, 'a used ticket is refused');
};

subtest 'odd password, IPv6, port 443' => sub {
    my $pw = qq{p<>&'"]]>\\ "é};
    my $sim = start_sim(user => 'vix user', password => $pw, listen => '[::1]:0');
    push @pids, $sim->{pid};
    like($sim->{url}, qr{^https://\[::1\]:\d+/sdk\z}, 'IPv6 URL');
    is($sim->{host}, '::1', 'bare IPv6 host');
    is_deeply([sim_sessions($sim)], [], 'the witness logs in with the odd password');
    my ($st, undef, $body) = soap_request($sim, login_xml('vix user', $pw));
    is($st, 200, 'raw Login with the XML-escaped password');
    (my $ascii = $pw) =~ s/é/e/;
    ($st, undef, $body) = soap_request($sim, login_xml('vix user', $ascii));
    like($body, qr{InvalidLogin}, 'a near miss is refused');
    my @s = sim_sessions($sim);
    is(scalar @s, 1, 'one session');
    is($s[0]{ip}, '[', 'simulator quirk: an IPv6 peer is recorded as "["');

    my $s443 = start_sim(listen => '127.0.0.1:443');
    push @pids, $s443->{pid};
    is($s443->{url}, 'https://127.0.0.1:443/sdk', 'listens on 127.0.0.1:443');
    ($st) = soap_request($s443, $RSC);
    is($st, 200, '... and serves');
};

subtest 'certificates' => sub {
    my $dir = tempdir('certs-XXXXXX', TMPDIR => 1, CLEANUP => 1);
    my $t0 = time;
    my $c = make_certs($dir);
    note(sprintf 'make_certs took %.2fs', time - $t0);
    ok(-s $c->{ca}, 'ca.pem');
    for my $n (qw(good wronghost expired notyet selfsigned)) {
        ok(-s $c->{$n}{cert} && -s $c->{$n}{key}, "$n cert and key");
    }
    my %want = (    # openssl verify against the CA, for host localhost
        good       => qr/: OK$/m,
        wronghost  => qr/hostname mismatch/,
        expired    => qr/certificate has expired/,
        notyet     => qr/certificate is not yet valid/,
        selfsigned => qr/self-signed certificate|unable to get local issuer/,
    );
    for my $n (sort keys %want) {
        my $out = qx{openssl verify -CAfile '$c->{ca}' -verify_hostname localhost '$c->{$n}{cert}' 2>&1};
        like($out, $want{$n}, "openssl verify $n");
    }
    is(make_certs($dir)->{good}{cert}, $c->{good}{cert}, 'make_certs reuses an existing set');

    my $sim = start_sim(cert => $c->{good}{cert}, key => $c->{good}{key});
    push @pids, $sim->{pid};
    for my $name (qw(localhost viserver)) {
        my $s = IO::Socket::SSL->new(
            PeerHost => $name, PeerPort => $sim->{port}, Timeout => 10,
            SSL_verify_mode => SSL_VERIFY_PEER, SSL_ca_file => $c->{ca},
            SSL_verifycn_name => $name, SSL_verifycn_scheme => 'http',
        );
        ok($s, "verified TLS to $name against ca.pem") or diag(IO::Socket::SSL::errstr());
        next unless $s;
        like($s->peer_certificate('subject'), qr{CN ?= ?localhost}, '... subject CN=localhost');
        my @san = $s->peer_certificate('subjectAltNames');
        my @names = map { $san[2 * $_ + 1] } 0 .. $#san / 2;
        ok((grep { $_ eq 'viserver' } @names), '... SAN has viserver');
        like($s->get_sslversion, qr/^TLSv1_[23]$/, '... TLS 1.2 or newer: ' . $s->get_sslversion);
        close $s;
    }
    my $bad = IO::Socket::SSL->new(
        PeerHost => '127.0.0.1', PeerPort => $sim->{port}, Timeout => 10,
        SSL_verify_mode => SSL_VERIFY_PEER, SSL_ca_file => $c->{ca},
        SSL_verifycn_name => 'wrong.example', SSL_verifycn_scheme => 'http',
    );
    ok(!$bad, 'a name outside the SANs fails verification');
    my ($st) = soap_request($sim, $RSC);
    is($st, 200, 'serves SOAP with the chosen certificate');

    my $dflt = start_sim();
    push @pids, $dflt->{pid};
    my $s = IO::Socket::SSL->new(
        PeerHost => '127.0.0.1', PeerPort => $dflt->{port}, Timeout => 10,
        SSL_verify_mode => SSL_VERIFY_PEER, SSL_ca_file => $c->{ca},
    );
    ok(!$s, "the simulator's built-in certificate is not trusted by our CA");
};

subtest 'a simulator dies with its owner' => sub {
    pipe(my $r, my $w) or die "pipe: $!";
    my $child = fork // die "fork: $!";
    if (!$child) {
        close $r;
        my $sim = start_sim();
        syswrite $w, "$sim->{pid} $sim->{dir}\n";
        sleep 30;    # killed long before
        POSIX::_exit(0);
    }
    close $w;
    my $line = '';
    my $sel = IO::Select->new($r);
    $line = <$r> if $sel->can_read(30);
    chomp $line if defined $line;
    my ($pid, $dir) = split / /, $line // '', 2;
    like($pid // '', qr/^\d+\z/, "the child started simulator " . ($pid // '?'));
    kill 'KILL', $child;
    waitpid($child, 0);
    my $deadline = time + 10;
    sleep 0.05 until process_gone($pid) || time > $deadline;
    ok(process_gone($pid), 'it exits once its owner is SIGKILLed (-stdin-watch)');
    File::Path::remove_tree($dir) if $dir && $dir =~ m{/vcsim-\w+\z};  # the killed child could not
};

subtest 'stop' => sub {
    my $sim = start_sim();
    push @pids, $sim->{pid};
    is(stop_sim($sim), 0, 'stop_sim: clean exit on SIGTERM');
    is(stop_sim($sim), 0, 'stop_sim twice is harmless');
    # The END block stops the rest; do it now to check.
    VixTest::_stop_all();
    ok(process_gone($_), "simulator $_ is gone") for @pids;
    ok(!kill(0, -$_), "process group $_ is gone") for @pids;
};

done_testing;
