package s3blobs

import (
	"context"
	"io"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/weigong/weigong/assets"
	"github.com/weigong/weigong/assets/s3blobs/fakes3"
)

// BenchmarkBlobs measures one Put and one Open (read to the end) of a
// display-sized photo (300 KiB) on the disk store (with its two fsyncs)
// and on the S3 store against gofakes3 on loopback. gofakes3 keeps
// objects in memory, so the S3 figure is the protocol's cost (HTTP,
// signing, MD5) without a real server's disk.
func BenchmarkBlobs(b *testing.B) {
	b.Setenv("AWS_ACCESS_KEY_ID", fakes3.AccessKey)
	b.Setenv("AWS_SECRET_ACCESS_KEY", fakes3.SecretKey)
	photo := make([]byte, 300<<10)
	for i := range photo {
		photo[i] = byte(i * 31)
	}
	disk, err := assets.NewDiskStore(filepath.Join(b.TempDir(), "blobs"))
	if err != nil {
		b.Fatal(err)
	}
	srv := fakes3.Start(b, "photos")
	cfg, err := ParseURL(srv.URL("photos"))
	if err != nil {
		b.Fatal(err)
	}
	s3, err := Open(context.Background(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	for _, store := range []struct {
		name string
		s    assets.BlobStore
	}{{"disk", disk}, {"s3", s3}} {
		ctx := context.Background()
		b.Run(store.name+"/put", func(b *testing.B) {
			b.SetBytes(int64(len(photo)))
			for i := 0; i < b.N; i++ {
				if err := store.s.Put(ctx, "bench/"+strconv.Itoa(i%64)+".jpg", photo); err != nil {
					b.Fatal(err)
				}
			}
		})
		if err := store.s.Put(ctx, "bench/read.jpg", photo); err != nil {
			b.Fatal(err)
		}
		b.Run(store.name+"/open", func(b *testing.B) {
			b.SetBytes(int64(len(photo)))
			for i := 0; i < b.N; i++ {
				r, _, err := store.s.Open(ctx, "bench/read.jpg")
				if err != nil {
					b.Fatal(err)
				}
				if _, err := io.Copy(io.Discard, r); err != nil {
					b.Fatal(err)
				}
				r.Close()
			}
		})
	}
}
