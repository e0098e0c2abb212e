package share

import (
	"embed"
	"errors"
	"html/template"
	"io"
	"strconv"

	"github.com/weigong/weigong/catalog"
)

//go:embed templates/*.html
var templateFiles embed.FS

// PageScript is the share page's one small script (copy the contact).
//
//go:embed templates/page.js
var PageScript []byte

// pages holds the parsed templates; parsing once at start-up keeps page
// rendering to a single Execute.
var pages = template.Must(template.New("").Funcs(template.FuncMap{
	"yuan":  Yuan,
	"first": firstImage,
	"cols":  gridColumns,
	// headline and summary shorten text for link previews (preview.go).
	"headline": func(s string) string { return Shorten(s, PreviewTitleLen) },
	"summary":  func(s string) string { return Shorten(s, PreviewDescriptionLen) },
	"inc":      func(i int) int { return i + 1 },
}).ParseFS(templateFiles, "templates/*.html"))

// ChannelData is what the channel page shows: the supplier's public
// profile and its cards as an anonymous viewer sees them (no prices).
type ChannelData struct {
	Supplier catalog.AccountView
	Cards    []catalog.CardView
	// Origin is the public base URL; link previews need absolute URLs.
	Origin string
	URL    string
}

// RenderChannel writes the public channel page of a supplier.
func RenderChannel(w io.Writer, d ChannelData) error {
	for _, c := range d.Cards {
		if c.Prices != nil || c.CostPrice != nil {
			return errors.New("share: channel page given a card with prices")
		}
	}
	return pages.ExecuteTemplate(w, "channel.html", d)
}

// RenderShare writes the public share page, or the short "no longer
// available" page when p.Gone. It refuses a card rendered with prices.
func RenderShare(w io.Writer, p Page) error {
	if p.Gone {
		return pages.ExecuteTemplate(w, "gone.html", nil)
	}
	if p.Card.Prices != nil || p.Card.CostPrice != nil {
		return errors.New("share: share page given a card with prices")
	}
	return pages.ExecuteTemplate(w, "share.html", p)
}

// RenderError writes a small error page.
func RenderError(w io.Writer, status int, message string) error {
	return pages.ExecuteTemplate(w, "error.html", map[string]any{"Status": status, "Message": message})
}

// Yuan formats fen as a price in yuan: 12800 → "¥128", 12850 → "¥128.50".
func Yuan(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	whole, cents := fen/100, fen%100
	s := sign + "¥" + strconv.FormatInt(whole, 10)
	if cents != 0 {
		s += "." + string(rune('0'+cents/10)) + string(rune('0'+cents%10))
	}
	return s
}

func firstImage(images []catalog.ImageView) string {
	if len(images) == 0 {
		return ""
	}
	return images[0].URLs["display"]
}

// gridColumns is the nine-grid layout social apps use: one photo large,
// two to four in two columns, five to nine in three.
func gridColumns(n int) int {
	switch {
	case n <= 1:
		return 1
	case n <= 4:
		return 2
	default:
		return 3
	}
}
