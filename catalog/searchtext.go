package catalog

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The search index is a set of tokens per card, made here from the card's
// title, description and tags (never its prices) by rules that need no
// dictionary and serve every query from the index:
//
//   - Chinese, Japanese and Korean text (CJK runs) gives every character
//     and every pair of adjacent characters (bigram). A query of one
//     character reads that character's postings; a longer one intersects
//     the postings of its bigrams (at most MaxQueryTokens of them in one
//     query) and is then checked as a real substring of the card's text,
//     so there are no false positives.
//   - Other letters and digits form words; a word gives its prefixes of 1
//     to MaxPrefixLen characters. A query word reads the postings of its
//     prefix (cut to MaxPrefixLen) and, when longer, is checked against the
//     card's words.
//   - Each tag also gives "#" + the tag, exactly, for the tag filter.
//
// Text is folded first: full-width forms to ASCII (ＸＬ → xl) and upper
// to lower case. The same tokens are meant for PostgreSQL
// (array_to_tsvector over them, with a GIN index per supplier).

// SearchTokensVersion names the rules of SearchTokens: change it whenever
// they change what they emit, and storage rebuilds the index on start.
const SearchTokensVersion = "1"

// Search limits.
const (
	// MaxPrefixLen is the longest word prefix indexed, in characters. Eight
	// characters already pick out a word among a supplier's cards; longer
	// prefixes would add index entries to every long word for nothing,
	// since longer query words are checked against the card's text anyway.
	MaxPrefixLen = 8
	// MaxQueryLen bounds q, in characters.
	MaxQueryLen = 100
	// MaxQueryTerms bounds the words and CJK runs of one query.
	MaxQueryTerms = 8
	// MaxQueryTokens bounds the index lists a query reads per supplier,
	// since each costs a seek per followed supplier: a long CJK run (a
	// pasted title) has many bigrams, but a few spread over it already
	// single out its cards, and the text check does the rest.
	MaxQueryTokens = 8
)

// tagPrefix starts the token of a tag filter; no text token starts with it,
// because the tokenizer keeps only letters and digits.
const tagPrefix = "#"

// SearchTokens returns the distinct index tokens of a card's title,
// description and tags, sorted. A withdrawn card has none.
func SearchTokens(c Card) []string {
	if c.Withdrawn {
		return nil
	}
	set := map[string]struct{}{}
	add := func(tok string) { set[tok] = struct{}{} }
	fields := append([]string{c.Title, c.Description}, c.Tags...)
	for _, field := range fields {
		eachSegment(field, func(runes []rune, cjk bool) {
			if cjk {
				for i := range runes {
					add(string(runes[i : i+1]))
					if i+1 < len(runes) {
						add(string(runes[i : i+2]))
					}
				}
				return
			}
			for n := 1; n <= min(len(runes), MaxPrefixLen); n++ {
				add(string(runes[:n]))
			}
		})
	}
	for _, tag := range c.Tags {
		add(TagToken(tag))
	}
	tokens := make([]string, 0, len(set))
	for tok := range set {
		tokens = append(tokens, tok)
	}
	slices.Sort(tokens)
	return tokens
}

// TagToken is the index token of a tag, for the tag filter: the tag folded
// like all text and without control characters.
func TagToken(tag string) string {
	var b strings.Builder
	b.WriteString(tagPrefix)
	for _, r := range tag {
		if !unicode.IsControl(r) {
			b.WriteRune(foldRune(r))
		}
	}
	return b.String()
}

// SearchText is a parsed query: what the index must hold (Tokens, all of
// them) and what the card's text must then show (Matches).
type SearchText struct {
	// Tokens are the index tokens every match carries, sorted; none for
	// an empty query.
	Tokens []string
	// runs are the query's CJK runs, each a substring the text must hold.
	runs []string
	// words are the query's other words, each a prefix of some word of
	// the text.
	words []string
}

// ParseSearch parses q: CJK runs and words separated by anything else
// (spaces, punctuation). Every term must match. q longer than MaxQueryLen
// characters or with more than MaxQueryTerms terms is Invalid.
func ParseSearch(q string) (SearchText, error) {
	if !utf8.ValidString(q) || utf8.RuneCountInString(q) > MaxQueryLen {
		return SearchText{}, Errorf(Invalid, "q must be valid UTF-8 of at most %d characters", MaxQueryLen)
	}
	var s SearchText
	var perTerm [][]string
	eachSegment(q, func(runes []rune, cjk bool) {
		term := string(runes)
		if cjk {
			s.runs = append(s.runs, term)
		} else {
			s.words = append(s.words, term)
		}
		perTerm = append(perTerm, queryTokens(runes, cjk))
	})
	if len(s.runs)+len(s.words) > MaxQueryTerms {
		return SearchText{}, Errorf(Invalid, "q has at most %d words", MaxQueryTerms)
	}
	s.Tokens = pickTokens(perTerm)
	return s, nil
}

// queryTokens returns the index tokens one query term carries: a single
// CJK character itself, the bigrams of a longer CJK run (those that do not
// overlap first, so that the first few cover the run), a word's prefix.
func queryTokens(runes []rune, cjk bool) []string {
	switch {
	case !cjk:
		return []string{string(runes[:min(len(runes), MaxPrefixLen)])}
	case len(runes) == 1:
		return []string{string(runes)}
	}
	tokens := make([]string, 0, len(runes)-1)
	for _, start := range []int{0, 1} {
		for i := start; i+1 < len(runes); i += 2 {
			tokens = append(tokens, string(runes[i:i+2]))
		}
	}
	return tokens
}

// pickTokens takes up to MaxQueryTokens distinct tokens, one from each
// term in turn, so that every term is read from the index; sorted.
func pickTokens(perTerm [][]string) []string {
	set := map[string]struct{}{}
	for round, more := 0, true; more && len(set) < MaxQueryTokens; round++ {
		more = false
		for _, tokens := range perTerm {
			if round < len(tokens) && len(set) < MaxQueryTokens {
				set[tokens[round]], more = struct{}{}, true
			}
		}
	}
	tokens := make([]string, 0, len(set))
	for tok := range set {
		tokens = append(tokens, tok)
	}
	slices.Sort(tokens)
	return tokens
}

// Empty reports whether the query has no terms (it then lists).
func (s SearchText) Empty() bool { return len(s.runs) == 0 && len(s.words) == 0 }

// Matches reports whether the card's title, description or tags hold
// every term of the query: each CJK run as a substring of one field, each
// word as the prefix of one of the fields' words. It is the check behind
// the index, so a search never returns a card that does not match.
func (s SearchText) Matches(c Card) bool {
	if s.Empty() {
		return true
	}
	fields := append([]string{c.Title, c.Description}, c.Tags...)
	folded := make([]string, len(fields))
	for i, f := range fields {
		folded[i] = foldString(f)
	}
	for _, run := range s.runs {
		if !slices.ContainsFunc(folded, func(f string) bool { return strings.Contains(f, run) }) {
			return false
		}
	}
	if len(s.words) == 0 {
		return true
	}
	found := make([]bool, len(s.words))
	for _, f := range fields {
		eachSegment(f, func(runes []rune, cjk bool) {
			if cjk {
				return
			}
			word := string(runes)
			for i, w := range s.words {
				found[i] = found[i] || strings.HasPrefix(word, w)
			}
		})
	}
	return !slices.Contains(found, false)
}

// HasTag reports whether the card carries tag, compared as TagToken
// compares them (case and width folded).
func (c Card) HasTag(tag string) bool {
	want := TagToken(tag)
	return slices.ContainsFunc(c.Tags, func(t string) bool { return TagToken(t) == want })
}

// eachSegment folds text and calls fn with each maximal run of CJK
// characters (cjk true) and each maximal run of other letters and digits
// (a word); everything else separates them. The runes slice is reused.
func eachSegment(text string, fn func(runes []rune, cjk bool)) {
	var seg []rune
	segCJK := false
	flush := func() {
		if len(seg) > 0 {
			fn(seg, segCJK)
			seg = seg[:0]
		}
	}
	for _, r := range text {
		r = foldRune(r)
		cjk := isCJK(r)
		if !cjk && !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r) {
			flush()
			continue
		}
		if len(seg) > 0 && cjk != segCJK {
			flush()
		}
		seg, segCJK = append(seg, r), cjk
	}
	flush()
}

// isCJK reports whether r belongs to a script written without spaces
// between words, where any substring may be what a buyer types. The
// prolonged sound mark ー (as in コーヒー) is in no script of its own.
func isCJK(r rune) bool {
	return r == 'ー' || unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}

// foldRune maps full-width ASCII forms (U+FF01..U+FF5E) to ASCII and
// upper case to lower case, so "ＸＬ", "XL" and "xl" are one word.
func foldRune(r rune) rune {
	if r >= 0xFF01 && r <= 0xFF5E {
		r -= 0xFEE0
	}
	return unicode.ToLower(r)
}

func foldString(s string) string {
	return strings.Map(foldRune, s)
}
