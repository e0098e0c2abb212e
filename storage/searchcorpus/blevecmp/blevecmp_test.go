// Package blevecmp measures bleve (v2, scorch, its CJK bigram filter) on
// the corpus and queries of storage's BenchmarkSearch, so that the choice
// of Weigong's own posting lists in bbolt rests on figures (docs/SEARCH.md).
// It is a module of its own so that the server never depends on bleve:
//
//	cd storage/searchcorpus/blevecmp && go test -run '^$' -bench . -benchtime 200x
package blevecmp

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	unicodetok "github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/weigong/weigong/storage/searchcorpus"
)

// The same shape as storage's search fixture: 200 followed suppliers with
// 1,000 cards each, 100 others with 200 each, text from the same seed.
const (
	followed      = 200
	followedCards = 1000
	others        = 100
	otherCards    = 200
)

type fixture struct {
	index     bleve.Index
	suppliers []string // the followed ones
	dir       string
}

var (
	fixOnce sync.Once
	fix     *fixture
)

func TestMain(m *testing.M) {
	code := m.Run()
	if fix != nil {
		fix.index.Close()
		os.RemoveAll(fix.dir)
	}
	os.Exit(code)
}

// mapping indexes the text with bleve's CJK chain (width folding, lower
// case, bigrams) keeping unigrams, so that one-character queries work as
// they do in Weigong; supplier and tags are keywords.
func indexMapping() (*mapping.IndexMappingImpl, error) {
	im := bleve.NewIndexMapping()
	if err := im.AddCustomTokenFilter("cjk_bigram_unigram", map[string]any{"type": cjk.BigramName, "output_unigram": true}); err != nil {
		return nil, err
	}
	if err := im.AddCustomAnalyzer("cjk_search", map[string]any{"type": custom.Name, "tokenizer": unicodetok.Name,
		"token_filters": []string{cjk.WidthName, lowercase.Name, "cjk_bigram_unigram"}}); err != nil {
		return nil, err
	}
	doc := bleve.NewDocumentMapping()
	text := bleve.NewTextFieldMapping()
	text.Analyzer, text.IncludeTermVectors, text.Store = "cjk_search", false, false
	doc.AddFieldMappingsAt("text", text)
	kw := bleve.NewKeywordFieldMapping()
	kw.Analyzer, kw.Store = keyword.Name, false
	doc.AddFieldMappingsAt("supplier", kw)
	doc.AddFieldMappingsAt("tags", kw)
	created := bleve.NewNumericFieldMapping()
	created.Store = false
	doc.AddFieldMappingsAt("created", created)
	im.DefaultMapping = doc
	return im, nil
}

func load(b *testing.B) *fixture {
	fixOnce.Do(func() {
		start := time.Now()
		f, err := build()
		if err != nil {
			b.Fatal(err)
		}
		fix = f
		var size int64
		filepath.Walk(f.dir, func(_ string, fi os.FileInfo, err error) error {
			if err == nil && !fi.IsDir() {
				size += fi.Size()
			}
			return nil
		})
		fmt.Fprintf(os.Stderr, "bleve fixture: %d cards indexed in %s, %d MiB on disk\n",
			followed*followedCards+others*otherCards, time.Since(start).Round(time.Second), size>>20)
	})
	if fix == nil {
		b.Fatal("fixture failed")
	}
	return fix
}

func build() (*fixture, error) {
	dir, err := os.MkdirTemp("", "blevecmp-")
	if err != nil {
		return nil, err
	}
	im, err := indexMapping()
	if err != nil {
		return nil, err
	}
	index, err := bleve.New(filepath.Join(dir, "cards.bleve"), im)
	if err != nil {
		return nil, err
	}
	f := &fixture{index: index, dir: dir}
	type post struct {
		supplier string
		at       int64
	}
	var posts []post
	for i := range followed + others {
		id := fmt.Sprintf("sup%04d", i)
		n := otherCards
		if i < followed {
			n, f.suppliers = followedCards, append(f.suppliers, id)
		}
		for j := range n {
			posts = append(posts, post{id, int64((i*7919 + j*104729) % 2_592_000)})
		}
	}
	slices.SortFunc(posts, func(a, b post) int { return int(a.at - b.at) })
	text := searchcorpus.New(1)
	batch := index.NewBatch()
	for i, p := range posts {
		c := text.Card()
		doc := map[string]any{"text": c.Title + "\n" + c.Description + "\n" + strings.Join(c.Tags, "\n"),
			"supplier": p.supplier, "tags": lower(c.Tags), "created": float64(p.at)}
		if err := batch.Index(fmt.Sprintf("card%07d", i), doc); err != nil {
			return nil, err
		}
		if batch.Size() == 2000 {
			if err := index.Batch(batch); err != nil {
				return nil, err
			}
			batch = index.NewBatch()
		}
	}
	return f, index.Batch(batch)
}

func lower(tags []string) []string {
	out := make([]string, len(tags))
	for i, t := range tags {
		out[i] = strings.ToLower(t)
	}
	return out
}

// toQuery turns a Weigong query into the nearest bleve query: each CJK
// character a term, each longer CJK run the conjunction of its bigrams
// (what Weigong reads from its index, without its substring check), each
// other word a prefix query; all terms, the tag and the followed suppliers
// (a disjunction of 200 keyword terms) in one conjunction.
func toQuery(q searchcorpus.Query, suppliers []string) query.Query {
	var must []query.Query
	for _, term := range terms(strings.ToLower(q.Q)) {
		runes := []rune(term)
		switch {
		case !isCJK(runes[0]):
			must = append(must, field(bleve.NewPrefixQuery(term)))
		case len(runes) == 1:
			must = append(must, field(bleve.NewTermQuery(term)))
		default:
			for i := 0; i+1 < len(runes); i++ {
				must = append(must, field(bleve.NewTermQuery(string(runes[i:i+2]))))
			}
		}
	}
	if q.Tag != "" {
		t := bleve.NewTermQuery(strings.ToLower(q.Tag))
		t.SetField("tags")
		must = append(must, t)
	}
	sups := make([]query.Query, len(suppliers))
	for i, s := range suppliers {
		t := bleve.NewTermQuery(s)
		t.SetField("supplier")
		sups[i] = t
	}
	must = append(must, bleve.NewDisjunctionQuery(sups...))
	return bleve.NewConjunctionQuery(must...)
}

type fielded interface{ SetField(string) }

func field[Q interface {
	query.Query
	fielded
}](q Q) query.Query {
	q.SetField("text")
	return q
}

// terms splits q into CJK runs and other words, as catalog.ParseSearch does.
func terms(q string) []string {
	var out []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			out = append(out, string(cur))
			cur = cur[:0]
		}
	}
	for _, r := range q {
		switch {
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			flush()
		case len(cur) > 0 && isCJK(r) != isCJK(cur[0]):
			flush()
			cur = append(cur, r)
		default:
			cur = append(cur, r)
		}
	}
	flush()
	return out
}

func isCJK(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}

// BenchmarkBleveSearch answers each query of searchcorpus.Queries, newest
// first, 20 results, over the 200 followed suppliers.
func BenchmarkBleveSearch(b *testing.B) {
	f := load(b)
	for _, q := range searchcorpus.Queries {
		b.Run(q.Name, func(b *testing.B) {
			var lat []time.Duration
			for b.Loop() {
				start := time.Now()
				req := bleve.NewSearchRequestOptions(toQuery(q, f.suppliers), 20, 0, false)
				req.SortBy([]string{"-created"})
				req.Score = "none" // results are ordered by time: skip relevance scoring
				if _, err := f.index.Search(req); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(start))
			}
			slices.Sort(lat)
			at := func(p float64) float64 {
				return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
			}
			b.ReportMetric(at(0.5), "p50-ms")
			b.ReportMetric(at(0.99), "p99-ms")
		})
	}
}
