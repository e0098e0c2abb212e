package assets

import (
	"bytes"
	"encoding/binary"
)

// jpegHeader is what the pipeline reads from a JPEG's marker segments
// before handing the file to image/jpeg.
type jpegHeader struct {
	orientation   int // EXIF orientation 1..8; 1 when absent or invalid
	width, height int // from the first SOF segment; 0 when none was found
}

// scanJPEG walks the marker segments of a JPEG up to the start of the
// scan. It reads the SOF dimensions itself because image/jpeg's
// DecodeConfig needs every segment up to the scan to be well formed, and an
// oversized header must be refused even when the rest is garbage. It never
// reads past data and stops quietly at anything malformed: decoding proper
// is image/jpeg's job.
func scanJPEG(data []byte) jpegHeader {
	h := jpegHeader{orientation: 1}
	seenExif := false
	for i := 2; i+4 <= len(data) && data[i] == 0xFF; {
		marker := data[i+1]
		switch {
		case marker == 0xFF: // fill byte before a marker
			i++
			continue
		case marker == 0x01 || marker >= 0xD0 && marker <= 0xD8: // no length
			i += 2
			continue
		case marker == 0xDA || marker == 0xD9: // start of scan, end of image
			return h
		}
		end := i + 2 + int(binary.BigEndian.Uint16(data[i+2:]))
		if end < i+4 || end > len(data) {
			return h
		}
		seg := data[i+4 : end]
		if marker == 0xE1 && !seenExif && bytes.HasPrefix(seg, []byte("Exif\x00\x00")) {
			seenExif = true
			h.orientation = tiffOrientation(seg[6:])
		}
		if isSOF(marker) && h.width == 0 && len(seg) >= 5 {
			h.height = int(binary.BigEndian.Uint16(seg[1:]))
			h.width = int(binary.BigEndian.Uint16(seg[3:]))
		}
		i = end
	}
	return h
}

// isSOF reports whether marker starts a frame (SOF0..SOF15), leaving out
// the three codes in that range that mean something else (DHT, JPG, DAC).
func isSOF(marker byte) bool {
	return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC
}

// tiffOrientation returns the Orientation tag (0x0112) of IFD0 in a TIFF
// structure, the body of an EXIF segment, or 1 when it is absent or
// malformed. Offsets are checked as unsigned 64-bit values, so no
// crafted offset can wrap around and index outside the segment.
func tiffOrientation(tiff []byte) int {
	if len(tiff) < 8 {
		return 1
	}
	var order binary.ByteOrder
	switch string(tiff[:2]) {
	case "II":
		order = binary.LittleEndian
	case "MM":
		order = binary.BigEndian
	default:
		return 1
	}
	ifd := uint64(order.Uint32(tiff[4:]))
	if order.Uint16(tiff[2:]) != 42 || ifd+2 > uint64(len(tiff)) {
		return 1
	}
	count := uint64(order.Uint16(tiff[ifd:]))
	for e := range count {
		at := ifd + 2 + 12*e
		if at+12 > uint64(len(tiff)) {
			break
		}
		entry := tiff[at : at+12]
		if order.Uint16(entry) != 0x0112 {
			continue
		}
		const typeShort = 3
		o := int(order.Uint16(entry[8:]))
		if order.Uint16(entry[2:]) != typeShort || order.Uint32(entry[4:]) != 1 || o < 1 || o > 8 {
			return 1
		}
		return o
	}
	return 1
}
