package reconcile

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/arengo-pa/arengo/internal/kernel"
	"github.com/arengo-pa/arengo/internal/reconcile/ledger"
)

// Start watches the inbox folder (ARENGO_RECONCILE_INBOX) when one is set:
// files dropped there are imported, then moved to "caricati" or, with the
// reason in a .errore.txt beside them, to "scartati".
func (m *Module) Start(ctx context.Context, d *kernel.Deps) error {
	dir := d.Config.Env(EnvInbox)
	if dir == "" {
		return nil
	}
	every := 30 * time.Second
	if v, err := time.ParseDuration(d.Config.Env(EnvInbox + "_POLL")); err == nil && v > 0 {
		every = v
	}
	for _, sub := range []string{"caricati", "scartati"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o750); err != nil {
			return err
		}
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if err := m.scanInbox(ctx, dir); err != nil && !errors.Is(err, context.Canceled) {
			d.Log.Error("reconcile: inbox", "dir", dir, "err", err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// settle is how long a file must stay unchanged before it is taken: a copy
// still in progress must not be imported half-written.
const settle = 2 * time.Second

func (m *Module) scanInbox(ctx context.Context, dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
	loaded := 0
	for _, e := range entries {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		// Hidden and ".tmp" names are files still being written: writers
		// (the pagoPA simulator among them) rename them when complete, and
		// one left behind by a crash must not be taken once it is old.
		info, err := e.Info()
		if err != nil || !info.Mode().IsRegular() || e.Name()[0] == '.' || strings.HasSuffix(e.Name(), ".tmp") ||
			time.Since(info.ModTime()) < settle {
			continue
		}
		path := filepath.Join(dir, e.Name())
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		_, err = m.ledger.Import(ctx, e.Name(), f, ledger.ImportOptions{Source: "inbox", Actor: "cartella " + dir})
		f.Close()
		dest := "caricati"
		var dup *ledger.DuplicateError
		var inv *ledger.InvalidError
		switch {
		case err == nil:
			loaded++
		case errors.As(err, &dup), errors.As(err, &inv):
			dest = "scartati"
			if werr := os.WriteFile(filepath.Join(dir, dest, e.Name()+".errore.txt"), []byte(err.Error()+"\n"), 0o640); werr != nil {
				return werr
			}
		default:
			return err // the database or the archive failed: leave the file and retry later
		}
		if err := os.Rename(path, filepath.Join(dir, dest, e.Name())); err != nil {
			return err
		}
		m.deps.Log.Info("reconcile: inbox file", "file", e.Name(), "result", dest)
	}
	if loaded > 0 {
		_, err = m.ledger.Reclassify(ctx, nil)
	}
	return err
}
