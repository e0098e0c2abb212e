package assets

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"

	"golang.org/x/image/webp"

	"github.com/weigong/weigong/catalog"
)

// format is an accepted upload type, named as the error messages say it.
type format string

const (
	formatJPEG format = "JPEG"
	formatPNG  format = "PNG"
	formatWebP format = "WebP"
)

// readUpload reads the whole upload into buf, refusing it as soon as it is
// one byte over MaxUploadBytes rather than after reading all of it.
func readUpload(r io.Reader, buf *bytes.Buffer) ([]byte, error) {
	if _, err := buf.ReadFrom(io.LimitReader(r, MaxUploadBytes+1)); err != nil {
		return nil, fmt.Errorf("reading upload: %w", err)
	}
	if buf.Len() > MaxUploadBytes {
		return nil, catalog.Errorf(catalog.TooLarge, "a photo must be at most %d MiB", MaxUploadBytes>>20)
	}
	return buf.Bytes(), nil
}

// sniff names the format from the file's first bytes. It does not use
// image.DecodeConfig's registry on purpose: imaging registers GIF, BMP and
// TIFF there as a side effect of being imported, and what this service
// accepts must not depend on what some other package happens to import.
func sniff(data []byte) (format, error) {
	switch {
	case bytes.HasPrefix(data, []byte("\xFF\xD8\xFF")):
		return formatJPEG, nil
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1A\n")):
		return formatPNG, nil
	case len(data) >= 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP":
		return formatWebP, nil
	}
	return "", catalog.Errorf(catalog.UnsupportedMedia, "not a JPEG, PNG or WebP image")
}

// header is what the pipeline learns about an upload before decoding it.
type header struct {
	format        format
	width, height int
	orientation   int    // EXIF orientation 1..8 (JPEG APP1, PNG eXIf); 1 when absent
	icc           []byte // the embedded ICC profile; nil when absent
	studioRange   bool   // a lossy WebP: the decoder's YCbCr is in studio range (widenRange)
	cost          int64  // bytes of memory decoding and scaling it may hold at once
}

// inspect sniffs the format and reads the header, without decoding pixels:
// the size (refused over MaxPixels), the orientation and colour profile a
// browser would apply, and the memory the decode will take. The upload
// itself stays in memory throughout, so its size is part of the cost.
func inspect(data []byte) (header, error) {
	f, err := sniff(data)
	if err != nil {
		return header{}, err
	}
	h := header{format: f, orientation: 1}
	var jpg jpegHeader
	if f == formatJPEG {
		jpg = scanJPEG(data)
		if jpg.width > 0 && jpg.height > 0 {
			if err := checkSize(jpg.width, jpg.height); err != nil {
				return h, err
			}
		}
	}
	cfg, err := decodeConfig(f, data)
	if err != nil {
		return h, err
	}
	h.width, h.height = cfg.Width, cfg.Height
	switch f {
	case formatJPEG:
		h.orientation, h.icc = jpg.orientation, jpg.icc
		h.cost = jpegCost(jpg, h.width, h.height)
	case formatPNG:
		png := scanPNG(data)
		h.orientation, h.icc = png.orientation, png.icc
		h.cost = pngCost(png, h.width, h.height)
	case formatWebP:
		wp := scanWebP(data)
		h.icc, h.studioRange = wp.icc, !wp.lossless
		h.cost = webpCost(wp, h.width, h.height)
	}
	h.cost += decodeOverhead + int64(len(data))
	return h, nil
}

// checkSize refuses an image whose header promises more than MaxPixels,
// before any pixel memory is allocated: a small file can claim a huge
// image, and the decoder would allocate all of it up front.
func checkSize(w, h int) error {
	if w <= 0 || h <= 0 {
		return catalog.Errorf(catalog.UnsupportedMedia, "the image has no pixels")
	}
	if uint64(w)*uint64(h) > MaxPixels {
		return catalog.Errorf(catalog.TooLarge, "a photo may have at most %d megapixels; this one is %d×%d", MaxPixels/1_000_000, w, h)
	}
	return nil
}

// decodeConfig reads only the header of data and checks its dimensions.
func decodeConfig(f format, data []byte) (image.Config, error) {
	var cfg image.Config
	var err error
	switch f {
	case formatJPEG:
		cfg, err = jpeg.DecodeConfig(bytes.NewReader(data))
	case formatPNG:
		cfg, err = png.DecodeConfig(bytes.NewReader(data))
	case formatWebP:
		cfg, err = webp.DecodeConfig(bytes.NewReader(data))
	}
	if err != nil {
		return cfg, catalog.Errorf(catalog.UnsupportedMedia, "the %s header is corrupt or truncated (%v)", f, err)
	}
	return cfg, checkSize(cfg.Width, cfg.Height)
}

// decode decodes the pixels of data. Any failure, a panic in a decoder
// included, means the file is not an image we can use: 415, never a crash.
func decode(f format, data []byte) (m image.Image, err error) {
	defer func() {
		if recover() != nil {
			m, err = nil, catalog.Errorf(catalog.UnsupportedMedia, "the %s image could not be decoded", f)
		}
	}()
	switch f {
	case formatJPEG:
		m, err = jpeg.Decode(bytes.NewReader(data))
	case formatPNG:
		m, err = png.Decode(bytes.NewReader(data))
	case formatWebP:
		m, err = webp.Decode(bytes.NewReader(data))
	}
	if err != nil {
		// The decoders' messages are fixed strings ("unexpected EOF",
		// "unsupported JPEG feature: ..."): safe and useful to show.
		return nil, catalog.Errorf(catalog.UnsupportedMedia, "the %s image is corrupt, truncated or uses an unsupported feature (%v)", f, err)
	}
	return m, nil
}
