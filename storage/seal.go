package storage

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
)

// SecretKeyLen is the length of the key that encrypts personal data at
// rest (consignees), in bytes: AES-256.
const SecretKeyLen = 32

// sealer encrypts personal data with AES-256-GCM. Each value gets a fresh
// 96-bit random nonce (NIST SP 800-38D, 8.2.2: safe for far more values
// than one database holds) and is bound to its record by the associated
// data, so a ciphertext copied onto another record does not open.
type sealer struct{ aead cipher.AEAD }

func newSealer(key []byte) (*sealer, error) {
	if len(key) != SecretKeyLen {
		return nil, fmt.Errorf("storage: the secret key must be %d bytes, not %d", SecretKeyLen, len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &sealer{aead: aead}, nil
}

// seal returns nonce ‖ ciphertext ‖ tag.
func (s *sealer) seal(plain, ad []byte) ([]byte, error) {
	nonce := make([]byte, s.aead.NonceSize(), s.aead.NonceSize()+len(plain)+s.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return s.aead.Seal(nonce, nonce, plain, ad), nil
}

// open reverses seal; a wrong key or a damaged value is an error, never
// garbage.
func (s *sealer) open(sealed, ad []byte) ([]byte, error) {
	n := s.aead.NonceSize()
	if len(sealed) < n+s.aead.Overhead() {
		return nil, errors.New("storage: sealed value too short")
	}
	return s.aead.Open(nil, sealed[:n], sealed[n:], ad)
}

// keyCheck is sealed with the key on first use and stored in bMeta, so a
// later start with another key fails at once instead of writing data no
// one can read.
var (
	keyCheckKey   = []byte("secret_key_check")
	keyCheckPlain = []byte("weigong secret key check v1")
)

// ErrWrongSecretKey is UseSecretKey's answer to a key that is not the one
// this database's personal data was written with.
var ErrWrongSecretKey = errors.New("storage: the secret key is not the one this database was written with")

// UseSecretKey sets the key that encrypts consignees at rest. The first
// key a database sees is remembered (as a sealed check value, never the
// key itself); a different key later is ErrWrongSecretKey. Orders cannot
// be written or read without a key.
func (db *DB) UseSecretKey(key []byte) error {
	s, err := newSealer(key)
	if err != nil {
		return err
	}
	err = db.kv.update(context.Background(), func(tx kvTx) error {
		meta := tx.Bucket(bMeta)
		if check := meta.Get(keyCheckKey); check != nil {
			if plain, err := s.open(check, keyCheckKey); err != nil || string(plain) != string(keyCheckPlain) {
				return ErrWrongSecretKey
			}
			return nil
		}
		check, err := s.seal(keyCheckPlain, keyCheckKey)
		if err != nil {
			return err
		}
		return meta.Put(keyCheckKey, check)
	})
	if err == nil {
		db.sealer = s
	}
	return err
}

// HasSecretKeyCheck reports whether personal data was ever encrypted in
// this database, so that a start without a key file can refuse instead of
// silently making a new key that opens nothing.
func (db *DB) HasSecretKeyCheck() (bool, error) {
	var found bool
	err := db.kv.view(context.Background(), func(tx kvTx) error {
		found = tx.Bucket(bMeta).Get(keyCheckKey) != nil
		return nil
	})
	return found, err
}

var errNoSecretKey = errors.New("storage: no secret key: orders need one (UseSecretKey)")
