package main

import (
	"fmt"
	"testing"
	"time"
)

// orderMove is one action of the order table: its path under
// /v1/orders/{id}, its body, and the status it answers when allowed.
type orderMove struct {
	name, path, body string
	ok               int
}

var orderMoves = []orderMove{
	{"accept", "/accept", "", 200},
	{"reject", "/reject", `{"reason":"no stock"}`, 200},
	{"cancel", "/cancel", `{"reason":"buyer left"}`, 200},
	{"cancel/approve", "/cancel/approve", "", 200},
	{"cancel/decline", "/cancel/decline", "", 200},
	{"ship", "/shipments", `{"carrier":"SF","tracking_number":"T-%d"}`, 201},
	{"receive", "/receive", "", 200},
}

// allowedMoves is the contract's order table (API.md part 2, "Orders"):
// from each state, which moves each party may make. Everything else is
// 409 for the right party and 403 for the wrong one.
var allowedMoves = map[string]map[string]string{
	"submitted":         {"accept": "supplier", "reject": "supplier", "cancel": "distributor"},
	"accepted":          {"cancel": "distributor", "ship": "supplier"},
	"cancel_requested":  {"cancel/approve": "supplier", "cancel/decline": "supplier", "ship": "supplier", "cancel": "distributor"},
	"partially_shipped": {"ship": "supplier"},
	"shipped":           {"receive": "distributor"},
	"delivered":         {},
	"completed":         {},
	"rejected":          {},
	"cancelled":         {},
}

// moveParty is who makes each move.
var moveParty = map[string]string{"accept": "supplier", "reject": "supplier", "cancel": "distributor",
	"cancel/approve": "supplier", "cancel/decline": "supplier", "ship": "supplier", "receive": "distributor"}

// TestAPI_OrderTable ensures every row of the order table over HTTP: from
// each state, each move by its party is allowed exactly where the table
// says (anything else is 409 naming the state), a move by the other party
// is 403, and a stranger gets 404. The completed state comes from the
// server's own move, by the node's clock.
func TestAPI_OrderTable(t *testing.T) {
	clock := &fakeClock{now: time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)}
	n := startNode(t, t.TempDir(), func(c *serveConfig) { c.clock, c.sweepEvery = clock.Now, 20*time.Millisecond })
	w := newOrderWorld(t, n, "tbl", nil)
	stranger := n.signUp("distributor", "tbl_stranger")
	parties := map[string]account{"supplier": w.sup, "distributor": w.dist}
	tracking := 0
	do := func(id string, m orderMove, who account) reply {
		body := m.body
		if m.name == "ship" {
			tracking++
			body = fmt.Sprintf(m.body, tracking)
		}
		var b any
		if body != "" {
			b = body
		}
		return n.do("POST", "/v1/orders/"+id+m.path, who.Token, b)
	}
	move := func(id, name string) {
		t.Helper()
		for _, m := range orderMoves {
			if m.name == name {
				if r := do(id, m, parties[moveParty[name]]); r.Status != m.ok {
					t.Fatalf("setting up: %s = %d %s", name, r.Status, r.Body)
				}
			}
		}
	}
	reach := map[string]func(id string){
		"submitted":        func(string) {},
		"accepted":         func(id string) { move(id, "accept") },
		"cancel_requested": func(id string) { move(id, "accept"); move(id, "cancel") },
		"partially_shipped": func(id string) {
			move(id, "accept")
			tracking++
			n.must(201, "POST", "/v1/orders/"+id+"/shipments", w.sup.Token,
				fmt.Sprintf(`{"carrier":"SF","tracking_number":"P-%d","lines":[{"line":1,"qty":1}]}`, tracking))
		},
		"shipped":   func(id string) { move(id, "accept"); move(id, "ship") },
		"delivered": func(id string) { move(id, "accept"); move(id, "ship"); move(id, "receive") },
		"rejected":  func(id string) { move(id, "reject") },
		"cancelled": func(id string) { move(id, "cancel") },
		"completed": func(id string) {
			move(id, "accept")
			move(id, "ship")
			move(id, "receive")
			clock.Set(clock.Now().Add(8 * 24 * time.Hour))
			waitState(t, n, w.dist, id, "completed")
		},
	}
	for state, allowed := range allowedMoves {
		for _, m := range orderMoves {
			party := moveParty[m.name]
			other := "supplier"
			if party == "supplier" {
				other = "distributor"
			}
			t.Run(state+"/"+m.name, func(t *testing.T) {
				var o orderReply
				w.place(2, nil).decode(t, &o)
				reach[state](o.ID)
				if r := do(o.ID, m, stranger); r.Status != 404 {
					t.Errorf("a stranger's %s = %d; want 404", m.name, r.Status)
				}
				if r := do(o.ID, m, parties[other]); r.Status != 403 {
					t.Errorf("%s by the %s = %d; want 403", m.name, other, r.Status)
				}
				r := do(o.ID, m, parties[party])
				want := 409
				if allowed[m.name] == party {
					want = m.ok
				}
				if r.Status != want {
					t.Errorf("%s by the %s from %s = %d %s; want %d", m.name, party, state, r.Status, r.Body, want)
				}
			})
		}
	}
}

// waitState polls an order until it reaches state, for at most 10 s.
func waitState(t *testing.T, n *testNode, who account, id, state string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var o orderReply
		n.must(200, "GET", "/v1/orders/"+id, who.Token, nil).decode(t, &o)
		if o.State == state {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("order %s is %s after 10 s; want %s", id, o.State, state)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
