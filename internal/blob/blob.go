// Package blob stores attachments: a local directory by default, or an
// S3-compatible bucket owned by the comune.
package blob

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
)

// Info describes a stored object.
type Info struct {
	Key         string
	Size        int64
	ContentType string
}

// Store is implemented by the local and the S3 backends.
type Store interface {
	Put(ctx context.Context, key string, r io.Reader, contentType string) (Info, error)
	Get(ctx context.Context, key string) (io.ReadCloser, Info, error)
	Delete(ctx context.Context, key string) error
	// List calls fn for every object under prefix, in key order.
	List(ctx context.Context, prefix string, fn func(Info) error) error
}

// ErrNotFound is returned by Get for a missing key.
var ErrNotFound = errors.New("blob not found")

// RejectedError is an upload refused for its size or type; its message is
// meant for the person who uploaded it.
type RejectedError struct{ Message string }

func (e *RejectedError) Error() string { return e.Message }

// Sniff reads the upload (at most max bytes), detects its content type from
// the bytes rather than trusting the client, and refuses it unless the type
// is one of allowed.
func Sniff(r io.Reader, max int64, allowed ...string) ([]byte, string, error) {
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, "", err
	}
	if int64(len(data)) > max {
		return nil, "", &RejectedError{fmt.Sprintf("il file supera la dimensione massima di %s", humanBytes(max))}
	}
	if len(data) == 0 {
		return nil, "", &RejectedError{"il file è vuoto"}
	}
	ct := http.DetectContentType(data)
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	if bytes.HasPrefix(data, []byte("%PDF-")) {
		ct = "application/pdf"
	}
	if len(allowed) > 0 && !slices.Contains(allowed, ct) {
		return nil, "", &RejectedError{fmt.Sprintf("tipo di file non ammesso (%s): sono accettati %s", ct, strings.Join(allowed, ", "))}
	}
	return data, ct, nil
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d byte", n)
}

func validKey(key string) error {
	if key == "" || strings.HasPrefix(key, "/") || strings.Contains(key, "..") || strings.Contains(key, "\\") {
		return fmt.Errorf("blob key %q is not a clean relative path", key)
	}
	return nil
}
