#!/usr/bin/perl
# Bad-input matrix: every HostConnect parameter and every other exported
# function gets hostile values. Each case must give the SPEC code (or a
# croak where a reference makes no sense), never a crash, never a handle.
# No network: the only address ever connected to is a refused loopback port.
use strict;
use warnings;
use lib 't/lib';

use Test::More;
use B ();
use Encode ();

# A module that is not built fails here at compile time: never a skip.
use VMware::Vix::Simple qw(:DEFAULT GetLastErrorDetail);
use VMware::Vix::API::Constants;
use VixTest::Hostile;

# Numeric coercion warnings are expected input here, not test noise.
no warnings qw(numeric uninitialized);

VixTest::Hostile::vmware_config('vix.connectTimeoutSeconds' => 5);
my $PORT = VixTest::Hostile::refused_port();
my $URL  = "https://127.0.0.1:$PORT/sdk";    # valid, but nobody listens

my $MiB   = 1024 * 1024;
my $INF   = 9**9**9;
my $NAN   = $INF / $INF;
my $BAD8  = "\xff\xfe";               # byte string, not UTF-8
my $PW    = 's3cr3t';                 # marker: must never show up in a detail
my $CROAK = 'croak';                  # acceptable outcome marker

# Error code => name for messages.
my %NAME;
{
    no strict 'refs';
    for my $sym (keys %VMware::Vix::API::Constants::) {
        next unless $sym =~ /^VIX_(?:E_\w+|OK)$/;
        my $v = eval { &{"VMware::Vix::API::Constants::$sym"}() };
        $NAME{$v} //= $sym if defined $v;
    }
}
sub code_name { my $c = shift; defined $c ? ($NAME{$c} // 'unknown') . " ($c)" : 'undef' }
sub show {
    my $v = shift;
    return 'undef' unless defined $v;
    return ref($v) . ' ref' if ref $v;
    # numbers unquoted, strings quoted: 1 and "1" are different test inputs
    my $num = !(B::svref_2object(\$v)->FLAGS & B::SVp_POK());
    return "$v" if $num;
    my $s = length($v) > 40 ? substr($v, 0, 20) . '...(' . length($v) . ' chars)' : $v;
    $s =~ s/([^\x20-\x7e])/sprintf(ord($1) > 255 ? '\\x{%x}' : '\\x%02x', ord $1)/ge;
    return qq{"$s"};
}

# Stringifies to a harmless URL: a module that stringifies references then
# connects to the refused port instead of resolving "HASH(0x...)" via DNS.
package VixTest::UrlObj { use overload '""' => sub { ${ $_[0] } }, fallback => 1 }
my $URLOBJ = bless \(my $u = $URL), 'VixTest::UrlObj';

my @BASE = (VIX_API_VERSION, VIX_SERVICEPROVIDER_VMWARE_VI_SERVER, $URL, 0,
            'root', "$PW-pw", 0, VIX_INVALID_HANDLE);
my %IDX = (api => 0, type => 1, host => 2, port => 3, user => 4, pass => 5,
           options => 6, plh => 7);

my $HC = \&VMware::Vix::Simple::HostConnect;    # via a ref: no prototype check

# Run one HostConnect with %over replacing base arguments; $want is a code,
# $CROAK, or an array of acceptable outcomes.
sub hc_case {
    my ($label, $over, $want, %x) = @_;
    my @args = @BASE;
    $args[ $IDX{$_} // die "bad key $_" ] = $over->{$_} for keys %$over;
    my $r = VixTest::Hostile::isolated(sub {
        my @w;
        local $SIG{__WARN__} = sub { push @w, @_ };
        my @ret = $HC->(@args);
        my $detail = GetLastErrorDetail();
        return (ret => \@ret, detail => $detail, text => GetErrorText($ret[0] // 0));
    }, timeout => 30);
    check($label, $r, $want, hc => 1, %x);
}

sub check {
    my ($label, $r, $want, %x) = @_;
    my @want = ref $want eq 'ARRAY' ? @$want : ($want);
    ok(!$r->{signal}, "$label: no crash") or diag("died by signal $r->{signal}");
    ok(!$r->{timed_out}, "$label: returned") or return;
    if (defined $r->{croak}) {
        my $ok = ok(scalar(grep { $_ eq $CROAK } @want), "$label: croaked")
          && unlike($r->{croak}, qr/\Q$PW\E/, "$label: croak message has no password");
        diag("$label: unexpected croak: $r->{croak}") unless $ok;
        return;
    }
    my @ret = @{ $r->{ret} || [] };
    my ($err, $h) = @ret;
    my @codes = grep { $_ ne $CROAK } @want;
    my $ok = ok(defined $err && scalar(grep { $_ == $err } @codes),
                "$label: " . join(' or ', map { $_ eq $CROAK ? 'croak' : code_name($_) } @want));
    diag("$label: got " . code_name($err) . ', detail: ' . ($r->{detail} // '<undef>')) unless $ok;
    return unless $x{hc};
    is(scalar @ret, 2, "$label: returns (err, handle)");
    is($h, VIX_INVALID_HANDLE, "$label: no handle");
    my $d = $r->{detail};
    ok(defined $d && $d =~ /\S/ && $d !~ /[\r\n]/, "$label: detail is one non-empty line")
      or diag('detail: ' . show($d));
    cmp_ok(length($d // ''), '<', 2000, "$label: detail is short enough to read");
    unlike($d // '', qr/\Q$PW\E/, "$label: detail has no password");
    unlike($r->{text} // '', qr/\Q$PW\E/, "$label: error text has no password");
    like($d // '', $x{detail_like}, "$label: detail explains") if $x{detail_like};
    unlike($d // '', $x{detail_unlike}, "$label: detail has no part of the secret")
      if $x{detail_unlike};
}

# ---------------------------------------------------------------- baseline

hc_case('baseline (refused port)', {}, VIX_E_NET_HTTP_COULDNT_CONNECT);

# A later parameter that fails with a code of its own: when an earlier odd
# value is (correctly or wrongly) accepted, this code shows it.
my %LATER_UTF8 = (pass => "$PW$BAD8");

# ---------------------------------------------------------------- apiVersion

for my $v (-1, 1, '1', '-1', 1.0, -1.0) {
    hc_case('apiVersion ' . show($v) . ' accepted', { api => $v }, VIX_E_NET_HTTP_COULDNT_CONNECT);
}
for my $v (0, 2, -2, 3, 1000, undef, '', 'abc', "\x{100}") {
    hc_case('apiVersion ' . show($v), { api => $v }, VIX_E_INVALID_ARG);
}
# Values an int cast would turn into -1 or 1, and non-integers.
for my $v (2**32 - 1, 2**32 + 1, -(2**32) - 1, 2**63, -(2**63), 2**64 + 1, 1.5, -1.5,
           0.999, $INF, -$INF, $NAN, '1.5', '1e0x') {
    hc_case('apiVersion ' . show($v), { api => $v, %LATER_UTF8 }, VIX_E_INVALID_ARG);
}
for my $v ([], {}, \1, sub { 1 }) {
    hc_case('apiVersion ' . show($v), { api => $v, %LATER_UTF8 }, [VIX_E_INVALID_ARG, $CROAK]);
}

# ---------------------------------------------------------------- hostType

for my $v (10, 11, '10') {
    hc_case('hostType ' . show($v) . ' accepted', { type => $v }, VIX_E_NET_HTTP_COULDNT_CONNECT);
}
for my $v (0, 5, 6, 7, 9, 12, -1, -10, 100, undef, '', 'abc') {
    hc_case('hostType ' . show($v), { type => $v }, VIX_E_INVALID_ARG);
}
for my $v (2**32 + 10, 2**32 + 11, 10.5, 9.99, $INF, $NAN) {
    hc_case('hostType ' . show($v), { type => $v, %LATER_UTF8 }, VIX_E_INVALID_ARG);
}
for my $v ([], {}, \10) {
    hc_case('hostType ' . show($v), { type => $v, %LATER_UTF8 }, [VIX_E_INVALID_ARG, $CROAK]);
}
# Server 1.0 is gone: not supported, and the detail points to VI_SERVER.
hc_case('hostType VMWARE_SERVER', { type => VIX_SERVICEPROVIDER_VMWARE_SERVER },
        VIX_E_NOT_SUPPORTED, detail_like => qr/VI_SERVER/);
# Local-only providers refuse a remote host name without touching the network.
for my $t (VIX_SERVICEPROVIDER_VMWARE_WORKSTATION, VIX_SERVICEPROVIDER_VMWARE_PLAYER,
           VIX_SERVICEPROVIDER_DEFAULT) {
    hc_case("hostType $t with a remote host", { type => $t }, VIX_E_NOT_FOR_REMOTE_HOST);
    hc_case("hostType $t with a reference as host", { type => $t, host => [] },
            [VIX_E_NOT_FOR_REMOTE_HOST, VIX_E_INVALID_ARG, $CROAK]);
}

# ---------------------------------------------------------------- hostName

for my $v (undef, '') {
    hc_case('hostName ' . show($v), { host => $v }, VIX_E_INVALID_HOSTNAME_SPECIFICATION);
}
hc_case('hostName blanks', { host => "  \t ", %LATER_UTF8 },
        [VIX_E_INVALID_HOSTNAME_SPECIFICATION, VIX_E_NET_HTTP_URL_MALFORMAT]);
for my $v ('ftp://127.0.0.1/sdk', 'file:///etc/passwd', 'gopher://127.0.0.1:70/',
           'ldap://127.0.0.1/sdk', 'httpx://127.0.0.1/sdk') {
    hc_case('hostName ' . show($v), { host => $v }, VIX_E_NET_HTTP_UNSUPPORTED_PROTOCOL);
}
for my $v (uc($URL), "  $URL\t\n", "127.0.0.1:$PORT", "https://127.0.0.1:$PORT",
           "HtTpS://127.0.0.1:$PORT/sdk") {
    hc_case('hostName ' . show($v) . ' accepted', { host => $v }, VIX_E_NET_HTTP_COULDNT_CONNECT);
}
for my $v ('https://127.0.0.1:0/sdk', 'https://127.0.0.1:65536/sdk',
           'https://127.0.0.1:99999999999999999999/sdk', 'https://127.0.0.1:-1/sdk',
           'https://127.0.0.1:12a/sdk', 'https://127.0.0.1:0x1bb/sdk', '127.0.0.1:70000',
           'https://[::1/sdk', 'https://[::1]:99999/sdk', 'https://[::1]x/sdk') {
    hc_case('hostName ' . show($v), { host => $v }, VIX_E_NET_HTTP_URL_MALFORMAT);
}
hc_case('hostName with user:pass@', { host => "https://root:$PW\@127.0.0.1:$PORT/sdk" },
        VIX_E_NET_HTTP_URL_MALFORMAT);
# URL passwords with URL delimiters in them (people do type these unencoded):
# still malformed, and no piece of the password may reach the detail.
for my $pw ('s3/cr3t', 's3?cr3t', 's3#cr3t', 's3@cr3t', 's3:cr3t', 's3%2Fcr3t', 's3cr3t/') {
    for my $form ("https://root:$pw\@127.0.0.1:$PORT/sdk", "root:$pw\@127.0.0.1",
                  "http://root:$pw\@127.0.0.1") {
        hc_case('hostName ' . show($form), { host => $form }, VIX_E_NET_HTTP_URL_MALFORMAT,
                detail_unlike => qr/cr3t/);
    }
}
for my $v ($BAD8, "https://127.0.0.1/\xff", "https://127.0.0.1/\xc0\xaf",
           "https://127.0.0.1/\xed\xa0\x80", "https://127.0.0.1/\xf4\x90\x80\x80",
           "https://127.0.0.1/\xe2\x82", "https://127.0.0.1/\xf8\x88\x80\x80\x80",
           'https://127.0.0.1/' . ('x' x $MiB) . "\xff") {
    hc_case('hostName ' . show($v), { host => $v }, VIX_E_INVALID_UTF8_STRING);
}
for my $v ("https://127.0.0.1\0.example/sdk", "\0$URL", "$URL\0", 'https://127.0.0.1/' . ('x' x $MiB) . "\0") {
    hc_case('hostName ' . show($v), { host => $v }, VIX_E_INVALID_ARG);
}
# A character string (utf8 on) is valid: encoded to UTF-8, then used.
hc_case('hostName wide chars in path accepted', { host => "https://127.0.0.1:$PORT/sd\x{e9}k\x{263a}" },
        VIX_E_NET_HTTP_COULDNT_CONNECT);
hc_case('hostName wide chars + bad options', { host => "https://127.0.0.1:$PORT/h\x{e9}st\x{263a}", options => 1 },
        VIX_E_INVALID_ARG);
hc_case('hostName 1 MiB path', { host => "https://127.0.0.1:$PORT/" . ('x' x $MiB) },
        [VIX_E_NET_HTTP_COULDNT_CONNECT, VIX_E_NET_HTTP_URL_MALFORMAT]);
hc_case('hostName 1 MiB host', { host => 'https://' . ('a' x $MiB) . '/sdk', %LATER_UTF8 },
        [VIX_E_NET_HTTP_URL_MALFORMAT, VIX_E_INVALID_UTF8_STRING]);
hc_case('hostName object stringifying to a URL', { host => $URLOBJ },
        [VIX_E_NET_HTTP_COULDNT_CONNECT, VIX_E_INVALID_ARG, $CROAK]);

# ---------------------------------------------------------------- hostPort
# Ignored for VI_SERVER: whatever it is, the call goes on to the URL's port.

for my $v (-1, 0, 65536, 2**40, -(2**63), 1.5, 'abc', undef, '', $BAD8, "\x{263a}",
           "1\0", $INF, $NAN, 'x' x $MiB) {
    hc_case('hostPort ' . show($v) . ' ignored', { port => $v }, VIX_E_NET_HTTP_COULDNT_CONNECT);
}
for my $v ([], {}) {
    hc_case('hostPort ' . show($v) . ' ignored', { port => $v },
            [VIX_E_NET_HTTP_COULDNT_CONNECT, $CROAK]);
}

# ---------------------------------------------------------------- credentials

hc_case('userName undef + password undef', { user => undef, pass => undef }, VIX_E_INVALID_ARG);
hc_case('userName set + password undef',   { pass => undef }, VIX_E_INVALID_ARG);
hc_case('userName undef (clone ticket)',   { user => undef }, VIX_E_NET_HTTP_COULDNT_CONNECT);
hc_case('userName and password empty',     { user => '', pass => '' }, VIX_E_NET_HTTP_COULDNT_CONNECT);

for my $v ($BAD8, "r\xc0\xafot", "\xed\xa0\x80", 'r' x $MiB . "\xff") {
    hc_case('userName ' . show($v), { user => $v }, VIX_E_INVALID_UTF8_STRING);
    hc_case('password ' . show("$PW$v"), { pass => "$PW$v" }, VIX_E_INVALID_UTF8_STRING);
}
for my $v ("ro\0ot", "\0", 'r' x $MiB . "\0") {
    hc_case('userName ' . show($v), { user => $v }, VIX_E_INVALID_ARG);
    hc_case('password ' . show("$PW$v"), { pass => "$PW$v" }, VIX_E_INVALID_ARG);
}
for my $v ("r\x{f6}\x{263a}t", "\x{1F600}", 'r' x $MiB, 12345, -1.5) {
    hc_case('userName ' . show($v) . ' accepted', { user => $v }, VIX_E_NET_HTTP_COULDNT_CONNECT);
    hc_case('password ' . show("$PW$v") . ' accepted', { pass => "$PW$v" },
            VIX_E_NET_HTTP_COULDNT_CONNECT);
}
for my $v ([], {}) {
    hc_case('userName ' . show($v), { user => $v },
            [VIX_E_NET_HTTP_COULDNT_CONNECT, VIX_E_INVALID_ARG, $CROAK]);
    hc_case('password ' . show($v), { pass => $v },
            [VIX_E_NET_HTTP_COULDNT_CONNECT, VIX_E_INVALID_ARG, $CROAK]);
}

# ---------------------------------------------------------------- options

for my $v (0, VIX_HOSTOPTION_VERIFY_SSL_CERT, 0x8, VIX_HOSTOPTION_VERIFY_SSL_CERT | 0x8,
           '16384', 16384.0, '0') {
    hc_case('options ' . show($v) . ' accepted', { options => $v }, VIX_E_NET_HTTP_COULDNT_CONNECT);
}
for my $v (1, 2, 4, 0x10, 0x200, 0x2000, 0x8000, 0x4001, -1, 0x7fffffff, 0xffffffff, 0x80000000) {
    hc_case('options ' . show($v), { options => $v }, VIX_E_INVALID_ARG);
}
# Values an int cast would turn into 0 or 0x4000, and non-integers.
for my $v (2**32, 2**32 + 0x4000, 2**64, -(2**32), $INF, -$INF, $NAN, 0.5, 16384.5, 8.25) {
    hc_case('options ' . show($v), { options => $v }, VIX_E_INVALID_ARG);
}
for my $v (undef, 'abc') {    # numifies to 0: rejecting it is fine too
    hc_case('options ' . show($v), { options => $v },
            [VIX_E_NET_HTTP_COULDNT_CONNECT, VIX_E_INVALID_ARG]);
}
for my $v ([], {}) {
    hc_case('options ' . show($v), { options => $v }, [VIX_E_INVALID_ARG, $CROAK]);
}

# ---------------------------------------------------------------- propertyListHandle

for my $v (0, undef, '0') {
    hc_case('propertyListHandle ' . show($v) . ' accepted', { plh => $v },
            VIX_E_NET_HTTP_COULDNT_CONNECT);
}
for my $v (1, -1, 12345, 2**31 - 1, 2**32, 2**64, 0.5, $INF, $NAN) {
    hc_case('propertyListHandle ' . show($v), { plh => $v }, VIX_E_INVALID_ARG);
}
hc_case('propertyListHandle "abc"', { plh => 'abc' },
        [VIX_E_NET_HTTP_COULDNT_CONNECT, VIX_E_INVALID_ARG]);
for my $v ([], {}) {
    hc_case('propertyListHandle ' . show($v), { plh => $v }, [VIX_E_INVALID_ARG, $CROAK]);
}

# ---------------------------------------------------------------- parameter order
# First failing parameter decides (SPEC §2).

hc_case('order: apiVersion before hostName', { api => 7, host => $BAD8 }, VIX_E_INVALID_ARG);
hc_case('order: hostType before hostName', { type => 99, host => $BAD8 }, VIX_E_INVALID_ARG);
hc_case('order: hostName UTF-8 before options', { host => $BAD8, options => 1 }, VIX_E_INVALID_UTF8_STRING);
hc_case('order: hostName UTF-8 before propertyListHandle', { host => $BAD8, plh => 5 },
        VIX_E_INVALID_UTF8_STRING);
hc_case('order: hostName NUL before userName UTF-8', { host => "$URL\0x", user => $BAD8 },
        VIX_E_INVALID_ARG);
hc_case('order: userName UTF-8 before password NUL', { user => $BAD8, pass => "$PW\0" },
        VIX_E_INVALID_UTF8_STRING);
hc_case('order: userName NUL before password UTF-8', { user => "a\0b", pass => "$PW$BAD8" },
        VIX_E_INVALID_ARG);
hc_case('order: password UTF-8 before options', { pass => "$PW$BAD8", options => 1 },
        VIX_E_INVALID_UTF8_STRING);
hc_case('order: clone ticket UTF-8 checked', { user => undef, pass => "$PW$BAD8" },
        VIX_E_INVALID_UTF8_STRING);
hc_case('order: scheme before password', { host => 'ftp://127.0.0.1/', pass => "$PW$BAD8" },
        VIX_E_NET_HTTP_UNSUPPORTED_PROTOCOL);
hc_case('order: bad port before userName', { host => 'https://127.0.0.1:0/sdk', user => $BAD8 },
        VIX_E_NET_HTTP_URL_MALFORMAT);
hc_case('order: empty hostName before options', { host => '', options => 3 },
        VIX_E_INVALID_HOSTNAME_SPECIFICATION);

# ---------------------------------------------------------------- arg counts

my %FN = map { $_ => \&{"VMware::Vix::Simple::$_"} }
  qw(HostConnect HostDisconnect GetErrorText ReleaseHandle GetHandleType GetProperties);
my @COUNTS = (
    [HostConnect    => [], [1], [@BASE[0 .. 6]], [@BASE, 0]],
    [HostDisconnect => [], [1, 2]],
    [GetErrorText   => [], [1, 2, 3]],
    [ReleaseHandle  => [], [1, 2]],
    [GetHandleType  => [], [1, 2]],
    [GetProperties  => []],
);
for my $c (@COUNTS) {
    my ($fn, @lists) = @$c;
    for my $args (@lists) {
        my $r = VixTest::Hostile::isolated(sub {
            my @ret = $FN{$fn}->(@$args);
            return (ret => \@ret);
        }, timeout => 30);
        my $label = "$fn with " . scalar(@$args) . ' args';
        ok(!$r->{signal}, "$label: no crash");
        like($r->{croak} // '', qr/Usage/, "$label: croaks with a usage message")
          or diag('returned: ' . join(',', map { show($_) } @{ $r->{ret} || [] }));
    }
}

# ---------------------------------------------------------------- other functions

my @JUNK_HANDLES = (0, -1, 1, 2, 12345, 2**31 - 1, 2**31, 2**32, 2**32 + 1, 2**40, -(2**63),
                    2**64, undef, '', 'abc', 1.5, $INF, $NAN, $BAD8, "\x{263a}", 'x' x $MiB);
my @REFS = ([], {}, \1, sub { 1 });

sub fn_case {
    my ($label, $fn, $args, $check) = @_;
    my $r = VixTest::Hostile::isolated(sub {
        my @w;
        local $SIG{__WARN__} = sub { push @w, @_ };
        my @ret = $FN{$fn}->(@$args);
        return (ret => \@ret);
    }, timeout => 30);
    ok(!$r->{signal}, "$label: no crash") or diag("signal $r->{signal}");
    ok(!$r->{timed_out}, "$label: returned") or return;
    if (defined $r->{croak}) {
        ok($check->{may_croak}, "$label: croak allowed") or diag("croak: $r->{croak}");
        return;
    }
    $check->{ret}->($label, @{ $r->{ret} || [] });
}

for my $h (@JUNK_HANDLES, @REFS) {
    my $may = ref $h ? 1 : 0;    # a reference may be refused loudly
    my $s = show($h);
    for my $fn (qw(HostDisconnect ReleaseHandle)) {
        fn_case("$fn($s)", $fn, [$h], { may_croak => $may, ret => sub {
            my ($l, @r) = @_;
            is(scalar @r, 0, "$l: returns nothing");
        } });
    }
    fn_case("GetHandleType($s)", 'GetHandleType', [$h], { may_croak => $may, ret => sub {
        my ($l, @r) = @_;
        is_deeply(\@r, [VIX_HANDLETYPE_NONE], "$l: VIX_HANDLETYPE_NONE");
    } });
    fn_case("GetProperties($s, HOSTTYPE)", 'GetProperties', [$h, VIX_PROPERTY_HOST_HOSTTYPE],
            { may_croak => $may, ret => sub {
        my ($l, @r) = @_;
        is($r[0], VIX_E_INVALID_HANDLE, "$l: VIX_E_INVALID_HANDLE")
          or diag('got ' . code_name($r[0]));
    } });
}
for my $ids ([], [VIX_PROPERTY_HOST_HOSTTYPE, VIX_PROPERTY_HOST_API_VERSION,
                  VIX_PROPERTY_HOST_SOFTWARE_VERSION]) {
    fn_case('GetProperties(0, ' . scalar(@$ids) . ' ids)', 'GetProperties', [0, @$ids], { ret => sub {
        my ($l, @r) = @_;
        is($r[0], VIX_E_INVALID_HANDLE, "$l: VIX_E_INVALID_HANDLE") or diag('got ' . code_name($r[0]));
    } });
}
for my $id (undef, -1, 12345, 2**40, 'abc', $BAD8, 1.5, [], {}) {
    fn_case('GetProperties(1, ' . show($id) . ')', 'GetProperties', [1, $id],
            { may_croak => ref $id ? 1 : 0, ret => sub {
        my ($l, @r) = @_;
        ok(defined $r[0] && ($r[0] == VIX_E_INVALID_HANDLE || $r[0] == VIX_E_UNRECOGNIZED_PROPERTY),
           "$l: INVALID_HANDLE or UNRECOGNIZED_PROPERTY") or diag('got ' . code_name($r[0]));
    } });
}

# GetErrorText: always a non-empty text, masked to the low 16 bits.
for my $e (@JUNK_HANDLES, @REFS, 65535, 0x10000, 0x7fffffff) {
    fn_case('GetErrorText(' . show($e) . ')', 'GetErrorText', [$e], { may_croak => ref $e ? 1 : 0,
        ret => sub {
        my ($l, @r) = @_;
        ok(@r == 1 && defined $r[0] && length $r[0], "$l: one non-empty text");
    } });
}
for my $loc (undef, '', 'en', 'de_DE.UTF-8', $BAD8, "\0", 'x' x $MiB, "\x{263a}") {
    fn_case('GetErrorText(3, ' . show($loc) . ')', 'GetErrorText', [VIX_E_INVALID_ARG, $loc], { ret => sub {
        my ($l, @r) = @_;
        ok(@r == 1 && defined $r[0] && length $r[0], "$l: one non-empty text");
    } });
}
{
    my $r = VixTest::Hostile::isolated(sub {
        (masked   => GetErrorText(0x10000 | VIX_E_INVALID_ARG) eq GetErrorText(VIX_E_INVALID_ARG),
         masked2  => GetErrorText(0xABCD0000 + VIX_E_NET_HTTP_SSL_SECURITY)
                     eq GetErrorText(VIX_E_NET_HTTP_SSL_SECURITY),
         unknown  => GetErrorText(54321),
         ok_text  => GetErrorText(VIX_OK),
         distinct => GetErrorText(VIX_E_INVALID_ARG) ne GetErrorText(VIX_E_NET_HTTP_SSL_SECURITY));
    }, timeout => 30);
    ok(!$r->{signal} && !$r->{croak}, 'GetErrorText specials: no crash or croak');
    ok($r->{masked},  'GetErrorText masks to the low 16 bits');
    ok($r->{masked2}, 'GetErrorText masks high bits of a network code');
    like($r->{unknown} // '', qr/unknown/i, 'GetErrorText of an unknown code is a generic "unknown error"');
    ok(length($r->{ok_text} // ''), 'GetErrorText(VIX_OK) gives text');
    ok($r->{distinct}, 'different codes, different texts');
}

done_testing;
