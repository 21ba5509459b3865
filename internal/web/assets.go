package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"sync"
)

//go:embed static
var staticFS embed.FS

// assets serves embedded files under /static/<hash>/<path>. The hash in the
// URL is the file's own content hash, so a page always names the current
// version and browsers may cache it for good. Files referenced relatively
// from CSS (fonts, images) arrive under another file's hash: they are served
// too, just without the long cache.
type assets struct {
	mu     sync.RWMutex
	mounts map[string]fs.FS // prefix ("" for the kernel, "reports/") → files
	hashes map[string]string
}

func newAssets() *assets {
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		panic(err)
	}
	return &assets{mounts: map[string]fs.FS{"": sub}, hashes: map[string]string{}}
}

// Static serves a module's files under /static/<hash>/<module>/….
func (s *Server) Static(module string, fsys fs.FS) {
	s.assets.mu.Lock()
	defer s.assets.mu.Unlock()
	s.assets.mounts[module+"/"] = fsys
}

func (a *assets) open(name string) (fs.File, fs.FS, string, bool) {
	a.mu.RLock()
	defer a.mu.RUnlock()
	for prefix, fsys := range a.mounts {
		if prefix != "" && strings.HasPrefix(name, prefix) {
			f, err := fsys.Open(strings.TrimPrefix(name, prefix))
			return f, fsys, strings.TrimPrefix(name, prefix), err == nil
		}
	}
	f, err := a.mounts[""].Open(name)
	return f, a.mounts[""], name, err == nil
}

// URL returns the hashed URL of an asset; it panics on a missing file so a
// typo in a template fails the first render in tests, not in production.
func (a *assets) URL(name string) string {
	a.mu.RLock()
	h, ok := a.hashes[name]
	a.mu.RUnlock()
	if !ok {
		f, fsys, inner, found := a.open(name)
		if !found {
			panic("web: asset " + name + " does not exist")
		}
		f.Close()
		data, err := fs.ReadFile(fsys, inner)
		if err != nil {
			panic(err)
		}
		sum := sha256.Sum256(data)
		h = hex.EncodeToString(sum[:6])
		a.mu.Lock()
		a.hashes[name] = h
		a.mu.Unlock()
	}
	return "/static/" + h + "/" + name
}

func (a *assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest := strings.TrimPrefix(r.URL.Path, "/static/")
	hash, name, ok := strings.Cut(rest, "/")
	name = path.Clean(name)
	if !ok || name == "." || strings.HasPrefix(name, "..") {
		http.NotFound(w, r)
		return
	}
	f, fsys, inner, found := a.open(name)
	if !found {
		http.NotFound(w, r)
		return
	}
	st, err := f.Stat()
	f.Close()
	if err != nil || st.IsDir() {
		http.NotFound(w, r)
		return
	}
	data, err := fs.ReadFile(fsys, inner)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	sum := sha256.Sum256(data)
	if hex.EncodeToString(sum[:6]) == hash {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "public, max-age=300")
	}
	if ct := mime.TypeByExtension(path.Ext(name)); ct != "" {
		w.Header().Set("Content-Type", ct)
	}
	w.Write(data)
}
