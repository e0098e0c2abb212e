// Package blobtest is the behaviour every assets.BlobStore must have,
// written once and run against each implementation (the DiskStore in
// package assets, the S3 store in assets/s3blobs), so that the server
// cannot tell which one it was given.
package blobtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/weigong/weigong/assets"
	"github.com/weigong/weigong/catalog"
)

// Run runs every behaviour test against stores made by newStore, each
// test with a fresh, empty store.
func Run(t *testing.T, newStore func(t *testing.T) assets.BlobStore) {
	t.Run("RoundTrip", func(t *testing.T) { testRoundTrip(t, newStore(t)) })
	t.Run("Overwrite", func(t *testing.T) { testOverwrite(t, newStore(t)) })
	t.Run("BadKeys", func(t *testing.T) { testBadKeys(t, newStore(t)) })
	t.Run("NotFound", func(t *testing.T) { testNotFound(t, newStore(t)) })
	t.Run("Delete", func(t *testing.T) { testDelete(t, newStore(t)) })
	t.Run("LargePhoto", func(t *testing.T) { testLargePhoto(t, newStore(t)) })
	t.Run("ReadersSeeWholeValues", func(t *testing.T) { testReadersSeeWholeValues(t, newStore(t)) })
	t.Run("CancelledContext", func(t *testing.T) { testCancelledContext(t, newStore(t)) })
}

// Read returns the whole value of key, failing t if the size Open reports
// is not the number of bytes read.
func Read(t *testing.T, s assets.BlobStore, key string) []byte {
	t.Helper()
	data, err := read(s, key)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func read(s assets.BlobStore, key string) ([]byte, error) {
	r, size, err := s.Open(context.Background(), key)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	if int64(len(data)) != size {
		return nil, fmt.Errorf("%s: Open reported %d bytes, read %d", key, size, len(data))
	}
	return data, nil
}

func put(t *testing.T, s assets.BlobStore, key string, data []byte) {
	t.Helper()
	if err := s.Put(context.Background(), key, data); err != nil {
		t.Fatal(err)
	}
}

func wantCode(t *testing.T, what string, err error, code catalog.Code) {
	t.Helper()
	if catalog.ErrorCode(err) != code {
		t.Errorf("%s: got %v, want a %s error", what, err, code)
	}
}

// testRoundTrip ensures what Put stores, Open returns, for the three kinds
// of key the server uses (photos, collages, watermarked copies).
func testRoundTrip(t *testing.T, s assets.BlobStore) {
	for _, key := range []string{"0192f1e2-7a7b-7c3d/display.jpg", "0192f1e2-7a7b-7c3d/grid.jpg",
		"collages/Ab_9-x.jpg", "watermarks/sh1/img-grid.jpg"} {
		want := []byte("photo bytes of " + key)
		put(t, s, key, want)
		if got := Read(t, s, key); !bytes.Equal(got, want) {
			t.Errorf("%s: got %q", key, got)
		}
	}
}

// testOverwrite ensures a second Put replaces the value whole: no tail of
// the longer old value survives a shorter new one.
func testOverwrite(t *testing.T, s assets.BlobStore) {
	put(t, s, "a/b.jpg", bytes.Repeat([]byte("old"), 1000))
	put(t, s, "a/b.jpg", []byte("new"))
	if got := Read(t, s, "a/b.jpg"); string(got) != "new" {
		t.Errorf("got %d bytes, want the new value", len(got))
	}
}

// BadKeys are keys no store may accept: outside the store, hidden names,
// empty segments, characters outside [A-Za-z0-9_.-], too long.
var BadKeys = []string{
	"", "/etc/passwd", "../x.jpg", "a/../../x.jpg", "a/..", "..", ".", "a/./b", "a//b", "a/",
	".tmp-123", "a/.hidden", `a\b.jpg`, "a b.jpg", "a%2e%2e", "é.jpg", "a\x00b", "a?x=1", "a#b",
	strings.Repeat("a", 600),
}

// testBadKeys ensures every method refuses a bad key as Invalid (400), so
// that an S3 store cannot be led to an object a disk store would refuse.
func testBadKeys(t *testing.T, s assets.BlobStore) {
	ctx := context.Background()
	for _, key := range BadKeys {
		wantCode(t, fmt.Sprintf("Put(%q)", key), s.Put(ctx, key, []byte("x")), catalog.Invalid)
		_, _, err := s.Open(ctx, key)
		wantCode(t, fmt.Sprintf("Open(%q)", key), err, catalog.Invalid)
		wantCode(t, fmt.Sprintf("Delete(%q)", key), s.Delete(ctx, key), catalog.Invalid)
	}
}

// testNotFound ensures a missing key, or a key that is only a prefix of
// stored keys (a directory on disk), is NotFound (404), not an internal
// error.
func testNotFound(t *testing.T, s assets.BlobStore) {
	put(t, s, "img/display.jpg", []byte("x"))
	for _, key := range []string{"img/grid.jpg", "nope/display.jpg", "img"} {
		_, _, err := s.Open(context.Background(), key)
		wantCode(t, fmt.Sprintf("Open(%q)", key), err, catalog.NotFound)
	}
}

// testDelete ensures Delete removes a value, leaves its neighbours, and
// is not an error for a key that was never stored or is already gone.
func testDelete(t *testing.T, s assets.BlobStore) {
	ctx := context.Background()
	put(t, s, "img/display.jpg", []byte("display"))
	put(t, s, "img/grid.jpg", []byte("grid"))
	for i := 0; i < 2; i++ {
		if err := s.Delete(ctx, "img/display.jpg"); err != nil {
			t.Fatalf("Delete, time %d: %v", i+1, err)
		}
	}
	if err := s.Delete(ctx, "never/stored.jpg"); err != nil {
		t.Errorf("Delete of a missing key: %v", err)
	}
	_, _, err := s.Open(ctx, "img/display.jpg")
	wantCode(t, "Open after Delete", err, catalog.NotFound)
	if got := Read(t, s, "img/grid.jpg"); string(got) != "grid" {
		t.Errorf("neighbour now %q", got)
	}
}

// testLargePhoto ensures a value the size of the largest display photo
// and more (8 MiB) comes back byte for byte.
func testLargePhoto(t *testing.T, s assets.BlobStore) {
	want := make([]byte, 8<<20)
	for i := range want {
		want[i] = byte(i*7 + i>>13)
	}
	put(t, s, "big/display.jpg", want)
	if got := Read(t, s, "big/display.jpg"); !bytes.Equal(got, want) {
		t.Errorf("read back %d bytes, not the %d stored", len(got), len(want))
	}
}

// testReadersSeeWholeValues ensures a reader racing with writers of one
// key always reads one whole value, never part of one or a mix.
func testReadersSeeWholeValues(t *testing.T, s assets.BlobStore) {
	values := [][]byte{bytes.Repeat([]byte{'a'}, 256<<10), bytes.Repeat([]byte{'b'}, 64<<10)}
	put(t, s, "race/display.jpg", values[0])
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				if err := s.Put(context.Background(), "race/display.jpg", values[(i+w)%2]); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for r := 0; r < 2; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				got, err := read(s, "race/display.jpg")
				if err != nil {
					errs <- err
					return
				}
				if !bytes.Equal(got, values[0]) && !bytes.Equal(got, values[1]) {
					errs <- fmt.Errorf("read %d bytes that are neither value", len(got))
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// testCancelledContext ensures a cancelled request stores and opens
// nothing.
func testCancelledContext(t *testing.T, s assets.BlobStore) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Put(ctx, "c/grid.jpg", []byte("x")); !errors.Is(err, context.Canceled) {
		t.Errorf("Put with a cancelled context: %v", err)
	}
	if _, _, err := s.Open(ctx, "c/grid.jpg"); err == nil {
		t.Error("Open with a cancelled context succeeded")
	}
	_, _, err := s.Open(context.Background(), "c/grid.jpg")
	wantCode(t, "Open of what a cancelled Put stored", err, catalog.NotFound)
}
