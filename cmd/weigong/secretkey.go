package main

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/weigong/weigong/storage"
)

// secretKeyFile is where the key that encrypts consignees lives, beside
// the database file and never inside it, so a copy of the database (a
// backup) holds no readable personal data.
const secretKeyFile = "secret.key"

// loadSecretKey gives db its secret key: WEIGONG_SECRET_KEY (64 hex digits
// or base64 of 32 bytes) if set, else the key file in the data directory,
// created with mode 0600 on first start. A key file that is missing while
// the database holds encrypted data, or a key that is not the one the data
// was written with, is a start-up error: never a new key that opens
// nothing, never garbage. A shared database (PostgreSQL, several nodes)
// needs the same key on every node, so there the key is never created: it
// must come from WEIGONG_SECRET_KEY or the key file.
func loadSecretKey(dataDir string, db *storage.DB, shared bool) ([]byte, error) {
	key, source, err := readSecretKey(dataDir, db, shared)
	if err != nil {
		return nil, err
	}
	if err := db.UseSecretKey(key); errors.Is(err, storage.ErrWrongSecretKey) {
		return nil, fmt.Errorf("%s is not the secret key this database was written with: restore the right key (consignees cannot be read without it)", source)
	} else if err != nil {
		return nil, err
	}
	return key, nil
}

func readSecretKey(dataDir string, db *storage.DB, shared bool) ([]byte, string, error) {
	if v, ok := os.LookupEnv("WEIGONG_SECRET_KEY"); ok {
		key, err := decodeSecretKey(v)
		if err != nil {
			return nil, "", fmt.Errorf("WEIGONG_SECRET_KEY: %w", err)
		}
		return key, "WEIGONG_SECRET_KEY", nil
	}
	path := filepath.Join(dataDir, secretKeyFile)
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		used, cerr := db.HasSecretKeyCheck()
		if cerr != nil {
			return nil, "", cerr
		}
		if used {
			return nil, "", fmt.Errorf("%s is missing, but this database holds data encrypted with a secret key: restore the file or set WEIGONG_SECRET_KEY", path)
		}
		if shared {
			return nil, "", fmt.Errorf("a shared database needs the same secret key on every node: set WEIGONG_SECRET_KEY (64 hex digits; `openssl rand -hex 32`) or put it in %s", path)
		}
		key, err := createSecretKey(path)
		return key, path, err
	}
	if err != nil {
		return nil, "", err
	}
	key, err := decodeSecretKey(string(raw))
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", path, err)
	}
	return key, path, nil
}

// decodeSecretKey accepts 64 hex digits or base64 (standard or URL) of 32
// bytes, with surrounding space.
func decodeSecretKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if b, err := hex.DecodeString(s); err == nil && len(b) == storage.SecretKeyLen {
		return b, nil
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil && len(b) == storage.SecretKeyLen {
			return b, nil
		}
	}
	return nil, fmt.Errorf("a secret key is %d bytes as 64 hex digits or base64", storage.SecretKeyLen)
}

// createSecretKey writes a new random key, readable by its owner only.
func createSecretKey(path string) ([]byte, error) {
	key := make([]byte, storage.SecretKeyLen)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, fmt.Errorf("creating the secret key: %w", err)
	}
	if _, err := f.WriteString(hex.EncodeToString(key) + "\n"); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, err
	}
	return key, f.Close()
}
