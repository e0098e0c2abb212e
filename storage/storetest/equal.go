package storetest

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/weigong/weigong/catalog"
)

// difference describes the first field in which got differs from want,
// or returns "" when they are equal. Times are equal when they are the
// same instant (a store may hand them back in another location), and a
// nil slice or map equals an empty one (a store need not tell them
// apart); every other field, bytes included, must match exactly.
func difference(got, want any) string {
	return diffValue("", reflect.ValueOf(got), reflect.ValueOf(want))
}

var timeType = reflect.TypeFor[time.Time]()

func diffValue(path string, a, b reflect.Value) string {
	if a.Type() == timeType {
		if ta, tb := a.Interface().(time.Time), b.Interface().(time.Time); !ta.Equal(tb) {
			return fmt.Sprintf("%s = %v, want %v", path, ta, tb)
		}
		return ""
	}
	switch a.Kind() {
	case reflect.Pointer, reflect.Interface:
		if a.IsNil() || b.IsNil() {
			if a.IsNil() != b.IsNil() {
				return fmt.Sprintf("%s = %v, want %v", path, a, b)
			}
			return ""
		}
		return diffValue(path, a.Elem(), b.Elem())
	case reflect.Struct:
		for i := range a.NumField() {
			if f := a.Type().Field(i); f.IsExported() {
				if d := diffValue(path+"."+f.Name, a.Field(i), b.Field(i)); d != "" {
					return d
				}
			}
		}
		return ""
	case reflect.Slice:
		if a.Len() != b.Len() {
			return fmt.Sprintf("%s has %d elements, want %d (%v, want %v)", path, a.Len(), b.Len(), a, b)
		}
		for i := range a.Len() {
			if d := diffValue(fmt.Sprintf("%s[%d]", path, i), a.Index(i), b.Index(i)); d != "" {
				return d
			}
		}
		return ""
	case reflect.Map:
		if a.Len() != b.Len() {
			return fmt.Sprintf("%s = %v, want %v", path, a, b)
		}
		for _, k := range b.MapKeys() {
			v := a.MapIndex(k)
			if !v.IsValid() {
				return fmt.Sprintf("%s lacks key %v", path, k)
			}
			if d := diffValue(fmt.Sprintf("%s[%v]", path, k), v, b.MapIndex(k)); d != "" {
				return d
			}
		}
		return ""
	}
	if !reflect.DeepEqual(a.Interface(), b.Interface()) {
		return fmt.Sprintf("%s = %v, want %v", path, a, b)
	}
	return ""
}

// sameObject fails the test unless got equals want field by field.
func sameObject(t *testing.T, what string, got, want any) {
	t.Helper()
	if d := difference(got, want); d != "" {
		t.Fatalf("%s read back differs: %s", what, d)
	}
}

// readsBack checks that want reads back whole through a store and
// through a unit of work.
func readsBack[T any](f *fixture, what string, want T, store func() (T, error), inTx func(tx catalog.Tx) (T, error)) {
	f.t.Helper()
	got, err := store()
	noErr(f.t, what, err)
	sameObject(f.t, what, got, want)
	f.view(func(tx catalog.Tx) error {
		got, err := inTx(tx)
		noErr(f.t, what+" in a unit", err)
		sameObject(f.t, what+" in a unit", got, want)
		return nil
	})
}
