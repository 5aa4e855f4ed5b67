package main

// The -info-file JSON object:
//
//	{
//	  "url": "https://127.0.0.1:40123/sdk",
//	  "model": "vpx",
//	  "datastores": [{"datacenter": "DC0", "name": "LocalDS_0", "dir": "/tmp/govcsim-DC0-LocalDS_0-123"}],
//	  "guestRoot": "/tmp/vcsim-guests-456",
//	  "guestUser": "guest"
//	}
//
// datastores are in inventory order (datacenters, then their datastores);
// "dir" is the datastore's local directory: a file placed at
// dir/vm1/vm1.vmx is "[LocalDS_0] vm1/vm1.vmx" (for RegisterVM_Task).
// guestRoot holds each guest's file system as <guestRoot>/<instance uuid>/,
// made on the VM's first guest operation.

import (
	"encoding/json"
	"sort"

	"github.com/vmware/govmomi/simulator"
)

type datastoreInfo struct {
	Datacenter string `json:"datacenter"`
	Name       string `json:"name"`
	Dir        string `json:"dir"`
}

func serverInfo(url, model string, g *guestWorld) (string, error) {
	info := struct {
		URL        string          `json:"url"`
		Model      string          `json:"model"`
		Datastores []datastoreInfo `json:"datastores"`
		GuestRoot  string          `json:"guestRoot"`
		GuestUser  string          `json:"guestUser"`
	}{URL: url, Model: model, Datastores: []datastoreInfo{}, GuestRoot: g.root, GuestUser: g.user}

	var dcs []*simulator.Datacenter
	for _, e := range simulator.Map.All("Datacenter") {
		if dc, ok := e.(*simulator.Datacenter); ok {
			dcs = append(dcs, dc)
		}
	}
	sort.Slice(dcs, func(i, j int) bool { return dcs[i].Name < dcs[j].Name })
	for _, dc := range dcs {
		for _, ref := range dc.Datastore {
			if ds, ok := simulator.Map.Get(ref).(*simulator.Datastore); ok {
				info.Datastores = append(info.Datastores, datastoreInfo{dc.Name, ds.Name, ds.Info.GetDatastoreInfo().Url})
			}
		}
	}
	b, err := json.MarshalIndent(info, "", "  ")
	if err != nil {
		return "", err
	}
	return string(b) + "\n", nil
}
