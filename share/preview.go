package share

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/rivo/uniseg"
)

// Lengths of the text in link previews, in code points. Social apps show a
// title on one or two lines and a description on two to four, and cut the
// rest themselves, often in the middle of an emoji; what we send is short
// enough that they need not cut. 160 is the length search engines and
// Facebook's guidelines give for a description.
const (
	PreviewTitleLen       = 60
	PreviewDescriptionLen = 160
)

// ellipsis ends a shortened text: one character, so it costs one of max.
const ellipsis = "…"

// Shorten is the one place where text is shortened for a link preview
// (og:title, og:description, their twitter: twins, <meta name=description>).
// It folds every run of white space, newlines included, into one space,
// since a preview is one paragraph; then, if the text is longer than max
// code points, it keeps the longest run of whole grapheme clusters (UAX
// #29: a flag, an emoji with its joiners and skin tone, a letter with its
// combining marks) that fits in max−1 code points and ends it with "…".
// A cluster is never split: half a flag shows as a stray letter, half an
// emoji family as a different emoji. A cluster longer than the whole
// budget (hundreds of stacked combining marks) is dropped whole.
func Shorten(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	if max < 1 {
		return ""
	}
	end, used := 0, 0
	g := uniseg.NewGraphemes(s)
	for g.Next() {
		n := len(g.Runes())
		if used+n > max-1 {
			break
		}
		used += n
		_, end = g.Positions()
	}
	return strings.TrimRightFunc(s[:end], unicode.IsSpace) + ellipsis
}
