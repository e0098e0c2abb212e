// Command withpg runs a command beside a private PostgreSQL cluster: it
// starts one with initdb and pg_ctl on a temporary directory and a free
// loopback port, puts its URL in WEIGONG_TEST_POSTGRES, runs the command,
// then stops the cluster and removes its files, whatever the command's
// outcome. `make test` uses it so that every test binary shares one
// server:
//
//	go run ./cmd/withpg -- go test ./...
//
// It exits with the command's exit status.
package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"

	"github.com/weigong/weigong/storage/pgtest"
)

func main() {
	args := os.Args[1:]
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "usage: withpg -- command [args…]")
		os.Exit(2)
	}
	os.Exit(run(args))
}

func run(args []string) int {
	srv, err := pgtest.Start("")
	if err != nil {
		fmt.Fprintln(os.Stderr, "withpg:", err)
		return 1
	}
	defer func() {
		if err := srv.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "withpg:", err)
		}
	}()
	fmt.Fprintln(os.Stderr, "withpg: PostgreSQL at", srv.URL())
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), pgtest.EnvURL+"="+srv.URL())
	// Signals go to the command; we stop the cluster once it has exited.
	signal.Ignore(syscall.SIGINT, syscall.SIGTERM)
	err = cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit):
		return exit.ExitCode()
	default:
		fmt.Fprintln(os.Stderr, "withpg:", err)
		return 1
	}
}
