package webhook

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"
)

// Guard keeps webhook requests away from the server's own network (SSRF):
// a webhook URL is resolved and refused when any address it resolves to
// is loopback, private, link-local, multicast, unspecified or otherwise
// not public, and requests dial the very address that was checked, so a
// name cannot resolve to a public address for the check and a private one
// for the dial (DNS rebinding). Redirects are never followed.
type Guard struct {
	// AllowPrivate lifts the address rule (--allow-private-webhooks), for
	// receivers on the server's own network and for tests.
	AllowPrivate bool
	// Resolve looks a host name up; nil means the system resolver.
	Resolve func(ctx context.Context, host string) ([]netip.Addr, error)
}

// notPublic are the ranges no webhook may reach besides those netip
// classifies (loopback, private, link-local, multicast, unspecified):
// sources are RFC 6890 and the IANA special-purpose registries.
var notPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),       // "this network"
	netip.MustParsePrefix("100.64.0.0/10"),   // carrier-grade NAT (RFC 6598)
	netip.MustParsePrefix("192.0.0.0/24"),    // IETF protocol assignments
	netip.MustParsePrefix("192.0.2.0/24"),    // documentation
	netip.MustParsePrefix("198.18.0.0/15"),   // benchmarking
	netip.MustParsePrefix("198.51.100.0/24"), // documentation
	netip.MustParsePrefix("203.0.113.0/24"),  // documentation
	netip.MustParsePrefix("240.0.0.0/4"),     // reserved, and broadcast
	netip.MustParsePrefix("64:ff9b::/96"),    // NAT64: embeds an IPv4 address
	netip.MustParsePrefix("64:ff9b:1::/48"),  // local-use NAT64
	netip.MustParsePrefix("100::/64"),        // discard-only
	netip.MustParsePrefix("2001:db8::/32"),   // documentation
	netip.MustParsePrefix("2002::/16"),       // 6to4: embeds an IPv4 address
	netip.MustParsePrefix("2001::/32"),       // Teredo: embeds an IPv4 address
	netip.MustParsePrefix("fec0::/10"),       // deprecated site-local
}

// PublicAddr reports whether a webhook may be sent to addr.
func PublicAddr(addr netip.Addr) bool {
	addr = addr.Unmap() // ::ffff:127.0.0.1 is 127.0.0.1
	if !addr.IsValid() || addr.IsLoopback() || addr.IsPrivate() || addr.IsLinkLocalUnicast() ||
		addr.IsLinkLocalMulticast() || addr.IsInterfaceLocalMulticast() || addr.IsMulticast() || addr.IsUnspecified() {
		return false
	}
	for _, p := range notPublic {
		if p.Contains(addr) {
			return false
		}
	}
	return true
}

// errPrivate is what a refused address gets, in words an owner may see.
var errPrivate = errors.New("the URL resolves to a loopback, private or otherwise non-public address")

// CheckURL validates a webhook URL: http or https, a host, no user
// information, and (unless AllowPrivate) only public addresses.
func (g *Guard) CheckURL(ctx context.Context, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Hostname() == "" {
		return errors.New("url must be an absolute http or https URL")
	}
	if u.User != nil {
		return errors.New("url must not carry a user name or password")
	}
	if u.Fragment != "" {
		return errors.New("url must not have a fragment")
	}
	_, err = g.resolve(ctx, u.Hostname())
	return err
}

// resolve returns the addresses of host, refusing it unless every one is
// allowed.
func (g *Guard) resolve(ctx context.Context, host string) ([]netip.Addr, error) {
	var addrs []netip.Addr
	if a, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil {
		addrs = []netip.Addr{a}
	} else {
		lookup := g.Resolve
		if lookup == nil {
			lookup = func(ctx context.Context, host string) ([]netip.Addr, error) {
				return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
			}
		}
		if addrs, err = lookup(ctx, host); err != nil || len(addrs) == 0 {
			return nil, fmt.Errorf("the URL's host %q does not resolve", host)
		}
	}
	if !g.AllowPrivate {
		for _, a := range addrs {
			if !PublicAddr(a) {
				return nil, errPrivate
			}
		}
	}
	return addrs, nil
}

// DialContext resolves and checks the address, then dials the address it
// checked.
func (g *Guard) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return nil, err
	}
	addrs, err := g.resolve(ctx, host)
	if err != nil {
		return nil, err
	}
	var d net.Dialer
	var last error
	for _, a := range addrs {
		conn, err := d.DialContext(ctx, network, net.JoinHostPort(a.Unmap().String(), port))
		if err == nil {
			return conn, nil
		}
		last = err
	}
	return nil, last
}

// Client returns an HTTP client that dials through the guard, uses no
// proxy from the environment (it would bypass the check), follows no
// redirect and gives up after timeout.
func (g *Guard) Client(timeout time.Duration, maxConnsPerHost int) *http.Client {
	transport := &http.Transport{
		Proxy:                 nil,
		DialContext:           g.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          256,
		MaxIdleConnsPerHost:   maxConnsPerHost,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: timeout,
	}
	return &http.Client{Transport: transport, Timeout: timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}
