package catalog

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"

	"golang.org/x/crypto/argon2"
)

// Argon2id parameters: OWASP's minimum recommendation (19 MiB, 2 passes).
// Each hash costs about 20-30 ms on one core here, which makes guessing
// slow without making sign-up a bottleneck; hashing runs under a semaphore
// (see Service) so a flood of sign-ins cannot exhaust memory.
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
	saltLen      = 16
)

// hashPassword returns salt||key for password.
func hashPassword(password string) ([]byte, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return nil, fmt.Errorf("reading salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return append(salt, key...), nil
}

// checkPassword reports whether password matches a hash made by
// hashPassword, in constant time.
func checkPassword(hash []byte, password string) bool {
	if len(hash) != saltLen+argonKeyLen {
		return false
	}
	key := argon2.IDKey([]byte(password), hash[:saltLen], argonTime, argonMemory, argonThreads, argonKeyLen)
	return subtle.ConstantTimeCompare(key, hash[saltLen:]) == 1
}

// NewToken returns a random URL-safe token of 256 bits.
func NewToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("reading random token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// HashToken returns the form in which tokens are stored: a SHA-256 is
// enough because tokens carry 256 random bits and cannot be guessed.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
