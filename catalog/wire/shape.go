package wire

import (
	"encoding/json"
	"reflect"
	"sort"
	"strings"
	"time"
)

// Shape describes the JSON shape of v's type: every field name, whether
// it is omitted when empty, and the shape of its value, with named types
// reduced to their kind. Two types with the same Shape encode alike; the
// tests of the packages that keep their own view types compare them with
// the types here, so the shapes cannot drift apart.
func Shape(v any) string {
	return shapeOf(reflect.TypeOf(v), 0)
}

var (
	timeType = reflect.TypeOf(time.Time{})
	rawType  = reflect.TypeOf(json.RawMessage{})
)

func shapeOf(t reflect.Type, depth int) string {
	if depth > 12 {
		return "…"
	}
	switch {
	case t == timeType:
		return "time"
	case t == rawType:
		return "raw"
	}
	switch t.Kind() {
	case reflect.Pointer:
		return "*" + shapeOf(t.Elem(), depth+1)
	case reflect.Slice, reflect.Array:
		return "[]" + shapeOf(t.Elem(), depth+1)
	case reflect.Map:
		return "map[" + shapeOf(t.Key(), depth+1) + "]" + shapeOf(t.Elem(), depth+1)
	case reflect.Struct:
		fields := structFields(t, depth)
		sort.Strings(fields)
		return "{" + strings.Join(fields, ", ") + "}"
	}
	return t.Kind().String()
}

// structFields lists a struct's JSON fields, flattening embedded structs
// as encoding/json does.
func structFields(t reflect.Type, depth int) []string {
	var out []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" || (!f.IsExported() && !f.Anonymous) {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		ft := f.Type
		if f.Anonymous && name == "" {
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				out = append(out, structFields(ft, depth+1)...)
				continue
			}
		}
		if name == "" {
			name = f.Name
		}
		if strings.Contains(opts, "omitempty") {
			name += "?"
		}
		out = append(out, name+": "+shapeOf(ft, depth+1))
	}
	return out
}
