package main

import (
	"testing"
)

// afterSaleParty is who makes each after-sale move.
var afterSaleParty = map[string]string{"approve": "supplier", "reject": "supplier", "withdraw": "distributor",
	"return": "distributor", "receive": "supplier", "refund": "supplier", "reship": "supplier"}

var afterSaleBody = map[string]string{"reject": `{"reason":"used"}`, "return": `{"carrier":"SF","tracking_number":"R1"}`,
	"reship": `{"carrier":"SF","tracking_number":"N1"}`}

// afterSaleAllowed is the contract's after-sales table (API.md part 2):
// kind → state → the moves allowed from it.
func afterSaleAllowed(kind, state, action string) bool {
	switch action {
	case "approve", "reject":
		return state == "requested"
	case "withdraw":
		return state == "requested" || state == "rejected"
	case "return":
		return state == "approved" && (kind == "return_refund" || kind == "exchange")
	case "receive":
		return state == "returning"
	case "refund":
		return state == "approved" && kind == "refund" || state == "received" && kind == "return_refund"
	case "reship":
		return state == "approved" && kind == "reissue" || state == "received" && kind == "exchange"
	}
	return false
}

// afterSalePaths are the moves that lead to each state of each kind.
var afterSalePaths = map[string]map[string][]string{
	"refund":        {"requested": {}, "approved": {"approve"}, "rejected": {"reject"}, "withdrawn": {"withdraw"}, "refunded": {"approve", "refund"}},
	"reissue":       {"requested": {}, "approved": {"approve"}, "reshipped": {"approve", "reship"}},
	"return_refund": {"approved": {"approve"}, "returning": {"approve", "return"}, "received": {"approve", "return", "receive"}, "refunded": {"approve", "return", "receive", "refund"}},
	"exchange":      {"approved": {"approve"}, "returning": {"approve", "return"}, "received": {"approve", "return", "receive"}, "reshipped": {"approve", "return", "receive", "reship"}},
}

// TestAPI_AfterSaleTable ensures every row of the after-sales table over
// HTTP, for every kind: allowed moves answer 200, others 409 for the
// right party, 403 for the other party, 404 for a stranger.
func TestAPI_AfterSaleTable(t *testing.T) {
	n := startNode(t, t.TempDir())
	w := newOrderWorld(t, n, "ast", nil)
	stranger := n.signUp("distributor", "ast_stranger")
	parties := map[string]account{"supplier": w.sup, "distributor": w.dist}
	do := func(id, action string, who account) reply {
		var body any
		if b := afterSaleBody[action]; b != "" {
			body = b
		}
		return n.do("POST", "/v1/aftersales/"+id+"/"+action, who.Token, body)
	}
	for kind, states := range afterSalePaths {
		for state, path := range states {
			for action, party := range afterSaleParty {
				t.Run(kind+"/"+state+"/"+action, func(t *testing.T) {
					var o orderReply
					w.place(1, nil).decode(t, &o)
					n.must(200, "POST", "/v1/orders/"+o.ID+"/accept", w.sup.Token, nil)
					n.must(201, "POST", "/v1/orders/"+o.ID+"/shipments", w.sup.Token, map[string]string{"carrier": "SF", "tracking_number": "S1"})
					var as struct{ ID, State string }
					n.must(201, "POST", "/v1/orders/"+o.ID+"/aftersales", w.dist.Token, map[string]any{"kind": kind,
						"lines": []map[string]int{{"line": 1, "qty": 1}}, "reason": "r"}).decode(t, &as)
					for _, step := range path {
						if r := do(as.ID, step, parties[afterSaleParty[step]]); r.Status != 200 {
							t.Fatalf("setting up %s: %s = %d %s", state, step, r.Status, r.Body)
						}
					}
					other := "supplier"
					if party == "supplier" {
						other = "distributor"
					}
					if r := do(as.ID, action, stranger); r.Status != 404 {
						t.Errorf("a stranger's %s = %d; want 404", action, r.Status)
					}
					if r := do(as.ID, action, parties[other]); r.Status != 403 {
						t.Errorf("%s by the %s = %d; want 403", action, other, r.Status)
					}
					want := 409
					if afterSaleAllowed(kind, state, action) {
						want = 200
					}
					if r := do(as.ID, action, parties[party]); r.Status != want {
						t.Errorf("%s %s from %s = %d %s; want %d", kind, action, state, r.Status, r.Body, want)
					}
				})
			}
		}
	}
}
