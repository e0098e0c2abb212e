package storage

import (
	"flag"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/weigong/weigong/storage/pgtest"
)

// Every test of this package runs on both engines: on bbolt in this
// process, and on PostgreSQL in a child process of the same test binary
// (TestStoresOnPostgres) whose mustOpen hands out pgtest databases. Run
// one test on PostgreSQL alone with
//
//	WEIGONG_STORAGE_TEST_ENGINE=postgres go test -run TestX ./storage/
//
// TestMain removes the benchmark files before the exit.
func TestMain(m *testing.M) {
	code := pgtest.Run(m)
	closeBenchDBs()
	os.Exit(code)
}

// envEngine picks the engine of mustOpen: "postgres", or bbolt when unset.
const envEngine = "WEIGONG_STORAGE_TEST_ENGINE"

var onPostgres = os.Getenv(envEngine) == "postgres"

// skipOnPostgres skips a test of a bbolt-only feature on the PostgreSQL run.
func skipOnPostgres(t testing.TB, feature string) {
	t.Helper()
	if onPostgres {
		t.Skipf("%s: bbolt only", feature)
	}
}

// pgDatabases maps the paths tests open to their databases, so that a
// test that closes and reopens "a file" reopens the same database.
var pgDatabases sync.Map

func mustOpenPostgres(t testing.TB, path string) *DB {
	t.Helper()
	url, ok := pgDatabases.Load(path)
	if !ok {
		url, _ = pgDatabases.LoadOrStore(path, pgtest.NewDatabase(t))
	}
	db, err := OpenPostgres(ctx, url.(string))
	if err != nil {
		t.Fatalf("OpenPostgres: %v", err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return db
}

// TestStoresOnPostgres runs the package's tests again on PostgreSQL (the
// same -run pattern, or WEIGONG_STORAGE_PG_RUN), in a child process.
func TestStoresOnPostgres(t *testing.T) {
	if onPostgres {
		t.Skip("this is the PostgreSQL run")
	}
	if testing.Short() {
		t.Skip("-short")
	}
	t.Parallel()
	run := os.Getenv("WEIGONG_STORAGE_PG_RUN")
	if run == "" {
		run = flag.Lookup("test.run").Value.String()
	}
	args := []string{"-test.count=1", "-test.run=" + run}
	if d, ok := t.Deadline(); ok {
		args = append(args, "-test.timeout="+time.Until(d).String())
	}
	if testing.Verbose() {
		args = append(args, "-test.v")
	}
	cmd := exec.CommandContext(t.Context(), os.Args[0], args...)
	cmd.Env = append(os.Environ(), envEngine+"=postgres")
	out, err := cmd.CombinedOutput()
	if err != nil || testing.Verbose() {
		t.Logf("the tests on PostgreSQL:\n%s", out)
	}
	if err != nil {
		t.Fatalf("the tests on PostgreSQL failed: %v", err)
	}
}

// rawContent returns every byte the database at path holds: the bbolt
// file, or on PostgreSQL every key and value of the kv table, for tests
// that prove a secret is not stored in clear.
func rawContent(t testing.TB, path string) []byte {
	t.Helper()
	if !onPostgres {
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return raw
	}
	url, ok := pgDatabases.Load(path)
	if !ok {
		t.Fatalf("no database was opened at %s", path)
	}
	conn, err := pgx.Connect(ctx, url.(string))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var raw []byte
	if err := conn.QueryRow(ctx, "select coalesce(string_agg(key || value, ''::bytea), ''::bytea) from kv").Scan(&raw); err != nil {
		t.Fatal(err)
	}
	return raw
}
