package config

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
)

const (
	secretFile = "secret"
	minSecret  = 32
)

// Key derives the key for one purpose ("notify.pseudonym") from the
// installation secret: HMAC-SHA256(secret, "arengo/"+purpose), so a key
// leaked or published for one use says nothing about the others. The same
// secret always gives the same key: pseudonyms stay stable across restarts.
func (c *Config) Key(purpose string) ([]byte, error) {
	secret, err := c.secret()
	if err != nil {
		return nil, err
	}
	h := hmac.New(sha256.New, []byte(secret))
	h.Write([]byte("arengo/" + purpose))
	return h.Sum(nil), nil
}

// secret is ARENGO_SECRET or, when that is empty, the file in the data
// directory, written with 32 random bytes on first use. Processes that share
// a database but not a data directory must share ARENGO_SECRET instead.
func (c *Config) secret() (string, error) {
	if c.Secret != "" {
		return c.Secret, nil
	}
	path := c.Path(secretFile)
	if b, err := os.ReadFile(path); err == nil {
		return checkSecret(path, b)
	} else if !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("installation secret: %w", err)
	}
	if err := os.MkdirAll(c.DataDir, 0o700); err != nil {
		return "", fmt.Errorf("installation secret: %w", err)
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	// Written aside and linked into place: two processes starting together
	// never read a half-written file, and the second keeps the first's.
	tmp, err := os.CreateTemp(c.DataDir, secretFile+".*")
	if err != nil {
		return "", fmt.Errorf("installation secret: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.WriteString(hex.EncodeToString(raw) + "\n")
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o600)
	}
	if err == nil {
		if err = os.Link(tmp.Name(), path); errors.Is(err, os.ErrExist) {
			err = nil
		}
	}
	if err != nil {
		return "", fmt.Errorf("installation secret: %w", err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("installation secret: %w", err)
	}
	return checkSecret(path, b)
}

func checkSecret(path string, b []byte) (string, error) {
	s := strings.TrimSpace(string(b))
	if len(s) < minSecret {
		return "", fmt.Errorf("installation secret %s: shorter than %d characters", path, minSecret)
	}
	return s, nil
}
