package wire

import (
	"errors"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"
)

// AppendJSON appends the card's JSON to b: byte for byte what
// encoding/json writes for it (TestCard_AppendJSON checks every field),
// without reflection. A feed page encodes 20 cards, and encoding them
// through encoding/json was 29 % of a page's CPU, its maps and reflection
// allocating on every field (docs/BENCHMARKS.md, "Feed reads: where the
// time goes"). The only error is errNotPlainJSON, for a time that
// encoding/json refuses too (a year outside 0..9999): callers fall back to
// encoding/json, which reports it.
func (c *Card) AppendJSON(b []byte) ([]byte, error) {
	if !plainTime(c.CreatedAt) || !plainTime(c.UpdatedAt) || c.EarlyAccess != nil && !plainTime(c.EarlyAccess.Until) {
		return b, errNotPlainJSON
	}
	b = append(b, `{"id":`...)
	b = appendString(b, c.ID)
	b = append(b, `,"supplier":`...)
	b = c.Supplier.appendJSON(b)
	b = append(b, `,"title":`...)
	b = appendString(b, c.Title)
	b = append(b, `,"description":`...)
	b = appendString(b, c.Description)
	b = append(b, `,"images":`...)
	b = appendList(b, c.Images, (*Image).appendJSON)
	b = append(b, `,"tags":`...)
	b = appendStrings(b, c.Tags)
	b = append(b, `,"sold_out":`...)
	b = strconv.AppendBool(b, c.SoldOut)
	if c.Stock != nil {
		b = append(b, `,"stock":`...)
		b = strconv.AppendInt(b, *c.Stock, 10)
	}
	if len(c.Variants) > 0 {
		b = append(b, `,"variants":`...)
		b = appendList(b, c.Variants, (*Variant).appendJSON)
	}
	b = append(b, `,"created_at":`...)
	b = appendTime(b, c.CreatedAt)
	b = append(b, `,"updated_at":`...)
	b = appendTime(b, c.UpdatedAt)
	b = append(b, `,"version":`...)
	b = strconv.AppendInt(b, c.Version, 10)
	if c.EarlyAccess != nil {
		b = append(b, `,"early_access":`...)
		b = c.EarlyAccess.appendJSON(b)
	}
	if c.Prices != nil {
		b = append(b, `,"prices":`...)
		b = c.Prices.appendJSON(b)
	}
	b = appendOptionalInt(b, `,"cost_price":`, c.CostPrice)
	b = appendOptionalInt(b, `,"retail_price":`, c.RetailPrice)
	b = appendOptionalInt(b, `,"floor_price":`, c.FloorPrice)
	if len(c.LevelPrices) > 0 {
		b = append(b, `,"level_prices":`...)
		b = appendMap(b, c.LevelPrices, appendInt)
	}
	if len(c.VolumePrices) > 0 {
		b = append(b, `,"volume_prices":`...)
		b = appendList(b, c.VolumePrices, (*VolumePrice).appendJSON)
	}
	return append(b, '}'), nil
}

// AppendCardList appends a list of cards (the reply of GET /v1/feed) to b:
// byte for byte what encoding/json writes for l, each card encoded by
// Card.AppendJSON, whose error it returns.
func AppendCardList(b []byte, l List[Card]) ([]byte, error) {
	b = append(b, `{"items":`...)
	if l.Items == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range l.Items {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = l.Items[i].AppendJSON(b); err != nil {
				return b, err
			}
		}
		b = append(b, ']')
	}
	if l.Next != "" {
		b = append(b, `,"next":`...)
		b = appendString(b, l.Next)
	}
	return append(b, '}'), nil
}

// errNotPlainJSON answers AppendJSON for a card encoding/json must encode.
var errNotPlainJSON = errors.New("wire: the card has a time encoding/json refuses")

func (r *SupplierRef) appendJSON(b []byte) []byte {
	b = append(b, `{"id":`...)
	b = appendString(b, r.ID)
	b = append(b, `,"handle":`...)
	b = appendString(b, r.Handle)
	b = append(b, `,"name":`...)
	b = appendString(b, r.Name)
	b = append(b, `,"badges":`...)
	b = appendStrings(b, r.Badges)
	if r.MeasuredOrders != 0 {
		b = append(b, `,"measured_orders":`...)
		b = strconv.AppendInt(b, int64(r.MeasuredOrders), 10)
	}
	return append(b, '}')
}

func (img *Image) appendJSON(b []byte) []byte {
	b = append(b, `{"id":`...)
	b = appendString(b, img.ID)
	b = append(b, `,"width":`...)
	b = strconv.AppendInt(b, int64(img.Width), 10)
	b = append(b, `,"height":`...)
	b = strconv.AppendInt(b, int64(img.Height), 10)
	b = append(b, `,"urls":`...)
	if img.URLs == nil {
		b = append(b, "null"...)
	} else {
		b = appendMap(b, img.URLs, appendString)
	}
	return append(b, '}')
}

func (v *Variant) appendJSON(b []byte) []byte {
	b = append(b, `{"spec":`...)
	b = appendString(b, v.Spec)
	b = appendOptionalInt(b, `,"stock":`, v.Stock)
	return append(b, '}')
}

func (e *EarlyAccess) appendJSON(b []byte) []byte {
	b = append(b, `{"level":`...)
	b = appendString(b, e.Level)
	b = append(b, `,"hours":`...)
	b = strconv.AppendInt(b, int64(e.Hours), 10)
	b = append(b, `,"until":`...)
	b = appendTime(b, e.Until)
	b = append(b, `,"released":`...)
	b = strconv.AppendBool(b, e.Released)
	return append(b, '}')
}

func (p *Prices) appendJSON(b []byte) []byte {
	b = append(b, `{"cost":`...)
	b = strconv.AppendInt(b, p.Cost, 10)
	b = append(b, `,"retail":`...)
	b = strconv.AppendInt(b, p.Retail, 10)
	b = appendOptionalInt(b, `,"floor":`, p.Floor)
	if len(p.Volume) > 0 {
		b = append(b, `,"volume":`...)
		b = appendList(b, p.Volume, (*VolumePrice).appendJSON)
	}
	return append(b, '}')
}

func (v *VolumePrice) appendJSON(b []byte) []byte {
	b = append(b, `{"min_qty":`...)
	b = strconv.AppendInt(b, int64(v.MinQty), 10)
	b = append(b, `,"price":`...)
	b = strconv.AppendInt(b, v.Price, 10)
	return append(b, '}')
}

// appendList appends a JSON array of items, or null for a nil slice, as
// encoding/json does.
func appendList[T any](b []byte, items []T, appendItem func(*T, []byte) []byte) []byte {
	if items == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i := range items {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendItem(&items[i], b)
	}
	return append(b, ']')
}

func appendStrings(b []byte, items []string) []byte {
	return appendList(b, items, func(s *string, b []byte) []byte { return appendString(b, *s) })
}

// appendOptionalInt appends key and *v, or nothing when v is nil (an
// omitempty pointer).
func appendOptionalInt(b []byte, key string, v *int64) []byte {
	if v == nil {
		return b
	}
	b = append(b, key...)
	return strconv.AppendInt(b, *v, 10)
}

// appendMap appends a non-nil map as an object with its keys in byte
// order, as encoding/json does. Maps on a card are small (two image
// sizes, a few levels).
func appendMap[V any](b []byte, m map[string]V, appendValue func([]byte, V) []byte) []byte {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, k)
		b = append(b, ':')
		b = appendValue(b, m[k])
	}
	return append(b, '}')
}

func appendInt(b []byte, v int64) []byte { return strconv.AppendInt(b, v, 10) }

// plainTime reports whether encoding/json can encode t: RFC 3339 needs a
// four-digit year and a zone offset under 24 hours.
func plainTime(t time.Time) bool {
	_, offset := t.Zone()
	return t.Year() >= 0 && t.Year() <= 9999 && offset > -24*3600 && offset < 24*3600
}

// appendTime appends a time that plainTime accepts as time.Time's
// MarshalJSON does: quoted RFC 3339 with nanoseconds.
func appendTime(b []byte, t time.Time) []byte {
	b = append(b, '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b, '"')
}

// plainByte marks the bytes a JSON string holds as they are: ASCII but
// for control characters, the quote, the backslash and <, > and &.
var plainByte = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()

// appendString appends s as a JSON string escaped as encoding/json escapes
// it by default: quotes, backslashes and control characters, the HTML
// characters <, > and &, U+2028 and U+2029, and invalid UTF-8 as U+FFFD.
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if plainByte[c] {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
