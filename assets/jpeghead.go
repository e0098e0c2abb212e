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
	progressive   bool
	components    []jpegComponent // from the first SOF segment
	jfif, rgb     bool            // a JFIF APP0; an Adobe APP14 saying RGB (transform 0)
	icc           []byte          // the ICC profile from the APP2 segments; nil when absent or incomplete
}

// jpegComponent is one component of a frame: its ID and sampling factors.
type jpegComponent struct {
	id, h, v int
}

// iccChunk is one APP2 segment's part of an ICC profile.
type iccChunk struct {
	seq, count int
	data       []byte
}

// scanJPEG walks the marker segments of a JPEG up to the start of the
// scan. It reads the SOF itself because image/jpeg's DecodeConfig needs
// every segment up to the scan to be well formed, and an oversized header
// must be refused even when the rest is garbage. Like image/jpeg, it skips
// stray bytes between segments. It never reads past data and stops quietly
// at anything malformed: decoding proper is image/jpeg's job.
func scanJPEG(data []byte) jpegHeader {
	h := jpegHeader{orientation: 1}
	seenExif := false
	var icc []iccChunk
	for i := 2; i+4 <= len(data); {
		if data[i] != 0xFF || data[i+1] == 0 { // stray bytes
			i++
			continue
		}
		marker := data[i+1]
		switch {
		case marker == 0xFF: // fill byte before a marker
			i++
			continue
		case marker == 0x01 || marker >= 0xD0 && marker <= 0xD8: // no length
			i += 2
			continue
		case marker == 0xDA || marker == 0xD9: // start of scan, end of image
			h.icc = joinICC(icc)
			return h
		}
		end := i + 2 + int(binary.BigEndian.Uint16(data[i+2:]))
		if end < i+4 || end > len(data) {
			break
		}
		seg := data[i+4 : end]
		switch {
		case marker == 0xE0 && bytes.HasPrefix(seg, []byte("JFIF\x00")):
			h.jfif = true
		case marker == 0xE1 && !seenExif && bytes.HasPrefix(seg, []byte("Exif\x00\x00")):
			seenExif = true
			h.orientation = tiffOrientation(seg[6:])
		case marker == 0xE2 && len(seg) >= 14 && bytes.HasPrefix(seg, []byte("ICC_PROFILE\x00")):
			// A profile has at most 255 parts; keep one more, which
			// joinICC refuses, rather than a list as long as the file.
			if len(icc) <= 255 {
				icc = append(icc, iccChunk{seq: int(seg[12]), count: int(seg[13]), data: seg[14:]})
			}
		case marker == 0xEE && len(seg) >= 12 && bytes.HasPrefix(seg, []byte("Adobe")):
			h.rgb = seg[11] == 0
		case isSOF(marker) && h.width == 0:
			h.readSOF(marker, seg)
		}
		i = end
	}
	h.icc = joinICC(icc)
	return h
}

// readSOF records the frame header: its size, whether it is progressive
// (SOF2 and the arithmetic and differential variants) and its components.
func (h *jpegHeader) readSOF(marker byte, seg []byte) {
	if len(seg) < 6 || len(seg) < 6+3*int(seg[5]) {
		return
	}
	h.height = int(binary.BigEndian.Uint16(seg[1:]))
	h.width = int(binary.BigEndian.Uint16(seg[3:]))
	h.progressive = marker&3 == 2
	for c := range int(seg[5]) {
		f := seg[6+3*c:]
		h.components = append(h.components, jpegComponent{id: int(f[0]), h: int(f[1] >> 4), v: int(f[1] & 15)})
	}
}

// isSOF reports whether marker starts a frame (SOF0..SOF15), leaving out
// the three codes in that range that mean something else (DHT, JPG, DAC).
func isSOF(marker byte) bool {
	return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC
}

// joinICC puts an ICC profile split over APP2 segments back together. As
// libjpeg's jpeg_read_icc_profile (which Chromium uses) does, it gives up
// on a set with a missing, repeated or out-of-range part, or parts that
// disagree on their count.
func joinICC(chunks []iccChunk) []byte {
	if len(chunks) == 0 {
		return nil
	}
	count := chunks[0].count
	parts := make([][]byte, count)
	for _, c := range chunks {
		if c.count != count || c.seq < 1 || c.seq > count || parts[c.seq-1] != nil {
			return nil
		}
		parts[c.seq-1] = c.data
	}
	var size int
	for _, p := range parts {
		if p == nil {
			return nil
		}
		size += len(p)
	}
	if size > maxICCBytes {
		return nil
	}
	return bytes.Join(parts, nil)
}
