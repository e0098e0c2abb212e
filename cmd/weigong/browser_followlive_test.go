package main

import (
	"fmt"
	"testing"
	"time"
)

// TestBrowser_FollowRequestLive ensures a supplier who asks to approve
// followers sees a request appear on its open Followers screen the moment
// it is made (follow.requested on its stream), with a toast, and can
// approve it there.
func TestBrowser_FollowRequestLive(t *testing.T) {
	needBrowser(t)
	n := startNode(t, t.TempDir())
	sup := n.signUp("supplier", "gate_sup")
	n.must(200, "PATCH", "/v1/me", sup.Token, map[string]any{"follow_policy": "approval"})
	dist := n.signUp("distributor", "gate_dist")

	b := browserFor(t, 60*time.Second)
	s := b.newTab("supplier")
	signInUI(s, n.URL+appPath+"#/followers", sup.Handle)
	s.waitFor("[data-test=followers-empty]")
	s.waitFor("[data-test=conn-state][data-state=live]")

	n.must(200, "PUT", "/v1/suppliers/"+sup.ID+"/follow", dist.Token, nil)
	row := fmt.Sprintf("[data-test=follower][data-distributor-id=%q][data-state=pending]", dist.ID)
	s.waitFor(row)
	s.waitJS("toast names the distributor", `document.querySelector('[data-test=toast]').textContent.includes('gate_dist')`)
	s.click(row + " [data-test=follower-approve]")
	s.waitJS("row leaves the pending tab", fmt.Sprintf(`!document.querySelector(%q)`, row))
	var f struct{ Items []struct{ State string } }
	n.must(200, "GET", "/v1/me/following", dist.Token, nil).decode(t, &f)
	if len(f.Items) != 1 || f.Items[0].State != "active" {
		t.Errorf("after approval the distributor's follows are %+v, want one active", f.Items)
	}
}
