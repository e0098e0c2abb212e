package assets

import "math"

// The memory a decode takes is estimated from the file's header, by
// following what the decoders in use allocate (image/jpeg, image/png and
// x/image/webp as of Go 1.26 and x/image v0.47): the decoded image in the
// layout each one produces, and their working buffers where these grow
// with the image. TestDecodeCost_CoversAllocation holds every kind of file
// against the bytes its real decode allocates, so a decoder upgrade that
// allocates more fails a test rather than the budget.

// decodeOverhead covers what does not grow with the image: decoder state,
// Huffman and zlib tables, read buffers. The tests hold it to a quarter
// of this.
const decodeOverhead = 1 << 20

// vp8lGroupBytes is the most memory one VP8L Huffman group can hold: five
// trees with their lookup tables, the green tree over 280 codes plus an
// 11-bit colour cache (2328 symbols, 4655 nodes of 8 bytes), red, blue and
// alpha over 256, distance over 40. x/image/vp8l accepts up to
// vp8lMaxGroups groups (libwebp's own cap), and a hostile stream can fill
// every one of them, so a lossless WebP is charged for all it may declare.
const (
	vp8lGroupBytes = 5*(24+4<<7) + 8*(2*2328-1+3*(2*256-1)+2*40-1)
	vp8lMaxGroups  = 2600
)

// jpegCost estimates decoding a w×h JPEG and scaling it. image/jpeg
// allocates one 8-bit plane per component, padded to whole MCUs; a
// progressive file also keeps every component's DCT coefficients until
// the last scan, as int32 blocks: four bytes a sample. CMYK, YCCK and RGB
// files are then converted to a 4-byte-a-pixel image as well.
func jpegCost(j jpegHeader, w, h int) int64 {
	comps, ok := jpegLayout(j, w, h)
	if !ok {
		return worstJPEGCost(w, h)
	}
	hMax, vMax := comps[0].h, comps[0].v
	mcus := int64(ceilDiv(w, 8*hMax)) * int64(ceilDiv(h, 8*vMax))
	var planes int64
	for _, c := range comps {
		planes += 64 * int64(c.h*c.v) * mcus
	}
	cost := planes
	if j.progressive {
		cost += 4 * planes
	}
	rgb := len(comps) == 3 && (j.rgb || comps[0].id == 'R' && comps[1].id == 'G' && comps[2].id == 'B')
	if len(comps) == 4 || rgb {
		return cost + 4*int64(w)*int64(h) + convertCost(w, h)
	}
	if len(comps) == 1 {
		return cost + convertCost(w, h)
	}
	hRatio, vRatio := comps[0].h/comps[1].h, comps[0].v/comps[1].v
	return cost + planesCost(w, h, ceilDiv(w, hRatio), ceilDiv(h, vRatio), w, h)
}

// jpegLayout returns the components of the frame, with the sampling
// factors image/jpeg will use, if the header found is the one
// image/jpeg's DecodeConfig read and its factors are ones it accepts.
func jpegLayout(j jpegHeader, w, h int) ([]jpegComponent, bool) {
	n := len(j.components)
	if j.width != w || j.height != h || n != 1 && n != 3 && n != 4 {
		return nil, false
	}
	if n == 1 { // a single component is never subsampled
		return []jpegComponent{{id: j.components[0].id, h: 1, v: 1}}, true
	}
	for _, c := range j.components {
		if c.h < 1 || c.h > 4 || c.v < 1 || c.v > 4 || j.components[0].h%c.h != 0 || j.components[0].v%c.v != 0 {
			return nil, false
		}
	}
	return j.components, true
}

// worstJPEGCost is the most any w×h JPEG can cost image/jpeg: four
// progressive components at full resolution, then a CMYK conversion. It
// is charged when the pipeline's own scan of the header did not find the
// frame image/jpeg will decode.
func worstJPEGCost(w, h int) int64 {
	padded := int64(ceilDiv(w, 32)*32) * int64(ceilDiv(h, 32)*32)
	return 4*(1+4)*padded + 4*int64(w)*int64(h) + convertCost(w, h)
}

// pngCost estimates decoding a w×h PNG and scaling it. image/png decodes
// into the layout of the colour type: 8 bytes a pixel for 16-bit colour,
// 4 for 8-bit colour (RGB is widened to RGBA), 1 or 2 for grey and
// palettes, more when a tRNS chunk adds alpha. An interlaced (Adam7) file
// also allocates each of its seven passes before merging it, another
// image's worth in all.
func pngCost(p pngHeader, w, h int) int64 {
	bpp := int64(8) // unknown: the largest layout
	if p.width == w && p.height == h {
		bpp = pngBytesPerPixel(p)
	}
	pixels := int64(w) * int64(h)
	rows := 2 * (1 + 8*int64(w)) // the current and previous row, at most 8 bytes a pixel
	cost := bpp*pixels + rows
	if p.interlaced || p.width != w || p.height != h {
		cost += bpp*pixels + int64(2*(w+h))*bpp*7 + 7*rows // the passes, rounded up
	}
	return cost + convertCost(w, h)
}

// pngBytesPerPixel is the size of one pixel of the image image/png
// returns for header p.
func pngBytesPerPixel(p pngHeader) int64 {
	deep := p.depth == 16
	switch p.colourType {
	case 0: // grey: Gray, Gray16, or with tRNS NRGBA, NRGBA64
		switch {
		case deep && p.transparent:
			return 8
		case deep:
			return 2
		case p.transparent:
			return 4
		}
		return 1
	case 3: // palette
		return 1
	case 2, 4, 6:
		if deep {
			return 8
		}
		return 4
	}
	return 8
}

// webpCost estimates decoding a w×h WebP and scaling it. A lossy image is
// a 4:2:0 frame padded to 16-pixel macroblocks, plus a copy of the
// compressed partitions; its alpha channel, when compressed, is decoded
// as a whole lossless image first. A lossless image is costed by vp8lCost.
func webpCost(wp webpHeader, w, h int) int64 {
	if wp.lossless {
		return vp8lCost(w, h) + convertCost(w, h)
	}
	mbs := int64(ceilDiv(w, 16)) * int64(ceilDiv(h, 16))
	cost := 384*mbs + 4*mbs + 6*int64(ceilDiv(w, 16)) + 2*wp.imageBytes
	if !wp.alpha {
		return cost + planesCost(w, h, ceilDiv(w, 2), ceilDiv(h, 2), w, h)
	}
	cost += int64(w) * int64(h)
	if wp.alphaPacked {
		cost += vp8lCost(w, h)
	}
	return cost + convertCost(w, h)
}

// vp8lCost is what x/image/vp8l may allocate for a w×h image: the pixels
// at 4 bytes each, a second copy when a colour-indexing transform unpacks
// them, the transform and Huffman-group images (a quarter of that each at
// most), and the Huffman groups.
func vp8lCost(w, h int) int64 {
	pixels := int64(w) * int64(h)
	tiles := int64(ceilDiv(w, 4)) * int64(ceilDiv(h, 4))
	groups := min(tiles, vp8lMaxGroups)
	return 8*pixels + 3*4*tiles + groups*vp8lGroupBytes
}

// convertCost is what toDisplay takes for an image that is not YCbCr: the
// box-shrunk 4:4:4 copy, its row buffers, and scaling it.
func convertCost(w, h int) int64 {
	dw, dh := fitSize(w, h, displaySize)
	k := boxFactor(w, h, dw, dh)
	cw, ch := ceilDiv(w, k), ceilDiv(h, k)
	return 3*int64(cw)*int64(ch) + 3*int64(w) + 12*int64(cw) + planesCost(cw, ch, cw, ch, w, h)
}

// planesCost is what scaleYCbCr takes to scale a w×h luma plane and two
// cw×ch chroma planes to the display size of a photo of the original
// size ow×oh, its 4:2:0 output included.
func planesCost(w, h, cw, ch, ow, oh int) int64 {
	dw, dh := fitSize(ow, oh, displaySize)
	cdw, cdh := (dw+1)/2, (dh+1)/2
	output := int64(dw)*int64(dh) + 2*int64(cdw)*int64(cdh)
	return output + scaleCost(w, h, dw, dh) + 2*scaleCost(cw, ch, cdw, cdh)
}

// scaleCost follows scalePlane: the halved planes, then the resampler's
// intermediate plane, accumulator row and weight tables.
func scaleCost(sw, sh, dw, dh int) int64 {
	var cost int64
	for sw >= 2*dw && sh >= 2*dh {
		sw, sh = (sw+1)/2, (sh+1)/2
		cost += int64(sw) * int64(sh)
	}
	if sw == dw && sh == dh {
		return cost
	}
	return cost + int64(sw)*int64(dh) + 4*int64(sw) + tapsCost(dh, sh) + tapsCost(dw, sw)
}

// tapsCost is the size of newTaps(m, size, CatmullRom).
func tapsCost(m, size int) int64 {
	n := min(int64(math.Ceil(4*max(float64(size)/float64(m), 1))), int64(size))
	return 8*int64(m) + 4*int64(m)*n + 8*n
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }
