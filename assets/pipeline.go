package assets

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"io"
	"runtime"
	"sync"

	"github.com/weigong/weigong/catalog"
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

// DefaultDecodeMemory is the default budget for photos being decoded at
// once, in bytes. 512 MiB admits, one at a time, any photo a phone or
// camera writes up to the 50 MP limit. At 50 MP a baseline 4:2:0 JPEG is
// charged about 100 MiB, a progressive one 385 MiB, an 8-bit PNG 205 MiB,
// a 16-bit RGB or an interlaced 8-bit PNG 400 MiB (plus the upload's own
// bytes). What only unusual or crafted files need is refused with 413: a
// 50 MP progressive 4:4:4 JPEG (770 MiB), a 16-bit interlaced PNG
// (780 MiB), a lossless WebP (565 MiB). A 12 MP phone photo is charged
// about 29 MiB, so a whole card's photos still decode on every core of a
// small server. Change it with the serve flag --decode-memory.
//
// The budget bounds what decodes hold at once. Freed pixels stay in the Go
// heap until the next collection, which by default comes when the heap has
// doubled; on a machine where that matters, set GOMEMLIMIT too.
const DefaultDecodeMemory = 512 << 20

// Pipeline turns uploads into Photos. It bounds how many photos are
// decoded at once, by count (workers: decoding is CPU-bound) and by
// memory (a budget: a progressive or 16-bit photo of a few hundred KB can
// decode to hundreds of MB). It is safe for concurrent use; make one with
// NewPipeline.
type Pipeline struct {
	slots   chan struct{}
	memory  *memoryBudget
	uploads sync.Pool // *bytes.Buffer, so each upload does not regrow one
}

// Option configures a Pipeline.
type Option func(*Pipeline)

// DecodeMemory sets the memory budget for decoding, in bytes; bytes <= 0
// means DefaultDecodeMemory. It is the same whatever the number of
// workers: more cores must not mean more memory.
func DecodeMemory(bytes int64) Option {
	return func(p *Pipeline) {
		if bytes > 0 {
			p.memory.total = bytes
		}
	}
}

// NewPipeline returns a Pipeline that decodes at most workers photos at a
// time; workers <= 0 means one per CPU. More workers than cores only add
// memory: decoding is CPU-bound.
func NewPipeline(workers int, opts ...Option) *Pipeline {
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	p := &Pipeline{slots: make(chan struct{}, workers), memory: &memoryBudget{total: DefaultDecodeMemory}}
	for _, o := range opts {
		o(p)
	}
	p.uploads.New = func() any { return new(bytes.Buffer) }
	return p
}

// Process reads one uploaded photo (JPEG, PNG or WebP), checks it, and
// returns the two re-encoded JPEGs, turned and coloured as a browser shows
// the upload: the EXIF orientation of a JPEG or a PNG (eXIf) is applied,
// and an embedded ICC profile is converted to sRGB (see toSRGB). User-caused
// failures are *catalog.Error values: TooLarge (413: too many bytes or
// pixels, or more decode memory than the whole budget) and
// UnsupportedMedia (415). While it waits for a worker or for memory, it
// returns ctx's error when ctx ends.
//
// r should be quick to read (an upload already received, in memory or on
// disk): it is read while holding a worker slot, so that no more uploads
// and decoded photos are in memory at once than there are workers.
func (p *Pipeline) Process(ctx context.Context, r io.Reader) (Photo, error) {
	display, h, err := p.decodeDisplay(ctx, r)
	if err != nil {
		return Photo{}, err
	}
	toSRGB(display, h.icc)
	display = orient(display, h.orientation)
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
// the display size (not yet oriented nor colour-converted), all while
// holding a worker slot and, from the decode on, its share of the memory
// budget: this is the part that holds the full-size pixels. The small
// outputs are finished after both are released, overlapping with the next
// decode.
func (p *Pipeline) decodeDisplay(ctx context.Context, r io.Reader) (*image.YCbCr, header, error) {
	select {
	case p.slots <- struct{}{}:
		defer func() { <-p.slots }()
	case <-ctx.Done():
		return nil, header{}, fmt.Errorf("waiting for a photo worker: %w", ctx.Err())
	}
	buf := p.uploads.Get().(*bytes.Buffer)
	defer p.uploads.Put(buf)
	buf.Reset()
	data, err := readUpload(r, buf)
	if err != nil {
		return nil, header{}, err
	}
	h, err := inspect(data)
	if err != nil {
		return nil, h, err
	}
	if err := p.admit(ctx, h); err != nil {
		return nil, h, err
	}
	defer p.memory.release(h.cost)
	m, err := decode(h.format, data)
	if err != nil {
		return nil, h, err
	}
	if h.studioRange {
		widenRange(m)
	}
	return toDisplay(m), h, nil
}

// admit waits until the decode of h fits in the memory budget, and holds
// its share. A decode larger than the whole budget could never start: it
// is refused at once, with 413.
func (p *Pipeline) admit(ctx context.Context, h header) error {
	if h.cost > p.memory.total {
		return catalog.Errorf(catalog.TooLarge,
			"this %d×%d %s would take %d MiB of memory to decode, more than the %d MiB this server allows; "+
				"try a baseline (non-progressive) 8-bit JPEG, or fewer pixels",
			h.width, h.height, h.format, h.cost>>20, p.memory.total>>20)
	}
	if err := p.memory.acquire(ctx, h.cost); err != nil {
		return fmt.Errorf("waiting for decode memory: %w", err)
	}
	return nil
}
