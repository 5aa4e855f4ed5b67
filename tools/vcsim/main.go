// Command vcsim is the vSphere simulator harness used by the integration
// tests. It wraps github.com/vmware/govmomi/simulator (Debian's copy, built in
// GOPATH mode by ./build) and adds what the tests need: exact credentials, a
// chosen certificate, a ready file, a log of SOAP method names, a client mode
// that acts as an independent witness of the server's session table, and the
// vSphere methods the simulator lacks (VMware Tools state, guest power
// operations, screenshots, guest operations: see vmextras.go, tools.go and
// guest*.go).
//
// Server mode:
//
//	vcsim [-listen ADDR] [-user U] [-password P | -password-env NAME]
//	      [-model vpx|esx] [-cert FILE -key FILE] [-ready-file PATH] [-log PATH]
//	      [-stdin-watch] [-idle-timeout D] [-vms N] [-datacenters N]
//	      [-clusters N] [-hosts N] [-info-file PATH] [-tools-delay D]
//	      [-guest-user U] [-guest-password P] [-guest-root DIR]
//
// Client mode:
//
//	vcsim -client sessions|ticket -url URL -user U [-password P | -password-env NAME]
package main

import (
	"bytes"
	"crypto/tls"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/ioutil"
	"log"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/vmware/govmomi/simulator"
)

// witnessAgent is the User-Agent of client mode, so tests can tell the
// witness's own sessions (and the clone tickets it leaves behind) apart.
const witnessAgent = "vcsim-witness"

// maxBody bounds how much of a request the SOAP front end buffers.
const maxBody = 64 << 20

// serverOptions are the flags of server mode.
type serverOptions struct {
	listen, user, pass, model string
	certFile, keyFile         string
	ready, logFile, infoFile  string
	watchIn                   bool
	idleTimeout               time.Duration
	vms, datacenters          int
	clusters, hosts           int
	toolsDelay                time.Duration
	guestUser, guestPass      string
	guestRoot                 string
}

func main() {
	var o serverOptions
	flag.StringVar(&o.listen, "listen", "127.0.0.1:0", "listen address (host:port, [::1]:0 for IPv6)")
	flag.StringVar(&o.user, "user", "root", "the only user name Login accepts")
	password := flag.String("password", "rootpasswd", "the only password Login accepts")
	passEnv := flag.String("password-env", "", "read the password from this environment variable instead")
	flag.StringVar(&o.model, "model", "vpx", "inventory model: vpx or esx")
	flag.StringVar(&o.certFile, "cert", "", "PEM certificate to serve (with -key); default: the simulator's own")
	flag.StringVar(&o.keyFile, "key", "", "PEM private key for -cert")
	flag.StringVar(&o.ready, "ready-file", "", "write the service URL here once listening")
	flag.StringVar(&o.logFile, "log", "", "append the SOAP method name of each request here")
	flag.BoolVar(&o.watchIn, "stdin-watch", false, "exit when stdin reaches EOF (lets a parent that dies, even by SIGKILL, take the server with it)")
	flag.DurationVar(&o.idleTimeout, "idle-timeout", 0, "close keep-alive connections idle this long (0: never)")
	flag.IntVar(&o.vms, "vms", -1, "VMs per resource pool, i.e. per standalone host and per cluster (default: the model's, 2)")
	flag.IntVar(&o.datacenters, "datacenters", -1, "datacenters (vpx model only; default 1)")
	flag.IntVar(&o.clusters, "clusters", -1, "clusters per datacenter (vpx model only; default 1)")
	flag.IntVar(&o.hosts, "hosts", -1, "standalone hosts per datacenter (vpx model only; default 1)")
	flag.StringVar(&o.infoFile, "info-file", "", "write a JSON description (url, datastores, guest root, model) here once listening")
	flag.DurationVar(&o.toolsDelay, "tools-delay", 300*time.Millisecond, "how long after power-on (or a guest reboot) VMware Tools start running")
	flag.StringVar(&o.guestUser, "guest-user", "guest", "the only guest user name guest operations accept")
	flag.StringVar(&o.guestPass, "guest-password", "guestpasswd", "the only guest password guest operations accept")
	flag.StringVar(&o.guestRoot, "guest-root", "", "directory holding each VM's guest file system (default: a temp dir removed at exit)")
	client := flag.String("client", "", "client mode: sessions or ticket")
	rawURL := flag.String("url", "", "client mode: service URL")
	timeout := flag.Duration("timeout", 30*time.Second, "client mode: overall deadline")
	flag.Parse()
	if flag.NArg() != 0 {
		die(fmt.Errorf("unexpected arguments: %q", flag.Args()))
	}

	o.pass = *password
	if *passEnv != "" {
		v, ok := os.LookupEnv(*passEnv)
		if !ok {
			die(fmt.Errorf("environment variable %s is not set", *passEnv))
		}
		o.pass = v
	}

	var err error
	if *client != "" {
		err = runClient(*client, *rawURL, o.user, o.pass, *timeout)
	} else {
		err = runServer(&o)
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

// newModel returns the inventory model with the sizes asked for.
//
// Start-up time of a large model (2 cores, measured with -vms 5000 on the
// vpx model, i.e. 10,000 VMs in one standalone host and one cluster, all
// powered on): about 20 s; see the commit that introduced -vms.
func newModel(o *serverOptions) (*simulator.Model, error) {
	var m *simulator.Model
	switch o.model {
	case "vpx":
		m = simulator.VPX()
		if o.datacenters >= 0 {
			m.Datacenter = o.datacenters
		}
		if o.clusters >= 0 {
			m.Cluster = o.clusters
		}
		if o.hosts >= 0 {
			m.Host = o.hosts
		}
		if m.Datacenter < 1 {
			return nil, errors.New("-datacenters must be at least 1")
		}
		if m.Cluster+m.Host < 1 {
			return nil, errors.New("need at least one cluster or standalone host")
		}
	case "esx":
		m = simulator.ESX()
		if o.datacenters >= 0 || o.clusters >= 0 || o.hosts >= 0 {
			return nil, errors.New("-datacenters, -clusters and -hosts need the vpx model")
		}
	default:
		return nil, fmt.Errorf("unknown -model %q (want vpx or esx)", o.model)
	}
	if o.vms >= 0 {
		m.Machine = o.vms
	}
	return m, nil
}

func runServer(o *serverOptions) error {
	m, err := newModel(o)
	if err != nil {
		return err
	}
	if (o.certFile == "") != (o.keyFile == "") {
		return errors.New("-cert and -key go together")
	}

	tlsConf := new(tls.Config) // empty config: the simulator fills in its built-in certificate
	if o.certFile != "" {
		pair, err := tls.LoadX509KeyPair(o.certFile, o.keyFile)
		if err != nil {
			return fmt.Errorf("loading -cert/-key: %v", err)
		}
		tlsConf.Certificates = []tls.Certificate{pair}
	}

	var methodLog *os.File
	if o.logFile != "" {
		f, err := os.OpenFile(o.logFile, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0600)
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

	// The simulator logs through the standard logger; keep it on stderr.
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)

	if err := m.Create(); err != nil {
		return err
	}
	defer m.Remove() // the model's datastore temp dirs

	guests, err := newGuestWorld(o.guestRoot, o.guestUser, o.guestPass)
	if err != nil {
		return err
	}
	defer guests.close()

	tools := newToolsWatcher(o.toolsDelay, guests)
	tools.install()

	// A non-default Listen.User makes SessionManager.Login accept exactly
	// this user/password pair and nothing else (see validLogin).
	m.Service.Listen = &url.URL{Host: o.listen, User: url.UserPassword(o.user, o.pass)}
	m.Service.TLS = tlsConf

	// NewServer panics (httptest style) when it cannot listen; turn that
	// into a one-line error.
	srv, err := newServer(m.Service)
	if err != nil {
		return err
	}
	// Read by net/http for every idle connection, so setting it before the
	// first client connects is enough.
	srv.Config.IdleTimeout = o.idleTimeout

	// The simulator offers no hook around its ServeMux, so wrap the
	// http.Server's handler. This runs before the ready file exists, so no
	// test client can have sent a request yet.
	guests.port = srv.URL.Port()
	guests.scheme = srv.URL.Scheme
	front := &frontEnd{sim: srv.Config.Handler, methodLog: methodLog, guests: guests}
	installExtensions(guests, tools)
	srv.Config.Handler = front

	// Announce the URL without the credentials the simulator keeps in it.
	u := *srv.URL
	u.User = nil
	if o.infoFile != "" {
		info, err := serverInfo(u.String(), o.model, guests)
		if err == nil {
			err = writeAtomic(o.infoFile, info)
		}
		if err != nil {
			srv.Close()
			return err
		}
	}
	if o.ready != "" {
		if err := writeAtomic(o.ready, u.String()+"\n"); err != nil {
			srv.Close()
			return err
		}
	}

	eof := make(chan struct{})
	if o.watchIn {
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
