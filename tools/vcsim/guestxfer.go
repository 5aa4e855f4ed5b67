package main

// Guest file transfers: InitiateFileTransferToGuest/FromGuest and the
// one-time URLs they return.
//
// Real ESX: the methods return https://*:443/guestFile?id=N&token=T (the
// client puts the host it is connected to in place of "*"); the URL is good
// for one transfer and for a limited time; no session cookie is needed. PUT
// needs a Content-Length (chunked uploads are refused), GET streams the
// file with its Content-Length. The double serves these URLs on its own
// listener (so the port is the simulator's), streams both ways without
// buffering whole files, writes uploads to a temporary file beside the
// target and renames it into place once complete.

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"io"
	"io/ioutil"
	"log"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// transferTTL is how long an unused transfer URL stays valid.
const transferTTL = 10 * time.Minute

type transfer struct {
	token     string
	upload    bool
	guest     *guest
	guestPath string // as the client gave it
	hostPath  string // resolved
	overwrite bool
	attrs     types.BaseGuestFileAttributes
	expires   time.Time
}

// newTransfer registers a transfer and returns its URL.
func (w *guestWorld) newTransfer(t *transfer) string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	t.token = hex.EncodeToString(b[:])
	t.expires = time.Now().Add(transferTTL)
	w.mu.Lock()
	now := time.Now()
	for id, old := range w.xfers {
		if now.After(old.expires) {
			delete(w.xfers, id)
		}
	}
	w.nextID++
	id := strconv.FormatUint(w.nextID, 10)
	w.xfers[id] = t
	w.mu.Unlock()
	scheme := w.scheme
	if scheme == "" {
		scheme = "https"
	}
	return (&url.URL{
		Scheme:   scheme,
		Host:     "*:" + w.port,
		Path:     "/guestFile",
		RawQuery: url.Values{"id": {id}, "token": {t.token}}.Encode(),
	}).String()
}

// takeTransfer removes and returns the transfer the URL names, if valid.
func (w *guestWorld) takeTransfer(q url.Values) *transfer {
	id, token := q.Get("id"), q.Get("token")
	w.mu.Lock()
	defer w.mu.Unlock()
	t, ok := w.xfers[id]
	if !ok || subtle.ConstantTimeCompare([]byte(t.token), []byte(token)) != 1 {
		return nil
	}
	delete(w.xfers, id)
	if time.Now().After(t.expires) {
		return nil
	}
	return t
}

// InitiateFileTransferToGuest returns the URL to PUT a file to.
//
// Real vSphere: guestFilePath must be absolute (InvalidArgument); an
// existing file is FileAlreadyExists unless overwrite; an existing
// directory NotAFile; a missing directory FileNotFound; no write access
// GuestPermissionDenied. fileAttributes are applied once the file is
// written.
func (m *guestFileManager) InitiateFileTransferToGuest(ctx *simulator.Context, req *types.InitiateFileTransferToGuest) soap.HasFault {
	body := &methods.InitiateFileTransferToGuestBody{}
	u, f := func() (string, types.BaseMethodFault) {
		g, f := m.w.prepare(req.Vm, req.Auth)
		if f != nil {
			return "", f
		}
		if f := checkPath(req.GuestFilePath, "guestFilePath"); f != nil {
			return "", f
		}
		if req.FileSize < 0 {
			return "", &types.InvalidArgument{InvalidProperty: "fileSize"}
		}
		rp, err := g.resolve(req.GuestFilePath, true)
		if err != nil {
			return "", fsFault(req.GuestFilePath, err)
		}
		if st, err := os.Stat(g.host(rp)); err == nil {
			if st.IsDir() {
				return "", &types.NotAFile{FileFault: types.FileFault{File: req.GuestFilePath}}
			}
			if !req.Overwrite {
				return "", &types.FileAlreadyExists{FileFault: types.FileFault{File: req.GuestFilePath}}
			}
		}
		if _, f := g.parentFor(rp); f != nil {
			return "", f
		}
		return m.w.newTransfer(&transfer{upload: true, guest: g, guestPath: req.GuestFilePath,
			hostPath: g.host(rp), overwrite: req.Overwrite, attrs: req.FileAttributes}), nil
	}()
	if f != nil {
		body.Fault_ = soapFault(f)
		return body
	}
	body.Res = &types.InitiateFileTransferToGuestResponse{Returnval: u}
	return body
}

// InitiateFileTransferFromGuest returns the file's size and attributes and
// the URL to GET it from.
//
// Real vSphere: FileNotFound when missing, NotAFile for a directory.
func (m *guestFileManager) InitiateFileTransferFromGuest(ctx *simulator.Context, req *types.InitiateFileTransferFromGuest) soap.HasFault {
	body := &methods.InitiateFileTransferFromGuestBody{}
	info, f := func() (*types.FileTransferInformation, types.BaseMethodFault) {
		g, rp, f := m.target(req.Vm, req.Auth, req.GuestFilePath, "guestFilePath", true)
		if f != nil {
			return nil, f
		}
		hp := g.host(rp)
		st, err := os.Stat(hp)
		if err != nil {
			return nil, fsFault(req.GuestFilePath, err)
		}
		if !st.Mode().IsRegular() {
			return nil, &types.NotAFile{FileFault: types.FileFault{File: req.GuestFilePath}}
		}
		u := m.w.newTransfer(&transfer{guest: g, guestPath: req.GuestFilePath, hostPath: hp})
		return &types.FileTransferInformation{Attributes: posixAttrs(st, hp), Size: st.Size(), Url: u}, nil
	}()
	if f != nil {
		body.Fault_ = soapFault(f)
		return body
	}
	body.Res = &types.InitiateFileTransferFromGuestResponse{Returnval: *info}
	return body
}

// serveTransfer serves /guestFile?id=&token=.
func (w *guestWorld) serveTransfer(rw http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodPut {
		rw.Header().Set("Allow", "GET, PUT")
		http.Error(rw, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	// Refuse a chunked upload before its URL is used up, as ESX does.
	if r.Method == http.MethodPut && r.ContentLength < 0 {
		http.Error(rw, "Content-Length required", http.StatusLengthRequired)
		return
	}
	t := w.takeTransfer(r.URL.Query())
	if t == nil || t.upload != (r.Method == http.MethodPut) {
		http.Error(rw, "no such transfer", http.StatusNotFound)
		return
	}
	if w.lookup(t.guest.vmID) != t.guest {
		http.Error(rw, "the guest is gone", http.StatusNotFound)
		return
	}
	if t.upload {
		w.receive(rw, r, t)
		return
	}
	f, err := os.Open(t.hostPath)
	if err != nil {
		http.Error(rw, err.Error(), http.StatusNotFound)
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		http.Error(rw, "not a file", http.StatusNotFound)
		return
	}
	rw.Header().Set("Content-Type", "application/octet-stream")
	rw.Header().Set("Content-Length", strconv.FormatInt(st.Size(), 10))
	rw.WriteHeader(http.StatusOK)
	if _, err := io.CopyN(rw, f, st.Size()); err != nil {
		log.Printf("guest download %s: %v", t.guestPath, err)
	}
}

func (w *guestWorld) receive(rw http.ResponseWriter, r *http.Request, t *transfer) {
	dir := filepath.Dir(t.hostPath)
	tmp, err := ioutil.TempFile(dir, ".vcsim-upload-")
	if err != nil {
		http.Error(rw, err.Error(), http.StatusInternalServerError)
		return
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	n, err := io.Copy(tmp, r.Body)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil && n != r.ContentLength {
		err = fmt.Errorf("got %d of %d bytes", n, r.ContentLength)
	}
	if err != nil {
		log.Printf("guest upload %s: %v", t.guestPath, err)
		http.Error(rw, err.Error(), http.StatusBadRequest)
		return
	}
	mode := os.FileMode(0644)
	if old, err := os.Stat(t.hostPath); err == nil {
		if !t.overwrite || old.IsDir() {
			http.Error(rw, "file exists", http.StatusConflict)
			return
		}
		mode = old.Mode().Perm()
	}
	_ = os.Chmod(tmp.Name(), mode)
	if err := os.Rename(tmp.Name(), t.hostPath); err != nil {
		http.Error(rw, err.Error(), http.StatusInternalServerError)
		return
	}
	if st, err := os.Stat(t.hostPath); err == nil {
		if f := applyAttrs(t.hostPath, st, t.attrs, t.guestPath); f != nil {
			log.Printf("guest upload %s: attributes: %T", t.guestPath, f)
		}
	}
	rw.WriteHeader(http.StatusOK)
}

var _ soap.HasFault = (*methods.InitiateFileTransferToGuestBody)(nil)
