// Package s3blobs keeps photo files, collages and watermarked copies in
// an S3-compatible bucket (AWS S3, MinIO, Ceph RGW, Cloudflare R2,
// Aliyun OSS…), so that every node of a cluster reads what any node
// wrote. It implements assets.BlobStore with the same behaviour as the
// disk store (assets/blobtest checks both).
package s3blobs

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"net/url"
	"path"
	"strconv"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/weigong/weigong/assets"
	"github.com/weigong/weigong/catalog"
)

// Store is an assets.BlobStore in one bucket. A key is an object name
// (after the optional prefix). Put is one PUT request, which S3 applies
// atomically: a GET sees the previous object or the new one whole, never
// a part. Open is one GET whose body is streamed to the caller. Make one
// with Open or New.
type Store struct {
	core   minio.Core
	bucket string
	prefix string
}

// Config says where the bucket is. ParseURL reads it from an s3:// URL.
type Config struct {
	// Bucket is the bucket's name; it must exist.
	Bucket string
	// Prefix, if not empty, is put before every key ("weigong/" keeps the
	// objects under one folder of a bucket shared with other uses).
	Prefix string
	// Endpoint is host[:port] of the S3 API; empty means AWS
	// (s3.amazonaws.com, or the region's endpoint).
	Endpoint string
	// Region is the bucket's region; empty lets the client ask the server.
	Region string
	// Insecure speaks plain HTTP (a server on the operator's own network
	// or loopback); the default is HTTPS.
	Insecure bool
	// PathStyle puts the bucket in the path (http://host/bucket/key), as
	// MinIO and most self-hosted servers expect; the default lets the
	// client choose (virtual-hosted for AWS and Aliyun, path elsewhere).
	PathStyle bool
}

// ParseURL reads a Config from
//
//	s3://bucket[/prefix]?endpoint=host:port&region=…&secure=false&path-style=true
//
// (API.md "Running, part 2"). Unknown parameters are an error, so that a
// typo is not silently ignored.
func ParseURL(raw string) (Config, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return Config{}, fmt.Errorf("blobs URL: %w", err)
	}
	if u.Scheme != "s3" || u.Host == "" || u.User != nil || u.Fragment != "" {
		return Config{}, fmt.Errorf("blobs URL %q: want s3://bucket[/prefix]?endpoint=host:port", raw)
	}
	cfg := Config{Bucket: u.Host, Prefix: trimSlashes(u.Path)}
	if cfg.Prefix != "" {
		if err := assets.CheckBlobKey(cfg.Prefix); err != nil {
			return Config{}, fmt.Errorf("blobs URL %q: bad prefix %q", raw, cfg.Prefix)
		}
		cfg.Prefix += "/"
	}
	for name, values := range u.Query() {
		value := values[len(values)-1]
		switch name {
		case "endpoint":
			cfg.Endpoint = value
		case "region":
			cfg.Region = value
		case "secure", "path-style":
			b, err := strconv.ParseBool(value)
			if err != nil {
				return Config{}, fmt.Errorf("blobs URL %q: %s=%q is not true or false", raw, name, value)
			}
			if name == "secure" {
				cfg.Insecure = !b
			} else {
				cfg.PathStyle = b
			}
		default:
			return Config{}, fmt.Errorf("blobs URL %q: unknown parameter %q (endpoint, region, secure, path-style)", raw, name)
		}
	}
	return cfg, nil
}

func trimSlashes(s string) string {
	for len(s) > 0 && s[0] == '/' {
		s = s[1:]
	}
	for len(s) > 0 && s[len(s)-1] == '/' {
		s = s[:len(s)-1]
	}
	return s
}

// Open connects to the bucket cfg names with the credentials of the
// standard environment variables AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY
// and AWS_SESSION_TOKEN, and checks that the bucket exists, so that a
// wrong endpoint, key or bucket fails at start, not at the first upload.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	creds := credentials.NewEnvAWS()
	if v, err := creds.Get(); err != nil || v.AccessKeyID == "" || v.SecretAccessKey == "" {
		// Anonymous requests would reach a public bucket, or fail later
		// with a less clear answer: neither is what the operator meant.
		return nil, fmt.Errorf("blob store: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY for bucket %q", cfg.Bucket)
	}
	lookup := minio.BucketLookupAuto
	if cfg.PathStyle {
		lookup = minio.BucketLookupPath
	}
	endpoint := cfg.Endpoint
	if endpoint == "" {
		endpoint = "s3.amazonaws.com"
	}
	client, err := minio.New(endpoint, &minio.Options{
		Creds:        creds,
		Secure:       !cfg.Insecure,
		Region:       cfg.Region,
		BucketLookup: lookup,
	})
	if err != nil {
		return nil, fmt.Errorf("blob store: %w", err)
	}
	ok, err := client.BucketExists(ctx, cfg.Bucket)
	if err != nil {
		return nil, fmt.Errorf("blob store: checking bucket %q at %s: %w", cfg.Bucket, endpoint, err)
	}
	if !ok {
		return nil, fmt.Errorf("blob store: bucket %q does not exist at %s; create it first", cfg.Bucket, endpoint)
	}
	return New(client, cfg.Bucket, cfg.Prefix), nil
}

// New returns a Store on a bucket through a client the caller made;
// prefix is "" or ends with "/".
func New(client *minio.Client, bucket, prefix string) *Store {
	return &Store{core: minio.Core{Client: client}, bucket: bucket, prefix: prefix}
}

// object returns the object name of key, or Invalid for a key the disk
// store would refuse too.
func (s *Store) object(key string) (string, error) {
	if err := assets.CheckBlobKey(key); err != nil {
		return "", err
	}
	return s.prefix + key, nil
}

// Put stores data under key, replacing any previous value, in one PUT
// with its MD5, so the server refuses a body damaged on the way. The
// Content-Type follows the key's extension (image/jpeg for photos), so
// the objects are right if a CDN ever serves the bucket directly.
func (s *Store) Put(ctx context.Context, key string, data []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	name, err := s.object(key)
	if err != nil {
		return err
	}
	sum := md5.Sum(data)
	opts := minio.PutObjectOptions{ContentType: contentType(key)}
	_, err = s.core.PutObject(ctx, s.bucket, name, bytes.NewReader(data), int64(len(data)),
		base64.StdEncoding.EncodeToString(sum[:]), "", opts)
	if err != nil {
		return fmt.Errorf("storing %s: %w", key, err)
	}
	return nil
}

// Open returns the value of key, streamed from one GET, and its size in
// bytes. A missing key is a *catalog.Error NotFound.
func (s *Store) Open(ctx context.Context, key string) (io.ReadCloser, int64, error) {
	if err := ctx.Err(); err != nil {
		return nil, 0, err
	}
	name, err := s.object(key)
	if err != nil {
		return nil, 0, err
	}
	body, info, _, err := s.core.GetObject(ctx, s.bucket, name, minio.GetObjectOptions{})
	if isNotFound(err) {
		return nil, 0, catalog.Errorf(catalog.NotFound, "no such file")
	} else if err != nil {
		return nil, 0, fmt.Errorf("opening %s: %w", key, err)
	}
	return body, info.Size, nil
}

// Delete removes the value of key. Deleting a missing key is not an error
// (S3 answers a DELETE of a missing object with 204 as well).
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	name, err := s.object(key)
	if err != nil {
		return err
	}
	err = s.core.RemoveObject(ctx, s.bucket, name, minio.RemoveObjectOptions{})
	if err != nil && !isNotFound(err) {
		return fmt.Errorf("deleting %s: %w", key, err)
	}
	return nil
}

// isNotFound reports whether err is S3's answer for a missing object.
func isNotFound(err error) bool {
	return err != nil && minio.ToErrorResponse(err).Code == minio.NoSuchKey
}

// contentType is the media type of a key's extension; every key the
// server writes today ends in .jpg.
func contentType(key string) string {
	if t := mime.TypeByExtension(path.Ext(key)); t != "" {
		return t
	}
	return "application/octet-stream"
}
