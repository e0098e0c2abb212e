package assets

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/png"
	"os"
	"testing"

	"golang.org/x/image/webp"
)

// pngChunk encodes one PNG chunk: length, type, body and CRC.
func pngChunk(kind string, body []byte) []byte {
	c := binary.BigEndian.AppendUint32(nil, uint32(len(body)))
	c = append(append(c, kind...), body...)
	return binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(c[4:]))
}

// pngWith returns m encoded as a PNG with extra chunks inserted right
// after IHDR, or right before IEND when afterData is set.
func pngWith(t testing.TB, m image.Image, afterData bool, chunks ...[]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, m); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	at := 8 + 12 + 13 // signature, then IHDR
	if afterData {
		at = len(data) - 12 // IEND
	}
	out := append([]byte{}, data[:at]...)
	for _, c := range chunks {
		out = append(out, c...)
	}
	return append(out, data[at:]...)
}

// iccpChunk returns a PNG iCCP chunk carrying profile.
func iccpChunk(t testing.TB, profile []byte) []byte {
	t.Helper()
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	if _, err := zw.Write(profile); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return pngChunk("iCCP", append([]byte("test profile\x00\x00"), z.Bytes()...))
}

// riffChunk encodes one RIFF chunk, padded to an even size.
func riffChunk(kind string, body []byte) []byte {
	c := binary.LittleEndian.AppendUint32([]byte(kind), uint32(len(body)))
	c = append(c, body...)
	if len(body)%2 == 1 {
		c = append(c, 0)
	}
	return c
}

// extendedWebP wraps the image chunk of a simple-format WebP file in the
// extended format: a VP8X chunk with flags, an ICCP chunk before the image
// and an EXIF chunk after it, each written only when not nil.
func extendedWebP(t testing.TB, simple []byte, flags byte, icc, exif []byte) []byte {
	t.Helper()
	cfg, err := webp.DecodeConfig(bytes.NewReader(simple))
	if err != nil {
		t.Fatal(err)
	}
	vp8x := []byte{flags, 0, 0, 0}
	for _, v := range []int{cfg.Width - 1, cfg.Height - 1} {
		vp8x = append(vp8x, byte(v), byte(v>>8), byte(v>>16))
	}
	body := append([]byte("WEBP"), riffChunk("VP8X", vp8x)...)
	if icc != nil {
		body = append(body, riffChunk("ICCP", icc)...)
	}
	body = append(body, simple[12:]...) // the image chunk
	if exif != nil {
		body = append(body, riffChunk("EXIF", exif)...)
	}
	return append(binary.LittleEndian.AppendUint32([]byte("RIFF"), uint32(len(body))), body...)
}

// readTestdata returns a file from testdata.
func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// withICC inserts profile into a JPEG as APP2 segments of at most
// partSize bytes each, the way cameras split large profiles.
func withICCParts(jpg, profile []byte, partSize int) []byte {
	var parts [][]byte
	for len(profile) > partSize {
		parts, profile = append(parts, profile[:partSize]), profile[partSize:]
	}
	parts = append(parts, profile)
	for i := len(parts) - 1; i >= 0; i-- { // withSegment inserts at the front
		jpg = withSegment(jpg, 0xE2, append([]byte{'I', 'C', 'C', '_', 'P', 'R', 'O', 'F', 'I', 'L', 'E', 0, byte(i + 1), byte(len(parts))}, parts[i]...))
	}
	return jpg
}

// withICC inserts profile into a JPEG as one APP2 segment.
func withICC(jpg, profile []byte) []byte { return withICCParts(jpg, profile, 65519) }

// uniformRGBA returns a 64×64 image of one colour.
func uniformRGBA(c [3]byte) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, 64, 64))
	for i := 0; i < len(m.Pix); i += 4 {
		m.Pix[i], m.Pix[i+1], m.Pix[i+2], m.Pix[i+3] = c[0], c[1], c[2], 255
	}
	return m
}

// uniformGrey returns a 64×64 grey image of one level.
func uniformGrey(v byte) *image.Gray {
	m := image.NewGray(image.Rect(0, 0, 64, 64))
	for i := range m.Pix {
		m.Pix[i] = v
	}
	return m
}
