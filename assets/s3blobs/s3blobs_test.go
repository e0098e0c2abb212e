package s3blobs

import (
	"context"
	"strings"
	"testing"

	"github.com/minio/minio-go/v7"

	"github.com/weigong/weigong/assets"
	"github.com/weigong/weigong/assets/blobtest"
	"github.com/weigong/weigong/assets/s3blobs/fakes3"
	wgcatalog "github.com/weigong/weigong/catalog"
)

func openStore(t *testing.T, url string) *Store {
	t.Helper()
	cfg, err := ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestStore_Behaviour runs the behaviour every BlobStore shares against a
// Store on a real S3 protocol server.
func TestStore_Behaviour(t *testing.T) {
	fakes3.SetCredentials(t)
	blobtest.Run(t, func(t *testing.T) assets.BlobStore {
		srv := fakes3.Start(t, "photos")
		return openStore(t, srv.URL("photos"))
	})
}

// TestStore_Prefix ensures a prefix keeps every object under it and that
// two stores with different prefixes in one bucket do not see each
// other's values.
func TestStore_Prefix(t *testing.T) {
	fakes3.SetCredentials(t)
	srv := fakes3.Start(t, "shared")
	a := openStore(t, strings.Replace(srv.URL("shared"), "s3://shared", "s3://shared/a/", 1))
	b := openStore(t, strings.Replace(srv.URL("shared"), "s3://shared", "s3://shared/b", 1))
	ctx := context.Background()
	if err := a.Put(ctx, "img/grid.jpg", []byte("a's")); err != nil {
		t.Fatal(err)
	}
	if _, _, err := b.Open(ctx, "img/grid.jpg"); wgcatalog.ErrorCode(err) != wgcatalog.NotFound {
		t.Errorf("b sees a's value: %v", err)
	}
	var names []string
	for obj := range a.core.Client.ListObjects(ctx, "shared", minio.ListObjectsOptions{Recursive: true}) {
		names = append(names, obj.Key)
	}
	if strings.Join(names, ",") != "a/img/grid.jpg" {
		t.Errorf("bucket holds %v, want [a/img/grid.jpg]", names)
	}
}

// TestStore_ContentType ensures photos are stored as image/jpeg, so that
// a CDN serving the bucket directly would label them right.
func TestStore_ContentType(t *testing.T) {
	fakes3.SetCredentials(t)
	srv := fakes3.Start(t, "photos")
	s := openStore(t, srv.URL("photos"))
	if err := s.Put(context.Background(), "img/display.jpg", []byte("jpeg")); err != nil {
		t.Fatal(err)
	}
	info, err := s.core.StatObject(context.Background(), "photos", "img/display.jpg", minio.StatObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if info.ContentType != "image/jpeg" {
		t.Errorf("Content-Type %q, want image/jpeg", info.ContentType)
	}
}

// TestOpen_Refuses ensures a start with a missing bucket or wrong
// credentials fails at once, not at the first upload.
func TestOpen_Refuses(t *testing.T) {
	fakes3.SetCredentials(t)
	srv := fakes3.Start(t, "photos")
	cfg, err := ParseURL(srv.URL("nope"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Open(context.Background(), cfg); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("missing bucket: %v", err)
	}
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_ACCESS_KEY", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	t.Setenv("AWS_SECRET_KEY", "")
	cfg, _ = ParseURL(srv.URL("photos"))
	if _, err := Open(context.Background(), cfg); err == nil {
		t.Error("no credentials: Open succeeded")
	} else if !strings.Contains(err.Error(), "AWS_ACCESS_KEY_ID") {
		t.Errorf("no credentials: %v", err)
	}
}

// TestParseURL ensures the documented form is read and typos are errors.
func TestParseURL(t *testing.T) {
	got, err := ParseURL("s3://photos/wg?endpoint=127.0.0.1:9000&region=cn-east-1&secure=false&path-style=true")
	want := Config{Bucket: "photos", Prefix: "wg/", Endpoint: "127.0.0.1:9000", Region: "cn-east-1", Insecure: true, PathStyle: true}
	if err != nil || got != want {
		t.Errorf("got %+v, %v; want %+v", got, err, want)
	}
	if got, err := ParseURL("s3://photos"); err != nil || got != (Config{Bucket: "photos"}) {
		t.Errorf("bare bucket: %+v, %v", got, err)
	}
	for _, bad := range []string{"", "photos", "http://photos", "s3://", "s3://photos?endpont=x", "s3://photos?secure=maybe",
		"s3://key:secret@photos", "s3://photos/../x", "s3://photos/a b"} {
		if _, err := ParseURL(bad); err == nil {
			t.Errorf("ParseURL(%q) accepted", bad)
		}
	}
}
