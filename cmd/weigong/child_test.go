package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/weigong/weigong/storage/pgtest"
)

// The tests that need the real binary as a child process (a crash, the
// process's memory) share one build of it.
var builtBinary struct {
	once sync.Once
	dir  string
	path string
	err  error
	out  []byte
}

// weigongBinary builds cmd/weigong once per test run and returns its path.
func weigongBinary(t *testing.T) string {
	t.Helper()
	b := &builtBinary
	b.once.Do(func() {
		if b.dir, b.err = os.MkdirTemp("", "weigong-bin-"); b.err != nil {
			return
		}
		b.path = filepath.Join(b.dir, "weigong")
		b.out, b.err = exec.Command("go", "build", "-o", b.path, ".").CombinedOutput()
	})
	if b.err != nil {
		t.Fatalf("go build: %v\n%s", b.err, b.out)
	}
	return b.path
}

// startBinary starts the built binary on a fresh data directory, with any
// extra flags; in -short mode the test is skipped instead.
func startBinary(t *testing.T, flags ...string) *rstProc {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	return rstStart(t, weigongBinary(t), t.TempDir(), flags...)
}

func TestMain(m *testing.M) {
	code := pgtest.Run(m) // a private PostgreSQL unless one is named (pg_test.go)
	stopTestBus()
	if builtBinary.dir != "" {
		os.RemoveAll(builtBinary.dir)
	}
	os.Exit(code)
}
