package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestVerify_OperatorGrantsAndWithdraws ensures `weigong verify HANDLE`
// and `weigong unverify HANDLE` move the verified badge, which the public
// profile then shows or not, and that an unknown handle is a clear error.
func TestVerify_OperatorGrantsAndWithdraws(t *testing.T) {
	data := t.TempDir()
	n := startNode(t, data)
	sup := n.signUp("supplier", "vfy_sup")
	n.mustError(400, "invalid", "PATCH", "/v1/me", sup.Token, map[string]any{"guarantees": []string{"ship_24h", "verified"}})
	n.Stop()
	badges := func() string {
		n := startNode(t, data)
		defer n.Stop()
		var a struct{ Badges []string }
		n.must(200, "GET", "/v1/suppliers/vfy_sup", "", nil).decode(t, &a)
		return strings.Join(a.Badges, ",")
	}
	var out, errOut bytes.Buffer
	if code := run(append(append([]string{"verify"}, dataArgs(data)...), "vfy_sup"), &out, &errOut); code != 0 {
		t.Fatalf("verify exit %d: %s", code, errOut.String())
	}
	if got := badges(); got != "verified" {
		t.Fatalf("badges after verify = %q", got)
	}
	if code := run(append(append([]string{"unverify"}, dataArgs(data)...), "vfy_sup"), &out, &errOut); code != 0 {
		t.Fatalf("unverify exit %d: %s", code, errOut.String())
	}
	if got := badges(); got != "" {
		t.Fatalf("badges after unverify = %q", got)
	}
	errOut.Reset()
	if code := run(append(append([]string{"verify"}, dataArgs(data)...), "nobody_here"), &out, &errOut); code == 0 || !strings.Contains(errOut.String(), "nobody_here") {
		t.Fatalf("verify of an unknown handle: exit %d, %q", code, errOut.String())
	}
}
