// Package fakes3 runs a real S3 protocol server in the test process:
// gofakes3 with its in-memory backend behind an httptest server on
// 127.0.0.1, spoken to with path-style addressing. Every request goes
// through the S3 wire protocol, signatures and all, so a test of
// assets/s3blobs exercises the same client code as production.
package fakes3

import (
	"net/http/httptest"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// Credentials any request to a Server may sign with (gofakes3 checks the
// signature's form, not the key).
const (
	AccessKey = "weigong-test"
	SecretKey = "weigong-test-secret"
)

// Server is a running fake S3 endpoint.
type Server struct {
	// Endpoint is host:port of the server, for minio.New or an s3:// URL.
	Endpoint string
	backend  *s3mem.Backend
}

// Start runs a server until the test ends, with the buckets given
// already created.
func Start(t testing.TB, buckets ...string) *Server {
	t.Helper()
	backend := s3mem.New()
	for _, b := range buckets {
		if err := backend.CreateBucket(b); err != nil {
			t.Fatal(err)
		}
	}
	faker := gofakes3.New(backend, gofakes3.WithAutoBucket(false))
	srv := httptest.NewServer(faker.Server())
	t.Cleanup(srv.Close)
	return &Server{Endpoint: srv.Listener.Addr().String(), backend: backend}
}

// URL is the --blobs URL of bucket on this server.
func (s *Server) URL(bucket string) string {
	return "s3://" + bucket + "?endpoint=" + s.Endpoint + "&region=us-east-1&secure=false&path-style=true"
}

// SetCredentials points the standard AWS environment variables at this
// server's credentials for the rest of the test.
func SetCredentials(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", AccessKey)
	t.Setenv("AWS_SECRET_ACCESS_KEY", SecretKey)
}
