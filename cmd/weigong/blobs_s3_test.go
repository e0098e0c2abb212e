package main

import (
	"bytes"
	"context"
	"image/color"
	"image/jpeg"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/weigong/weigong/assets/s3blobs"
	"github.com/weigong/weigong/assets/s3blobs/fakes3"
	"github.com/weigong/weigong/catalog"
)

// TestParseServeFlags_Blobs ensures --blobs and WEIGONG_BLOBS are read,
// default to the data directory, and that a URL the S3 store cannot use
// stops the server from starting.
func TestParseServeFlags_Blobs(t *testing.T) {
	t.Setenv("WEIGONG_BLOBS", "")
	cfg, err := parseServeFlags(nil)
	if err != nil || cfg.Blobs != nil {
		t.Fatalf("default = %+v, %v; want the data dir", cfg.Blobs, err)
	}
	cfg, err = parseServeFlags([]string{"--blobs", "s3://photos?endpoint=127.0.0.1:9000&region=us-east-1&secure=false"})
	want := s3blobs.Config{Bucket: "photos", Endpoint: "127.0.0.1:9000", Region: "us-east-1", Insecure: true}
	if err != nil || cfg.Blobs == nil || *cfg.Blobs != want {
		t.Fatalf("--blobs = %+v, %v; want %+v", cfg.Blobs, err, want)
	}
	t.Setenv("WEIGONG_BLOBS", "s3://env-bucket?endpoint=minio:9000")
	if cfg, err = parseServeFlags(nil); err != nil || cfg.Blobs == nil || cfg.Blobs.Bucket != "env-bucket" {
		t.Fatalf("WEIGONG_BLOBS = %+v, %v", cfg.Blobs, err)
	}
	// A path is a folder every node mounts, not a bucket.
	if cfg, err = parseServeFlags([]string{"--blobs", "/var/photos"}); err != nil || cfg.Blobs != nil || cfg.BlobsDir != "/var/photos" {
		t.Fatalf("--blobs /var/photos = %+v %q, %v; want the folder", cfg.Blobs, cfg.BlobsDir, err)
	}
	for _, bad := range []string{"http://photos", "s3://photos?endpiont=x", "s3://photos?secure=perhaps"} {
		if _, err := parseServeFlags([]string{"--blobs", bad}); err == nil {
			t.Errorf("--blobs %q accepted", bad)
		}
	}
}

// TestServe_BlobsOnS3 ensures a node started with --blobs on an S3
// protocol server keeps photos and collages in the bucket, not in its
// data directory, and serves them back whole: what a second node sharing
// the bucket would read.
func TestServe_BlobsOnS3(t *testing.T) {
	fakes3.SetCredentials(t)
	srv := fakes3.Start(t, "photos")
	blobsCfg, err := s3blobs.ParseURL(srv.URL("photos"))
	if err != nil {
		t.Fatal(err)
	}
	n := startNode(t, t.TempDir(), func(c *serveConfig) { c.Blobs = &blobsCfg })
	w := newShareWorld(t, n, "s3", nil, color.RGBA{30, 140, 60, 255})
	imageID := w.card.Images[0].ID

	bucket, err := s3blobs.Open(context.Background(), blobsCfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, size := range []string{"grid", "display"} {
		r := n.must(200, "GET", "/media/"+imageID+"/"+size+".jpg", "", nil)
		if r.Header.Get("Content-Type") != "image/jpeg" || r.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" {
			t.Errorf("%s: headers %v", size, r.Header)
		}
		if r.Header.Get("Content-Length") != strconv.Itoa(len(r.Body)) {
			t.Errorf("%s: Content-Length %q for %d bytes", size, r.Header.Get("Content-Length"), len(r.Body))
		}
		if _, err := jpeg.Decode(bytes.NewReader(r.Body)); err != nil {
			t.Errorf("%s: not a JPEG: %v", size, err)
		}
		if stored := readBlob(t, bucket, imageID+"/"+size+".jpg"); !bytes.Equal(stored, r.Body) {
			t.Errorf("%s: served %d bytes, bucket holds %d", size, len(r.Body), len(stored))
		}
	}

	sh := w.share(nil)
	collage := n.must(200, "GET", "/s/"+sh.ID+"/collage.jpg", "", nil)
	if _, err := jpeg.Decode(bytes.NewReader(collage.Body)); err != nil {
		t.Fatalf("collage: %v", err)
	}
	if _, err := os.Stat(filepath.Join(n.Data, "media")); !os.IsNotExist(err) {
		t.Errorf("the data dir has a media folder (%v): photos or collages went to disk", err)
	}
	n.must(404, "GET", "/media/"+imageID+"/nope.jpg", "", nil)
	if err := bucket.Delete(context.Background(), imageID+"/grid.jpg"); err != nil {
		t.Fatal(err)
	}
	// A photo the card knows but the bucket lost is 404, as on disk.
	n.must(404, "GET", "/media/"+imageID+"/grid.jpg", "", nil)
}

func readBlob(t *testing.T, s *s3blobs.Store, key string) []byte {
	t.Helper()
	r, _, err := s.Open(context.Background(), key)
	if catalog.ErrorCode(err) == catalog.NotFound {
		return nil
	} else if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	data, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
