package main

import (
	"bufio"
	"context"
	"encoding/json"
	"image/color"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/weigong/weigong/catalog"
)

// TestWgtail_PrintsAndResumes runs the client's example program against a
// real server with an app key: it prints each new card at the key
// owner's price, and a second run from its cursor file prints only what
// came after the first.
func TestWgtail_PrintsAndResumes(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a program")
	}
	bin := filepath.Join(t.TempDir(), "wgtail")
	if out, err := exec.Command("go", "build", "-o", bin, "../wgtail").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	n := startNode(t, t.TempDir())
	sup := n.signUp("supplier", "tail_sup")
	dist := n.signUp("distributor", "tail_dist")
	n.must(200, "PUT", "/v1/suppliers/"+sup.ID+"/follow", dist.Token, nil)
	key := n.createKey(dist.Token, catalog.ScopeFeedRead)
	img := n.uploadImage(sup.Token, color.RGBA{5, 5, 5, 255})
	cursorFile := filepath.Join(t.TempDir(), "cursor")

	// run starts wgtail and returns the IDs of the first want cards it prints.
	run := func(want int, post func()) []string {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, bin, "-server", n.URL, "-cursor", cursorFile)
		cmd.Env = append(os.Environ(), "WEIGONG_KEY="+key.Key)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		defer cmd.Wait()
		defer cmd.Process.Kill()
		post()
		var ids []string
		var last string
		sc := bufio.NewScanner(out)
		for len(ids) < want && sc.Scan() {
			var ev struct {
				Type, Cursor string
				Card         struct {
					ID     string
					Prices struct{ Cost int64 }
				}
			}
			if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
				t.Fatalf("wgtail printed %q: %v", sc.Text(), err)
			}
			if ev.Type == "card.published" {
				if ev.Card.Prices.Cost != 4800 {
					t.Errorf("card at cost %d, want 4800", ev.Card.Prices.Cost)
				}
				ids = append(ids, ev.Card.ID)
				last = ev.Cursor
			}
		}
		// It saves the cursor after printing: wait for that before the
		// kill, or the next run would rightly print the last card again.
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
			if b, _ := os.ReadFile(cursorFile); strings.TrimSpace(string(b)) == last {
				break
			}
		}
		if len(ids) < want {
			t.Fatalf("wgtail printed %d of %d cards", len(ids), want)
		}
		return ids
	}
	post := func() string {
		return n.createCard(sup.Token, map[string]any{"cost_price": 4800}, img).ID
	}
	var now struct{ Cursor string }
	n.must(200, "GET", "/v1/feed/events", key.Key, nil).decode(t, &now)
	if err := os.WriteFile(cursorFile, []byte(now.Cursor+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var first []string
	got := run(2, func() { first = append(first, post(), post()) })
	if got[0] != first[0] || got[1] != first[1] {
		t.Fatalf("first run printed %v, want %v", got, first)
	}
	later := post() // while wgtail is not running
	got = run(1, func() {})
	if got[0] != later {
		t.Fatalf("second run printed %v first, want %s: it did not resume from its cursor", got, later)
	}
}
