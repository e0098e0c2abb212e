package assets

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"testing"
)

// This file makes image files of any size in a few KB, the way an
// attacker would: valid files whose every block or row is empty, so that
// a decoder has to allocate the whole image while the file stays tiny.

// syntheticJPEG returns a w×h JPEG with the given components (IDs and
// sampling factors), baseline or progressive, every block of it flat grey.
// adobe, if not negative, adds an Adobe APP14 segment with that transform
// (0: RGB or CMYK, 2: YCCK). A progressive file holds a single DC scan,
// which is a valid progressive JPEG (the AC bands are simply never sent),
// and is what makes image/jpeg keep every coefficient of the image.
func syntheticJPEG(w, h int, progressive bool, comps []jpegComponent, adobe int) []byte {
	var b bytes.Buffer
	segment := func(marker byte, body []byte) {
		b.Write([]byte{0xFF, marker})
		binary.Write(&b, binary.BigEndian, uint16(len(body)+2))
		b.Write(body)
	}
	b.Write([]byte{0xFF, 0xD8})
	if adobe >= 0 {
		segment(0xEE, []byte{'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, byte(adobe)})
	}
	segment(0xDB, append([]byte{0}, bytes.Repeat([]byte{1}, 64)...))
	sof := []byte{8, byte(h >> 8), byte(h), byte(w >> 8), byte(w), byte(len(comps))}
	for _, c := range comps {
		sof = append(sof, byte(c.id), byte(c.h<<4|c.v), 0)
	}
	sofMarker, se := byte(0xC0), byte(63)
	if progressive {
		sofMarker, se = 0xC2, 0
	}
	segment(sofMarker, sof)
	// One Huffman code of length 1 ('0') in each table: DC difference
	// category 0, and end-of-block.
	oneCode := append([]byte{1}, make([]byte, 15)...)
	segment(0xC4, append(append([]byte{0x00}, oneCode...), 0))
	segment(0xC4, append(append([]byte{0x10}, oneCode...), 0))
	sos := []byte{byte(len(comps))}
	for _, c := range comps {
		sos = append(sos, byte(c.id), 0x00)
	}
	segment(0xDA, append(sos, 0, se, 0))
	// Two bits a block at most (DC, EOB), over all blocks of all
	// components, padded to whole MCUs of the largest factors.
	blocks := 0
	for _, c := range comps {
		blocks += ceilDiv(w, 8*comps[0].h) * ceilDiv(h, 8*comps[0].v) * c.h * c.v
	}
	b.Write(make([]byte, blocks/4+16))
	b.Write([]byte{0xFF, 0xD9})
	return b.Bytes()
}

// The component layouts of the JPEGs the tests make.
var (
	ycbcr420 = []jpegComponent{{1, 2, 2}, {2, 1, 1}, {3, 1, 1}}
	ycbcr444 = []jpegComponent{{1, 1, 1}, {2, 1, 1}, {3, 1, 1}}
	rgbComps = []jpegComponent{{'R', 1, 1}, {'G', 1, 1}, {'B', 1, 1}}
	cmykComp = []jpegComponent{{1, 1, 1}, {2, 1, 1}, {3, 1, 1}, {4, 1, 1}}
	greyComp = []jpegComponent{{1, 1, 1}}
)

// syntheticPNG returns a w×h PNG of the given bit depth and colour type,
// interlaced (Adam7) or not, every sample zero.
func syntheticPNG(t testing.TB, w, h, depth int, colourType byte, interlaced bool) []byte {
	t.Helper()
	channels := map[byte]int{0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[colourType]
	rowBytes := func(width int) int { return 1 + (width*channels*depth+7)/8 }
	var raw bytes.Buffer
	zw, err := zlib.NewWriterLevel(&raw, zlib.BestSpeed)
	if err != nil {
		t.Fatal(err)
	}
	writeRows := func(width, height int) {
		if width == 0 || height == 0 {
			return
		}
		row := make([]byte, rowBytes(width))
		for range height {
			zw.Write(row)
		}
	}
	if interlaced {
		for _, p := range []struct{ x0, y0, dx, dy int }{{0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4}, {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2}} {
			writeRows(ceilDiv(w-p.x0, p.dx), ceilDiv(h-p.y0, p.dy))
		}
	} else {
		writeRows(w, h)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	ihdr := binary.BigEndian.AppendUint32(nil, uint32(w))
	ihdr = binary.BigEndian.AppendUint32(ihdr, uint32(h))
	ihdr = append(ihdr, byte(depth), colourType, 0, 0, 0)
	if interlaced {
		ihdr[12] = 1
	}
	data := append([]byte("\x89PNG\r\n\x1a\n"), pngChunk("IHDR", ihdr)...)
	if colourType == 3 {
		data = append(data, pngChunk("PLTE", []byte{200, 30, 30, 30, 200, 30})...)
	}
	data = append(data, pngChunk("IDAT", raw.Bytes())...)
	return append(data, pngChunk("IEND", nil)...)
}
