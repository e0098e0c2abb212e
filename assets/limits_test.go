package assets

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/weigong/weigong/catalog"
)

// hugePNG returns a PNG signature and a valid IHDR claiming w×h pixels,
// followed by garbage instead of image data.
func hugePNG(w, h uint32) []byte {
	ihdr := binary.BigEndian.AppendUint32([]byte("IHDR"), w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 2, 0, 0, 0) // 8-bit RGB
	data := []byte("\x89PNG\r\n\x1a\n")
	data = binary.BigEndian.AppendUint32(data, 13)
	data = append(data, ihdr...)
	data = binary.BigEndian.AppendUint32(data, crc32.ChecksumIEEE(ihdr))
	return append(data, garbage(4096)...)
}

// hugeJPEG returns an SOI and a baseline SOF claiming w×h pixels, followed
// by garbage: no tables, no scan, no JFIF segment.
func hugeJPEG(w, h uint16) []byte {
	sof := []byte{0xFF, 0xD8, 0xFF, 0xC0, 0, 17, 8}
	sof = binary.BigEndian.AppendUint16(sof, h)
	sof = binary.BigEndian.AppendUint16(sof, w)
	sof = append(sof, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1)
	return append(sof, garbage(4096)...)
}

// hugeWebP returns an extended-format (VP8X) header claiming w×h pixels.
func hugeWebP(w, h uint32) []byte {
	chunk := []byte("VP8X\x0a\x00\x00\x00\x00\x00\x00\x00")
	for _, v := range []uint32{w - 1, h - 1} {
		chunk = append(chunk, byte(v), byte(v>>8), byte(v>>16))
	}
	chunk = append(chunk, garbage(64)...)
	data := binary.LittleEndian.AppendUint32([]byte("RIFF"), uint32(4+len(chunk)))
	return append(append(data, "WEBP"...), chunk...)
}

func garbage(n int) []byte {
	rng := rand.New(rand.NewPCG(1, 2))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return b
}

// TestProcess_HugeHeader ensures a small file whose header claims more
// than 50 MP gets 413 from the header alone: the pixels that a decoder
// would allocate up front (11 GB for 60000×60000 RGBA) are never touched.
// Allocation, not time, is asserted, so the test cannot flake on a busy
// machine.
func TestProcess_HugeHeader(t *testing.T) {
	p := NewPipeline(1)
	for name, data := range map[string][]byte{
		"png":  hugePNG(60000, 60000),
		"jpeg": hugeJPEG(60000, 60000),
		"webp": hugeWebP(16000, 16000),
	} {
		t.Run(name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := p.Process(t.Context(), bytes.NewReader(data))
			runtime.ReadMemStats(&after)
			wantCode(t, err, catalog.TooLarge)
			if n := after.TotalAlloc - before.TotalAlloc; n > 4<<20 {
				t.Errorf("allocated %d KiB to refuse a header", n>>10)
			}
		})
	}
}

// TestProcess_JustUnderLimit ensures the pixel limit is a limit, not an
// off-by-one: a header of exactly 50 MP is not refused as too large (its
// garbage body then makes it a 415).
func TestProcess_JustUnderLimit(t *testing.T) {
	_, err := process(t, hugePNG(10000, 5000))
	wantCode(t, err, catalog.UnsupportedMedia)
}
