package blob

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"mime"
	"os"
	"path/filepath"
	"strings"
)

// Local keeps objects as files under a directory; the content type is kept in
// a sidecar file so it survives restarts.
type Local struct{ dir string }

// NewLocal returns a store rooted at dir, creating it.
func NewLocal(dir string) (*Local, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, err
	}
	return &Local{dir: dir}, nil
}

const typeSuffix = ".content-type"

// Put writes the object atomically (temp file + rename), so a crash never
// leaves half a file under the key.
func (l *Local) Put(ctx context.Context, key string, r io.Reader, contentType string) (Info, error) {
	if err := validKey(key); err != nil {
		return Info{}, err
	}
	path := filepath.Join(l.dir, filepath.FromSlash(key))
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return Info{}, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".upload-*")
	if err != nil {
		return Info{}, err
	}
	defer os.Remove(tmp.Name())
	n, err := io.Copy(tmp, r)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return Info{}, err
	}
	if err := writeSynced(path+typeSuffix, []byte(contentType)); err != nil {
		return Info{}, err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return Info{}, err
	}
	// The rename is durable only once the directory entry is on disk: a
	// caller that records the key in the database after Put must not find
	// the file gone after a power cut.
	if err := SyncDir(filepath.Dir(path)); err != nil {
		return Info{}, err
	}
	return Info{Key: key, Size: n, ContentType: contentType}, nil
}

func writeSynced(path string, b []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o640)
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// SyncDir makes the entries created or renamed in dir durable.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// Get opens the object.
func (l *Local) Get(ctx context.Context, key string) (io.ReadCloser, Info, error) {
	if err := validKey(key); err != nil {
		return nil, Info{}, err
	}
	path := filepath.Join(l.dir, filepath.FromSlash(key))
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, Info{}, ErrNotFound
	}
	if err != nil {
		return nil, Info{}, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, Info{}, err
	}
	return f, Info{Key: key, Size: st.Size(), ContentType: l.contentType(path)}, nil
}

func (l *Local) contentType(path string) string {
	if b, err := os.ReadFile(path + typeSuffix); err == nil {
		return string(b)
	}
	if t := mime.TypeByExtension(filepath.Ext(path)); t != "" {
		return t
	}
	return "application/octet-stream"
}

// Delete removes the object; a missing key is not an error.
func (l *Local) Delete(ctx context.Context, key string) error {
	if err := validKey(key); err != nil {
		return err
	}
	path := filepath.Join(l.dir, filepath.FromSlash(key))
	os.Remove(path + typeSuffix)
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// List walks the objects under prefix in key order.
func (l *Local) List(ctx context.Context, prefix string, fn func(Info) error) error {
	return filepath.WalkDir(l.dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if d.IsDir() || strings.HasSuffix(path, typeSuffix) || strings.HasPrefix(d.Name(), ".upload-") {
			return nil
		}
		rel, _ := filepath.Rel(l.dir, path)
		key := filepath.ToSlash(rel)
		if !strings.HasPrefix(key, prefix) {
			return nil
		}
		st, err := d.Info()
		if err != nil {
			return err
		}
		return fn(Info{Key: key, Size: st.Size(), ContentType: l.contentType(path)})
	})
}
