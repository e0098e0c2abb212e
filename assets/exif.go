package assets

import "encoding/binary"

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
