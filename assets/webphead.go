package assets

import "encoding/binary"

// webpHeader is what the pipeline reads from a WebP's RIFF chunks before
// handing the file to x/image/webp.
type webpHeader struct {
	lossless    bool  // the image is a VP8L chunk
	alpha       bool  // an ALPH chunk comes with the lossy image
	alphaPacked bool  // ... and it is compressed as VP8L (an RGBA decode of its own)
	imageBytes  int64 // the size of the VP8 or VP8L chunk
	icc         []byte
}

// The VP8X flags that say an ICC profile or EXIF metadata is present
// (WebP container specification, "Extended File Format").
const (
	webpFlagEXIF = 1 << 3
	webpFlagICC  = 1 << 5
)

// scanWebP walks the chunks of a WebP file. As in libwebp's demuxer, which
// Chromium uses, the ICCP chunk counts only in the extended format and
// when the VP8X flags announce it.
//
// The EXIF chunk is deliberately not read: Chromium (148) shows a WebP
// as stored whatever its EXIF orientation says, so a supplier's WebP
// looks the same in Weigong as in their browser
// (TestProcess_MatchesChromium pins this down).
func scanWebP(data []byte) webpHeader {
	var h webpHeader
	var flags byte
	for i := 12; i+8 <= len(data); {
		size := uint64(binary.LittleEndian.Uint32(data[i+4:]))
		kind := string(data[i : i+4])
		if uint64(i)+8+size > uint64(len(data)) {
			break
		}
		body := data[i+8 : i+8+int(size)]
		switch kind {
		case "VP8X":
			if len(body) >= 1 {
				flags = body[0]
			}
		case "ICCP":
			if flags&webpFlagICC != 0 && h.icc == nil && len(body) <= maxICCBytes {
				h.icc = body
			}
		case "ALPH":
			h.alpha = true
			h.alphaPacked = len(body) >= 1 && body[0]&3 == 1
		case "VP8 ", "VP8L":
			h.lossless = kind == "VP8L"
			h.imageBytes = int64(size)
		}
		i += 8 + int(size) + int(size&1) // chunks are padded to an even size
	}
	return h
}
