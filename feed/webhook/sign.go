package webhook

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
)

// SecretPrefix starts every signing secret (Standard Webhooks v1).
const SecretPrefix = "whsec_"

// NewSecret returns a signing secret of 256 random bits: "whsec_" and
// the base64 of the key, the form Standard Webhooks libraries take.
func NewSecret() (string, error) {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return "", err
	}
	return SecretPrefix + base64.StdEncoding.EncodeToString(key), nil
}

// Signature returns the webhook-signature header value for one message:
// "v1," and the base64 of HMAC-SHA256, keyed with the secret's decoded
// bytes, over "msgID.timestamp.body" (timestamp in Unix seconds).
func Signature(secret, msgID string, timestamp int64, body []byte) (string, error) {
	key, err := base64.StdEncoding.DecodeString(secret[len(SecretPrefix):])
	if err != nil {
		return "", err
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(msgID))
	mac.Write([]byte{'.'})
	mac.Write([]byte(strconv.FormatInt(timestamp, 10)))
	mac.Write([]byte{'.'})
	mac.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil)), nil
}
