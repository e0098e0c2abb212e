package jetstream

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/weigong/weigong/catalog"
)

// fill sets every exported field reachable from v to a value that is not
// its zero value (pointers allocated, slices and maps of one element),
// so that a field the wire form drops shows up as a difference. n makes
// values differ from field to field.
func fill(t *testing.T, v reflect.Value, n *int, path string) {
	t.Helper()
	*n++
	switch v.Kind() {
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(t, v.Elem(), n, path)
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			v.Set(reflect.ValueOf(time.Date(2026, 11, 30, 10, 0, *n, *n*1000+7, time.UTC)))
			return
		}
		for i := range v.NumField() {
			f := v.Type().Field(i)
			if !f.IsExported() {
				t.Fatalf("%s.%s is unexported: the JSON wire form would drop it", path, f.Name)
			}
			fill(t, v.Field(i), n, path+"."+f.Name)
		}
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 1, 1)
		fill(t, s.Index(0), n, path+"[0]")
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		fill(t, k, n, path+".key")
		fill(t, e, n, path+"[key]")
		m.SetMapIndex(k, e)
		v.Set(m)
	case reflect.String:
		v.SetString(strings.Repeat("x", *n%5+1) + path)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(int64(*n % 100))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(uint64(*n % 100))
	case reflect.Float32, reflect.Float64:
		v.SetFloat(float64(*n) + 0.5)
	default:
		t.Fatalf("%s: no filler for %s", path, v.Kind())
	}
}

// Ensure that every field of a change, at any depth — the card with its
// prices and early access, the Publisher with its levels, follows, orders,
// after-sales and requesters — survives the trip over the stream.
func TestWire_EveryFieldSurvives(t *testing.T) {
	var want catalog.Change
	n := 0
	fill(t, reflect.ValueOf(&want).Elem(), &n, "Change")
	want.Seq, want.Kind = 42, catalog.CardPublished
	b, err := Encode(want)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("the change changed on the wire:\n got  %+v\n want %+v\nwire %s", got, want, b)
	}
	if want.Supplier == nil || len(want.Supplier.Levels) == 0 || want.Card.EarlyAccess == nil {
		t.Fatal("the filler left the Publisher's levels or the card's early access empty")
	}
}

// Ensure that bytes that are not a change are refused, not delivered as a
// change with Seq 0.
func TestWire_RefusesWhatIsNotAChange(t *testing.T) {
	for _, b := range []string{``, `{`, `null`, `{}`, `{"Seq":0,"Kind":"card.published"}`, `{"Seq":3}`, `[1,2]`} {
		if c, err := Decode([]byte(b)); err == nil {
			t.Errorf("Decode(%q) = %+v; want an error", b, c)
		}
	}
}
