// govmomi peer for bench/run: one login cycle = govmomi.NewClient
// (RetrieveServiceContent + Login) then Client.Logout (which also closes the
// idle keep-alive connection).
//
//	govmomi-bench URL USER PASSWORD N            N timed cycles, one RESULT line
//	govmomi-bench URL USER PASSWORD N hold       hold N sessions open, RSS per session
//
// Built in GOPATH mode against Debian's govmomi source (no module downloads).
package main

import (
	"bufio"
	"context"
	"fmt"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/vmware/govmomi"
)

// Each call gets a deadline so a stuck simulator fails the run instead of hanging it.
const callTimeout = 30 * time.Second

func cpuMs() float64 {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Utime.Sec+ru.Stime.Sec)*1e3 + float64(ru.Utime.Usec+ru.Stime.Usec)/1e3
}

func vmRSSKb() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return -1
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if strings.HasPrefix(s.Text(), "VmRSS:") {
			v, _ := strconv.ParseInt(strings.Fields(s.Text())[1], 10, 64)
			return v
		}
	}
	return -1
}

func login(u *url.URL) (*govmomi.Client, error) {
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	return govmomi.NewClient(ctx, u, true)
}

func logout(c *govmomi.Client) error {
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	return c.Logout(ctx)
}

func cycle(u *url.URL) error {
	c, err := login(u)
	if err != nil {
		return fmt.Errorf("connect/login: %w", err)
	}
	if err := logout(c); err != nil {
		return fmt.Errorf("logout: %w", err)
	}
	return nil
}

func percentile(v []float64, p float64) float64 { // nearest rank; v sorted
	k := int(p/100*float64(len(v)) + 0.999999)
	if k < 1 {
		k = 1
	}
	return v[k-1]
}

func median(v []float64) float64 { // v sorted
	n := len(v)
	if n%2 == 1 {
		return v[n/2]
	}
	return (v[n/2-1] + v[n/2]) / 2
}

func run() error {
	if len(os.Args) < 5 {
		return fmt.Errorf("usage: %s URL USER PASSWORD N [hold]", os.Args[0])
	}
	u, err := url.Parse(os.Args[1])
	if err != nil {
		return err
	}
	u.User = url.UserPassword(os.Args[2], os.Args[3])
	n, err := strconv.Atoi(os.Args[4])
	if err != nil || n <= 0 {
		return fmt.Errorf("N must be a positive integer")
	}
	mode := "cycle"
	if len(os.Args) > 5 {
		mode = os.Args[5]
	}

	// One untimed warm-up cycle: lazy init (TLS, type registries) is not per-cycle cost.
	if err := cycle(u); err != nil {
		return err
	}

	switch mode {
	case "cycle":
		lat := make([]float64, 0, n)
		c0, w0 := cpuMs(), time.Now()
		for i := 0; i < n; i++ {
			t := time.Now()
			if err := cycle(u); err != nil {
				return err
			}
			lat = append(lat, float64(time.Since(t).Nanoseconds())/1e6)
		}
		wall, cpu := time.Since(w0).Seconds(), cpuMs()-c0
		sort.Float64s(lat)
		fmt.Printf("RESULT client=govmomi mode=cycle n=%d median_ms=%.3f p95_ms=%.3f wall_s=%.3f cpu_ms_per_cycle=%.3f\n",
			n, median(lat), percentile(lat, 95), wall, cpu/float64(n))
	case "hold":
		before := vmRSSKb()
		clients := make([]*govmomi.Client, 0, n)
		for i := 0; i < n; i++ {
			c, err := login(u)
			if err != nil {
				return err
			}
			clients = append(clients, c)
		}
		after := vmRSSKb()
		for _, c := range clients {
			if err := logout(c); err != nil {
				return err
			}
		}
		fmt.Printf("RESULT client=govmomi mode=hold n=%d rss_before_kb=%d rss_after_kb=%d rss_kb_per_session=%.1f\n",
			n, before, after, float64(after-before)/float64(n))
	default:
		return fmt.Errorf("unknown mode %q", mode)
	}
	return nil
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "govmomi:", err)
		os.Exit(1)
	}
}
