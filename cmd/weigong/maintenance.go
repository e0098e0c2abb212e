package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/weigong/weigong/catalog"
	"github.com/weigong/weigong/storage"
)

// dbPath is where the database lives inside the data directory.
func dbPath(dataDir string) string { return filepath.Join(dataDir, "weigong.db") }

// backupCommand writes a consistent copy of the database. bbolt locks the
// file for one process, so this runs with the server stopped; Open fails
// with a clear message after its lock timeout otherwise.
func backupCommand(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	data := fs.String("data", env("WEIGONG_DATA", "./data"), "data directory (WEIGONG_DATA)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("usage: weigong backup [--data DIR] FILE")
	}
	db, err := storage.Open(dbPath(*data))
	if err != nil {
		return err
	}
	defer db.Close()
	out, err := os.OpenFile(fs.Arg(0), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	n, err := db.Backup(out)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %d bytes to %s\n", n, fs.Arg(0))
	return nil
}

// checkCommand runs bbolt's consistency check over the whole file.
func checkCommand(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	data := fs.String("data", env("WEIGONG_DATA", "./data"), "data directory (WEIGONG_DATA)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := storage.Open(dbPath(*data))
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Check(); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "ok")
	return nil
}

// verifyCommand grants (or, with verified false, withdraws) the operator's
// verified badge: `weigong verify HANDLE`, `weigong unverify HANDLE`.
// Suppliers cannot give it to themselves. On bbolt it runs with the
// server stopped, like backup and check, since bbolt locks the file for
// one process; with --store postgres://… it runs beside the nodes.
func verifyCommand(args []string, stdout io.Writer, verified bool) error {
	name := "verify"
	if !verified {
		name = "unverify"
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	data := fs.String("data", env("WEIGONG_DATA", "./data"), "data directory (WEIGONG_DATA)")
	store := fs.String("store", env("WEIGONG_STORE", ""), "postgres://… when the service runs on PostgreSQL (WEIGONG_STORE); default: bbolt under --data")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("usage: weigong %s [--data DIR | --store postgres://…] HANDLE", name)
	}
	db, err := openStore(serveConfig{Data: *data, Store: *store})
	if err != nil {
		return err
	}
	defer db.Close()
	cat := catalog.NewService(catalog.Stores{Units: db, Accounts: db})
	if err := cat.SetVerified(context.Background(), fs.Arg(0), verified); err != nil {
		if catalog.ErrorCode(err) == catalog.NotFound {
			return fmt.Errorf("no account with the handle %q", fs.Arg(0))
		}
		return err
	}
	fmt.Fprintf(stdout, "%s: %sverified\n", fs.Arg(0), map[bool]string{true: "", false: "un"}[verified])
	return nil
}
