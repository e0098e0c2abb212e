// Command weigong runs the Weigong feed engine. `weigong serve` starts the
// whole product in one process with a bbolt file under --data; `weigong
// backup` and `weigong check` look after that file.
package main

import (
	"fmt"
	"io"
	"os"
)

const usage = `usage: weigong <command> [flags]

commands:
  serve           start the server (see weigong serve -h)
  nats            run a NATS JetStream server for serve --bus (see weigong nats -h)
  backup FILE     write a consistent copy of the database to FILE (server stopped)
  check           verify the database file's consistency (server stopped)
  verify HANDLE   grant a supplier the verified badge (bbolt: server stopped;
                  PostgreSQL: --store postgres://…, servers running)
  unverify HANDLE withdraw it (server stopped)
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run dispatches a subcommand and returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "serve":
		err = serveCommand(args[1:], stdout, stderr)
	case "nats":
		err = natsCommand(args[1:], stdout)
	case "backup":
		err = backupCommand(args[1:], stdout)
	case "check":
		err = checkCommand(args[1:], stdout)
	case "verify", "unverify":
		err = verifyCommand(args[1:], stdout, args[0] == "verify")
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "unknown command %q\n%s", args[0], usage)
		return 2
	}
	if err != nil {
		fmt.Fprintln(stderr, "weigong:", err)
		return 1
	}
	return 0
}
