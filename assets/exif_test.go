package assets

import (
	"bytes"
	"encoding/binary"
	"testing"
)

// tiffWithOrientation returns an EXIF TIFF body in the given byte order
// whose IFD0 holds the Orientation tag and a GPS pointer, followed by a GPS
// IFD with a map datum string that a test can look for in the output.
func tiffWithOrientation(order binary.ByteOrder, orientation uint16) []byte {
	var b bytes.Buffer
	put16 := func(v uint16) { binary.Write(&b, order, v) }
	put32 := func(v uint32) { binary.Write(&b, order, v) }
	if order == binary.LittleEndian {
		b.WriteString("II")
	} else {
		b.WriteString("MM")
	}
	put16(42)
	put32(8) // IFD0 right after the header
	put16(2) // two entries
	put16(0x0112)
	put16(3)
	put32(1)
	put16(orientation)
	put16(0)
	put16(0x8825) // GPSInfo IFD pointer
	put16(4)
	put32(1)
	put32(38) // 8 + 2 + 2*12 + 4
	put32(0)  // no IFD1
	put16(1)  // GPS IFD: one entry, GPSMapDatum (ASCII) stored at 56
	put16(0x0012)
	put16(2)
	put32(uint32(len(gpsSecret) + 1))
	put32(56)
	put32(0)
	b.WriteString(gpsSecret + "\x00")
	return b.Bytes()
}

// gpsSecret stands for location data that must never leave the server.
const gpsSecret = "GPS-31.2304N-121.4737E"

// withSegment inserts a marker segment right after the SOI of a JPEG.
func withSegment(jpg []byte, marker byte, body []byte) []byte {
	seg := []byte{0xFF, marker, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(body)+2))
	out := append([]byte{}, jpg[:2]...)
	out = append(out, seg...)
	out = append(out, body...)
	return append(out, jpg[2:]...)
}

// withEXIF inserts an EXIF APP1 segment carrying tiff into a JPEG.
func withEXIF(jpg, tiff []byte) []byte {
	return withSegment(jpg, 0xE1, append([]byte("Exif\x00\x00"), tiff...))
}

// TestScanJPEG_Orientation ensures the orientation is read in both byte
// orders, from the Exif APP1 even when an XMP APP1 comes first, and that
// bad values fall back to 1 instead of failing.
func TestScanJPEG_Orientation(t *testing.T) {
	base := jpegBytes(t, photoLike(64, 48, 1), 80)
	for o := uint16(1); o <= 8; o++ {
		for _, order := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
			data := withEXIF(base, tiffWithOrientation(order, o))
			if got := scanJPEG(data).orientation; got != int(o) {
				t.Errorf("%v orientation %d: got %d", order, o, got)
			}
		}
	}
	xmp := withSegment(withEXIF(base, tiffWithOrientation(binary.BigEndian, 6)), 0xE1, []byte("http://ns.adobe.com/xap/1.0/\x00<x/>"))
	if got := scanJPEG(xmp).orientation; got != 6 {
		t.Errorf("Exif after XMP: got %d, want 6", got)
	}
	for _, bad := range []uint16{0, 9, 0xFFFF} {
		if got := scanJPEG(withEXIF(base, tiffWithOrientation(binary.BigEndian, bad))).orientation; got != 1 {
			t.Errorf("orientation value %d: got %d, want 1", bad, got)
		}
	}
	if h := scanJPEG(base); h.orientation != 1 || h.width != 64 || h.height != 48 {
		t.Errorf("plain JPEG: got %+v, want orientation 1, 64×48", h)
	}
}

// TestTIFFOrientation_Malformed ensures hostile offsets and counts in the
// TIFF structure are ignored rather than read out of bounds.
func TestTIFFOrientation_Malformed(t *testing.T) {
	good := tiffWithOrientation(binary.LittleEndian, 3)
	cases := map[string][]byte{
		"empty":          nil,
		"short header":   good[:6],
		"bad order":      append([]byte("XX"), good[2:]...),
		"bad magic":      append(append([]byte{}, good[:2]...), append([]byte{43, 0}, good[4:]...)...),
		"IFD past end":   append(append([]byte{}, good[:4]...), 0xF0, 0xFF, 0xFF, 0xFF),
		"IFD at 2^32-1":  append(append([]byte{}, good[:4]...), 0xFF, 0xFF, 0xFF, 0xFF),
		"truncated IFD0": good[:14],
		"huge count":     append(append([]byte{}, good[:8]...), 0xFF, 0xFF),
	}
	for name, tiff := range cases {
		if got := tiffOrientation(tiff); got != 1 {
			t.Errorf("%s: got %d, want 1", name, got)
		}
	}
	if got := tiffOrientation(good); got != 3 {
		t.Errorf("well-formed: got %d, want 3", got)
	}
}
