package sink

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"
)

// ManifestEntry describes one closed feed file. The manifest is an NDJSON file, one entry per line,
// in the order the files were closed.
type ManifestEntry struct {
	File     string    `json:"file"`
	SHA256   string    `json:"sha256"`
	Bytes    int64     `json:"bytes"`
	Events   int       `json:"events"`
	FirstID  string    `json:"first_id"`
	LastID   string    `json:"last_id"`
	ClosedAt time.Time `json:"closed_at"`
}

func marshalEntry(e ManifestEntry) ([]byte, error) { return json.Marshal(e) }

// ReadManifest parses a feed manifest.
func ReadManifest(r io.Reader) ([]ManifestEntry, error) {
	var entries []ManifestEntry
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		var e ManifestEntry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			return nil, fmt.Errorf("%s riga %d: %w", manifestName, n, err)
		}
		if e.File == "" || len(e.SHA256) != 64 {
			return nil, fmt.Errorf("%s riga %d: voce incompleta", manifestName, n)
		}
		entries = append(entries, e)
	}
	return entries, sc.Err()
}

// describeFile computes a closed file's manifest entry (all but ClosedAt).
func describeFile(path, name string) (ManifestEntry, error) {
	f, err := os.Open(path)
	if err != nil {
		return ManifestEntry{}, err
	}
	defer f.Close()
	entry := ManifestEntry{File: name}
	h := sha256.New()
	r := bufio.NewReaderSize(io.TeeReader(f, h), 1<<16)
	for {
		b, err := r.ReadBytes('\n')
		entry.Bytes += int64(len(b))
		if errors.Is(err, io.EOF) {
			if len(b) > 0 {
				return ManifestEntry{}, fmt.Errorf("%s: ultima riga incompleta", name)
			}
			break
		}
		if err != nil {
			return ManifestEntry{}, err
		}
		e, err := Unmarshal(b)
		if err != nil {
			return ManifestEntry{}, fmt.Errorf("%s riga %d: %w", name, entry.Events+1, err)
		}
		if entry.FirstID == "" {
			entry.FirstID = e.ID
		}
		entry.LastID = e.ID
		entry.Events++
	}
	entry.SHA256 = hex.EncodeToString(h.Sum(nil))
	return entry, nil
}
