package client_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestClient_PullsInNoServerCode ensures an app that imports the client
// gets no server code: nothing of fiber, fasthttp, bbolt, argon2 or the
// server's own packages, only catalog/wire and gorilla/websocket.
func TestClient_PullsInNoServerCode(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "github.com/weigong/weigong/feed/client").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 20 {
		t.Fatalf("go list -deps listed %d packages; the check is broken", len(deps))
	}
	allowed := map[string]bool{
		"github.com/weigong/weigong/feed/client":  true,
		"github.com/weigong/weigong/catalog/wire": true,
		"github.com/gorilla/websocket":            true,
	}
	for _, d := range deps {
		std := !strings.Contains(strings.Split(d, "/")[0], ".")
		if std || allowed[d] {
			continue
		}
		t.Errorf("the client depends on %s", d)
	}
}
