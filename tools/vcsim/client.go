package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/vmware/govmomi/property"
	"github.com/vmware/govmomi/session"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// Client mode: an independent witness of the server's session table.

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
