package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"syscall"
	"time"
)

// server is the weigong binary running as a child process, so that its
// RSS can be read from /proc and nothing of the load tool's heap counts.
type server struct {
	cmd  *exec.Cmd
	addr string
	done chan struct{}
}

var listening = regexp.MustCompile(`listening on http://(\S+)`)

// startServer runs bin on a free loopback port over dir, with any extra
// flags, and waits, at most two minutes, for the line that names the
// address.
func startServer(bin, dir string, flags ...string) (*server, error) {
	return startChild(bin, listening, append([]string{"serve", "--addr", "127.0.0.1:0", "--data", dir, "--no-rate-limit"}, flags...)...)
}

// startChild runs bin with args and waits, at most two minutes, for a line
// of its output that ready matches; the match's first group becomes the
// server's addr.
func startChild(bin string, ready *regexp.Regexp, args ...string) (*server, error) {
	cmd := exec.Command(bin, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM} // if wgbench dies, so does the server
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &server{cmd: cmd, done: make(chan struct{})}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := ready.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case addr <- m[1]:
				default:
				}
			}
		}
		io.Copy(io.Discard, stdout)
	}()
	go func() { cmd.Wait(); close(s.done) }()
	select {
	case s.addr = <-addr:
		return s, nil
	case <-s.done:
		return nil, fmt.Errorf("%s exited before listening", bin)
	case <-time.After(2 * time.Minute):
		s.stop()
		return nil, fmt.Errorf("%s did not listen within 2 minutes", bin)
	}
}

// stop asks for a graceful shutdown and kills the server if it takes
// longer than 30 s.
func (s *server) stop() { stopChild(s.cmd, s.done) }

// stopChild sends a child process SIGTERM and kills it if it has not
// exited (closed done) within 30 s.
func stopChild(cmd *exec.Cmd, done <-chan struct{}) {
	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		<-done
	}
}

// raiseFileLimit lifts the soft open-file limit to the hard one; the
// server started afterwards inherits it. Each websocket costs one
// descriptor on each side.
func raiseFileLimit() (uint64, error) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return 0, err
	}
	lim.Cur = lim.Max
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return 0, err
	}
	return lim.Cur, nil
}
