# Certificate verification (SPEC section 5) and pinning: every combination
# of option bit, config switch, CA file, CA directory, thumbprint and
# certificate, with certificates made by the openssl CLI at test time. On
# every refusal the server must have seen no request at all.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use File::Copy qw(copy);
use File::Path qw(make_path);
use File::Temp qw(tempdir);
use Test::More;
use VixTest;

sandbox();

use VMware::Vix::Simple qw(:DEFAULT GetLastErrorDetail);
use VMware::Vix::API::Constants;

my $home = tempdir(CLEANUP => 1);
$ENV{HOME} = $home;
my $certs = make_certs(tempdir(CLEANUP => 1));

sub config {
    make_path("$home/.vmware");
    open my $fh, '>', "$home/.vmware/config" or die $!;
    print {$fh} map { "$_\n" } @_;
    close $fh;
}

sub fingerprint {
    my ($cert, $alg) = @_;
    my $out = qx{openssl x509 -noout -fingerprint -$alg -in '$cert'};
    $out =~ /=([0-9A-F:]+)/ or die "no fingerprint: $out";
    return $1;
}

my %sim = map { $_ => start_sim(cert => $certs->{$_}{cert}, key => $certs->{$_}{key}) }
    qw(good wronghost expired notyet selfsigned);

# Connects to the simulator serving $cert under $name (localhost or 127.0.0.1).
sub try_cert {
    my ($cert, %o) = @_;
    my $sim = $sim{$cert};
    my $host = $o{host} // 'localhost';
    my $before = () = sim_methods($sim);
    my ($err, $h) = HostConnect(VIX_API_VERSION, VIX_SERVICEPROVIDER_VMWARE_VI_SERVER,
        "https://$host:$sim->{port}/sdk", 0, 'root', 'rootpasswd', $o{options} // 0, VIX_INVALID_HANDLE);
    my $detail = GetLastErrorDetail();
    my $after = () = sim_methods($sim);
    HostDisconnect($h) if $h;
    return ($err, $detail, $after - $before, $h);
}

# Expect success, or a refusal with a reason and nothing sent.
sub expect {
    my ($label, $cert, $want, %o) = @_;
    my ($err, $detail, $sent, $h) = try_cert($cert, %o);
    if ($want eq 'ok') {
        is $err, VIX_OK, "$label: $cert accepted" or diag $detail;
        ok $h > 0, "$label: $cert gives a handle";
    } else {
        is $err, VIX_E_NET_HTTP_SSL_SECURITY, "$label: $cert refused with VIX_E_NET_HTTP_SSL_SECURITY";
        like $detail, $want, "$label: $cert detail names the reason ($detail)";
        is $sent, 0, "$label: $cert: the server saw no request (no credentials sent)";
        is $h, VIX_INVALID_HANDLE, "$label: $cert gives no handle";
    }
}

my %reason = (
    good       => 'ok',
    wronghost  => qr/wrong host/,
    expired    => qr/expired/,
    notyet     => qr/not yet valid/,
    selfsigned => qr/self-signed/,
);

subtest 'verification off (the default): any certificate' => sub {
    config();
    expect('off', $_, 'ok') for sort keys %sim;
    config('vix.enableSslCertificateCheck = "FALSE"', qq{vix.sslCertificateFile = "$certs->{ca}"});
    expect('off, CA configured', $_, 'ok') for sort keys %sim;
};

subtest 'option bit + CA file' => sub {
    config(qq{vix.sslCertificateFile = "$certs->{ca}"});
    expect('option', $_, $reason{$_}, options => VIX_HOSTOPTION_VERIFY_SSL_CERT) for sort keys %sim;
    expect('option, by IP', 'good', 'ok', host => '127.0.0.1', options => VIX_HOSTOPTION_VERIFY_SSL_CERT);
    expect('option, by IP', 'wronghost', qr/wrong host/, host => '127.0.0.1', options => VIX_HOSTOPTION_VERIFY_SSL_CERT);
    expect('option + retired bit', 'selfsigned', qr/self-signed/, options => VIX_HOSTOPTION_VERIFY_SSL_CERT | 0x8);
};

subtest 'config switch in every spelling + CA file' => sub {
    for my $on ('"TRUE"', 'true', '"yes"', 'YES', '"1"') {
        config("vix.enableSslCertificateCheck = $on", qq{vix.sslCertificateFile = "$certs->{ca}"});
        expect("switch $on", $_, $reason{$_}) for qw(good expired);
    }
};

subtest 'the option bit can only turn verification on' => sub {
    config('VIX.ENABLESSLCERTIFICATECHECK = "FALSE"', qq{vix.sslCertificateFile = "$certs->{ca}"});
    expect('switch FALSE + option', $_, $reason{$_}, options => VIX_HOSTOPTION_VERIFY_SSL_CERT) for sort keys %sim;
};

subtest 'CA directory: every regular file read, names need not be hashed' => sub {
    my $dir = tempdir(CLEANUP => 1);
    copy($certs->{ca}, "$dir/our company CA.txt") or die $!;
    open my $fh, '>', "$dir/README" or die $!;
    print {$fh} "not a certificate\n";
    close $fh;
    mkdir "$dir/subdir";
    config('vix.enableSslCertificateCheck = "TRUE"', qq{vix.sslCertificateDirectory = "$dir"});
    expect('CA dir', $_, $reason{$_}) for sort keys %sim;
};

subtest 'no CA configured: the system store, which does not know our CA' => sub {
    config('vix.enableSslCertificateCheck = "TRUE"');
    expect('system store', 'good', qr/unknown issuer/);
    expect('system store', 'selfsigned', qr/self-signed/);
};

subtest 'an unreadable CA file or directory is an error, never a fallback' => sub {
    config('vix.enableSslCertificateCheck = "TRUE"', 'vix.sslCertificateFile = "/nonexistent/ca.pem"');
    expect('missing CA file', 'good', qr{/nonexistent/ca\.pem});
    config('vix.enableSslCertificateCheck = "TRUE"', 'vix.sslCertificateDirectory = "/nonexistent/ca.d"');
    expect('missing CA dir', 'good', qr{/nonexistent/ca\.d});
    my $empty = tempdir(CLEANUP => 1);
    config('vix.enableSslCertificateCheck = "TRUE"', qq{vix.sslCertificateDirectory = "$empty"});
    expect('CA dir without certificates', 'good', qr/\Q$empty\E/);
    config('vix.enableSslCertificateCheck = "TRUE"', qq{vix.sslCertificateFile = "$empty"});
    expect('CA file that is a directory', 'good', qr/\Q$empty\E/);
};

subtest 'thumbprint pinning' => sub {
    my $sha256 = fingerprint($certs->{selfsigned}{cert}, 'sha256');
    my $sha1 = fingerprint($certs->{selfsigned}{cert}, 'sha1');
    config(qq{vix.sslThumbprint = "$sha256"});
    expect('SHA-256 pin', 'selfsigned', 'ok');
    expect('SHA-256 pin + option', 'selfsigned', 'ok', options => VIX_HOSTOPTION_VERIFY_SSL_CERT);
    config(qq{vix.sslThumbprint = "} . lc($sha1) . '"');
    expect('SHA-1 pin, lower case', 'selfsigned', 'ok');
    my $good256 = fingerprint($certs->{good}{cert}, 'sha256');
    config(qq{vix.sslThumbprint = "$sha256"});
    expect('pin mismatch', 'good', qr/thumbprint mismatch.*\Q$good256\E/);
    config(qq{vix.sslThumbprint = "$sha1"});
    my $good1 = fingerprint($certs->{good}{cert}, 'sha1');
    expect('SHA-1 pin mismatch', 'good', qr/SHA-1 \Q$good1\E/);
    config('vix.sslThumbprint = "12:34"');
    expect('malformed pin', 'selfsigned', qr/sslThumbprint/);
};

stop_sim($_) for values %sim;
done_testing;
