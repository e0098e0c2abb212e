package wire

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"
)

// trickyStrings are strings whose JSON escaping encoding/json gets exactly
// right and a hand-written encoder easily gets wrong.
var trickyStrings = []string{"", "plain", "连衣裙 纯棉 宽松", `quote " and \ backslash`, "<script>&amp;</script>",
	"tab\tnew\nline\rret\bbs\fff", "\x00\x01\x1f\x7f", "bad \xff\xfe utf8 \xe4\xb8", "line\u2028para\u2029end",
	"emoji 👗🧵", "/media/0190a0b0-0000-7000-8000-000000000000/grid.jpg", "\u00e9\u0301"}

// filler sets every field it reaches, through reflection, so that a field
// added to Card (or to a shape inside it) is filled, and a missing case in
// AppendJSON shows up as a difference. With full set it leaves nothing
// nil or empty; otherwise it picks nil, empty or filled at random.
type filler struct {
	rng  *rand.Rand
	full bool
}

var timeType = reflect.TypeFor[time.Time]()

func (f filler) fill(v reflect.Value) {
	if v.Type() == timeType {
		zones := []*time.Location{time.UTC, time.UTC, time.FixedZone("CST", 8*3600),
			time.FixedZone("odd", -(9*3600 + 30*60)), time.FixedZone("seconds", 3*3600+45)}
		t := time.Unix(f.rng.Int64N(4e9), f.rng.Int64N(1e9)*int64(f.rng.IntN(2))).In(zones[f.rng.IntN(len(zones))])
		v.Set(reflect.ValueOf(t))
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(trickyStrings[f.rng.IntN(len(trickyStrings))])
		if f.full && v.String() == "" {
			v.SetString("x")
		}
	case reflect.Bool:
		v.SetBool(f.full || f.rng.IntN(2) == 1)
	case reflect.Int, reflect.Int64:
		n := []int64{0, 1, -1, 1099, 1 << 40, -1 << 62}[f.rng.IntN(6)]
		if f.full && n == 0 {
			n = 7
		}
		v.SetInt(n)
	case reflect.Pointer:
		if !f.full && f.rng.IntN(3) == 0 {
			return
		}
		p := reflect.New(v.Type().Elem())
		f.fill(p.Elem())
		v.Set(p)
	case reflect.Slice:
		n := 1 + f.rng.IntN(3)
		if !f.full {
			if f.rng.IntN(3) == 0 {
				return // nil
			}
			n = f.rng.IntN(4)
		}
		s := reflect.MakeSlice(v.Type(), n, n)
		for i := range n {
			f.fill(s.Index(i))
		}
		v.Set(s)
	case reflect.Map:
		if !f.full && f.rng.IntN(3) == 0 {
			return // nil
		}
		m := reflect.MakeMap(v.Type())
		for range 1 + f.rng.IntN(4) {
			k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
			f.fill(k)
			f.fill(e)
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				f.fill(v.Field(i))
			}
		}
	default:
		panic(fmt.Sprintf("filler: no case for %s", v.Type()))
	}
}

// TestCard_AppendJSON ensures the card encoder writes exactly what
// encoding/json writes, for cards with every field set and for thousands
// with fields nil, empty or set at random, strings needing every kind of
// escape included; and that where encoding/json fails (a year it cannot
// write), AppendJSON refuses too.
func TestCard_AppendJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 5000 {
		var c Card
		filler{rng: rng, full: i < 50}.fill(reflect.ValueOf(&c).Elem())
		switch i % 100 {
		case 1:
			c.UpdatedAt = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
		case 2:
			c.CreatedAt = c.CreatedAt.In(time.FixedZone("far", 25*3600))
		}
		want, wantErr := json.Marshal(c)
		got, err := c.AppendJSON([]byte("prefix"))
		if wantErr != nil || err != nil {
			if wantErr == nil || err == nil {
				t.Fatalf("card %d: AppendJSON error %v, encoding/json error %v; want both or neither", i, err, wantErr)
			}
			continue
		}
		if string(got) != "prefix"+string(want) {
			t.Fatalf("card %d:\nAppendJSON   %s\nencoding/json %s", i, got[len("prefix"):], want)
		}
	}
}

// TestAppendCardList ensures a list of cards is encoded as encoding/json
// encodes it: nil, empty and full lists, with and without a next cursor.
func TestAppendCardList(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range 200 {
		var l List[Card]
		filler{rng: rng, full: i%2 == 0}.fill(reflect.ValueOf(&l).Elem())
		if i%10 == 1 {
			l.Items = []Card{}
		}
		want, err := json.Marshal(l)
		if err != nil {
			t.Fatal(err)
		}
		got, err := AppendCardList(nil, l)
		if err != nil || string(got) != string(want) {
			t.Fatalf("list %d: AppendCardList = %s, %v\nencoding/json  %s", i, got, err, want)
		}
	}
	var l List[Card]
	filler{rng: rng, full: true}.fill(reflect.ValueOf(&l).Elem())
	l.Items[1].CreatedAt = time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC)
	if _, err := AppendCardList(nil, l); err == nil {
		t.Fatal("AppendCardList encoded a year encoding/json refuses")
	}
}

// FuzzAppendString holds the string escaper to encoding/json's.
func FuzzAppendString(f *testing.F) {
	for _, s := range trickyStrings {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := json.Marshal(s)
		if got := appendString(nil, s); string(got) != string(want) {
			t.Fatalf("appendString(%q) = %s, want %s", s, got, want)
		}
	})
}
