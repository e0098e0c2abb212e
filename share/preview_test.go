package share

import (
	"bytes"
	"html"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/weigong/weigong/catalog"
)

// clusters are user-perceived characters written out by hand (not found by
// the library under test), each one grapheme cluster of several code
// points, plus single-rune ones for contrast.
var clusters = map[string]string{
	"flag":              "🇨🇳",
	"family (ZWJ)":      "👨\u200d👩\u200d👧\u200d👦",
	"skin tone":         "👍🏽",
	"ZWJ + skin tone":   "👩🏽\u200d💻",
	"rainbow flag":      "🏳\ufe0f\u200d🌈",
	"keycap":            "1\ufe0f\u20e3",
	"combining acute":   "e\u0301",
	"two combining":     "a\u0308\u0304",
	"hangul jamo":       "\u1100\u1161\u11a8",
	"tag sequence flag": "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",
	"CJK":               "中",
	"ASCII":             "a",
}

// TestShorten_KeepsWholeClusters ensures that for every kind of cluster
// and every budget, the shortened text is the longest run of whole
// clusters that fits in max−1 code points, followed by "…".
func TestShorten_KeepsWholeClusters(t *testing.T) {
	for name, c := range clusters {
		t.Run(name, func(t *testing.T) {
			size := utf8.RuneCountInString(c)
			s := strings.Repeat(c, 200)
			for max := 1; max <= 80; max++ {
				got := Shorten(s, max)
				want := strings.Repeat(c, (max-1)/size) + "…"
				if got != want {
					t.Fatalf("Shorten(%d × %q, %d) = %q, want %q", 200, c, max, got, want)
				}
			}
		})
	}
}

// TestShorten_MixedText ensures a text mixing every kind of cluster is cut
// after a whole cluster, at the greedy longest fit, for every budget.
func TestShorten_MixedText(t *testing.T) {
	var seq []string
	for _, c := range clusters {
		seq = append(seq, c)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 50; trial++ {
		picked := make([]string, 60)
		for i := range picked {
			picked[i] = seq[rng.IntN(len(seq))]
		}
		s := strings.Join(picked, "")
		total := utf8.RuneCountInString(s)
		for max := 1; max <= total+1; max++ {
			got := Shorten(s, max)
			if max >= total {
				if got != s {
					t.Fatalf("Shorten(%q, %d) = %q, want it whole", s, max, got)
				}
				continue
			}
			var want strings.Builder
			used := 0
			for _, c := range picked {
				n := utf8.RuneCountInString(c)
				if used+n > max-1 {
					break
				}
				used += n
				want.WriteString(c)
			}
			if got != want.String()+"…" {
				t.Fatalf("Shorten(%q, %d) = %q, want %q", s, max, got, want.String()+"…")
			}
		}
	}
}

// TestShorten_WhiteSpace ensures white space runs, newlines included, fold
// into one space, and a cut never leaves a space before the ellipsis.
func TestShorten_WhiteSpace(t *testing.T) {
	tests := []struct {
		in   string
		max  int
		want string
	}{
		{"  soft\n\n silk\t scarf  ", 100, "soft silk scarf"},
		{"纯棉\u3000T恤", 100, "纯棉 T恤"},
		{"abc def", 5, "abc…"},
		{"short", 5, "short"},
		{"exactly10!", 10, "exactly10!"},
		{"Z" + strings.Repeat("\u0301", 300) + " ok", 160, "…"},
		{"anything", 0, ""},
	}
	for _, tt := range tests {
		if got := Shorten(tt.in, tt.max); got != tt.want {
			t.Errorf("Shorten(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
		}
	}
}

// metaContent returns the content of every <meta> named name or property
// in an HTML page, unescaped.
func metaContent(t *testing.T, page, name string) string {
	t.Helper()
	m := regexp.MustCompile(`<meta (?:name|property)="` + regexp.QuoteMeta(name) + `" content="([^"]*)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("page lacks meta %s", name)
	}
	return html.UnescapeString(m[1])
}

// TestRenderShare_PreviewTextWholeClusters ensures the share page's
// preview tags carry text shortened between clusters: a description of
// emoji families and a title of flags come out as whole emoji and flags,
// within the preview lengths.
func TestRenderShare_PreviewTextWholeClusters(t *testing.T) {
	family, flag := clusters["family (ZWJ)"], clusters["flag"]
	p := Page{Share: Share{Text: strings.Repeat(family, 100)}, Price: 12800,
		Card: catalog.CardView{Title: strings.Repeat(flag, 50), Images: []catalog.ImageView{{URLs: map[string]string{"grid": "/g", "display": "/d"}}}}}
	var buf bytes.Buffer
	if err := RenderShare(&buf, p); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	for _, tag := range []string{"og:description", "twitter:description", "description"} {
		got := metaContent(t, page, tag)
		if n := utf8.RuneCountInString(got); n > PreviewDescriptionLen {
			t.Errorf("%s has %d code points, over %d", tag, n, PreviewDescriptionLen)
		}
		body, cut := strings.CutSuffix(got, "…")
		if !cut || strings.ReplaceAll(body, family, "") != "" {
			t.Errorf("%s = %q: not whole families and an ellipsis", tag, got)
		}
	}
	for _, tag := range []string{"og:title", "twitter:title"} {
		got := metaContent(t, page, tag)
		title, ok := strings.CutSuffix(got, " ¥128")
		if !ok {
			t.Fatalf("%s = %q lacks the price", tag, got)
		}
		if n := utf8.RuneCountInString(title); n > PreviewTitleLen {
			t.Errorf("%s title part has %d code points, over %d", tag, n, PreviewTitleLen)
		}
		body, cut := strings.CutSuffix(title, "…")
		if !cut || strings.ReplaceAll(body, flag, "") != "" {
			t.Errorf("%s = %q: not whole flags and an ellipsis", tag, got)
		}
	}
}

// TestRenderChannel_PreviewTextWholeClusters ensures the channel page's
// description (the supplier's bio, up to 500 characters) is shortened the
// same way.
func TestRenderChannel_PreviewTextWholeClusters(t *testing.T) {
	skin := clusters["ZWJ + skin tone"]
	d := ChannelData{Supplier: catalog.AccountView{Name: "Orchard", Handle: "orchard", Bio: strings.Repeat(skin, 120),
		SupplierFields: &catalog.SupplierFields{}}}
	var buf bytes.Buffer
	if err := RenderChannel(&buf, d); err != nil {
		t.Fatal(err)
	}
	got := metaContent(t, buf.String(), "og:description")
	body, cut := strings.CutSuffix(got, "…")
	if !cut || strings.ReplaceAll(body, skin, "") != "" || utf8.RuneCountInString(got) > PreviewDescriptionLen {
		t.Errorf("og:description = %q: not whole clusters within %d", got, PreviewDescriptionLen)
	}
}
