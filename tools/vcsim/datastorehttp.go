package main

// The datastore file interface, /folder/<path>?dcPath=DC&dsName=DS.
//
// Real ESX/vCenter: GET downloads, PUT uploads (creating or replacing the
// file), DELETE removes a file; every method needs an authenticated session
// (the vmware_soap_session cookie), else 401.
//
// The simulator 0.24.2 serves GET and PUT but checks no session, and answers
// DELETE like a GET (the file stays). This front end adds the session check
// and DELETE, and leaves GET/PUT to the simulator.

import (
	"log"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/vmware/govmomi/simulator"
)

func (f *frontEnd) serveFolder(w http.ResponseWriter, r *http.Request) {
	if !f.sessionValid(r) {
		http.Error(w, "authentication required", http.StatusUnauthorized)
		return
	}
	if r.Method != http.MethodDelete {
		f.sim.ServeHTTP(w, r)
		return
	}
	q := r.URL.Query()
	dir := datastoreDir(q.Get("dcPath"), q.Get("dsName"))
	if dir == "" {
		http.Error(w, "no such datastore", http.StatusNotFound)
		return
	}
	rel := path.Clean("/" + strings.TrimPrefix(r.URL.Path, "/folder/"))
	if rel == "/" {
		http.Error(w, "cannot delete the datastore root", http.StatusForbidden)
		return
	}
	p := filepath.Join(dir, filepath.FromSlash(rel))
	st, err := os.Lstat(p)
	switch {
	case os.IsNotExist(err):
		http.Error(w, "not found", http.StatusNotFound)
		return
	case err != nil:
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	case st.IsDir():
		http.Error(w, "is a directory", http.StatusForbidden)
		return
	}
	if err := os.Remove(p); err != nil {
		log.Printf("DELETE %s: %v", r.URL, err)
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// datastoreDir returns the local directory of datastore dsName in the
// datacenter named by dcPath ("" when there is exactly one datacenter), or ""
// when there is no such datastore.
func datastoreDir(dcPath, dsName string) string {
	dcPath = strings.Trim(dcPath, "/")
	var dcs []*simulator.Datacenter
	for _, e := range simulator.Map.All("Datacenter") {
		dc, ok := e.(*simulator.Datacenter)
		if !ok {
			continue
		}
		if dcPath == "" || dc.Name == dcPath || dc.Name == path.Base(dcPath) {
			dcs = append(dcs, dc)
		}
	}
	if len(dcs) != 1 {
		return ""
	}
	for _, ref := range dcs[0].Datastore {
		ds, ok := simulator.Map.Get(ref).(*simulator.Datastore)
		if ok && (ds.Name == dsName || dsName == "" && len(dcs[0].Datastore) == 1) {
			return ds.Info.GetDatastoreInfo().Url
		}
	}
	return ""
}
