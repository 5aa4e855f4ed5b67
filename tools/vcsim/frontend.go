package main

// The HTTP front end: every request reaches the simulator through here.
//
//   - POSTs to /sdk: the SOAP method name is logged (-log), and calls of the
//     methods this harness adds to VirtualMachine and Folder (vmextras.go) are
//     routed to them (see rewriteThis).
//   - /guestFile: the one-time guest file transfer URLs (guestxfer.go).
//   - /folder/: the datastore file interface, with the session check and the
//     DELETE method real ESX has (datastorehttp.go).

import (
	"bytes"
	"io"
	"io/ioutil"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"sync"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

type frontEnd struct {
	sim       http.Handler // the simulator's own mux
	methodLog *os.File     // nil: no -log
	mu        sync.Mutex
	guests    *guestWorld
}

func (f *frontEnd) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/guestFile":
		f.guests.serveTransfer(w, r)
		return
	case strings.HasPrefix(r.URL.Path, "/folder/"):
		f.serveFolder(w, r)
		return
	}
	if r.Method == http.MethodPost && r.Body != nil {
		orig := r.Body
		body, err := ioutil.ReadAll(io.LimitReader(orig, maxBody))
		name := soapMethod(body)
		if f.methodLog != nil {
			logName := name
			if err != nil || logName == "" {
				logName = "-" // not a SOAP request we could parse; still one line per request
			}
			f.mu.Lock()
			// An unbuffered *os.File: each line reaches the file at once.
			_, _ = f.methodLog.WriteString(logName + "\n")
			f.mu.Unlock()
		}
		if err == nil && len(body) < maxBody && name != "" {
			if nb, ok := rewriteThis(name, body); ok {
				body = nb
				r.ContentLength = int64(len(body))
			}
		}
		// Hand the simulator the whole body: what we read, then the rest.
		r.Body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(bytes.NewReader(body), orig), orig}
	}
	f.sim.ServeHTTP(w, r)
}

// extended lists, per managed object type, the methods this harness
// implements itself (vmextras.go), and the type its handler objects are
// registered under.
var extended = map[string]struct {
	as      string
	methods map[string]bool
}{
	"VirtualMachine": {vmExtType, set("RebootGuest", "StandbyGuest", "ShutdownGuest",
		"MountToolsInstaller", "UnmountToolsInstaller", "UpgradeTools_Task",
		"UpgradeVM_Task", "CreateScreenshot_Task", "CloneVM_Task",
		"SuspendVM_Task", "ResetVM_Task")},
	"Folder": {folderExtType, set("RegisterVM_Task")},
}

func set(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// thisRE matches the start tag of the request's _this element up to the
// value of its type attribute.
var thisRE = regexp.MustCompile(`(<(?:[A-Za-z_][\w.-]*:)?_this\b[^>]*?\stype\s*=\s*)("([A-Za-z]+)"|'([A-Za-z]+)')([^>]*>)([^<]*)<`)

// rewriteThis routes a call of an extended method to this harness's handler.
//
// The simulator dispatches a SOAP call to the registry object named by _this
// and its Go method of the same name. Its VirtualMachine and Folder objects
// cannot be wrapped (the simulator type-asserts them in many places), so the
// methods this harness adds live on small handler objects registered under a
// private type with the same id: "VirtualMachine:vm-42" is answered by
// "VcsimVirtualMachine:vm-42", which looks up vm-42 itself. Only the _this
// type of the listed methods changes; the simulator still checks the
// session, decodes the request, encodes the answer and the faults.
func rewriteThis(method string, body []byte) ([]byte, bool) {
	loc := thisRE.FindSubmatchIndex(body)
	if loc == nil {
		return nil, false
	}
	typ := ""
	if loc[6] >= 0 {
		typ = string(body[loc[6]:loc[7]])
	} else {
		typ = string(body[loc[8]:loc[9]])
	}
	ext, ok := extended[typ]
	if !ok || !ext.methods[method] {
		return nil, false
	}
	id := strings.TrimSpace(string(body[loc[12]:loc[13]]))
	ensureExt(ext.as, id)
	var out bytes.Buffer
	out.Write(body[:loc[4]])
	out.WriteString(`"` + ext.as + `"`)
	out.Write(body[loc[5]:])
	return out.Bytes(), true
}

// authProbeType names the registry object behind sessionValid.
const authProbeType = "VcsimAuthProbe"

// authProbe answers SessionIsActive with true; the simulator only lets the
// call reach it when the request carries a valid session cookie.
type authProbe struct {
	mo.ExtensibleManagedObject // first: the simulator digs an mo type out of every registry object
	noLock
}

func (p *authProbe) SessionIsActive(ctx *simulator.Context, req *types.SessionIsActive) soap.HasFault {
	return &methods.SessionIsActiveBody{Res: &types.SessionIsActiveResponse{Returnval: ctx.Session != nil}}
}

const probeBody = `<?xml version="1.0" encoding="UTF-8"?>` +
	`<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">` +
	`<soapenv:Body><SessionIsActive xmlns="urn:vim25"><_this type="` + authProbeType + `">probe</_this>` +
	`<sessionID>-</sessionID><userName>-</userName></SessionIsActive></soapenv:Body></soapenv:Envelope>`

// sessionValid tells whether r carries the cookie of a live session, by
// asking the simulator itself (an in-process SOAP call with r's cookie,
// User-Agent and address, so the session table stays as the client left it).
func (f *frontEnd) sessionValid(r *http.Request) bool {
	if _, err := r.Cookie(soap.SessionCookieName); err != nil {
		return false
	}
	req := httptest.NewRequest(http.MethodPost, "/sdk", strings.NewReader(probeBody))
	req.Header = r.Header.Clone()
	req.Header.Set("Content-Type", "text/xml; charset=utf-8")
	req.Header.Del("Content-Length")
	req.RemoteAddr = r.RemoteAddr
	rec := httptest.NewRecorder()
	f.sim.ServeHTTP(rec, req)
	return rec.Code == http.StatusOK
}

// noLock opts a registry object out of the simulator's per-object lock
// (see Registry.locker): its methods lock what they touch themselves.
// It embeds an mo type because the simulator digs one out of every registry
// object it walks (getManagedObject, e.g. in SearchIndex.FindByDatastorePath)
// and panics on an object without one.
type noLock struct{ mo.ExtensibleManagedObject }

func (noLock) Lock()   {}
func (noLock) Unlock() {}
