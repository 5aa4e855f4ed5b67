package VixTest;

# Test harness for the integration tests: a hermetic sandbox (own network
# and /etc/hosts), the vSphere simulator (tools/vcsim) with an independent
# witness client, and throw-away certificates. Core Perl only (plus
# IO::Socket::SSL, used by soap_request).
#
#   use Test::More;
#   use VixTest;
#   sandbox();                      # first, before any plan or output
#   my $sim = start_sim(password => 'secret');
#   ... HostConnect(..., $sim->{url}, 0, $sim->{user}, $sim->{password}, ...)
#   is(scalar sim_sessions($sim), 0, 'no session left');
#   done_testing;

use strict;
use warnings;

use Carp qw(croak);
use Cwd qw(abs_path);
use Encode ();
use Exporter 'import';
use File::Basename qw(dirname);
use File::Path qw(make_path);
use File::Spec;
use File::Temp qw(tempdir);
use IO::Select;
use IO::Socket::IP;
use POSIX qw(WNOHANG);
use Test::More ();
use Time::HiRes qw(sleep time);

our @EXPORT = qw(
    sandbox skip_or_fail
    sim_build start_sim stop_sim
    sim_sessions sim_ticket sim_methods sim_info
    make_certs free_port
);
our @EXPORT_OK = qw(repo_root soap_request);

# Resolved at load time, before a test can chdir.
my $LIB  = dirname(abs_path(__FILE__));
my $ROOT = abs_path("$LIB/../..");

# Every simulator started by this process, by pid; stopped at END.
my %LIVE;
my $OWNER = $$;

use constant WITNESS_AGENT => 'vcsim-witness';   # User-Agent of vcsim -client

sub repo_root { $ROOT }

# ---------------------------------------------------------------------------
# Skipping

# A missing prerequisite skips the test, except under VIX_TEST_STRICT=1 (CI),
# where it is a failure: CI must never go green by skipping everything.
# Ends the test either way.
sub skip_or_fail {
    my ($reason) = @_;
    $reason = 'missing prerequisite' unless defined $reason && length $reason;
    $reason =~ s/\s+/ /g;
    my $tb = Test::More->builder;
    my $plan = $tb->has_plan;
    my $ran  = $tb->current_test;

    if ($ENV{VIX_TEST_STRICT}) {
        $tb->plan(tests => 1) if !$plan && !$ran;
        $tb->ok(0, "prerequisite: $reason");
        $tb->diag('VIX_TEST_STRICT=1: a missing prerequisite is a failure');
        $tb->done_testing if !$plan && $ran;
        exit 1;
    }
    $tb->plan(skip_all => $reason) if !$plan && !$ran;   # exits
    if ($plan && $plan =~ /^\d+\z/) {
        $tb->skip($reason) for $ran + 1 .. $plan;
    } else {
        $tb->diag("skipping the rest: $reason");
        $tb->done_testing unless $plan;
    }
    exit 0;
}

# ---------------------------------------------------------------------------
# Running helper commands

# _run(\@cmd, timeout => S, env => {K => V}, dir => D, merge => 1)
# -> ($wait_status, $stdout, $stderr). $wait_status is -1 on timeout (the
# command is then killed). Never waits longer than the timeout.
sub _run {
    my ($cmd, %o) = @_;
    my $timeout = $o{timeout} // 60;
    my $errfh = File::Temp->new;
    pipe(my $r, my $w) or croak "pipe: $!";
    my $pid = fork // croak "fork: $!";
    if (!$pid) {
        # Child: never return into the test (END blocks, Test::Builder).
        eval {
            close $r;
            open STDIN, '<', File::Spec->devnull or die;
            open STDOUT, '>&', $w or die;
            open STDERR, '>&', ($o{merge} ? $w : $errfh) or die;
            $ENV{$_} = $o{env}{$_} for keys %{ $o{env} || {} };
            chdir $o{dir} or die "chdir $o{dir}: $!\n" if defined $o{dir};
            no warnings 'exec';
            exec { $cmd->[0] } @$cmd or die "exec $cmd->[0]: $!\n";
        };
        print STDERR $@ if $@;
        POSIX::_exit(127);
    }
    close $w;
    my $out = '';
    my $deadline = time + $timeout;
    my $sel = IO::Select->new($r);
    my $timed_out = 0;
    while (1) {
        my $left = $deadline - time;
        if ($left <= 0) { $timed_out = 1; last }
        next unless $sel->can_read($left);
        my $n = sysread($r, $out, 65536, length $out);
        last if !$n;    # EOF (or error)
    }
    close $r;
    if ($timed_out) {
        kill 'KILL', $pid;
        waitpid($pid, 0);
        return (-1, $out, "timed out after ${timeout}s: @$cmd");
    }
    # stdout is closed, so the command is normally exiting; still bounded.
    my $reaped = 0;
    while (($reaped = waitpid($pid, WNOHANG)) == 0 && time < $deadline) {
        sleep 0.01;
    }
    if ($reaped == 0) {
        kill 'KILL', $pid;
        waitpid($pid, 0);
        return (-1, $out, "timed out after ${timeout}s: @$cmd");
    }
    my $status = $?;
    seek $errfh, 0, 0;
    my $err = do { local $/; <$errfh> } // '';
    return ($status, $out, $err);
}

sub _which {
    my ($name) = @_;
    for my $d (File::Spec->path, '/usr/sbin', '/sbin') {
        my $p = File::Spec->catfile($d, $name);
        return $p if -f $p && -x _;
    }
    return;
}

sub _last_line {
    my ($text) = @_;
    my @l = grep { /\S/ } split /\n/, ($text // '');
    return @l ? $l[-1] : '';
}

# Perl character strings go to the simulator as UTF-8, byte strings as they are.
sub _bytes {
    my ($s) = @_;
    return $s unless defined $s && utf8::is_utf8($s);
    return Encode::encode('UTF-8', $s);
}

# ---------------------------------------------------------------------------
# Sandbox

# Re-executes the current test inside new user, network and mount namespaces
# (unshare -rnm + t/lib/sandbox.sh): only a loopback network, and name lookups
# answered from a private /etc/hosts (localhost, viserver, sim.test ->
# 127.0.0.1; localhost, ip6-localhost -> ::1). Call it first, before any plan
# or test output: the test starts over in the sandbox. Returns 1 there.
sub sandbox {
    return 1 if $ENV{VIX_TEST_SANDBOXED};
    my $tb = Test::More->builder;
    croak 'sandbox() must be called before any plan or test'
        if $tb->has_plan || $tb->current_test;

    my $unshare = _which('unshare')
        or skip_or_fail('unshare (util-linux) not found: cannot sandbox the test');
    my $script = "$LIB/sandbox.sh";

    # Probe the whole setup first: once exec'd, a failure could no longer
    # turn into a skip.
    my $bash = _which('bash') // '/bin/bash';
    my ($st, $out) = _run([$unshare, '-rnm', $bash, $script, 'true'],
                          timeout => 30, merge => 1);
    if ($st != 0) {
        my $why = _last_line($out) || ($st == -1 ? 'timed out' : "exit status " . ($st >> 8));
        skip_or_fail("cannot sandbox the test (unshare -rnm): $why");
    }

    # Keep the include path (-I t/lib, -Mblib, prove -l, ...) and the
    # switches that must match the #! line.
    my @flags;
    push @flags, '-T' if ${^TAINT} > 0;
    push @flags, '-t' if ${^TAINT} < 0;
    push @flags, '-w' if $^W;
    my @inc = map { "-I$_" } grep { !ref } @INC;

    STDOUT->flush;
    STDERR->flush;
    {
        no warnings 'exec';
        exec { $unshare } $unshare, '-rnm', $bash, $script, $^X, @flags, @inc, $0, @ARGV;
    }
    skip_or_fail("exec $unshare failed: $!");
}

# ---------------------------------------------------------------------------
# Simulator

my $SIM_BIN;

# Builds tools/vcsim once per process (the build itself is skipped when up to
# date) and returns the binary's path. Missing go/govmomi -> skip_or_fail; a
# failing build dies.
sub sim_build {
    return $SIM_BIN if $SIM_BIN;
    my $build = "$ROOT/tools/vcsim/build";
    -f $build or skip_or_fail("$build not found");
    my ($st, $out, $err) = _run([_which('bash') // '/bin/bash', $build], timeout => 900);
    if ($st == -1) {
        croak "tools/vcsim/build: $err";
    } elsif ($st >> 8 == 3) {
        skip_or_fail('cannot build the simulator: ' . _last_line($err));
    } elsif ($st != 0) {
        croak "tools/vcsim/build failed (exit " . ($st >> 8) . "):\n$err$out";
    }
    my $bin = _last_line($out);
    -x $bin or croak "tools/vcsim/build did not produce an executable ($bin)";
    return $SIM_BIN = $bin;
}

# start_sim(user => 'root', password => 'rootpasswd', model => 'vpx'|'esx',
#           listen => '127.0.0.1:0', cert => PEM, key => PEM,
#           idle_timeout => '300ms' (the server closes idle keep-alive connections),
#           guest_user => U, guest_password => P, tools_delay => '300ms')
# Starts a simulator in its own process group and waits (30 s at most) until
# it is listening. Returns a VixTest::Sim hashref:
#   url (https://127.0.0.1:40123/sdk), host (bare: 127.0.0.1 or ::1),
#   port, hostport (host:port, IPv6 in brackets), pid, user, password,
#   model, log (the SOAP method log), dir (its temp dir), stderr (a file).
sub start_sim {
    my (%o) = @_;
    my $bin = sim_build();
    croak 'cert and key go together' if defined($o{cert}) != defined($o{key});
    my $model = $o{model} // 'vpx';
    croak "model must be vpx or esx" unless $model =~ /^(?:vpx|esx)\z/;

    my $dir = tempdir('vcsim-XXXXXX', TMPDIR => 1, CLEANUP => 1);
    my $sim = bless {
        user     => $o{user} // 'root',
        password => $o{password} // 'rootpasswd',
        model    => $model,
        dir      => $dir,
        log      => "$dir/methods.log",
        stderr   => "$dir/stderr",
        owner    => $$,
    }, 'VixTest::Sim';

    my @cmd = ($bin, '-model', $model, '-user', _bytes($sim->{user}),
               '-password-env', 'VCSIM_PASSWORD',
               '-ready-file', "$dir/ready", '-log', $sim->{log}, '-stdin-watch');
    push @cmd, '-listen', $o{listen} if defined $o{listen};
    push @cmd, '-idle-timeout', $o{idle_timeout} if defined $o{idle_timeout};
    push @cmd, '-cert', $o{cert}, '-key', $o{key} if defined $o{cert};
    # Guest operations double: its credentials and how long Tools take to
    # start after power-on; -info-file tells where the guests' trees live.
    push @cmd, '-guest-user', _bytes($o{guest_user}) if defined $o{guest_user};
    push @cmd, '-guest-password', _bytes($o{guest_password}) if defined $o{guest_password};
    push @cmd, '-tools-delay', $o{tools_delay} if defined $o{tools_delay};
    push @cmd, '-info-file', "$dir/info.json";
    $sim->{info_file} = "$dir/info.json";

    # The simulator's stdin is a pipe we hold: if this process dies in any
    # way (even SIGKILL), it sees EOF and exits (-stdin-watch).
    pipe(my $r, my $w) or croak "pipe: $!";
    my $pid = fork // croak "fork: $!";
    if (!$pid) {
        eval {
            setpgrp(0, 0);
            close $w;
            open STDIN, '<&', $r or die;
            open STDOUT, '>', "$dir/stdout" or die;
            open STDERR, '>', $sim->{stderr} or die;
            $ENV{VCSIM_PASSWORD} = _bytes($sim->{password});
            no warnings 'exec';
            exec { $cmd[0] } @cmd or die "exec $cmd[0]: $!\n";
        };
        print STDERR $@ if $@;
        POSIX::_exit(127);
    }
    close $r;
    setpgrp($pid, $pid);    # also from this side: no window before kill(-pgid)
    $sim->{pid}   = $pid;
    $sim->{stdin} = $w;
    $LIVE{$pid}   = $sim;
    _install_signal_handlers();

    my $deadline = time + 30;
    my $url;
    while (time < $deadline) {
        if (-s "$dir/ready") {
            open my $fh, '<', "$dir/ready" or croak "$dir/ready: $!";
            $url = <$fh>;
            last if defined $url && $url =~ /\n\z/;
        }
        if (waitpid($pid, WNOHANG) == $pid) {
            $sim->{status} = $?;
            delete $LIVE{$pid};
            croak "simulator exited before it was ready: " . _last_line(_slurp($sim->{stderr}));
        }
        sleep 0.02;
    }
    unless (defined $url && $url =~ /\n\z/) {
        stop_sim($sim);
        croak "simulator not ready after 30 s: " . _last_line(_slurp($sim->{stderr}));
    }
    chomp $url;
    my ($host, $port) = $url =~ m{^https?://(\[[^\]]+\]|[^:/]+):(\d+)/}
        or do { stop_sim($sim); croak "unexpected simulator URL '$url'" };
    $sim->{url}      = $url;
    $sim->{hostport} = "$host:$port";
    $host =~ s/^\[(.*)\]\z/$1/;
    $sim->{host} = $host;
    $sim->{port} = $port;

    # The ready file is written after listen(); still prove a TCP connect.
    while (1) {
        my $s = IO::Socket::IP->new(PeerHost => $host, PeerPort => $port,
                                    Proto => 'tcp', Timeout => 2);
        if ($s) { close $s; last }
        if (time >= $deadline) {
            stop_sim($sim);
            croak "simulator at $url does not accept connections: $@";
        }
        sleep 0.05;
    }
    return $sim;
}

sub _slurp {
    my ($path) = @_;
    open my $fh, '<', $path or return '';
    local $/;
    return scalar <$fh> // '';
}

# Stops the simulator: TERM to its process group, up to 10 s, then KILL.
# Returns its wait status. Safe to call twice; does nothing in a forked
# child (the parent owns the simulator).
sub stop_sim {
    my ($sim) = @_;
    return unless ref $sim && $sim->{pid};
    return $sim->{status} if defined $sim->{status};
    return if $$ != $sim->{owner};
    my $pid = $sim->{pid};
    delete $LIVE{$pid};

    # Only signal a group whose leader is still our unreaped child, so a
    # reused pid is never hit.
    my $w = waitpid($pid, WNOHANG);
    if ($w == 0) {
        kill 'TERM', -$pid;
        my $deadline = time + 10;
        while (time < $deadline) {
            $w = waitpid($pid, WNOHANG);
            last if $w != 0;
            sleep 0.02;
        }
        if ($w == 0) {
            kill 'KILL', -$pid;
            $deadline = time + 10;
            while (time < $deadline) {
                $w = waitpid($pid, WNOHANG);
                last if $w != 0;
                sleep 0.02;
            }
        }
    }
    close $sim->{stdin} if $sim->{stdin};
    delete $sim->{stdin};
    $sim->{status} = $w == $pid ? $? : -1;
    return $sim->{status};
}

sub _stop_all {
    return if $$ != $OWNER;
    stop_sim($_) for values %LIVE;
}

my $HANDLERS_SET;

# A test killed by INT/TERM/HUP still stops its simulators, unless it set
# its own handlers. Plain die() is covered by END (no $SIG{__DIE__} needed).
sub _install_signal_handlers {
    return if $HANDLERS_SET++;
    for my $sig (qw(INT TERM HUP)) {
        my $cur = $SIG{$sig};
        next if defined $cur && $cur ne '' && $cur ne 'DEFAULT';
        $SIG{$sig} = sub {
            # Dying by the signal skips File::Temp's cleanup: do it here.
            my @dirs = map { $_->{dir} } values %LIVE;
            _stop_all();
            File::Path::remove_tree(@dirs) if $$ == $OWNER;
            $SIG{$sig} = 'DEFAULT';
            kill $sig, $$;
        };
    }
}

END {
    local ($?, $!, $@);
    _stop_all();
}

sub _witness {
    my ($sim, $mode, %o) = @_;
    croak 'not a running simulator' unless ref $sim && $sim->{url};
    my $user = $o{user} // $sim->{user};
    my $pass = $o{password} // $sim->{password};
    my ($st, $out, $err) = _run(
        [sim_build(), '-client', $mode, '-url', $sim->{url},
         '-user', _bytes($user), '-password-env', 'VCSIM_PASSWORD', '-timeout', '30s'],
        env => { VCSIM_PASSWORD => _bytes($pass) }, timeout => 60);
    croak "vcsim -client $mode: " . (_last_line($err) || "exit status $st") if $st;
    return Encode::decode('UTF-8', $out);
}

# sim_sessions($sim, all => 0, user => U, password => P) -> list of
# {user, agent, ip}: the sessions the server holds, as seen by a separate
# witness login (its own session excluded). The simulator also lists unused
# clone tickets as sessions; those acquired by sim_ticket carry the
# witness's agent and are left out unless all => 1.
# Note: the simulator records ip as the text before the first ':' of the
# peer address, so IPv6 peers show as '['.
sub sim_sessions {
    my ($sim, %o) = @_;
    my @s = map {
        my ($u, $a, $ip) = split /\t/, $_, 3;
        { user => $u, agent => $a // '', ip => $ip // '' }
    } grep { length } split /\n/, _witness($sim, 'sessions', %o);
    @s = grep { $_->{agent} ne WITNESS_AGENT } @s unless $o{all};
    return @s;
}

# sim_ticket($sim) -> a clone ticket for the simulator's user (usable once
# with SessionManager.CloneSession; it outlives the witness's logout).
sub sim_ticket {
    my ($sim, %o) = @_;
    my $t = _witness($sim, 'ticket', %o);
    $t =~ s/\s+\z//;
    croak 'vcsim -client ticket printed no ticket' unless length $t;
    return $t;
}

# sim_methods($sim) -> SOAP method names received so far, in order ('-' for
# a POST that was not a parsable SOAP request).
sub sim_methods {
    my ($sim) = @_;
    open my $fh, '<', $sim->{log} or return;
    chomp(my @m = <$fh>);
    return @m;
}

# sim_info($sim) -> the simulator's -info-file as a hashref: url, model,
# datastores [{datacenter, name, dir}], guestRoot (each VM's guest tree is
# guestRoot/<instance uuid>/, made on its first guest operation), guestUser.
sub sim_info {
    my ($sim) = @_;
    require JSON::PP;
    my $text = _slurp($sim->{info_file});
    croak "no simulator info in $sim->{info_file}" unless length $text;
    return JSON::PP::decode_json($text);
}

# ---------------------------------------------------------------------------
# Raw SOAP (for harness checks and low-level tests)

# soap_request($sim, $inner_body_xml, %ssl_opts) -> ($status, \%headers, $body)
# POSTs one SOAP envelope to $sim->{url} over TLS (no verification unless
# %ssl_opts say otherwise) and returns the HTTP response. Bounded: 30 s.
sub soap_request {
    my ($sim, $inner, %ssl) = @_;
    require IO::Socket::SSL;
    my $env = '<?xml version="1.0" encoding="UTF-8"?>'
        . '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"'
        . ' xmlns:xsd="http://www.w3.org/2001/XMLSchema"'
        . ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        . "<soapenv:Body>$inner</soapenv:Body></soapenv:Envelope>";
    $env = _bytes($env);
    my ($path) = $sim->{url} =~ m{^https?://[^/]+(/.*)\z};
    my $s = IO::Socket::SSL->new(
        PeerHost        => $sim->{host},
        PeerPort        => $sim->{port},
        Timeout         => 30,
        SSL_verify_mode => IO::Socket::SSL::SSL_VERIFY_NONE(),
        %ssl,
    ) or croak "TLS connect to $sim->{hostport}: " . IO::Socket::SSL::errstr();
    $s->timeout(30);
    my $req = "POST $path HTTP/1.1\r\nHost: $sim->{hostport}\r\n"
        . "Content-Type: text/xml; charset=utf-8\r\nSOAPAction: \"urn:vim25/6.5\"\r\n"
        . "User-Agent: vixtest-soap\r\nContent-Length: " . length($env) . "\r\n"
        . "Connection: close\r\n\r\n$env";
    print {$s} $req or croak "write: $!";
    my $resp = '';
    my $deadline = time + 30;
    my $sel = IO::Select->new($s);
    while ((my $left = $deadline - time) > 0) {
        # Data may already sit decrypted in the TLS buffer (pending).
        last unless $s->pending || $sel->can_read($left);
        my $n = sysread($s, $resp, 65536, length $resp);
        last unless $n;
    }
    close $s;
    my ($head, $body) = split /\r\n\r\n/, $resp, 2;
    my ($status) = ($head // '') =~ m{^HTTP/\d\.\d (\d{3})};
    my %h;
    for (split /\r\n/, $head // '') {
        $h{lc $1} = $2 if /^([^:]+):\s*(.*)$/;
    }
    if (($h{'transfer-encoding'} // '') =~ /chunked/i) {
        my $d = '';
        while ($body =~ s/^([0-9a-fA-F]+)[^\r]*\r\n//) {
            my $len = hex $1;
            last if !$len;
            $d .= substr($body, 0, $len, '');
            $body =~ s/^\r\n//;
        }
        $body = $d;
    }
    return ($status, \%h, $body);
}

# ---------------------------------------------------------------------------
# Certificates and ports

# make_certs($dir) -> {
#   ca => "$dir/ca.pem", ca_key => "$dir/ca.key",
#   good       => {cert, key},  # CA-signed, SAN localhost, viserver, 127.0.0.1, ::1
#   wronghost  => {cert, key},  # CA-signed, SAN wrong.example only
#   expired    => {cert, key},  # CA-signed, valid 2000-2001
#   notyet     => {cert, key},  # CA-signed, valid 2090-2099
#   selfsigned => {cert, key},  # self-signed, SAN localhost, 127.0.0.1
# }
# EC P-256 keys, made with the openssl CLI. Reuses files already in $dir.
sub make_certs {
    my ($dir) = @_;
    croak 'make_certs($dir)' unless defined $dir;
    make_path($dir);
    $dir = abs_path($dir);
    my $openssl = _which('openssl') or skip_or_fail('the openssl command is not installed');
    my %c = (ca => "$dir/ca.pem", ca_key => "$dir/ca.key");
    $c{$_} = { cert => "$dir/$_.pem", key => "$dir/$_.key" }
        for qw(good wronghost expired notyet selfsigned);
    return \%c if !grep { !-s $_ } map { ref $_ ? @$_{qw(cert key)} : $_ } values %c;

    # Our own config, so the system openssl.cnf cannot add or change anything.
    _spew("$dir/openssl.cnf", <<'CNF');
[ req ]
distinguished_name = dn
prompt             = no
[ dn ]
CN = placeholder
[ v3_ca ]
basicConstraints       = critical, CA:TRUE
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash
[ ca ]
default_ca = vixca
[ vixca ]
database        = index.txt
new_certs_dir   = newcerts
serial          = serial
certificate     = ca.pem
private_key     = ca.key
default_md      = sha256
default_days    = 3650
policy          = policy_any
unique_subject  = no
copy_extensions = none
[ policy_any ]
commonName = supplied
[ srv_good ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature
extendedKeyUsage       = serverAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid
subjectAltName         = DNS:localhost, DNS:viserver, IP:127.0.0.1, IP:::1
[ srv_wronghost ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature
extendedKeyUsage       = serverAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid
subjectAltName         = DNS:wrong.example
[ srv_self ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature
extendedKeyUsage       = serverAuth
subjectKeyIdentifier   = hash
subjectAltName         = DNS:localhost, IP:127.0.0.1
CNF
    make_path("$dir/newcerts");
    _spew("$dir/index.txt", '');
    _spew("$dir/serial", "1000\n");

    my $ssl = sub {
        my ($st, $out, $err) = _run([$openssl, @_], dir => $dir, timeout => 60,
                                    env => { OPENSSL_CONF => "$dir/openssl.cnf" });
        croak "openssl @_[0..1]: " . (_last_line($err) || "status $st") if $st;
    };
    my $key = sub { $ssl->('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256',
                           '-out', "$_[0].key") };
    my @cnf = ('-config', 'openssl.cnf');

    $key->('ca');
    $ssl->('req', @cnf, '-x509', '-new', '-key', 'ca.key', '-subj', '/CN=VixTest CA',
           '-days', '3650', '-extensions', 'v3_ca', '-out', 'ca.pem');

    my %signed = (
        good      => ['/CN=localhost',     'srv_good',      []],
        wronghost => ['/CN=wrong.example', 'srv_wronghost', []],
        expired   => ['/CN=localhost',     'srv_good',
                      ['-startdate', '20000101000000Z', '-enddate', '20010101000000Z']],
        notyet    => ['/CN=localhost',     'srv_good',
                      ['-startdate', '20900101000000Z', '-enddate', '20991231235959Z']],
    );
    for my $name (sort keys %signed) {
        my ($subj, $ext, $dates) = @{ $signed{$name} };
        $key->($name);
        $ssl->('req', @cnf, '-new', '-key', "$name.key", '-subj', $subj, '-out', "$name.csr");
        $ssl->('ca', @cnf, '-batch', '-notext', '-in', "$name.csr", '-out', "$name.pem",
               '-extensions', $ext, @$dates);
    }
    $key->('selfsigned');
    $ssl->('req', @cnf, '-x509', '-new', '-key', 'selfsigned.key', '-subj', '/CN=localhost',
           '-days', '3650', '-extensions', 'srv_self', '-out', 'selfsigned.pem');
    return \%c;
}

sub _spew {
    my ($path, $data) = @_;
    open my $fh, '>', $path or croak "$path: $!";
    print {$fh} $data;
    close $fh or croak "$path: $!";
}

# free_port() -> a TCP port on 127.0.0.1 that was free a moment ago.
sub free_port {
    my $s = IO::Socket::IP->new(LocalHost => '127.0.0.1', LocalPort => 0,
                                Proto => 'tcp', Listen => 1, ReuseAddr => 1)
        or croak "cannot bind 127.0.0.1:0: $@";
    my $port = $s->sockport;
    close $s;
    return $port;
}

1;
