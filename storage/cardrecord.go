package storage

import (
	"fmt"
	"maps"
	"slices"

	"github.com/weigong/weigong/catalog"
)

// cardFormat is the first byte of every stored card, so that the layout
// can change later without guessing. Format 2 added the version, the stock
// and the variants at the end; format 1 records are still read.
const cardFormat = 2

// encodeCard stores a card in the binary layout of codec.go. The card's own
// ID is the key and is not repeated.
func encodeCard(c catalog.Card) []byte {
	e := &encoder{b: make([]byte, 0, 512)}
	e.b = append(e.b, cardFormat)
	e.string(c.SupplierID)
	e.string(c.Title)
	e.string(c.Description)
	e.count(len(c.Images), c.Images == nil)
	for _, img := range c.Images {
		e.string(img.ID)
		e.string(img.OwnerID)
		e.varint(int64(img.Width))
		e.varint(int64(img.Height))
		e.time(img.CreatedAt)
	}
	encodeStrings(e, c.Tags)
	e.varint(c.CostPrice)
	e.varint(c.RetailPrice)
	e.bool(c.FloorPrice != nil)
	if c.FloorPrice != nil {
		e.varint(*c.FloorPrice)
	}
	e.count(len(c.LevelPrices), c.LevelPrices == nil)
	for _, level := range slices.Sorted(maps.Keys(c.LevelPrices)) {
		e.string(level)
		e.varint(c.LevelPrices[level])
	}
	e.count(len(c.VolumePrices), c.VolumePrices == nil)
	for _, v := range c.VolumePrices {
		e.varint(int64(v.MinQty))
		e.varint(v.Price)
	}
	e.bool(c.SoldOut)
	e.bool(c.Withdrawn)
	e.time(c.CreatedAt)
	e.time(c.UpdatedAt)
	e.uvarint(uint64(c.Version))
	encodeStock(e, c.Stock)
	e.count(len(c.Variants), c.Variants == nil)
	for _, v := range c.Variants {
		e.string(v.Spec)
		encodeStock(e, v.Stock)
	}
	e.bool(c.EarlyAccess != nil)
	if c.EarlyAccess != nil {
		e.string(c.EarlyAccess.Level)
		e.varint(int64(c.EarlyAccess.Hours))
		e.time(c.ReleaseAt)
		e.bool(c.Released)
		e.uvarint(c.ReleaseSeq)
	}
	return e.b
}

// decodeCard reads a card written by encodeCard, copying every value out
// of b.
func decodeCard(id string, b []byte) (catalog.Card, error) {
	if len(b) == 0 || (b[0] != cardFormat && b[0] != 1) {
		return catalog.Card{}, fmt.Errorf("storage: card %s has an unknown format", id)
	}
	d := &decoder{b: b[1:]}
	c := catalog.Card{ID: id, SupplierID: d.string(), Title: d.string(), Description: d.string()}
	if n, ok := d.count(); ok {
		c.Images = make([]catalog.Image, n)
		for i := range c.Images {
			c.Images[i] = catalog.Image{ID: d.string(), OwnerID: d.string(), Width: int(d.varint()),
				Height: int(d.varint()), CreatedAt: d.time()}
		}
	}
	c.Tags = decodeStrings(d)
	c.CostPrice, c.RetailPrice = d.varint(), d.varint()
	if d.bool() {
		floor := d.varint()
		c.FloorPrice = &floor
	}
	if n, ok := d.count(); ok {
		c.LevelPrices = make(map[string]int64, n)
		for range n {
			level := d.string()
			c.LevelPrices[level] = d.varint()
		}
	}
	if n, ok := d.count(); ok {
		c.VolumePrices = make([]catalog.VolumePrice, n)
		for i := range c.VolumePrices {
			c.VolumePrices[i] = catalog.VolumePrice{MinQty: int(d.varint()), Price: d.varint()}
		}
	}
	c.SoldOut, c.Withdrawn = d.bool(), d.bool()
	c.CreatedAt, c.UpdatedAt = d.time(), d.time()
	c.Version = d.version(b[0] >= 2)
	if b[0] >= 2 {
		c.Stock = decodeStock(d)
		if n, ok := d.count(); ok {
			c.Variants = make([]catalog.Variant, n)
			for i := range c.Variants {
				c.Variants[i] = catalog.Variant{Spec: d.string(), Stock: decodeStock(d)}
			}
		}
		if d.bool() {
			c.EarlyAccess = &catalog.EarlyAccess{Level: d.string(), Hours: int(d.varint())}
			c.ReleaseAt, c.Released, c.ReleaseSeq = d.time(), d.bool(), d.uvarint()
		}
	}
	if d.err != nil || len(d.b) != 0 {
		return catalog.Card{}, fmt.Errorf("storage: card %s: %w", id, errCorrupt)
	}
	return c, nil
}

// encodeStock writes an optional count: absent is unlimited.
func encodeStock(e *encoder, n *int64) {
	e.bool(n != nil)
	if n != nil {
		e.varint(*n)
	}
}

func decodeStock(d *decoder) *int64 {
	if !d.bool() {
		return nil
	}
	n := d.varint()
	return &n
}

func encodeStrings(e *encoder, ss []string) {
	e.count(len(ss), ss == nil)
	for _, s := range ss {
		e.string(s)
	}
}

func decodeStrings(d *decoder) []string {
	n, ok := d.count()
	if !ok {
		return nil
	}
	ss := make([]string, n)
	for i := range ss {
		ss[i] = d.string()
	}
	return ss
}
