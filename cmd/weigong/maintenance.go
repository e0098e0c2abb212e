package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

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
