package server

import (
	"io"
	"net"
	"net/http"
	"net/netip"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
)

// serveClientIP serves a server with the given trusted proxies on a real
// listener, with one extra route that answers the caller's address as
// clientIP sees it, and returns its URL.
func serveClientIP(t *testing.T, proxies []netip.Prefix) string {
	t.Helper()
	s := New(Config{TrustedProxies: proxies}, Deps{})
	s.app.Get("/test/client-ip", func(c *fiber.Ctx) error { return c.SendString(s.clientIP(c)) })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go s.app.Listener(ln)
	t.Cleanup(func() { _ = s.app.ShutdownWithTimeout(5 * time.Second) })
	return "http://" + ln.Addr().String()
}

// TestClientIP_ForwardedForOnlyFromTrustedProxies ensures X-Forwarded-For
// is ignored from other peers, and from a trusted proxy yields the
// nearest address that is not one of our proxies: addresses further left
// were written by the client.
func TestClientIP_ForwardedForOnlyFromTrustedProxies(t *testing.T) {
	untrusted := serveClientIP(t, nil)
	trusted := serveClientIP(t, []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")})
	client := &http.Client{Timeout: 10 * time.Second}
	for _, c := range []struct {
		url, xff, want string
	}{
		{untrusted, "203.0.113.9", "127.0.0.1"},
		{untrusted, "", "127.0.0.1"},
		{trusted, "", "127.0.0.1"},
		{trusted, "203.0.113.9", "203.0.113.9"},
		{trusted, "6.6.6.6, 203.0.113.9", "203.0.113.9"},
		{trusted, "203.0.113.9, 127.0.0.7", "203.0.113.9"},
		{trusted, "::ffff:198.51.100.1", "198.51.100.1"},
		{trusted, "2001:db8::1", "2001:db8::1"},
		{trusted, "not an address", "127.0.0.1"},
		{trusted, "203.0.113.9, garbage", "127.0.0.1"},
	} {
		req, _ := http.NewRequest("GET", c.url+"/test/client-ip", nil)
		if c.xff != "" {
			req.Header.Set("X-Forwarded-For", c.xff)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(got) != c.want {
			t.Errorf("trusted=%v X-Forwarded-For %q: client IP %q, want %q", c.url == trusted, c.xff, got, c.want)
		}
	}
}

// TestParseTrustedProxies ensures addresses and prefixes are accepted,
// blanks skipped, and anything else refused with its text quoted.
func TestParseTrustedProxies(t *testing.T) {
	got, err := ParseTrustedProxies(" 10.0.0.0/8, 192.0.2.7 ,,::1, ::ffff:192.0.2.8, 10.1.2.3/16")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"10.0.0.0/8", "192.0.2.7/32", "::1/128", "192.0.2.8/32", "10.1.0.0/16"}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i].String() != want[i] {
			t.Errorf("prefix %d = %s, want %s", i, got[i], want[i])
		}
	}
	if got, err := ParseTrustedProxies(""); err != nil || len(got) != 0 {
		t.Errorf(`ParseTrustedProxies("") = %v, %v; want none`, got, err)
	}
	for _, bad := range []string{"proxy.example", "10.0.0.0/33", "10.0.0.1:80"} {
		if _, err := ParseTrustedProxies("10.0.0.1," + bad); err == nil {
			t.Errorf("ParseTrustedProxies accepted %q", bad)
		}
	}
}
