// Command vcsim is the vSphere simulator harness used by the integration
// tests. It wraps github.com/vmware/govmomi/simulator (Debian's copy, built in
// GOPATH mode by ./build) and adds what the tests need: exact credentials, a
// chosen certificate, a ready file, a log of SOAP method names, and a client
// mode that acts as an independent witness of the server's session table.
//
// Server mode:
//
//	vcsim [-listen ADDR] [-user U] [-password P | -password-env NAME]
//	      [-model vpx|esx] [-cert FILE -key FILE] [-ready-file PATH] [-log PATH]
//	      [-stdin-watch]
//
// Client mode:
//
//	vcsim -client sessions|ticket -url URL -user U [-password P | -password-env NAME]
package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/ioutil"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/vmware/govmomi/property"
	"github.com/vmware/govmomi/session"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// witnessAgent is the User-Agent of client mode, so tests can tell the
// witness's own sessions (and the clone tickets it leaves behind) apart.
const witnessAgent = "vcsim-witness"

// idleTimeout: the server closes keep-alive connections idle this long.
var idleTimeout = flag.Duration("idle-timeout", 0, "close keep-alive connections idle this long (0: Go's default)")

// maxBody bounds how much of a request the method logger buffers.
const maxBody = 64 << 20

func main() {
	var (
		listen   = flag.String("listen", "127.0.0.1:0", "listen address (host:port, [::1]:0 for IPv6)")
		user     = flag.String("user", "root", "the only user name Login accepts")
		password = flag.String("password", "rootpasswd", "the only password Login accepts")
		passEnv  = flag.String("password-env", "", "read the password from this environment variable instead")
		model    = flag.String("model", "vpx", "inventory model: vpx or esx")
		certFile = flag.String("cert", "", "PEM certificate to serve (with -key); default: the simulator's own")
		keyFile  = flag.String("key", "", "PEM private key for -cert")
		ready    = flag.String("ready-file", "", "write the service URL here once listening")
		logFile  = flag.String("log", "", "append the SOAP method name of each request here")
		watchIn  = flag.Bool("stdin-watch", false, "exit when stdin reaches EOF (lets a parent that dies, even by SIGKILL, take the server with it)")
		client   = flag.String("client", "", "client mode: sessions or ticket")
		rawURL   = flag.String("url", "", "client mode: service URL")
		timeout  = flag.Duration("timeout", 30*time.Second, "client mode: overall deadline")
	)
	flag.Parse()
	if flag.NArg() != 0 {
		die(fmt.Errorf("unexpected arguments: %q", flag.Args()))
	}

	pass := *password
	if *passEnv != "" {
		v, ok := os.LookupEnv(*passEnv)
		if !ok {
			die(fmt.Errorf("environment variable %s is not set", *passEnv))
		}
		pass = v
	}

	var err error
	if *client != "" {
		err = runClient(*client, *rawURL, *user, pass, *timeout)
	} else {
		err = runServer(*listen, *user, pass, *model, *certFile, *keyFile, *ready, *logFile, *watchIn)
	}
	if err != nil {
		die(err)
	}
}

// die prints a one-line error and exits non-zero.
func die(err error) {
	msg := strings.ReplaceAll(err.Error(), "\n", " ")
	fmt.Fprintf(os.Stderr, "vcsim: %s\n", msg)
	os.Exit(1)
}

func runServer(listen, user, pass, modelName, certFile, keyFile, ready, logFile string, watchIn bool) error {
	var m *simulator.Model
	switch modelName {
	case "vpx":
		m = simulator.VPX()
	case "esx":
		m = simulator.ESX()
	default:
		return fmt.Errorf("unknown -model %q (want vpx or esx)", modelName)
	}
	if (certFile == "") != (keyFile == "") {
		return errors.New("-cert and -key go together")
	}

	tlsConf := new(tls.Config) // empty config: the simulator fills in its built-in certificate
	if certFile != "" {
		pair, err := tls.LoadX509KeyPair(certFile, keyFile)
		if err != nil {
			return fmt.Errorf("loading -cert/-key: %v", err)
		}
		tlsConf.Certificates = []tls.Certificate{pair}
	}

	var methodLog *os.File
	if logFile != "" {
		f, err := os.OpenFile(logFile, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0600)
		if err != nil {
			return err
		}
		defer f.Close()
		methodLog = f
	}

	// Catch signals from the start, so even an early SIGTERM ends in the
	// clean shutdown below (which removes the model's temp dirs).
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)

	if err := m.Create(); err != nil {
		return err
	}
	defer m.Remove() // the model's datastore temp dirs

	// A non-default Listen.User makes SessionManager.Login accept exactly
	// this user/password pair and nothing else (see validLogin).
	m.Service.Listen = &url.URL{Host: listen, User: url.UserPassword(user, pass)}
	m.Service.TLS = tlsConf

	// NewServer panics (httptest style) when it cannot listen; turn that
	// into a one-line error.
	srv, err := newServer(m.Service)
	if err != nil {
		return err
	}

	if *idleTimeout > 0 {
		srv.Config.IdleTimeout = *idleTimeout
	}

	// The simulator offers no hook around its ServeMux, so wrap the
	// http.Server's handler. This runs before the ready file exists, so no
	// test client can have sent a request yet.
	if methodLog != nil {
		srv.Config.Handler = &methodLogger{next: srv.Config.Handler, out: methodLog}
	}

	// Announce the URL without the credentials the simulator keeps in it.
	u := *srv.URL
	u.User = nil
	if ready != "" {
		if err := writeAtomic(ready, u.String()+"\n"); err != nil {
			srv.Close()
			return err
		}
	}

	eof := make(chan struct{})
	if watchIn {
		go func() { _, _ = io.Copy(ioutil.Discard, os.Stdin); close(eof) }()
	}
	select {
	case <-sig:
	case <-eof:
	}

	// Close waits for in-flight requests; a stuck client must not keep us
	// alive forever, so give up after a few seconds.
	done := make(chan struct{})
	go func() { srv.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
	}
	return nil
}

func newServer(s *simulator.Service) (srv *simulator.Server, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	return s.NewServer(), nil
}

// writeAtomic writes data to a temp file next to path and renames it, so a
// reader never sees a partial URL.
func writeAtomic(path, data string) error {
	tmp, err := ioutil.TempFile(filepath.Dir(path), ".ready-")
	if err != nil {
		return err
	}
	if _, err = tmp.WriteString(data); err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}

// methodLogger records the SOAP method name of every POST (never the body,
// which holds credentials; "-" when it is not parsable SOAP) and passes the
// request on unchanged. GETs (e.g. /about) are not logged.
type methodLogger struct {
	next http.Handler
	mu   sync.Mutex
	out  *os.File
}

func (l *methodLogger) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost && r.Body != nil {
		orig := r.Body
		body, err := ioutil.ReadAll(io.LimitReader(orig, maxBody))
		name := soapMethod(body)
		if err != nil || name == "" {
			name = "-" // not a SOAP request we could parse; still one line per request
		}
		l.mu.Lock()
		// An unbuffered *os.File: each line reaches the file at once.
		fmt.Fprintln(l.out, name)
		l.mu.Unlock()
		// Hand the simulator the whole body: what we read, then the rest.
		r.Body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(bytes.NewReader(body), orig), orig}
	}
	l.next.ServeHTTP(w, r)
}

// soapMethod returns the local name of the first element inside the SOAP Body.
func soapMethod(body []byte) string {
	d := xml.NewDecoder(bytes.NewReader(body))
	inBody := false
	for i := 0; i < 10000; i++ { // bounded: the method is among the first tokens
		tok, err := d.Token()
		if err != nil {
			return ""
		}
		if se, ok := tok.(xml.StartElement); ok {
			if inBody {
				return se.Name.Local
			}
			if se.Name.Local == "Body" {
				inBody = true
			}
		}
	}
	return ""
}

func runClient(mode, rawURL, user, pass string, timeout time.Duration) error {
	if mode != "sessions" && mode != "ticket" {
		return fmt.Errorf("unknown -client mode %q (want sessions or ticket)", mode)
	}
	if rawURL == "" {
		return errors.New("-client needs -url")
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return err
	}
	u.User = nil

	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()

	sc := soap.NewClient(u, true) // insecure: the witness does not test TLS
	sc.UserAgent = witnessAgent
	vc, err := vim25.NewClient(ctx, sc)
	if err != nil {
		return err
	}
	sm := session.NewManager(vc)
	if err := sm.Login(ctx, url.UserPassword(user, pass)); err != nil {
		return err
	}

	var out []string
	switch mode {
	case "sessions":
		var smo mo.SessionManager
		pc := property.DefaultCollector(vc)
		err = pc.RetrieveOne(ctx, *vc.ServiceContent.SessionManager,
			[]string{"sessionList", "currentSession"}, &smo)
		if err == nil && smo.CurrentSession == nil {
			err = errors.New("no currentSession in the server's answer")
		}
		if err == nil {
			// The simulator keeps each unused clone ticket as an entry of its
			// session map, so tickets acquired earlier (by the witness or
			// anyone) are listed too, with the acquiring session's
			// userName/userAgent. They are printed; callers filter them out by
			// the witness's userAgent.
			for _, s := range smo.SessionList {
				if s.Key == smo.CurrentSession.Key {
					continue
				}
				out = append(out, fmt.Sprintf("%s\t%s\t%s", clean(s.UserName), clean(s.UserAgent), clean(s.IpAddress)))
			}
		}
	case "ticket":
		var res *types.AcquireCloneTicketResponse
		res, err = methods.AcquireCloneTicket(ctx, vc, &types.AcquireCloneTicket{This: *vc.ServiceContent.SessionManager})
		if err == nil {
			// In the simulator the ticket outlives the acquiring session's
			// Logout below; it is consumed by its one CloneSession.
			out = append(out, res.Returnval)
		}
	default:
		err = fmt.Errorf("unknown -client mode %q (want sessions or ticket)", mode)
	}

	if lerr := sm.Logout(ctx); err == nil && lerr != nil {
		err = fmt.Errorf("logout: %v", lerr)
	}
	if err != nil {
		return err
	}
	for _, line := range out {
		fmt.Println(line)
	}
	return nil
}

// clean keeps one session on one line of three tab-separated fields.
func clean(s string) string {
	return strings.NewReplacer("\t", " ", "\n", " ", "\r", " ").Replace(s)
}
