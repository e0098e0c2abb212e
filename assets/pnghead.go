package assets

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"io"
)

// pngHeader is what the pipeline reads from a PNG's chunks before handing
// the file to image/png: what decides the decoded layout, and the metadata
// a browser applies when it shows the image.
type pngHeader struct {
	width, height int
	depth         int  // bits per sample: 1, 2, 4, 8 or 16
	colourType    byte // 0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA
	interlaced    bool // Adam7
	transparent   bool // a tRNS chunk before the image data
	orientation   int  // from an eXIf chunk; 1 when absent or invalid
	icc           []byte
}

// scanPNG walks the chunks of a PNG. Like scanJPEG it stops quietly at
// anything malformed; CRCs are image/png's business. The chunks that
// change how the image looks (iCCP, eXIf) are honoured only before the
// image data, where the PNG specification puts them and where a browser,
// decoding as the bytes arrive, has read them before it draws.
func scanPNG(data []byte) pngHeader {
	h := pngHeader{orientation: 1}
	seenExif, seenICC := false, false
	for i := 8; i+8 <= len(data); {
		size := uint64(binary.BigEndian.Uint32(data[i:]))
		kind := string(data[i+4 : i+8])
		if uint64(i)+12+size > uint64(len(data)) || kind == "IDAT" {
			break
		}
		body := data[i+8 : i+8+int(size)]
		switch kind {
		case "IHDR":
			if len(body) >= 13 {
				h.width = int(binary.BigEndian.Uint32(body))
				h.height = int(binary.BigEndian.Uint32(body[4:]))
				h.depth, h.colourType, h.interlaced = int(body[8]), body[9], body[12] == 1
			}
		case "tRNS":
			h.transparent = true
		case "eXIf":
			if !seenExif {
				seenExif = true
				h.orientation = tiffOrientation(body)
			}
		case "iCCP":
			if !seenICC { // one is allowed; inflating more would be work for nothing
				seenICC = true
				h.icc = inflateICC(body)
			}
		}
		i += 12 + int(size)
	}
	return h
}

// inflateICC returns the profile of an iCCP chunk body (a name, a NUL, the
// compression method 0 and a zlib stream), or nil when it is malformed or
// inflates to more than maxICCBytes.
func inflateICC(body []byte) []byte {
	name, rest, ok := bytes.Cut(body, []byte{0})
	if !ok || len(name) == 0 || len(name) > 79 || len(rest) < 1 || rest[0] != 0 {
		return nil
	}
	zr, err := zlib.NewReader(bytes.NewReader(rest[1:]))
	if err != nil {
		return nil
	}
	defer zr.Close()
	profile, err := io.ReadAll(io.LimitReader(zr, maxICCBytes+1))
	if err != nil || len(profile) > maxICCBytes {
		return nil
	}
	return profile
}
