// Package pgtest gives tests a real PostgreSQL: a private cluster started
// with initdb and pg_ctl on a temporary directory and a loopback port, and
// a fresh database per test. Nothing is mocked, so the tests see
// PostgreSQL's real isolation, locking and fsync.
//
// A test binary that uses it calls Main from its TestMain. When the
// environment variable WEIGONG_TEST_POSTGRES holds the URL of a running
// server's maintenance database (as `make test` sets it, so that all test
// binaries share one cluster), Main uses that server instead of starting
// its own.
//
// The binaries come from WEIGONG_PG_BIN, else the directory of initdb on
// PATH, else Debian's /usr/lib/postgresql/N/bin. initdb refuses to run as
// root, so as root the server runs as the postgres user that Debian's
// package creates.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// EnvURL names the environment variable that points tests at a running
// server: a postgres:// URL of a database the tests may CREATE DATABASE from.
const EnvURL = "WEIGONG_TEST_POSTGRES"

// Main starts a cluster for the test binary unless EnvURL is set, runs the
// tests and stops the cluster. Use it as a package's TestMain:
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
func Main(m *testing.M) { os.Exit(Run(m)) }

// Run is Main without the exit, for a TestMain with cleanup of its own: it
// returns the tests' exit code.
func Run(m *testing.M) int {
	stop, err := Setup()
	if err != nil {
		fmt.Fprintln(os.Stderr, "pgtest:", err)
		return 1
	}
	defer stop()
	return m.Run()
}

// Setup is Main's first half, for a TestMain that does more: unless
// EnvURL is set, it starts a cluster and sets EnvURL. The returned stop
// function stops that cluster (and does nothing otherwise).
func Setup() (stop func(), err error) {
	if os.Getenv(EnvURL) != "" {
		return func() {}, nil
	}
	srv, err := Start("")
	if err != nil {
		return nil, err
	}
	os.Setenv(EnvURL, srv.URL())
	return func() {
		if err := srv.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "pgtest:", err)
		}
		os.Unsetenv(EnvURL)
	}, nil
}

// Server is a PostgreSQL cluster started by Start.
type Server struct {
	dir  string // holds data/, the socket and the log
	port int
	bin  string
	as   *user.User // nil: run as the current user
}

// Start runs initdb on a new directory under dir (the system's temporary
// directory when dir is "") and starts the server on a free loopback port.
// fsync stays on: tests of crash safety rely on it.
func Start(dir string) (*Server, error) {
	bin, err := binDir()
	if err != nil {
		return nil, err
	}
	base, err := os.MkdirTemp(dir, "weigong-pg-")
	if err != nil {
		return nil, err
	}
	s := &Server{dir: base, bin: bin}
	if os.Geteuid() == 0 {
		if s.as, err = user.Lookup("postgres"); err != nil {
			return nil, fmt.Errorf("running as root needs the postgres user (Debian's postgresql package creates it): %w", err)
		}
		uid, _ := strconv.Atoi(s.as.Uid)
		gid, _ := strconv.Atoi(s.as.Gid)
		if err := os.Chown(base, uid, gid); err != nil {
			return nil, err
		}
		// The temporary directory's parents must be searchable by postgres.
		_ = os.Chmod(base, 0o700)
	}
	if s.port, err = freePort(); err != nil {
		return nil, err
	}
	if out, err := s.run("initdb", "-D", s.data(), "-A", "trust", "-U", "postgres", "-E", "UTF8",
		"--locale=C", "--no-sync").CombinedOutput(); err != nil {
		return nil, fmt.Errorf("initdb: %v: %s", err, out)
	}
	opts := fmt.Sprintf("-c listen_addresses=127.0.0.1 -p %d -k %s -c max_connections=400 -c shared_buffers=64MB",
		s.port, base)
	if out, err := s.run("pg_ctl", "-D", s.data(), "-o", opts, "-l", filepath.Join(base, "log"),
		"-w", "-t", "120", "start").CombinedOutput(); err != nil {
		log, _ := os.ReadFile(filepath.Join(base, "log"))
		return nil, fmt.Errorf("pg_ctl start: %v: %s\n%s", err, out, log)
	}
	return s, nil
}

// URL is the postgres:// URL of the cluster's maintenance database.
func (s *Server) URL() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", s.port)
}

// Stop stops the server at once (no checkpoint: the data is thrown away)
// and removes its directory.
func (s *Server) Stop() error {
	out, err := s.run("pg_ctl", "-D", s.data(), "-m", "immediate", "-w", "stop").CombinedOutput()
	if err != nil {
		err = fmt.Errorf("pg_ctl stop: %v: %s", err, out)
	}
	return errors.Join(err, os.RemoveAll(s.dir))
}

func (s *Server) data() string { return filepath.Join(s.dir, "data") }

// run builds a command for one of PostgreSQL's programs, as the postgres
// user when we are root.
func (s *Server) run(program string, args ...string) *exec.Cmd {
	path := filepath.Join(s.bin, program)
	if s.as == nil {
		return exec.Command(path, args...)
	}
	return exec.Command("runuser", append([]string{"-u", s.as.Username, "--", path}, args...)...)
}

// NewDatabase creates an empty database for one test on the server named
// by EnvURL and returns its URL; the database is dropped when the test
// ends. It fails the test when no server is configured: a PostgreSQL test
// never skips silently.
func NewDatabase(t testing.TB) string {
	t.Helper()
	admin := os.Getenv(EnvURL)
	if admin == "" {
		t.Fatalf("pgtest: %s is not set; call pgtest.Main from TestMain or run `make test`", EnvURL)
	}
	name := "t_" + randomHex(8)
	if err := exec1(admin, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("pgtest: creating database: %v", err)
	}
	t.Cleanup(func() {
		if err := exec1(admin, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Logf("pgtest: dropping database %s: %v", name, err)
		}
	})
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// exec1 runs one statement on its own connection.
func exec1(dsn, sql string) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	_, err = conn.Exec(ctx, sql)
	return err
}

var binOnce struct {
	sync.Once
	dir string
	err error
}

// binDir finds PostgreSQL's server programs.
func binDir() (string, error) {
	binOnce.Do(func() {
		if dir := os.Getenv("WEIGONG_PG_BIN"); dir != "" {
			binOnce.dir = dir
			return
		}
		if path, err := exec.LookPath("initdb"); err == nil {
			if real, err := filepath.EvalSymlinks(path); err == nil {
				binOnce.dir = filepath.Dir(real)
				return
			}
		}
		dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
		sort.Strings(dirs)
		for i := len(dirs) - 1; i >= 0; i-- {
			if _, err := os.Stat(filepath.Join(dirs[i], "initdb")); err == nil {
				binOnce.dir = dirs[i]
				return
			}
		}
		binOnce.err = errors.New("PostgreSQL's initdb not found: install Debian's postgresql package or set WEIGONG_PG_BIN")
	})
	return binOnce.dir, binOnce.err
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}
