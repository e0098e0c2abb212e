package webhook_test

import (
	"context"
	"net/netip"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/weigong/weigong/feed/webhook"
)

// notPublic lists addresses a webhook must never reach, IPv4 and IPv6.
var notPublic = []string{
	"127.0.0.1", "127.1.2.3", "0.0.0.0", "0.1.2.3", "10.0.0.1", "172.16.5.4", "192.168.1.1",
	"169.254.169.254", "100.64.0.1", "224.0.0.1", "239.255.255.250", "255.255.255.255", "198.18.0.1",
	"::1", "::", "fe80::1", "fc00::1", "fd12:3456::1", "ff02::1", "ff05::2", "::ffff:127.0.0.1",
	"::ffff:10.0.0.1", "::ffff:169.254.169.254", "64:ff9b::7f00:1", "2002:7f00:1::1", "fec0::1",
}

// TestPublicAddr ensures every non-public address is refused and public
// ones pass.
func TestPublicAddr(t *testing.T) {
	for _, s := range notPublic {
		if webhook.PublicAddr(netip.MustParseAddr(s)) {
			t.Errorf("%s passes as public", s)
		}
	}
	for _, s := range []string{"8.8.8.8", "93.184.216.34", "1.1.1.1", "2606:4700:4700::1111", "2a00:1450:4001::200e"} {
		if !webhook.PublicAddr(netip.MustParseAddr(s)) {
			t.Errorf("%s is refused", s)
		}
	}
}

// TestGuard_CheckURL ensures URLs naming or resolving to a non-public
// address are refused, names too (localhost resolves to 127.0.0.1 here,
// and a name whose every answer is checked), unless private webhooks are
// allowed.
func TestGuard_CheckURL(t *testing.T) {
	g := &webhook.Guard{Resolve: func(_ context.Context, host string) ([]netip.Addr, error) {
		switch host {
		case "loopback.example":
			return []netip.Addr{netip.MustParseAddr("127.0.0.1")}, nil
		case "mixed.example":
			return []netip.Addr{netip.MustParseAddr("93.184.216.34"), netip.MustParseAddr("10.1.1.1")}, nil
		case "v6loop.example":
			return []netip.Addr{netip.MustParseAddr("::1")}, nil
		case "public.example":
			return []netip.Addr{netip.MustParseAddr("93.184.216.34")}, nil
		}
		return nil, context.DeadlineExceeded
	}}
	var refused []string
	for _, a := range notPublic {
		host := a
		if strings.Contains(a, ":") {
			host = "[" + a + "]"
		}
		refused = append(refused, "http://"+host+"/hook", "https://"+host+":8443/hook")
	}
	refused = append(refused, "http://loopback.example/", "http://mixed.example/", "http://v6loop.example/",
		"http://nowhere.example/", "ftp://public.example/", "http://user:pw@public.example/", "/relative", "http://",
		"http://0x7f000001/", "http://2130706433/")
	for _, u := range refused {
		if err := g.CheckURL(ctx, u); err == nil {
			t.Errorf("%s is accepted", u)
		}
	}
	if err := g.CheckURL(ctx, "https://public.example/hook"); err != nil {
		t.Errorf("a public URL is refused: %v", err)
	}
	system := &webhook.Guard{}
	if err := system.CheckURL(ctx, "http://localhost:8080/hook"); err == nil {
		t.Errorf("localhost is accepted")
	}
	allowed := &webhook.Guard{AllowPrivate: true}
	if err := allowed.CheckURL(ctx, "http://127.0.0.1:9/hook"); err != nil {
		t.Errorf("with private webhooks allowed, 127.0.0.1 is refused: %v", err)
	}
}

// TestGuard_DialChecksWhatItDials ensures a name that resolved to a
// public address when the URL was checked and to 127.0.0.1 when the
// request is made (DNS rebinding) is not dialled: the dial resolves again
// and checks the address it connects to.
func TestGuard_DialChecksWhatItDials(t *testing.T) {
	rec := newReceiver(t, nil)
	port := rec.Listener.Addr().(interface{ AddrPort() netip.AddrPort }).AddrPort().Port()
	var calls atomic.Int32
	g := &webhook.Guard{Resolve: func(context.Context, string) ([]netip.Addr, error) {
		if calls.Add(1) == 1 {
			return []netip.Addr{netip.MustParseAddr("93.184.216.34")}, nil
		}
		return []netip.Addr{netip.MustParseAddr("127.0.0.1")}, nil
	}}
	url := "http://rebind.example:" + strconv.Itoa(int(port)) + "/"
	if err := g.CheckURL(ctx, url); err != nil {
		t.Fatalf("first resolution should pass: %v", err)
	}
	resp, err := g.Client(2*time.Second, 1).Post(url, "application/json", strings.NewReader("{}"))
	if err == nil {
		resp.Body.Close()
		t.Fatal("the request reached 127.0.0.1")
	}
	if rec.count() != 0 {
		t.Fatal("the receiver on 127.0.0.1 was reached")
	}
}
