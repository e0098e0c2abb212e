package stream_test

import (
	"bufio"
	"fmt"
	"net"
	"net/http/httptest"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
)

// TestMeasure_IdleConnections reports what an idle connection costs the
// server: heap, stacks, RSS and goroutines per connection, on net/http and
// under fiber. It only runs with WEIGONG_MEASURE_CONNS=N set, because it
// measures rather than checks; the clients run in a child process so that
// only the server's memory is counted.
//
//	WEIGONG_MEASURE_CONNS=2000 go test -run Measure -v ./feed/stream/
func TestMeasure_IdleConnections(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("WEIGONG_MEASURE_CONNS"))
	if n <= 0 {
		t.Skip("set WEIGONG_MEASURE_CONNS to measure")
	}
	for _, mount := range []string{"net/http", "fiber", "fiber native"} {
		t.Run(strings.NewReplacer("/", "_", " ", "_").Replace(mount), func(t *testing.T) {
			s := newFeed(t)
			url := serve(t, s, mount)
			sup := s.world.Supplier("sup")
			var tokens []string
			for i := 0; i < n; i++ {
				d := s.world.Distributor(fmt.Sprintf("d%05d", i))
				s.subscribe(sup, d, "standard")
				tokens = append(tokens, d.ID)
			}
			before := snapshot()
			stop := idleClients(t, url, tokens)
			after := snapshot()
			t.Logf("%s, %d idle connections, per connection: heap %.1f KiB, stacks %.1f KiB, RSS %.1f KiB, goroutines %.2f",
				mount, n, perConn(after.heap-before.heap, n), perConn(after.stack-before.stack, n),
				perConn(after.rss-before.rss, n), float64(after.goroutines-before.goroutines)/float64(n))
			stop()
		})
	}
}

func serve(t *testing.T, s *server, mount string) string {
	if mount == "net/http" {
		ts := httptest.NewServer(s.handler)
		t.Cleanup(func() { s.shutdown(t); ts.Close() })
		return "ws" + strings.TrimPrefix(ts.URL, "http")
	}
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	mountFiber(app, "/", s.handler, mount == "fiber native")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go app.Listener(ln)
	t.Cleanup(func() { s.shutdown(t); app.ShutdownWithTimeout(5 * time.Second) })
	return "ws://" + ln.Addr().String() + "/"
}

type usage struct{ heap, stack, rss, goroutines int64 }

func snapshot() usage {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return usage{heap: int64(m.HeapInuse), stack: int64(m.StackInuse), rss: rssBytes(), goroutines: int64(runtime.NumGoroutine())}
}

func rssBytes() int64 {
	data, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}

func perConn(bytes int64, n int) float64 { return float64(bytes) / float64(n) / 1024 }

// idleClients starts the child process, waits until every client has its
// ready frame, and returns a function that ends the child.
func idleClients(t *testing.T, url string, tokens []string) (stop func()) {
	file := t.TempDir() + "/tokens"
	os.WriteFile(file, []byte(strings.Join(tokens, "\n")), 0o600)
	cmd := exec.Command(os.Args[0], "-test.run=TestHelper_IdleClients")
	cmd.Env = append(os.Environ(), "WEIGONG_IDLE_URL="+url, "WEIGONG_IDLE_TOKENS="+file)
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(stdout).ReadString('\n')
	if !strings.HasPrefix(line, "ready") {
		t.Fatalf("clients: %q", line)
	}
	<-time.After(500 * time.Millisecond) // let handshakes' garbage become collectable
	return func() { stdin.Close(); cmd.Wait() }
}

// TestHelper_IdleClients is the child process of the measurement: it opens
// one connection per token, reads each ready frame, prints "ready" and
// holds the connections until its standard input closes.
func TestHelper_IdleClients(t *testing.T) {
	url, file := os.Getenv("WEIGONG_IDLE_URL"), os.Getenv("WEIGONG_IDLE_TOKENS")
	if url == "" {
		t.Skip("child process of TestMeasure_IdleConnections")
	}
	data, _ := os.ReadFile(file)
	for _, token := range strings.Split(string(data), "\n") {
		ws, _, err := dialURL(url, token, "")
		if err != nil {
			fmt.Println("dial:", err)
			return
		}
		defer ws.Close()
		if _, err := readErr(ws); err != nil {
			fmt.Println("read:", err)
			return
		}
	}
	fmt.Println("ready")
	bufio.NewReader(os.Stdin).ReadString('\n')
}
