// Command wgtail prints an account's live events (new cards at its own
// prices, orders, after-sales, follow changes) as JSON lines, and resumes
// where it stopped: the example program of the Go client (feed/client).
//
//	WEIGONG_KEY=wgk_… wgtail -server https://wg.example.com -cursor ~/.wgtail
//
// It keeps the cursor of the last event printed in the -cursor file, so a
// restart (of wgtail or of the server) skips nothing; it saves the cursor
// after printing, so an event printed just before wgtail is killed may be
// printed again (at least once, like every consumer of the stream).
// A key needs the feed:read scope.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/weigong/weigong/catalog/wire"
	"github.com/weigong/weigong/feed/client"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil && !errors.Is(err, context.Canceled) {
		fmt.Fprintln(os.Stderr, "wgtail:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("wgtail", flag.ContinueOnError)
	server := fs.String("server", os.Getenv("WEIGONG_SERVER"), "server base URL (WEIGONG_SERVER)")
	cursorFile := fs.String("cursor", "", "file that keeps the last cursor, to resume from")
	if err := fs.Parse(args); err != nil {
		return err
	}
	key := os.Getenv("WEIGONG_KEY")
	if *server == "" || key == "" {
		return errors.New("set -server (or WEIGONG_SERVER) and WEIGONG_KEY")
	}
	after := ""
	if *cursorFile != "" {
		b, err := os.ReadFile(*cursorFile)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		after = strings.TrimSpace(string(b))
	}
	c := client.New(*server, key)
	enc := json.NewEncoder(out)
	return c.Subscribe(ctx, client.SubscribeOptions{After: after}, func(ev wire.Event) error {
		if err := enc.Encode(ev); err != nil {
			return err
		}
		if *cursorFile == "" || ev.Cursor == "" {
			return nil
		}
		return saveCursor(*cursorFile, ev.Cursor)
	})
}

// saveCursor replaces the cursor file atomically, so a crash leaves the
// old cursor or the new one, never half of one.
func saveCursor(path, cursor string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".wgtail-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(cursor + "\n"); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
