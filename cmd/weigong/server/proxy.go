package server

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// X-Forwarded-Host, X-Forwarded-Proto and X-Forwarded-For are believed
// only from a configured proxy (Config.TrustedProxies; none by default).
// fiber applies the rule to Hostname and Protocol, and so to share links,
// og:url and the channel QR code (EnableTrustedProxyCheck); clientIP
// applies it to the caller's address.

// ParseTrustedProxies reads a comma-separated list of IP addresses and
// CIDR prefixes, e.g. "10.0.0.0/8, 192.0.2.7". An empty list is valid.
func ParseTrustedProxies(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, item := range strings.Split(list, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if p, err := netip.ParsePrefix(item); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(item)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q is neither an IP address nor a CIDR prefix", item)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// prefixStrings gives prefixes in the form fiber's TrustedProxies takes.
func prefixStrings(ps []netip.Prefix) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.String()
	}
	return out
}

func (s *Server) trustsProxy(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// clientIP is the caller's address, for rate limits and view counts: the
// peer's, or, when the peer is a trusted proxy, the nearest address in
// X-Forwarded-For that is not one of our proxies. Addresses further left
// were written by the client and could be anything.
func (s *Server) clientIP(c *fiber.Ctx) string {
	peer, _ := netip.AddrFromSlice(c.Context().RemoteIP())
	client := peer.Unmap()
	if !s.trustsProxy(client) {
		return client.String()
	}
	hops := strings.Split(c.Get(fiber.HeaderXForwardedFor), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		client = hop.Unmap()
		if !s.trustsProxy(client) {
			break
		}
	}
	return client.String()
}
