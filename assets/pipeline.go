package assets

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"io"
	"runtime"
	"sync"
)

// The limits of an upload (API.md, "Images").
const (
	MaxUploadBytes = 20 << 20 // 20 MiB
	MaxPixels      = 50_000_000
)

// The outputs: a display image whose long edge is at most displaySize, and
// a gridSize square thumbnail for the nine-grid, at quality 85, the usual
// setting for photos on the web.
const (
	displaySize = 1080
	gridSize    = 360
	jpegQuality = 85
)

// Photo is one processed upload: two JPEGs without any metadata, and the
// size of the display image after orientation.
type Photo struct {
	Width, Height int    // of the display image, after orientation
	Display, Grid []byte // JPEG bytes
}

// Pipeline turns uploads into Photos. It bounds how many photos are decoded
// at once, because a decoded 12 MP photo takes 18 MiB and a burst of
// nine-photo cards would otherwise take as much memory as it likes. It is
// safe for concurrent use; make one with NewPipeline.
type Pipeline struct {
	slots   chan struct{}
	uploads sync.Pool // *bytes.Buffer, so each upload does not regrow one
}

// NewPipeline returns a Pipeline that decodes at most workers photos at a
// time; workers <= 0 means one per CPU. More workers than cores only add
// memory: decoding is CPU-bound.
func NewPipeline(workers int) *Pipeline {
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	p := &Pipeline{slots: make(chan struct{}, workers)}
	p.uploads.New = func() any { return new(bytes.Buffer) }
	return p
}

// Process reads one uploaded photo (JPEG, PNG or WebP), checks it, and
// returns the two re-encoded JPEGs. User-caused failures are *catalog.Error
// values: TooLarge (413) and UnsupportedMedia (415).
//
// r should be quick to read (an upload already received, in memory or on
// disk): it is read while holding a worker slot, so that no more uploads
// and decoded photos are in memory at once than there are workers.
func (p *Pipeline) Process(ctx context.Context, r io.Reader) (Photo, error) {
	display, orientation, err := p.decodeDisplay(ctx, r)
	if err != nil {
		return Photo{}, err
	}
	display = orient(display, orientation)
	grid := scaleYCbCr(centreSquare(display), gridSize, gridSize)
	photo := Photo{Width: display.Rect.Dx(), Height: display.Rect.Dy()}
	if photo.Display, err = encodeJPEG(display); err != nil {
		return Photo{}, err
	}
	if photo.Grid, err = encodeJPEG(grid); err != nil {
		return Photo{}, err
	}
	return photo, nil
}

// decodeDisplay reads and checks the upload, decodes it and scales it to
// the display size (not yet oriented), all while holding a worker slot:
// this is the part that holds the full-size pixels. The small outputs are
// oriented and encoded after the slot is released, overlapping with the
// next decode.
func (p *Pipeline) decodeDisplay(ctx context.Context, r io.Reader) (*image.YCbCr, int, error) {
	select {
	case p.slots <- struct{}{}:
		defer func() { <-p.slots }()
	case <-ctx.Done():
		return nil, 0, fmt.Errorf("waiting for a photo worker: %w", ctx.Err())
	}
	buf := p.uploads.Get().(*bytes.Buffer)
	defer p.uploads.Put(buf)
	buf.Reset()
	data, err := readUpload(r, buf)
	if err != nil {
		return nil, 0, err
	}
	f, orientation, err := inspect(data)
	if err != nil {
		return nil, 0, err
	}
	m, err := decode(f, data)
	if err != nil {
		return nil, 0, err
	}
	return toDisplay(m), orientation, nil
}
