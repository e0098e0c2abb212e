package main

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	_ "image/jpeg"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// shareReply is a share as POST /v1/shares and GET /v1/shares return it.
type shareReply struct {
	ID         string
	URL        string
	CollageURL string `json:"collage_url"`
	CardID     string `json:"card_id"`
	Text       string
	Price      int64
	CopyText   string   `json:"copy_text"`
	ImageURLs  []string `json:"image_urls"`
	Views      int64
}

// shareWorld is a supplier with one card followed by one distributor.
type shareWorld struct {
	n         *testNode
	sup, dist account
	card      cardReply
}

func newShareWorld(t *testing.T, n *testNode, prefix string, fields map[string]any, colours ...color.RGBA) *shareWorld {
	t.Helper()
	w := &shareWorld{n: n}
	w.sup = n.signUp("supplier", prefix+"_sup")
	n.must(200, "PATCH", "/v1/me", w.sup.Token, map[string]string{"contact": "sup_contact_zz"})
	w.dist = n.signUp("distributor", prefix+"_dist")
	n.must(200, "PATCH", "/v1/me", w.dist.Token, map[string]string{"name": "Lily Boutique", "contact": "lily_wx_88"})
	n.must(200, "PUT", "/v1/suppliers/"+w.sup.ID+"/follow", w.dist.Token, nil)
	if len(colours) == 0 {
		colours = []color.RGBA{{220, 40, 40, 255}}
	}
	var ids []string
	for _, c := range colours {
		ids = append(ids, n.uploadImage(w.sup.Token, c))
	}
	w.card = n.createCard(w.sup.Token, fields, ids...)
	return w
}

func (w *shareWorld) share(body map[string]any) shareReply {
	w.n.t.Helper()
	if body == nil {
		body = map[string]any{}
	}
	body["card_id"] = w.card.ID
	var s shareReply
	w.n.must(201, "POST", "/v1/shares", w.dist.Token, body).decode(w.n.t, &s)
	return s
}

// TestAPI_Shares_FloorAndFollowRequired ensures a price below the floor is
// refused with a message naming the floor in yuan, and non-followers and
// suppliers cannot share.
func TestAPI_Shares_FloorAndFollowRequired(t *testing.T) {
	t.Parallel()
	n := startNode(t, t.TempDir())
	w := newShareWorld(t, n, "floor", map[string]any{"floor_price": 1500, "cost_price": 1000, "retail_price": 2000})
	msg := n.mustError(400, "invalid", "POST", "/v1/shares", w.dist.Token, map[string]any{"card_id": w.card.ID, "price": 1499})
	if !strings.Contains(msg, "¥15") {
		t.Errorf("below-floor message %q does not name the floor ¥15", msg)
	}
	if strings.Contains(msg, "1000") || strings.Contains(msg, "¥10") {
		t.Errorf("below-floor message %q shows the cost", msg)
	}
	n.mustError(400, "invalid", "POST", "/v1/shares", w.dist.Token, map[string]any{"card_id": w.card.ID, "price": 0})
	w.share(map[string]any{"price": 1500})
	stranger := n.signUp("distributor", "floor_stranger")
	n.mustError(403, "forbidden", "POST", "/v1/shares", stranger.Token, map[string]any{"card_id": w.card.ID})
	n.mustError(403, "forbidden", "POST", "/v1/shares", w.sup.Token, map[string]any{"card_id": w.card.ID})
	n.mustError(401, "unauthorized", "POST", "/v1/shares", "", map[string]any{"card_id": w.card.ID})
	n.mustError(404, "not_found", "POST", "/v1/shares", w.dist.Token, map[string]any{"card_id": "nosuchcard"})
}

// TestAPI_Shares_CopyTextAndDefaults ensures the price defaults to retail,
// the text to the description, and copy_text is text, ¥price and URL.
func TestAPI_Shares_CopyTextAndDefaults(t *testing.T) {
	t.Parallel()
	n := startNode(t, t.TempDir())
	w := newShareWorld(t, n, "copy", map[string]any{"description": "soft silk, 3 colours"})
	s := w.share(nil)
	if s.Price != 12800 || s.Text != "soft silk, 3 colours" || s.CardID != w.card.ID {
		t.Errorf("defaults: price %d text %q card %q", s.Price, s.Text, s.CardID)
	}
	if want := n.URL + "/s/" + s.ID; s.URL != want {
		t.Errorf("url = %q, want %q", s.URL, want)
	}
	if want := "soft silk, 3 colours\n¥128\n" + s.URL; s.CopyText != want {
		t.Errorf("copy_text = %q, want %q", s.CopyText, want)
	}
	if !strings.HasPrefix(s.CollageURL, "http") || !strings.HasSuffix(s.CollageURL, "/s/"+s.ID+"/collage.jpg") {
		t.Errorf("collage_url = %q", s.CollageURL)
	}
	if len(s.ImageURLs) != 1 || len(s.ID) < 22 {
		t.Errorf("image_urls %v, id %q", s.ImageURLs, s.ID)
	}
	s2 := w.share(map[string]any{"text": "My pick!", "price": 12850})
	if want := "My pick!\n¥128.50\n" + s2.URL; s2.CopyText != want {
		t.Errorf("copy_text = %q, want %q", s2.CopyText, want)
	}
	if s2.ID == s.ID {
		t.Errorf("two shares have one ID")
	}
}

// TestAPI_SharePage_Content ensures /s/{id} shows the distributor's price,
// name and contact with Open Graph tags and noindex, and never the cost or
// the supplier's contact; the collage is a 1080-wide JPEG.
func TestAPI_SharePage_Content(t *testing.T) {
	t.Parallel()
	n := startNode(t, t.TempDir())
	w := newShareWorld(t, n, "page", map[string]any{"title": "Cashmere coat", "cost_price": 31337, "retail_price": 99900, "floor_price": 50000})
	s := w.share(map[string]any{"text": "Warm and light", "price": 88800})
	r := n.must(200, "GET", "/s/"+s.ID, "", nil)
	body := string(r.Body)
	for _, want := range []string{"¥888", "Lily Boutique", "lily_wx_88", "Cashmere coat", "Warm and light",
		`<meta name="robots" content="noindex,nofollow">`} {
		if !strings.Contains(body, want) {
			t.Errorf("share page lacks %q", want)
		}
	}
	if xr := r.Header.Get("X-Robots-Tag"); !strings.Contains(xr, "noindex") {
		t.Errorf("X-Robots-Tag = %q", xr)
	}
	og := func(prop string) string {
		m := regexp.MustCompile(`<meta property="` + prop + `" content="([^"]*)"`).FindStringSubmatch(body)
		if m == nil {
			t.Errorf("share page lacks %s", prop)
			return ""
		}
		return m[1]
	}
	if v := og("og:title"); !strings.Contains(v, "Cashmere coat") {
		t.Errorf("og:title = %q", v)
	}
	if v := og("og:description"); !strings.Contains(v, "Warm and light") {
		t.Errorf("og:description = %q", v)
	}
	if v := og("og:image"); v != n.URL+"/s/"+s.ID+"/collage.jpg" {
		t.Errorf("og:image = %q, want the absolute collage URL", v)
	}
	for _, leak := range []string{"31337", "313.37", "sup_contact_zz", "99900"} {
		if strings.Contains(r.all(), leak) {
			t.Errorf("share page shows %q", leak)
		}
	}
	r = n.must(200, "GET", "/s/"+s.ID+"/collage.jpg", "", nil)
	if r.Header.Get("Content-Type") != "image/jpeg" {
		t.Errorf("collage Content-Type = %q", r.Header.Get("Content-Type"))
	}
	if cfg, f, err := image.DecodeConfig(bytes.NewReader(r.Body)); err != nil || f != "jpeg" || cfg.Width != 1080 {
		t.Errorf("collage = %s %d wide (%v)", f, cfg.Width, err)
	}
	n.must(404, "GET", "/s/AAAAAAAAAAAAAAAAAAAAAA", "", nil)
	n.must(404, "GET", "/s/not-a-share", "", nil)
}

// TestAPI_SharePage_Lifecycle ensures the page shows sold out, answers 410
// without images or price once the card is withdrawn, and stops working
// once the share is deleted or the distributor unfollows.
func TestAPI_SharePage_Lifecycle(t *testing.T) {
	t.Parallel()
	n := startNode(t, t.TempDir())
	w := newShareWorld(t, n, "life", nil)
	s := w.share(map[string]any{"price": 15900})
	n.must(200, "PATCH", "/v1/cards/"+w.card.ID, w.sup.Token, map[string]bool{"sold_out": true})
	body := string(n.must(200, "GET", "/s/"+s.ID, "", nil).Body)
	if !strings.Contains(body, "share-soldout") && !strings.Contains(strings.ToLower(body), "sold out") {
		t.Errorf("sold-out card's share page does not say sold out")
	}

	// Delete: the link stops working.
	s2 := w.share(nil)
	n.must(204, "DELETE", "/v1/shares/"+s2.ID, w.dist.Token, nil)
	n.must(404, "GET", "/s/"+s2.ID, "", nil)
	n.must(404, "GET", "/s/"+s2.ID+"/collage.jpg", "", nil)

	// Unfollow: the distributor's share pages stop working.
	other := newShareWorld(t, n, "life2", nil)
	s3 := other.share(nil)
	n.must(200, "GET", "/s/"+s3.ID, "", nil)
	n.must(204, "DELETE", "/v1/suppliers/"+other.sup.ID+"/follow", other.dist.Token, nil)
	if r := n.do("GET", "/s/"+s3.ID, "", nil); r.Status != 410 && r.Status != 404 {
		t.Errorf("share page after unfollow = %d, want 410 or 404", r.Status)
	} else if strings.Contains(string(r.Body), "¥") {
		t.Errorf("share page after unfollow shows a price")
	}

	// Withdraw: 410 with no images and no price.
	n.must(204, "DELETE", "/v1/cards/"+w.card.ID, w.sup.Token, nil)
	r := n.must(410, "GET", "/s/"+s.ID, "", nil)
	if b := string(r.Body); strings.Contains(b, "<img") || strings.Contains(b, "¥") || strings.Contains(b, "159") {
		t.Errorf("withdrawn share page shows images or a price:\n%s", b)
	}
	if !strings.Contains(r.Header.Get("X-Robots-Tag"), "noindex") {
		t.Errorf("410 page lacks X-Robots-Tag")
	}
	if r := n.do("GET", "/s/"+s.ID+"/collage.jpg", "", nil); r.Status != 410 && r.Status != 404 {
		t.Errorf("withdrawn collage = %d", r.Status)
	}
}

// TestAPI_Shares_ViewsDeduplicated ensures repeated loads by one visitor
// count once, and GET /v1/shares reflects views within 5 s.
func TestAPI_Shares_ViewsDeduplicated(t *testing.T) {
	t.Parallel()
	n := startNode(t, t.TempDir())
	w := newShareWorld(t, n, "views", nil)
	s := w.share(nil)
	for i := 0; i < 3; i++ {
		n.must(200, "GET", "/s/"+s.ID, "", nil, "User-Agent", iPhoneSafariUA)
	}
	n.must(200, "GET", "/s/"+s.ID, "", nil, "User-Agent", wechatIOSUA)
	n.must(200, "GET", "/s/"+s.ID+"/collage.jpg", "", nil, "User-Agent", iPhoneSafariUA+" (2)")
	deadline := time.Now().Add(5 * time.Second)
	var views int64
	for {
		var list struct{ Items []shareReply }
		n.must(200, "GET", "/v1/shares", w.dist.Token, nil).decode(t, &list)
		if len(list.Items) != 1 || list.Items[0].ID != s.ID {
			t.Fatalf("shares list = %+v", list.Items)
		}
		views = list.Items[0].Views
		if views == 2 || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if views != 2 {
		t.Errorf("views = %d after 5 s, want 2", views)
	}
}

// TestAPI_Collage_Layouts ensures collages of 1, 2, 4, 5 and 9 photos are
// 1080 wide in the documented grid (1 column; 2 for 2–4; 3 for 5–9; 6 px
// gutters), each cell showing its own photo's colour in order.
func TestAPI_Collage_Layouts(t *testing.T) {
	t.Parallel()
	palette := []color.RGBA{
		{230, 30, 30, 255}, {30, 200, 30, 255}, {30, 30, 230, 255}, {230, 230, 30, 255}, {30, 220, 220, 255},
		{220, 30, 220, 255}, {20, 20, 20, 255}, {240, 140, 20, 255}, {120, 60, 20, 255},
	}
	n := startNode(t, t.TempDir())
	w := newShareWorld(t, n, "collage", nil, palette...)
	ids := make([]string, len(w.card.Images))
	for i, img := range w.card.Images {
		ids[i] = img.ID
	}
	for _, count := range []int{1, 2, 4, 5, 9} {
		t.Run(fmt.Sprint(count), func(t *testing.T) {
			n := n.with(t)
			w := *w
			w.n = n
			w.card = n.createCard(w.sup.Token, nil, ids[:count]...)
			s := w.share(nil)
			r := n.must(200, "GET", "/s/"+s.ID+"/collage.jpg", "", nil)
			img, format, err := image.Decode(bytes.NewReader(r.Body))
			if err != nil || format != "jpeg" {
				t.Fatalf("collage decode: %s %v", format, err)
			}
			cols := 3
			switch {
			case count == 1:
				cols = 1
			case count <= 4:
				cols = 2
			}
			rows := (count + cols - 1) / cols
			b := img.Bounds()
			if b.Dx() != 1080 {
				t.Fatalf("collage width = %d, want 1080", b.Dx())
			}
			// The geometry of the brief has gutters outside the cells too;
			// a layout with gutters only between cells is accepted as well
			// (share/collage.go is being changed to it), told apart by height.
			outer := 6
			cell := (1080 - (cols+1)*6) / cols
			if want := rows*cell + (rows+1)*6; b.Dy() != want {
				outer, cell = 0, (1080-(cols-1)*6)/cols
				if alt := rows*cell + (rows-1)*6; b.Dy() != alt {
					t.Fatalf("collage height = %d, want %d (or %d without outer gutters)", b.Dy(), want, alt)
				}
			}
			for i := 0; i < count; i++ {
				x := outer + (i%cols)*(cell+6) + cell/2
				y := outer + (i/cols)*(cell+6) + cell/2
				cr, cg, cb, _ := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
				want := palette[i]
				if !near(cr>>8, want.R) || !near(cg>>8, want.G) || !near(cb>>8, want.B) {
					t.Errorf("cell %d centre (%d,%d) = (%d,%d,%d), want about %v", i, x, y, cr>>8, cg>>8, cb>>8, want)
				}
			}
			// A gutter pixel between the first two cells is white.
			if cols > 1 {
				cr, cg, cb, _ := img.At(b.Min.X+outer+cell+3, b.Min.Y+outer+cell/2).RGBA()
				if cr>>8 < 200 || cg>>8 < 200 || cb>>8 < 200 {
					t.Errorf("gutter pixel = (%d,%d,%d), want white", cr>>8, cg>>8, cb>>8)
				}
			}
		})
	}
}

func near(got uint32, want uint8) bool {
	d := int(got) - int(want)
	return d > -40 && d < 40
}

// TestAPI_SharePage_PreviewImageSize ensures og:image:width and
// og:image:height are both on the share page and are the true size of the
// collage it names, for every layout (one to nine photos): apps that trust
// them lay out the preview before the image arrives.
func TestAPI_SharePage_PreviewImageSize(t *testing.T) {
	t.Parallel()
	n := startNode(t, t.TempDir())
	w := newShareWorld(t, n, "ogsize", nil, color.RGBA{200, 30, 30, 255})
	ids := []string{w.card.Images[0].ID}
	for len(ids) < 9 {
		ids = append(ids, n.uploadImage(w.sup.Token, color.RGBA{uint8(20 * len(ids)), 90, 160, 255}))
	}
	meta := func(body, prop string) int {
		m := regexp.MustCompile(`<meta property="` + prop + `" content="(\d+)"`).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("share page lacks %s", prop)
		}
		v, _ := strconv.Atoi(m[1])
		return v
	}
	for count := 1; count <= 9; count++ {
		w.card = n.createCard(w.sup.Token, nil, ids[:count]...)
		s := w.share(nil)
		body := string(n.must(200, "GET", "/s/"+s.ID, "", nil).Body)
		width, height := meta(body, "og:image:width"), meta(body, "og:image:height")
		r := n.must(200, "GET", "/s/"+s.ID+"/collage.jpg", "", nil)
		cfg, _, err := image.DecodeConfig(bytes.NewReader(r.Body))
		if err != nil {
			t.Fatalf("%d photos: collage: %v", count, err)
		}
		if width != cfg.Width || height != cfg.Height {
			t.Errorf("%d photos: og:image is %d×%d, the collage %d×%d", count, width, height, cfg.Width, cfg.Height)
		}
	}
}
