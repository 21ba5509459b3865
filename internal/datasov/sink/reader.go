package sink

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
)

// ReadFeed reads every event an NDJSON sink delivered to d, in the order written, each event once:
// it checks every file against the manifest's size and SHA-256 before reading it, and skips an event
// whose id was already seen (the copies a crash can leave). The set of seen ids grows with the feed.
func ReadFeed(ctx context.Context, d Destination, fn func(Event) error) error {
	mr, err := d.Get(ctx, manifestName)
	if err != nil {
		return err
	}
	entries, err := ReadManifest(mr)
	mr.Close()
	if err != nil {
		return err
	}
	seen := make(map[string]struct{})
	for _, entry := range entries {
		if err := verifyFile(ctx, d, entry); err != nil {
			return err
		}
		if err := readFile(ctx, d, entry.File, seen, fn); err != nil {
			return err
		}
	}
	return nil
}

func verifyFile(ctx context.Context, d Destination, entry ManifestEntry) error {
	r, err := d.Get(ctx, entry.File)
	if err != nil {
		return err
	}
	defer r.Close()
	h := sha256.New()
	n, err := io.Copy(h, r)
	if err != nil {
		return fmt.Errorf("%s: %w", entry.File, err)
	}
	if n != entry.Bytes {
		return fmt.Errorf("%s: %d byte invece dei %d del manifest", entry.File, n, entry.Bytes)
	}
	if sum := hex.EncodeToString(h.Sum(nil)); sum != entry.SHA256 {
		return fmt.Errorf("%s: SHA-256 %s diverso da quello del manifest %s", entry.File, sum, entry.SHA256)
	}
	return nil
}

func readFile(ctx context.Context, d Destination, name string, seen map[string]struct{}, fn func(Event) error) error {
	r, err := d.Get(ctx, name)
	if err != nil {
		return err
	}
	defer r.Close()
	br := bufio.NewReaderSize(r, 1<<16)
	for n := 1; ; n++ {
		b, err := br.ReadBytes('\n')
		if errors.Is(err, io.EOF) && len(b) == 0 {
			return nil
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("%s: %w", name, err)
		}
		e, err := Unmarshal(b)
		if err != nil {
			return fmt.Errorf("%s riga %d: %w", name, n, err)
		}
		if _, dup := seen[e.ID]; dup {
			continue
		}
		seen[e.ID] = struct{}{}
		if err := fn(e); err != nil {
			return err
		}
	}
}
