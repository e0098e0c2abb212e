package assets

import (
	"bytes"
	"context"
	"errors"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/weigong/weigong/catalog"
)

// decodeKinds are files of every layout the decoders produce, large enough
// that their pixels, not fixed overheads, dominate what they allocate, and
// wide enough to take every step of the scaler (2×2 halving, then the
// resampler), yet small enough to decode quickly under -race.
func decodeKinds(t *testing.T) map[string][]byte {
	const w, h = 2403, 301 // odd sizes: every rounding up is exercised
	return map[string][]byte{
		"jpeg baseline 4:2:0":     jpegBytes(t, photoLike(w, h, 21), 90),
		"jpeg baseline 4:4:4":     syntheticJPEG(w, h, false, ycbcr444, -1),
		"jpeg progressive 4:2:0":  syntheticJPEG(w, h, true, ycbcr420, -1),
		"jpeg progressive 4:4:4":  syntheticJPEG(w, h, true, ycbcr444, -1),
		"jpeg progressive grey":   syntheticJPEG(w, h, true, greyComp, -1),
		"jpeg progressive RGB":    syntheticJPEG(w, h, true, rgbComps, -1),
		"jpeg progressive CMYK":   syntheticJPEG(w, h, true, cmykComp, 0),
		"jpeg YCCK":               syntheticJPEG(w, h, false, cmykComp, 2),
		"jpeg stray bytes":        strayBytesBeforeSOF(syntheticJPEG(w, h, true, ycbcr444, -1)),
		"png 8-bit RGB":           syntheticPNG(t, w, h, 8, 2, false),
		"png 8-bit RGBA":          syntheticPNG(t, w, h, 8, 6, false),
		"png 8-bit grey":          syntheticPNG(t, w, h, 8, 0, false),
		"png 16-bit grey":         syntheticPNG(t, w, h, 16, 0, false),
		"png 16-bit RGB":          syntheticPNG(t, w, h, 16, 2, false),
		"png 16-bit RGBA":         syntheticPNG(t, w, h, 16, 6, false),
		"png palette":             syntheticPNG(t, w, h, 8, 3, false),
		"png interlaced 8-bit":    syntheticPNG(t, w, h, 8, 2, true),
		"png interlaced 16-bit":   syntheticPNG(t, w, h, 16, 6, true),
		"webp lossy":              readTestdata(t, "large-lossy.webp"),
		"webp lossy+alpha":        readTestdata(t, "large-lossy-alpha.webp"),
		"webp lossless":           readTestdata(t, "large-lossless.webp"),
		"webp lossless, palette":  readTestdata(t, "large-palette.webp"),
		"webp lossless, small":    readTestdata(t, "lossless-alpha.webp"),
		"jpeg small":              jpegBytes(t, photoLike(301, 157, 22), 90),
		"png 16-bit interl. tiny": syntheticPNG(t, 7, 5, 16, 6, true),
	}
}

// TestDecodeCost_CoversAllocation ensures the memory charged for a decode
// is at least what decoding and scaling the file really allocates, for
// every kind of file: JPEG baseline and progressive in each component
// layout, PNG in 8 and 16 bits, interlaced or not, and lossy and lossless
// WebP. TotalAlloc counts every byte allocated, freed or not, so it is an
// upper bound of what is held at once.
func TestDecodeCost_CoversAllocation(t *testing.T) {
	for name, data := range decodeKinds(t) {
		t.Run(name, func(t *testing.T) {
			h, err := inspect(data)
			if err != nil {
				t.Fatal(err)
			}
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			m, err := decode(h.format, data)
			if err != nil {
				t.Fatal(err)
			}
			display := toDisplay(m)
			runtime.ReadMemStats(&after)
			used := int64(after.TotalAlloc - before.TotalAlloc)
			charged := h.cost - decodeOverhead - int64(len(data))
			t.Logf("%T %v → %v: allocated %.2f MiB, charged %.2f MiB + %d MiB overhead",
				m, m.Bounds().Size(), display.Bounds().Size(), mib(used), mib(charged), decodeOverhead>>20)
			// What does not grow with the image must fit in a quarter of
			// decodeOverhead, so the overhead hides no underestimate.
			if used > charged+decodeOverhead/4 {
				t.Errorf("allocated %.2f MiB, more than the %.2f MiB charged for the image", mib(used), mib(charged))
			}
			// The estimate follows the decoders, so it should not be far
			// above them either: a budget that charges three times the
			// truth admits a third of the photos it could.
			// Lossless WebP (and the alpha of a lossy one) are the
			// exception: they are charged for the Huffman tables a hostile
			// file could declare, which real files never come near.
			lossless := name == "webp lossless" || name == "webp lossless, palette" || name == "webp lossy+alpha"
			if m.Bounds().Dx()*m.Bounds().Dy() > 500_000 && !lossless && charged > 2*used {
				t.Errorf("charged %.1f MiB for %.1f MiB allocated", mib(charged), mib(used))
			}
		})
	}
}

func mib(n int64) float64 { return float64(n) / (1 << 20) }

// strayBytesBeforeSOF puts garbage between two segments of a JPEG, before
// its frame header, which image/jpeg skips as libjpeg does: the header
// scan must find the same frame.
func strayBytesBeforeSOF(jpg []byte) []byte {
	at := bytes.Index(jpg, []byte{0xFF, 0xC2})
	return append(append(append([]byte{}, jpg[:at]...), 0x00, 0x17, 0x42), jpg[at:]...)
}

// TestJPEGCost_WorstCaseIsWorst ensures the cost charged when the header
// scan does not find image/jpeg's frame covers every layout it could be.
func TestJPEGCost_WorstCaseIsWorst(t *testing.T) {
	for _, size := range [][2]int{{1, 1}, {17, 9}, {4032, 3024}, {7071, 7071}} {
		w, h := size[0], size[1]
		for _, comps := range [][]jpegComponent{ycbcr420, ycbcr444, rgbComps, cmykComp, greyComp, {{1, 4, 2}, {2, 1, 1}, {3, 1, 1}}} {
			for _, progressive := range []bool{false, true} {
				j := jpegHeader{width: w, height: h, components: comps, progressive: progressive, rgb: true}
				if got, worst := jpegCost(j, w, h), worstJPEGCost(w, h); got > worst {
					t.Errorf("%d×%d %v progressive=%v: %d bytes, over the worst case %d", w, h, comps, progressive, got, worst)
				}
			}
		}
	}
}

// TestProcess_DecodeBudgetRefusesAtOnce ensures a photo whose decode could
// never fit in the budget is refused with 413 before its pixels are
// allocated. The file is the attack of issue 13: a 7071×7071 progressive
// JPEG of under 1 MB that image/jpeg would turn into ~750 MB.
func TestProcess_DecodeBudgetRefusesAtOnce(t *testing.T) {
	data := syntheticJPEG(7071, 7071, true, ycbcr444, -1)
	if len(data) > 1<<20 {
		t.Fatalf("the attack file is %d bytes", len(data))
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := NewPipeline(2).Process(t.Context(), bytes.NewReader(data))
	runtime.ReadMemStats(&after)
	wantCode(t, err, catalog.TooLarge)
	if n := after.TotalAlloc - before.TotalAlloc; n > 8<<20 {
		t.Errorf("allocated %d MiB to refuse it", n>>20)
	}
}

// TestProcess_DecodeBudgetSetByOption ensures the budget is the one given,
// not the default: a photo that fits the default is refused by a smaller
// budget, and accepted by one just large enough.
func TestProcess_DecodeBudgetSetByOption(t *testing.T) {
	data := jpegBytes(t, photoLike(800, 600, 23), 90)
	h, err := inspect(data)
	if err != nil {
		t.Fatal(err)
	}
	_, err = NewPipeline(1, DecodeMemory(h.cost-1)).Process(t.Context(), bytes.NewReader(data))
	wantCode(t, err, catalog.TooLarge)
	if _, err := NewPipeline(1, DecodeMemory(h.cost)).Process(t.Context(), bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
}

// TestProcess_DecodeBudgetBoundsConcurrency ensures that however many
// workers there are, the decodes admitted at once never hold more than the
// budget, and that the budget still lets several run together.
func TestProcess_DecodeBudgetBoundsConcurrency(t *testing.T) {
	data := syntheticJPEG(800, 600, true, ycbcr420, -1)
	h, err := inspect(data)
	if err != nil {
		t.Fatal(err)
	}
	p := NewPipeline(8, DecodeMemory(2*h.cost+h.cost/2)) // room for two
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if _, err := p.Process(t.Context(), bytes.NewReader(data)); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	p.memory.mu.Lock()
	defer p.memory.mu.Unlock()
	if p.memory.peak > p.memory.total {
		t.Errorf("held %d bytes at once, over the budget of %d", p.memory.peak, p.memory.total)
	}
	if p.memory.peak < 2*h.cost {
		t.Errorf("never ran two decodes at once (peak %d, one decode %d)", p.memory.peak, h.cost)
	}
	if p.memory.used != 0 || len(p.memory.queue) != 0 {
		t.Errorf("after all decodes: %d bytes held, %d waiting", p.memory.used, len(p.memory.queue))
	}
}

// TestProcess_DecodeBudgetWaitEndsWithContext ensures a photo waiting for
// memory gives up when its request does, and leaves the budget as it was.
func TestProcess_DecodeBudgetWaitEndsWithContext(t *testing.T) {
	data := jpegBytes(t, photoLike(64, 64, 24), 90)
	p := NewPipeline(2)
	if err := p.memory.acquire(t.Context(), p.memory.total); err != nil { // all memory busy
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	_, err := p.Process(ctx, bytes.NewReader(data))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want the context's error", err)
	}
	p.memory.release(p.memory.total)
	if p.memory.used != 0 || len(p.memory.queue) != 0 {
		t.Errorf("after giving up: %d bytes held, %d waiting", p.memory.used, len(p.memory.queue))
	}
	if _, err := p.Process(t.Context(), bytes.NewReader(data)); err != nil {
		t.Fatalf("after the wait was abandoned: %v", err)
	}
}

// TestMemoryBudget_FirstComeFirstServed ensures a large request at the
// head of the queue is not overtaken by smaller ones that would fit, and
// that a waiter leaving the head lets the next ones in.
func TestMemoryBudget_FirstComeFirstServed(t *testing.T) {
	b := &memoryBudget{total: 10}
	ctx := t.Context()
	if err := b.acquire(ctx, 6); err != nil {
		t.Fatal(err)
	}
	bigCtx, leave := context.WithCancel(ctx)
	big := make(chan error, 1)
	go func() { big <- b.acquire(bigCtx, 8) }()
	waitFor(t, func() bool { return queued(b) == 1 })
	small := make(chan error, 1)
	go func() { small <- b.acquire(ctx, 2) }()
	waitFor(t, func() bool { return queued(b) == 2 })
	select {
	case <-small:
		t.Fatal("a small request overtook the large one waiting before it")
	case <-time.After(20 * time.Millisecond):
	}
	leave()
	if err := <-big; !errors.Is(err, context.Canceled) {
		t.Fatalf("abandoned wait: got %v", err)
	}
	if err := <-small; err != nil {
		t.Fatalf("small request after the head left: %v", err)
	}
	b.release(6)
	b.release(2)
	if b.used != 0 || b.peak != 8 {
		t.Errorf("used %d, peak %d; want 0 and 8", b.used, b.peak)
	}
}

func queued(b *memoryBudget) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.queue)
}

// waitFor polls cond for up to five seconds.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 5s")
		}
	}
}

// TestInspect_HostileMetadataIsCheap ensures reading the metadata before
// the decode costs little whatever the file repeats: thousands of PNG
// iCCP chunks that each inflate to the 1 MiB limit, or thousands of JPEG
// ICC segments, are read once or refused as a whole, not one by one.
func TestInspect_HostileMetadataIsCheap(t *testing.T) {
	bomb := iccpChunk(t, make([]byte, maxICCBytes)) // about 1 KB compressed
	var chunks [][]byte
	for range 2000 {
		chunks = append(chunks, bomb)
	}
	var segments []byte
	jpg := jpegBytes(t, photoLike(64, 48, 25), 80)
	for i := range 200000 {
		segments = append(segments, 0xFF, 0xE2, 0, 16)
		segments = append(segments, "ICC_PROFILE\x00"...)
		segments = append(segments, byte(i), 255)
	}
	for name, data := range map[string][]byte{
		"png":  pngWith(t, uniformRGBA([3]byte{1, 2, 3}), false, chunks...),
		"jpeg": append(append(append([]byte{}, jpg[:2]...), segments...), jpg[2:]...),
	} {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		h, err := inspect(data)
		runtime.ReadMemStats(&after)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		// One profile inflated to the limit takes about 4 MiB with the
		// buffer's growth; inflating every chunk took 4 GiB.
		if n := after.TotalAlloc - before.TotalAlloc; n > 8<<20 {
			t.Errorf("%s: reading the header allocated %d MiB", name, n>>20)
		}
		if name == "jpeg" && h.icc != nil {
			t.Errorf("jpeg: a profile was assembled from %d segments", 200000)
		}
	}
}

// TestNewPipeline_UnsetBudgetIsDefault ensures a budget left at zero (a
// config struct built without the flag) means the default, not a budget
// that refuses every photo.
func TestNewPipeline_UnsetBudgetIsDefault(t *testing.T) {
	for _, n := range []int64{0, -1} {
		if got := NewPipeline(1, DecodeMemory(n)).memory.total; got != DefaultDecodeMemory {
			t.Errorf("DecodeMemory(%d): budget %d, want the default %d", n, got, DefaultDecodeMemory)
		}
	}
}
