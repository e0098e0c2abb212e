package storage

import (
	"strings"
	"testing"

	"github.com/google/uuid"
)

// Ensure that parseID accepts exactly the canonical form and agrees with
// uuid.Parse on it.
func TestParseID(t *testing.T) {
	for range 1000 {
		u := uuid.New()
		k, ok := parseID(u.String())
		if !ok || k != u {
			t.Fatalf("parseID(%s) = %x, %v", u, k, ok)
		}
		if formatID(k[:]) != u.String() {
			t.Fatalf("formatID(%x) = %s", k, formatID(k[:]))
		}
	}
	id := newID()
	bad := append([]string{strings.ToUpper(id), "urn:uuid:" + id, strings.ReplaceAll(id, "-", ""),
		id[:35] + "g", id[:8] + "x" + id[9:], id + " ", "-" + id[1:]}, hostileIDs...)
	for _, s := range bad {
		if _, ok := parseID(s); ok {
			t.Errorf("parseID(%q) accepted a non-canonical ID", s)
		}
	}
}

// FuzzParseID ensures that parseID never panics and accepts only strings
// that uuid.Parse reads the same way and that print back unchanged.
func FuzzParseID(f *testing.F) {
	f.Add(newID())
	f.Add("../x")
	f.Fuzz(func(t *testing.T, s string) {
		k, ok := parseID(s)
		if !ok {
			return
		}
		u, err := uuid.Parse(s)
		if err != nil || u != k || u.String() != s {
			t.Fatalf("parseID(%q) = %x; uuid says %s, %v", s, k, u, err)
		}
	})
}
