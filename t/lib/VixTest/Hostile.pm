package VixTest::Hostile;

# Misbehaving HTTP/TLS servers on loopback for the failure-mode tests.
#
# Each server is a forked child in its own process group; every accepted
# connection is handled in a further fork (so a client that reconnects while
# an old connection is still open is never blocked). Servers and their
# connection handlers exit by themselves after `lifetime` seconds, so nothing
# outlives a crashed or killed test for long.
#
#   my $srv = VixTest::Hostile->start('drip');            # TLS by default
#   my $srv = VixTest::Hostile->start('status404', tls => 0);
#   options: tls => 0|1, host => '127.0.0.1'|'::1', lifetime => seconds,
#            plus per-behaviour ones (redirect: status, target, from;
#            redirect_to_http: target; slow_steps: delay)
#   $srv->{url} / $srv->url   https://127.0.0.1:PORT/sdk
#   $srv->{port}, $srv->{pid}
#   $srv->requests            list of {method, path, version, headers, body}
#   $srv->connections         number of accepted TCP connections
#   $srv->stop                (also done by DESTROY and at END)
#
#   VixTest::Hostile::refused_port([host]) a loopback port nobody listens on
#   VixTest::Hostile::vmware_config(%kv) fresh $HOME with .vmware/config
#   VixTest::Hostile::isolated(\&code, timeout => N)
#       runs code in a forked child (a crash or hang there becomes a test
#       failure instead of killing the whole test file)
#   VixTest::Hostile::behaviours()       names start() accepts
#   VixTest::Hostile::request_field($body, $name)  decoded <name> text
#
# Behaviours (each described where it is defined below):
#   silent_accept silent_after_handshake drip garbage truncated huge
#   huge_chunked huge_claim not_soap status404 entity_expansion deep_nesting
#   redirect_loop redirect_to_http redirect bad_chunks http10_close
#   huge_fault echo_password_fault drop_idle close_each interim_100
#   slow_steps huge_headers weird_fault close_after_request
#   reset_after_request reset_mid_response handshake_garbage accept_close
#   old_tls fake_vsphere (a scripted vSphere host for the VM layer)

use strict;
use warnings;
use Carp qw(croak);
use Errno ();
use File::Spec;
use File::Temp ();
use IO::Select;
use IO::Socket::IP;
use IO::Socket::SSL;
use POSIX ();
use Socket ();
use Storable ();
use Time::HiRes ();

our $DEFAULT_LIFETIME = 120;    # seconds a server (and each handler) may live

my %LIVE;          # "pid" => server object, for the END block
my $TLS_DIR;       # temp dir with the generated key/cert (one per test run)

# ---------------------------------------------------------------- SOAP bits

my $ENV_OPEN = '<?xml version="1.0" encoding="UTF-8"?>'
  . '<soapenv:Envelope xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/"'
  . ' xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"'
  . ' xmlns:xsd="http://www.w3.org/2001/XMLSchema"'
  . ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
  . '<soapenv:Body>';
my $ENV_CLOSE = '</soapenv:Body></soapenv:Envelope>';

sub xml_escape {
    my ($s) = @_;
    $s =~ s/&/&amp;/g;
    $s =~ s/</&lt;/g;
    $s =~ s/>/&gt;/g;
    $s =~ s/"/&quot;/g;
    $s =~ s/'/&apos;/g;
    return $s;
}

# Undo what a client may have done to put a string into XML: CDATA
# sections and the five entities plus numeric references.
sub xml_unescape {
    my ($s) = @_;
    my $out = '';
    while (length $s) {
        if ($s =~ s/\A<!\[CDATA\[(.*?)\]\]>//s) { $out .= $1; next }
        if ($s =~ s/\A([^<]+)//s) {
            my $t = $1;
            $t =~ s{&(?:#x([0-9a-fA-F]+)|#([0-9]+)|(amp|lt|gt|quot|apos));}{
                defined $1 ? chr(hex $1)
              : defined $2 ? chr($2)
              : { amp => '&', lt => '<', gt => '>', quot => '"', apos => "'" }->{$3}
            }ge;
            $out .= $t;
            next;
        }
        $out .= substr($s, 0, 1, '');    # stray '<': keep, never loop forever
    }
    return $out;
}

sub soap_fault {
    my (%f) = @_;
    my $type   = $f{type}   // 'SystemError';
    my $string = $f{string} // 'fault';
    my $inner  = $f{inner}  // '';
    return $ENV_OPEN
      . '<soapenv:Fault><faultcode>ServerFaultCode</faultcode>'
      . '<faultstring>' . xml_escape($string) . '</faultstring>'
      . '<detail><' . $type . 'Fault xmlns="urn:vim25" xsi:type="' . $type . '">'
      . $inner . '</' . $type . 'Fault></detail></soapenv:Fault>'
      . $ENV_CLOSE;
}

sub service_content {
    return $ENV_OPEN
      . '<RetrieveServiceContentResponse xmlns="urn:vim25"><returnval>'
      . '<rootFolder type="Folder">ha-folder-root</rootFolder>'
      . '<propertyCollector type="PropertyCollector">ha-property-collector</propertyCollector>'
      . '<about><name>VMware ESXi</name>'
      . '<fullName>VMware ESXi 7.0.3 build-20036589 (hostile test server)</fullName>'
      . '<vendor>VMware, Inc.</vendor><version>7.0.3</version><build>20036589</build>'
      . '<osType>vmnix-x86</osType><productLineId>embeddedEsx</productLineId>'
      . '<apiType>HostAgent</apiType><apiVersion>7.0.3.0</apiVersion></about>'
      . '<sessionManager type="SessionManager">ha-sessionmgr</sessionManager>'
      . '</returnval></RetrieveServiceContentResponse>'
      . $ENV_CLOSE;
}

# ----------------------------------------------------------- TLS material

# Self-signed EC certificate for localhost/127.0.0.1/::1, made once per run
# with the openssl CLI (no key material is kept in the repository).
sub tls_material {
    return ("$TLS_DIR/cert.pem", "$TLS_DIR/key.pem") if $TLS_DIR;
    my $dir = File::Temp::tempdir('vix-hostile-tls-XXXXXX', TMPDIR => 1, CLEANUP => 1);
    my @cmd = (
        'openssl', 'req', '-x509', '-newkey', 'ec',
        '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
        '-keyout', "$dir/key.pem", '-out', "$dir/cert.pem", '-days', '2',
        '-subj', '/CN=localhost',
        '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1',
    );
    my $pid = fork // croak "fork: $!";
    if (!$pid) {
        open STDOUT, '>', File::Spec->devnull;
        open STDERR, '>', File::Spec->devnull;
        exec @cmd or POSIX::_exit(127);
    }
    _wait_bounded($pid, 30) == 0 or croak "openssl req failed (@cmd)";
    -s "$dir/cert.pem" && -s "$dir/key.pem" or croak "openssl produced no cert in $dir";
    $TLS_DIR = $dir;
    return ("$dir/cert.pem", "$dir/key.pem");
}

# --------------------------------------------------------------- behaviours
#
# Each behaviour: handler gets a connection object $c (see _conn_*) after
# the TLS handshake, unless raw => 1 (then no handshake is ever done).

my %B;

# Accepts TCP and never sends a byte (not even a TLS ServerHello).
$B{silent_accept} = { raw => 1, handler => sub { _drain_until_eof($_[0]) } };

# Completes TLS, reads the request, never answers.
$B{silent_after_handshake} = { handler => sub {
    my ($c) = @_;
    _read_request($c);
    _drain_until_eof($c);
} };

# Valid-looking headers, then one body byte per second.
$B{drip} = { handler => sub {
    my ($c) = @_;
    _read_request($c) or return;
    _write($c, "HTTP/1.1 200 OK\r\nContent-Type: text/xml; charset=utf-8\r\n"
             . "Content-Length: 1000000\r\nConnection: keep-alive\r\n\r\n") or return;
    my $body = $ENV_OPEN . (' ' x 1000);
    for my $i (0 .. 999_999) {    # ends long before: lifetime alarm or EPIPE
        _write($c, substr($body, $i % length($body), 1)) or return;
        sleep 1;
    }
} };

# Random non-HTTP bytes, then close.
$B{garbage} = { handler => sub {
    my ($c) = @_;
    _read_request($c);
    my $junk = "\x00\xff\xfe\x01GARBAGE\x7f";    # never starts like "HTTP/"
    $junk .= chr(int rand 256) for 1 .. 4096;
    _write($c, $junk);
    _close($c);
} };

# Promises 5000 bytes, sends 100, closes.
$B{truncated} = { handler => sub {
    my ($c) = @_;
    _read_request($c) or return;
    my $body = substr(service_content(), 0, 100);
    _write($c, "HTTP/1.1 200 OK\r\nContent-Type: text/xml; charset=utf-8\r\n"
             . "Content-Length: 5000\r\n\r\n" . $body);
    _close($c);
} };

# 100 MiB body with a Content-Length (client must stop at 32 MiB).
$B{huge} = { handler => sub { _huge($_[0], 0) } };
# Same without a length: chunked, so the cap must be enforced while reading.
$B{huge_chunked} = { handler => sub { _huge($_[0], 1) } };
# Claims 1 TiB (Content-Length), then streams like `huge`: a client that
# pre-allocates what the header promises runs out of memory.
$B{huge_claim} = { handler => sub { _huge($_[0], 0, 1 << 40) } };

$B{not_soap} = { handler => sub {
    _serve($_[0], sub { (200, 'OK', 'text/html', '<html>hello</html>') });
} };

$B{status404} = { handler => sub {
    _serve($_[0], sub {
        (404, 'Not Found', 'text/html',
         '<html><head><title>404 Not Found</title></head>'
         . '<body><h1>Not Found</h1></body></html>')
    });
} };

# Billion laughs: 10^9 "lol"s if anybody expands the entities.
$B{entity_expansion} = { handler => sub {
    my $dtd = qq{<!DOCTYPE soapenv:Envelope [\n <!ENTITY lol "lol">\n};
    $dtd .= qq{ <!ENTITY lol$_ "} . ("&lol" . ($_ == 1 ? '' : $_ - 1) . ';') x 10 . qq{">\n}
        for 1 .. 9;
    $dtd .= "]>\n";
    my $body = '<?xml version="1.0" encoding="UTF-8"?>' . "\n" . $dtd
      . substr($ENV_OPEN, length '<?xml version="1.0" encoding="UTF-8"?>')
      . '<RetrieveServiceContentResponse xmlns="urn:vim25"><returnval>'
      . '<about><fullName>&lol9;</fullName><apiVersion>&lol9;</apiVersion></about>'
      . '<sessionManager type="SessionManager">&lol9;</sessionManager>'
      . '</returnval></RetrieveServiceContentResponse>' . $ENV_CLOSE;
    _serve($_[0], sub { (200, 'OK', 'text/xml; charset=utf-8', $body) });
} };

# 100,000 nested elements inside the Body (a recursive parser overflows).
$B{deep_nesting} = { handler => sub {
    my $body = $ENV_OPEN . ('<a>' x 100_000) . ('</a>' x 100_000) . $ENV_CLOSE;
    _serve($_[0], sub { (200, 'OK', 'text/xml; charset=utf-8', $body) });
} };

# Redirects every request to itself.
$B{redirect_loop} = { handler => sub {
    my ($c) = @_;
    _serve($c, sub { (302, 'Found', 'text/html', '', Location => $c->{self_url}) });
} };

# https -> http downgrade to a companion plain server (opts{target}).
$B{redirect_to_http} = { handler => sub {
    my ($c) = @_;
    _serve($c, sub { (301, 'Moved Permanently', 'text/html', '', Location => $c->{opts}{target}) });
} };

# Chunked body whose second chunk-size line is not hex; the connection then
# stays open, so a client that does not validate would hang, not fail.
$B{bad_chunks} = { handler => sub {
    my ($c) = @_;
    _read_request($c) or return;
    my $first = substr(service_content(), 0, 26);
    _write($c, "HTTP/1.1 200 OK\r\nContent-Type: text/xml; charset=utf-8\r\n"
             . "Transfer-Encoding: chunked\r\n\r\n"
             . sprintf("%x\r\n", length $first) . $first . "\r\n"
             . "zz-not-hex\r\n" . ('<' x 64) . "\r\n") or return;
    _drain_until_eof($c);
} };

# HTTP/1.0, no Content-Length: the body ends at EOF. The body is a valid SOAP
# fault, sent in pieces so a client has to read to the end.
$B{http10_close} = { handler => sub {
    my ($c) = @_;
    _read_request($c) or return;
    my $body = soap_fault(type => 'SystemError', string => 'boom',
                          inner => '<reason>boom</reason>');
    _write($c, "HTTP/1.0 200 OK\r\nContent-Type: text/xml; charset=utf-8\r\n"
             . "Connection: close\r\n\r\n") or return;
    my $third = int(length($body) / 3) + 1;
    for my $off (0, $third, 2 * $third) {
        last if $off >= length $body;
        _write($c, substr($body, $off, $third)) or return;
        Time::HiRes::sleep(0.05);
    }
    _close($c);
} };

# 500 with a SOAP fault whose faultstring is 10 MiB of multi-line text.
$B{huge_fault} = { handler => sub {
    my $msg = ("boom <line> & more\r\n" x (10 * 1024 * 1024 / 20));
    my $body = soap_fault(type => 'SystemError', string => $msg,
                          inner => '<reason>huge</reason>');
    _serve($_[0], sub { (500, 'Internal Server Error', 'text/xml; charset=utf-8', $body) });
} };

# A plausible host: ServiceContent, then InvalidLogin whose message echoes
# the password it was sent (and the session cookie) back to the client.
my $COOKIE = 'a1b2c3d4e5f6-cookie-secret';
sub _echo_responder {
    my ($req) = @_;
    my $m = _soap_method($req->{body});
    if ($m eq 'RetrieveServiceContent') {
        return (200, 'OK', 'text/xml; charset=utf-8', service_content(),
                'Set-Cookie' => qq{vmware_soap_session="$COOKIE"; Path=/; HttpOnly; Secure;});
    }
    if ($m eq 'Login' || $m eq 'CloneSession') {
        my $pw = request_field($req->{body}, $m eq 'Login' ? 'password' : 'cloneTicket') // '';
        return (500, 'Internal Server Error', 'text/xml; charset=utf-8',
                soap_fault(type => 'InvalidLogin',
                           string => "Cannot complete login due to an incorrect user name or password: '$pw' (session $COOKIE)"));
    }
    if ($m eq 'Logout') {
        return (200, 'OK', 'text/xml; charset=utf-8',
                $ENV_OPEN . '<LogoutResponse xmlns="urn:vim25"></LogoutResponse>' . $ENV_CLOSE);
    }
    return (500, 'Internal Server Error', 'text/xml; charset=utf-8',
            soap_fault(type => 'MethodNotFound', string => "unexpected method '$m'"));
}
$B{echo_password_fault} = { handler => sub { _serve($_[0], \&_echo_responder) } };

# Like echo_password_fault, but closes the kept-alive connection right after
# the first answer without saying so: the client must reconnect for Login.
$B{drop_idle} = { handler => sub {
    _serve($_[0], sub { (_echo_responder(@_), -close => 1) });
} };

# Like echo_password_fault, but every answer says "Connection: close".
$B{close_each} = { handler => sub {
    _serve($_[0], sub { (_echo_responder(@_), Connection => 'close', -close => 1) });
} };

# A host that lets anyone in and answers AcquireCloneTicket only after
# opts{delay} seconds (default 0.5): a slow call, for concurrency tests. Each
# connection is served by its own process, so calls on different connections
# overlap.
$B{slow_host} = { handler => sub {
    my ($c) = @_;
    my $xml = 'text/xml; charset=utf-8';
    _serve($c, sub {
        my $m = _soap_method($_[0]{body});
        return (200, 'OK', $xml, service_content()) if $m eq 'RetrieveServiceContent';
        return (200, 'OK', $xml, $ENV_OPEN . '<LoginResponse xmlns="urn:vim25"><returnval><key>k</key>'
                . '</returnval></LoginResponse>' . $ENV_CLOSE,
                'Set-Cookie' => 'vmware_soap_session="slow-host-cookie"; Path=/; HttpOnly') if $m eq 'Login';
        return (200, 'OK', $xml, $ENV_OPEN . '<AcquireCloneTicketResponse xmlns="urn:vim25"><returnval>cst-slow'
                . '</returnval></AcquireCloneTicketResponse>' . $ENV_CLOSE, -delay => $c->{opts}{delay} // 0.5)
            if $m eq 'AcquireCloneTicket';
        return (200, 'OK', $xml, $ENV_OPEN . '<LogoutResponse xmlns="urn:vim25"></LogoutResponse>' . $ENV_CLOSE)
            if $m eq 'Logout';
        return (500, 'Internal Server Error', $xml,
                soap_fault(type => 'MethodNotFound', string => "unexpected method '$m'"));
    });
} };

# Redirect requests for opts{from} (default /sdk) with opts{status} to
# opts{target} (absolute or relative); any other path gets the echo host.
$B{redirect} = { handler => sub {
    my ($c) = @_;
    my $o = $c->{opts};
    my $from = $o->{from} // '/sdk';
    _serve($c, sub {
        my ($req) = @_;
        return _echo_responder($req) unless $req->{path} eq $from;
        my $st = $o->{status} // 302;
        return ($st, 'Redirect', 'text/html', '', Location => $o->{target});
    });
} };

# Like echo_password_fault, but each answer is preceded by an interim
# "100 Continue" (RFC 9110: clients must skip unexpected 1xx responses).
$B{interim_100} = { handler => sub {
    _serve($_[0], sub { (_echo_responder(@_), -interim => "HTTP/1.1 100 Continue\r\n\r\n") });
} };

# A working host that is slow: every answer comes after opts{delay} (1.2 s)
# and Login succeeds. Each step fits a 2 s deadline, the whole call does not.
$B{slow_steps} = { handler => sub {
    my ($c) = @_;
    my $d = $c->{opts}{delay} // 1.2;
    _serve($c, sub {
        my ($req) = @_;
        my $m = _soap_method($req->{body});
        if ($m eq 'Login') {
            return (200, 'OK', 'text/xml; charset=utf-8',
                    $ENV_OPEN . '<LoginResponse xmlns="urn:vim25"><returnval>'
                    . '<key>52b5-session</key><userName>root</userName><fullName>root</fullName>'
                    . '<loginTime>2024-01-01T00:00:00Z</loginTime><lastActiveTime>2024-01-01T00:00:00Z</lastActiveTime>'
                    . '<locale>en</locale><messageLocale>en</messageLocale></returnval></LoginResponse>'
                    . $ENV_CLOSE, -delay => $d);
        }
        return (_echo_responder($req), -delay => $d);
    });
} };

# Headers that never end (1 KiB lines, forever): a client without a header
# limit keeps buffering until its deadline.
$B{huge_headers} = { handler => sub {
    my ($c) = @_;
    _read_request($c) or return;
    _write($c, "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\n") or return;
    my $line = 'X-Junk: ' . ('j' x 1014) . "\r\n";
    for (1 .. 1_000_000) { _write($c, $line x 64) or return }    # ends on EPIPE
} };

# A fault message full of control characters, terminal escapes, a numeric
# newline reference, U+2028 and bytes that are not UTF-8.
$B{weird_fault} = { handler => sub {
    my $msg = "line1\r\nline2\n\tTAB \x1b[31mRED\x1b[0m \x1b]0;title\x07 bad-utf8:\xff\xfe\xc0\xaf"
            . " sep:\xe2\x80\xa8 end";
    my $body = soap_fault(type => 'SystemError', string => $msg);
    $body =~ s/TAB/&#10;&#13;&#27;[2J&#x1b;/;    # numeric references decode to controls
    _serve($_[0], sub { (500, 'Internal Server Error', 'text/xml', $body) });
} };

# Reads the request, then closes cleanly (FIN, TLS close_notify) without
# a single byte of response.
$B{close_after_request} = { handler => sub {
    my ($c) = @_;
    _read_request($c) or return;
    _close($c);
} };

# TCP reset (SO_LINGER 0) right after reading the request, or after the
# headers and part of the body.
$B{reset_after_request} = { handler => sub {
    my ($c) = @_;
    _read_request($c) or return;
    _reset($c);
} };
$B{reset_mid_response} = { handler => sub {
    my ($c) = @_;
    _read_request($c) or return;
    _write($c, "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 5000\r\n\r\n"
             . substr(service_content(), 0, 200));
    Time::HiRes::sleep(0.1);
    _reset($c);
} };

# Answers the TLS ClientHello with junk (no TLS at all on the server side).
$B{handshake_garbage} = { raw => 1, handler => sub {
    my ($c) = @_;
    _fill($c);
    my $junk = "\x15\x03\x03\x00\x02\x02";    # looks like a record header, then rubbish
    $junk .= chr(int rand 256) for 1 .. 2048;
    _write($c, $junk);
    _close($c);
} };

# Accepts TCP and closes at once.
$B{accept_close} = { raw => 1, handler => sub { _close($_[0]) } };

# Only TLS 1.0/1.1: a client that insists on TLS 1.2+ must refuse it.
$B{old_tls} = { tls_args => [ SSL_version => 'TLSv1_1:!TLSv1_2:!TLSv1_3',
                              SSL_cipher_list => 'DEFAULT:@SECLEVEL=0' ],
                handler => sub { _serve($_[0], sub { (200, 'OK', 'text/html', '<html>old</html>') }) } };

# ------------------------------------------------------- a scripted vSphere
#
# fake_vsphere: a small but plausible vSphere host, enough for the VM layer
# to reach a task: ServiceContent, Login (any password), one datacenter dc-1
# with datastore ds1, one VM vm-1 at opts{vm_path} ("[ds1] vm1/vm1.vmx"),
# FindByDatastorePath, CreateContainerView, RetrievePropertiesEx,
# CreatePropertyCollector/CreateFilter/WaitForUpdatesEx, every *_Task.
# Options steer the misbehaviour:
#   power_state => 'poweredOn'       what runtime.powerState says
#   task        => 'never'           WaitForUpdatesEx: info.state running,
#                                    then no change forever (each poll held
#                                    min(maxWaitSeconds, poll_hold) s, 1 s)
#               => 'fault'           the task ends in error: fault_type,
#                                    fault_inner (XML inside <fault>),
#                                    fault_message
#               => 'truncated'       the first WaitForUpdatesEx answer is cut
#                                    short (Content-Length promises more)
#               => 'success'         (default)
#   props       => 'missing'         the VM's property answer has no propSet
#                                    but name and powerState; 'extra': adds
#                                    unknown elements and properties
#   delay       => { Method => s }   answer Method after s seconds
#   stall_once  => 'Method'          the first request for Method (server
#                                    wide) is never answered
my $VIM_NS = 'xmlns="urn:vim25"';
sub _fv_env { $ENV_OPEN . $_[0] . $ENV_CLOSE }
sub _fv_ok  { (200, 'OK', 'text/xml; charset=utf-8', _fv_env(@_)) }
sub _fv_resp {
    my ($m, $inner) = @_;
    return _fv_ok("<${m}Response $VIM_NS>" . ($inner // '') . "</${m}Response>");
}
sub _fv_prop {
    my ($name, $type, $val) = @_;
    return "<propSet><name>$name</name><val xsi:type=\"$type\">" . xml_escape($val) . '</val></propSet>';
}
sub _fv_content {
    return _fv_resp('RetrieveServiceContent', '<returnval>'
      . '<rootFolder type="Folder">group-d1</rootFolder>'
      . '<propertyCollector type="PropertyCollector">propertyCollector</propertyCollector>'
      . '<viewManager type="ViewManager">ViewManager</viewManager>'
      . '<about><name>VMware vCenter Server</name>'
      . '<fullName>VMware vCenter Server 7.0.3 build-20150588 (scripted test server)</fullName>'
      . '<vendor>VMware, Inc.</vendor><version>7.0.3</version><build>20150588</build>'
      . '<osType>linux-x64</osType><productLineId>vpx</productLineId>'
      . '<apiType>VirtualCenter</apiType><apiVersion>7.0.3.0</apiVersion></about>'
      . '<searchIndex type="SearchIndex">SearchIndex</searchIndex>'
      . '<sessionManager type="SessionManager">SessionManager</sessionManager>'
      . '</returnval>');
}
$B{fake_vsphere} = { handler => sub {
    my ($c) = @_;
    my $o = $c->{opts};
    my $vm_path = $o->{vm_path} // '[ds1] vm1/vm1.vmx';
    my $state = $o->{power_state} // 'poweredOn';
    my $task = $o->{task} // 'success';
    my $polls = 0;
    my $cookie = 'vmware_soap_session="fake-session-cookie-1234"; Path=/; HttpOnly; Secure;';
    _serve($c, sub {
        my ($req) = @_;
        my $b = $req->{body};
        my $m = _soap_method($b);
        my @ctl;
        if (my $d = ($o->{delay} || {})->{$m}) { @ctl = (-delay => $d) }
        if (($o->{stall_once} // '') eq $m && !-e "$c->{dir}/stalled.$m") {
            _touch("$c->{dir}/stalled.$m");
            _drain_until_eof($c);
            POSIX::_exit(0);
        }
        if ($m eq 'RetrieveServiceContent') { return (_fv_content(), @ctl) }
        if ($m eq 'Login') {
            return (_fv_resp('Login', '<returnval><key>52-fake</key><userName>root</userName>'
                . '<fullName>root</fullName><loginTime>2024-01-01T00:00:00Z</loginTime>'
                . '<lastActiveTime>2024-01-01T00:00:00Z</lastActiveTime><locale>en</locale>'
                . '<messageLocale>en</messageLocale></returnval>'), 'Set-Cookie' => $cookie, @ctl);
        }
        if ($m eq 'CreateContainerView') {
            return (_fv_resp($m, '<returnval type="ContainerView">session[fake]view-1</returnval>'), @ctl);
        }
        if ($m eq 'FindByDatastorePath') {
            my $p = request_field($b, 'path') // '';
            return (_fv_resp($m, $p eq $vm_path ? '<returnval type="VirtualMachine">vm-1</returnval>' : ''), @ctl);
        }
        if ($m eq 'RetrievePropertiesEx') {
            my $objs;
            if ($b =~ /Datacenter/) {
                $objs = '<objects><obj type="Datacenter">datacenter-1</obj>'
                  . '<propSet><name>datastore</name><val xsi:type="ArrayOfManagedObjectReference">'
                  . '<ManagedObjectReference type="Datastore">datastore-1</ManagedObjectReference></val></propSet>'
                  . '<propSet><name>hostFolder</name><val type="Folder" xsi:type="ManagedObjectReference">group-h1</val></propSet>'
                  . '<propSet><name>vmFolder</name><val type="Folder" xsi:type="ManagedObjectReference">group-v1</val></propSet>'
                  . '</objects><objects><obj type="Datastore">datastore-1</obj>'
                  . _fv_prop('name', 'xsd:string', 'ds1') . '</objects>';
            } elsif ($b =~ /ContainerView/) {
                $objs = '<objects><obj type="VirtualMachine">vm-1</obj>'
                  . _fv_prop('config.files.vmPathName', 'xsd:string', $vm_path)
                  . _fv_prop('runtime.powerState', 'VirtualMachinePowerState', $state) . '</objects>';
            } else {
                my $props = $o->{props} // '';
                my @p = (_fv_prop('name', 'xsd:string', 'vm1'),
                         _fv_prop('runtime.powerState', 'VirtualMachinePowerState', $state));
                push @p, _fv_prop('config.hardware.numCPU', 'xsd:int', 2),
                         _fv_prop('config.hardware.memoryMB', 'xsd:int', 2048),
                         _fv_prop('config.files.vmPathName', 'xsd:string', $vm_path),
                         _fv_prop('config.template', 'xsd:boolean', 'false'),
                         _fv_prop('config.guestId', 'xsd:string', 'otherGuest64'),
                         _fv_prop('guest.toolsRunningStatus', 'xsd:string', 'guestToolsRunning'),
                         _fv_prop('guest.toolsStatus', 'VirtualMachineToolsStatus', 'toolsOk')
                    unless $props eq 'missing';
                push @p, _fv_prop('config.unknownFutureThing', 'xsd:string', 'ignore me'),
                         '<futureElement><nested>x</nested></futureElement>'
                    if $props eq 'extra';
                @p = reverse @p if $props eq 'extra';
                my $missing = $props eq 'missing'
                  ? '<missingSet><path>config.hardware.numCPU</path><fault><fault xsi:type="NoPermission"/>'
                    . '<localizedMessage>no</localizedMessage></fault></missingSet>' : '';
                $objs = '<objects><obj type="VirtualMachine">vm-1</obj>' . join('', @p) . $missing . '</objects>';
            }
            return (_fv_resp($m, "<returnval>$objs</returnval>"), @ctl);
        }
        if ($m eq 'CreatePropertyCollector') {
            return (_fv_resp($m, '<returnval type="PropertyCollector">session[fake]pc-2</returnval>'), @ctl);
        }
        if ($m eq 'CreateFilter') {
            return (_fv_resp($m, '<returnval type="PropertyFilter">session[fake]filter-1</returnval>'), @ctl);
        }
        if ($m eq 'WaitForUpdatesEx') {
            $polls++;
            my $cs = sub {
                join "", map { "<changeSet><name>$_->[0]</name><op>assign</op>" . ($_->[1] // "") . "</changeSet>" } @_;
            };
            my $set = sub {
                "<returnval><version>$polls</version><filterSet><filter type=\"PropertyFilter\">"
                  . "session[fake]filter-1</filter><objectSet><kind>"
                  . ($polls == 1 ? 'enter' : 'modify') . '</kind><obj type="Task">task-1</obj>'
                  . $_[0] . '</objectSet></filterSet></returnval>';
            };
            if ($task eq 'never') {
                if ($polls == 1) {
                    return (_fv_resp($m, $set->($cs->(['info.state', '<val xsi:type="TaskInfoState">running</val>'],
                                                       ['info.error'], ['info.result']))), @ctl);
                }
                my ($wait) = ($b =~ /maxWaitSeconds>(\d+)</);
                my $hold = $o->{poll_hold} // 1;
                $hold = $wait if defined $wait && $wait < $hold;
                return (_fv_resp($m, ''), -delay => $hold);
            }
            if ($task eq 'truncated') {
                my $body = _fv_env("<${m}Response $VIM_NS>" . $set->($cs->(
                    ['info.state', '<val xsi:type="TaskInfoState">success</val>'])) . "</${m}Response>");
                _write($c, "HTTP/1.1 200 OK\r\nContent-Type: text/xml; charset=utf-8\r\n"
                         . 'Content-Length: ' . (length($body) + 500) . "\r\n\r\n"
                         . substr($body, 0, int(length($body) / 2)));
                _close($c);
                POSIX::_exit(0);
            }
            if ($task eq 'fault') {
                my $ft = $o->{fault_type} // 'SystemError';
                my $msg = xml_escape($o->{fault_message} // "scripted $ft");
                return (_fv_resp($m, $set->($cs->(
                    ['info.state', '<val xsi:type="TaskInfoState">error</val>'],
                    ['info.error', "<val xsi:type=\"LocalizedMethodFault\"><fault xsi:type=\"$ft\">"
                       . ($o->{fault_inner} // '') . "</fault><localizedMessage>$msg</localizedMessage></val>"],
                    ['info.result']))), @ctl);
            }
            return (_fv_resp($m, $set->($cs->(['info.state', '<val xsi:type="TaskInfoState">success</val>'],
                                              ['info.error'], ['info.result']))), @ctl);
        }
        if ($m =~ /_Task\z/) {
            return (_fv_resp($m, '<returnval type="Task">task-1</returnval>'), @ctl);
        }
        if ($m =~ /^(?:DestroyPropertyCollector|DestroyView|Logout|UnregisterVM|ShutdownGuest|RebootGuest|StandbyGuest)\z/) {
            return (_fv_resp($m), @ctl);
        }
        return (500, 'Internal Server Error', 'text/xml; charset=utf-8',
                soap_fault(type => 'MethodNotFound', string => "unexpected method '$m'"));
    });
} };

sub behaviours { sort keys %B }

# ------------------------------------------------------------ server object

sub start {
    my ($class, $name, %opts) = @_;
    my $b = $B{$name} or croak "unknown hostile behaviour '$name'";
    my $tls      = $opts{tls} // 1;
    my $host     = $opts{host} // '127.0.0.1';
    my $lifetime = $opts{lifetime} // $DEFAULT_LIFETIME;
    my ($cert, $key) = $tls ? tls_material() : ();
    my %self = (behaviour => $name, tls => $tls, owner => $$, owner_tid => _tid());

    # A downgrade redirect needs somewhere to point: a plain server whose
    # connection log tells whether the client (wrongly) went there.
    if ($name eq 'redirect_to_http' && !$opts{target}) {
        $self{companion} = $class->start('status404', tls => 0, host => $host,
                                         lifetime => $lifetime);
        $opts{target} = $self{companion}{url};
    }

    # Listening before the fork: the port is ready when start() returns.
    my $listen = IO::Socket::IP->new(
        LocalHost => $host, LocalPort => 0, Listen => 64, ReuseAddr => 1,
    ) or croak "listen on $host: $@";
    my $port = $listen->sockport;
    my $hp = $host =~ /:/ ? "[$host]" : $host;
    my $url = ($tls ? 'https' : 'http') . "://$hp:$port/sdk";
    my $dir = File::Temp::tempdir("vix-hostile-$name-XXXXXX", TMPDIR => 1, CLEANUP => 1);

    my $pid = fork // croak "fork: $!";
    if (!$pid) {
        # Server child: never returns into the test, never runs END blocks.
        eval {
            _server_main($listen, $b, {
                tls => $tls, cert => $cert, key => $key, dir => $dir,
                self_url => $url, lifetime => $lifetime, opts => \%opts,
            });
        };
        POSIX::_exit(0);
    }
    close $listen;
    %self = (%self, port => $port, pid => $pid, url => $url, dir => $dir, host => $host);
    my $self = bless \%self, $class;
    $LIVE{$pid} = $self;
    return $self;
}

sub url  { $_[0]{url} }
sub port { $_[0]{port} }
sub pid  { $_[0]{pid} }

sub stop {
    my ($self) = @_;
    # A Perl thread's clone of this object is not the owner either.
    return unless $self->{pid} && $self->{owner} == $$ && ($self->{owner_tid} // 0) == _tid();
    my $pid = delete $self->{pid};
    delete $LIVE{$pid};
    kill 'TERM', $pid;    # the server stops its connection handlers itself
    if (_wait_bounded($pid, 5) < 0) {
        kill 'KILL', -$pid;
        kill 'KILL', $pid;
        _wait_bounded($pid, 5);
    }
    $self->{companion}->stop if $self->{companion};
    return;
}

sub DESTROY { local ($?, $@, $!); $_[0]->stop }

sub _tid { $INC{'threads.pm'} ? threads->tid : 0 }

END { local $?; my @s = values %LIVE; $_->stop for @s }    # copy: stop() edits %LIVE

# Number of TCP connections the server accepted so far.
sub connections {
    my ($self) = @_;
    opendir my $dh, $self->{dir} or return 0;
    return scalar grep { /^conn\./ } readdir $dh;
}

# Requests the server has read, oldest first.
sub requests {
    my ($self) = @_;
    opendir my $dh, $self->{dir} or return;
    my @f = sort grep { /^req\./ } readdir $dh;
    my @out;
    for my $f (@f) {
        open my $fh, '<:raw', "$self->{dir}/$f" or next;
        local $/;
        my $raw = <$fh>;
        my ($head, $body) = split /\r\n\r\n/, $raw, 2;
        my ($line, @h) = split /\r\n/, $head // '';
        my ($method, $path, $version) = split / /, $line // '', 3;
        my %h;
        for (@h) { my ($k, $v) = split /:\s*/, $_, 2; $h{lc $k} = $v if defined $k }
        push @out, { method => $method, path => $path, version => $version,
                     headers => \%h, body => $body // '' };
    }
    return @out;
}

# The decoded text of <name>...</name> (any prefix) in a SOAP body,
# as a Perl character string.
sub request_field {
    my ($body, $name) = @_;
    return undef unless defined $body
      && $body =~ m{<(?:[\w.-]+:)?\Q$name\E(?:\s[^>]*)?>(.*?)</(?:[\w.-]+:)?\Q$name\E\s*>}s;
    my $raw = $1;
    my $bytes = xml_unescape($raw);
    my $chars = eval { my $t = $bytes; utf8::decode($t) or die; $t };
    return $chars // $bytes;
}

# ------------------------------------------------------------------ helpers

# A loopback port that was bound and closed again: connecting is refused.
sub refused_port {
    my ($host) = @_;
    my $s = IO::Socket::IP->new(LocalHost => $host // '127.0.0.1', LocalPort => 0, Listen => 1)
      or croak "bind: $@";
    my $port = $s->sockport;
    close $s;
    return $port;
}

# Fresh $HOME whose .vmware/config holds %kv; returns the new HOME.
my @HOMES;    # keep the temp dirs alive until exit
sub vmware_config {
    my (%kv) = @_;
    my $home = File::Temp::tempdir('vix-home-XXXXXX', TMPDIR => 1, CLEANUP => 1);
    push @HOMES, $home;
    mkdir "$home/.vmware" or croak "mkdir: $!";
    open my $fh, '>', "$home/.vmware/config" or croak "config: $!";
    print $fh qq{$_ = "$kv{$_}"\n} for sort keys %kv;
    close $fh or croak "config: $!";
    $ENV{HOME} = $home;
    return $home;
}

# Run $code in a forked child and bring back the hash it returns. The
# child's death by signal (crash) or a hang past `timeout` seconds is
# reported instead of taking the test process down.
# Returns { %returned, croak => $@ if it died, signal, exit, timed_out }.
sub isolated {
    my ($code, %o) = @_;
    my $limit = $o{timeout} // 60;
    pipe(my $r, my $w) or croak "pipe: $!";
    my $pid = fork // croak "fork: $!";
    if (!$pid) {
        close $r;
        my %res;
        my $ok = eval { %res = $code->(); 1 };
        $res{croak} = "$@" unless $ok;
        my $frozen = eval { Storable::nfreeze(\%res) }
          // Storable::nfreeze({ croak => "isolated: cannot serialise result: $@" });
        binmode $w;
        my $off = 0;
        while ($off < length $frozen) {
            my $n = syswrite($w, $frozen, length($frozen) - $off, $off);
            last unless $n;
            $off += $n;
        }
        close $w;
        POSIX::_exit(0);    # no END blocks, no Test::More output, no stdio flush
    }
    close $w;
    my $data = '';
    my $sel = IO::Select->new($r);
    my $deadline = Time::HiRes::time() + $limit;
    my $timed_out = 0;
    while (1) {
        my $left = $deadline - Time::HiRes::time();
        if ($left <= 0) { $timed_out = 1; last }
        next unless $sel->can_read($left);
        my $n = sysread($r, $data, 65536, length $data);
        next if !defined $n && $!{EINTR};
        last unless $n;
    }
    close $r;
    if ($timed_out) { kill 'KILL', $pid }
    my $st = _wait_bounded($pid, 10);
    my %res;
    if (length $data) {
        my $t = eval { Storable::thaw($data) };
        %res = %$t if ref $t eq 'HASH';
    }
    $res{timed_out} = $timed_out;
    $res{signal} = $st > 0 ? ($st & 127) : 0;
    $res{exit} = $st > 0 ? ($st >> 8) : 0;
    $res{got_result} = length($data) ? 1 : 0;
    return \%res;
}

# waitpid with a bound; returns $? or -1 if the child is still there.
sub _wait_bounded {
    my ($pid, $secs) = @_;
    my $deadline = Time::HiRes::time() + $secs;
    while (Time::HiRes::time() < $deadline) {
        my $k = waitpid($pid, POSIX::WNOHANG());
        return $? if $k == $pid;
        return 0 if $k < 0;    # not our child (already reaped)
        Time::HiRes::sleep(0.02);
    }
    return -1;
}

# ------------------------------------------------------------ server side

sub _server_main {
    my ($listen, $b, $ctx) = @_;
    POSIX::setpgid(0, 0);    # own group: stop() kills server and handlers at once
    # On stop or end of life: take the handlers down first and outlive them
    # (briefly), so they are reaped here instead of lingering as zombies.
    my $bye = sub {
        $SIG{TERM} = $SIG{INT} = $SIG{HUP} = 'IGNORE';
        kill 'TERM', -$$;
        $SIG{ALRM} = sub { POSIX::_exit(0) };
        alarm 2;
        1 while waitpid(-1, 0) > 0;    # CHLD ignored: returns once all are gone
        POSIX::_exit(0);
    };
    $SIG{TERM} = $SIG{INT} = $SIG{HUP} = $SIG{ALRM} = $bye;
    $SIG{PIPE} = 'IGNORE';    # a client hanging up is normal here
    $SIG{CHLD} = 'IGNORE';    # handlers are reaped automatically
    alarm $ctx->{lifetime};
    my $n = 0;
    while (1) {
        my $sock = $listen->accept;
        next unless $sock;    # EINTR etc.; the alarm bounds the loop
        $n++;
        my $pid = fork;
        if (!defined $pid) { close $sock; next }
        if (!$pid) {
            close $listen;
            $SIG{TERM} = $SIG{INT} = $SIG{HUP} = $SIG{ALRM} = sub { POSIX::_exit(0) };
            alarm $ctx->{lifetime};    # alarms are not inherited across fork
            eval { _handle($sock, $b, $ctx, $n) };
            POSIX::_exit(0);
        }
        close $sock;
    }
}

sub _handle {
    my ($sock, $b, $ctx, $n) = @_;
    _touch("$ctx->{dir}/conn." . sprintf('%06d', $n));
    my $c = { sock => $sock, buf => '', dir => $ctx->{dir}, conn => $n, nreq => 0,
              self_url => $ctx->{self_url}, opts => $ctx->{opts} };
    if ($ctx->{tls} && !$b->{raw}) {
        IO::Socket::SSL->start_SSL($sock,
            SSL_server    => 1,
            SSL_cert_file => $ctx->{cert},
            SSL_key_file  => $ctx->{key},
            Timeout       => 30,
            @{ $b->{tls_args} || [] },
        ) or return;
    }
    $b->{handler}->($c);
}

sub _touch { my $fh; open($fh, ">", $_[0]) and close $fh }

# Read one HTTP request (headers + Content-Length or chunked body).
# Returns undef on EOF or nonsense. Logs the raw request to the server dir.
sub _read_request {
    my ($c) = @_;
    my $i;
    while (($i = index($c->{buf}, "\r\n\r\n")) < 0) {
        return undef if length $c->{buf} > (1 << 20);
        _fill($c) or return undef;
        if ($c->{buf} !~ /\A[A-Z]/) {
            # Not HTTP (e.g. a TLS ClientHello on a plain port): answer like
            # a real HTTP server would, instead of waiting for a blank line.
            _write($c, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            return undef;
        }
    }
    my $head = substr($c->{buf}, 0, $i + 4, '');
    my ($line, @h) = split /\r\n/, substr($head, 0, -4);
    my ($method, $path, $version) = split / /, $line // '', 3;
    my %h;
    for (@h) { my ($k, $v) = split /:\s*/, $_, 2; $h{lc $k} = $v // '' if defined $k }
    my $body = '';
    if (defined $h{'content-length'} && $h{'content-length'} =~ /^\s*(\d+)\s*$/) {
        my $len = $1;
        return undef if $len > (64 << 20);
        while (length $c->{buf} < $len) { _fill($c) or return undef }
        $body = substr($c->{buf}, 0, $len, '');
    }
    elsif (($h{'transfer-encoding'} // '') =~ /chunked/i) {
        while (1) {
            my $j;
            while (($j = index($c->{buf}, "\r\n")) < 0) { _fill($c) or return undef }
            my $sz = substr($c->{buf}, 0, $j + 2, '');
            $sz =~ /^([0-9a-fA-F]+)/ or return undef;
            my $len = hex $1;
            while (length $c->{buf} < $len + 2) { _fill($c) or return undef }
            $body .= substr($c->{buf}, 0, $len, '');
            substr($c->{buf}, 0, 2, '');
            last if $len == 0;    # (trailers are not used by any client here)
            return undef if length $body > (64 << 20);
        }
    }
    $c->{nreq}++;
    my $log = sprintf('%s/req.%06d.%04d', $c->{dir}, $c->{conn}, $c->{nreq});
    if (open my $fh, '>:raw', "$log.tmp") {
        print $fh $head, $body;
        close $fh;
        rename "$log.tmp", $log;    # readers never see half a request
    }
    return { method => $method, path => $path, version => $version,
             headers => \%h, body => $body };
}

sub _fill {
    my ($c) = @_;
    while (1) {
        my $n = sysread($c->{sock}, my $chunk, 65536);
        if (!defined $n) {
            next if $!{EINTR} || $!{EAGAIN};
            return 0;
        }
        return 0 if $n == 0;
        $c->{buf} .= $chunk;
        return 1;
    }
}

sub _write {
    my ($c, $data) = @_;
    my $off = 0;
    while ($off < length $data) {
        my $n = syswrite($c->{sock}, $data, length($data) - $off, $off);
        if (!defined $n) {
            next if $!{EINTR} || $!{EAGAIN};
            return 0;
        }
        return 0 if $n == 0;
        $off += $n;
    }
    return 1;
}

sub _reset {
    my ($c) = @_;
    # linger on, timeout 0: close() sends RST instead of FIN
    setsockopt($c->{sock}, Socket::SOL_SOCKET(), Socket::SO_LINGER(), pack('ii', 1, 0));
    POSIX::_exit(0);    # closes the fd without a TLS close_notify
}

sub _close {
    my ($c) = @_;
    my $s = $c->{sock};
    $s->close if $s;
}

# Swallow whatever the peer sends until it closes (or the lifetime alarm).
sub _drain_until_eof {
    my ($c) = @_;
    while (_fill($c)) {
        $c->{buf} = '' if length $c->{buf} > (16 << 20);    # bounded memory
    }
}

# Keep-alive loop: answer every request with $resp->($req).
sub _serve {
    my ($c, $resp) = @_;
    while (my $req = _read_request($c)) {
        my ($code, $reason, $ctype, $body, %extra) = $resp->($req);
        # Keys starting with '-' steer the server, they are not headers.
        my %ctl = map { $_ => delete $extra{$_} } grep { /^-/ } keys %extra;
        utf8::encode($body) if utf8::is_utf8($body);    # echoed text is characters
        my $h = "HTTP/1.1 $code $reason\r\nContent-Type: $ctype\r\n"
              . 'Content-Length: ' . length($body) . "\r\n";
        $h .= "$_: $extra{$_}\r\n" for sort keys %extra;
        $h .= "Connection: keep-alive\r\n" unless $extra{Connection};
        $h .= "\r\n";
        Time::HiRes::sleep($ctl{-delay}) if $ctl{-delay};
        _write($c, ($ctl{-interim} // '') . $h . $body) or return;
        if ($ctl{-close}) { _close($c); return }
    }
}

sub _huge {
    my ($c, $chunked, $claim) = @_;
    _read_request($c) or return;
    my $total = 100 * 1024 * 1024;
    my $block = ('<filler>' . ('x' x 1015) . "</filler>\n") x 64;    # 64 KiB
    $block = substr($block, 0, 65536);
    my $h = "HTTP/1.1 200 OK\r\nContent-Type: text/xml; charset=utf-8\r\n"
          . ($chunked ? "Transfer-Encoding: chunked\r\n"
                      : 'Content-Length: ' . ($claim // $total) . "\r\n")
          . "\r\n";
    my $head = substr($ENV_OPEN . $block, 0, 65536);
    for my $i (0 .. $total / 65536 - 1) {
        my $data = $i ? $block : $head;
        $data = sprintf("%x\r\n", length $data) . $data . "\r\n" if $chunked;
        # Headers and the first body bytes in one write, as real servers do.
        $data = $h . $data unless $i;
        _write($c, $data) or return;    # the client hung up: done
    }
    _write($c, "0\r\n\r\n") if $chunked;
    _drain_until_eof($c);
}

sub _soap_method {
    my ($body) = @_;
    return '' unless defined $body
      && $body =~ m{<(?:[\w.-]+:)?Body\b[^>]*>\s*<(?:[\w.-]+:)?([A-Za-z_][\w.-]*)}s;
    return $1;
}

1;
