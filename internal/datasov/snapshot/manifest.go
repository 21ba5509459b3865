package snapshot

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// Format and FormatVersion identify the export format in the manifest.
const (
	Format        = "arengo-export"
	FormatVersion = 1
	ManifestFile  = "manifest.json"
)

// Manifest is manifest.json: written last, so an export without it is incomplete.
type Manifest struct {
	Format        string           `json:"format"`
	FormatVersion int              `json:"format_version"`
	CreatedAt     time.Time        `json:"created_at"`
	SourceEngine  string           `json:"source_engine"`
	Migrations    map[string]int64 `json:"migrations"` // module → schema version
	Tables        []TableEntry     `json:"tables"`
	Blobs         []BlobEntry      `json:"blobs"`
}

// TableEntry describes one table's data and schema files.
type TableEntry struct {
	Name         string   `json:"name"`
	File         string   `json:"file"`
	Rows         int64    `json:"rows"`
	Bytes        int64    `json:"bytes"`
	SHA256       string   `json:"sha256"`
	Schema       string   `json:"schema"`
	SchemaSHA256 string   `json:"schema_sha256"`
	PrimaryKey   []string `json:"primary_key"`
}

// BlobEntry describes one attachment copied under blobs/.
type BlobEntry struct {
	Key         string `json:"key"`
	File        string `json:"file"`
	Bytes       int64  `json:"bytes"`
	SHA256      string `json:"sha256"`
	ContentType string `json:"content_type"`
}

// Rows is the total number of rows in the export.
func (m Manifest) Rows() int64 {
	var n int64
	for _, t := range m.Tables {
		n += t.Rows
	}
	return n
}

// ReadManifest reads and checks DIR/manifest.json.
func ReadManifest(dir string) (Manifest, error) {
	raw, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil {
		return Manifest{}, fmt.Errorf("%s: %w (esportazione incompleta?)", ManifestFile, err)
	}
	return parseManifest(raw)
}

func parseManifest(raw []byte) (Manifest, error) {
	var m Manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		return m, fmt.Errorf("%s: %w", ManifestFile, err)
	}
	if m.Format != Format || m.FormatVersion != FormatVersion {
		return m, fmt.Errorf("%s: formato %q versione %d non supportato (atteso %s %d)", ManifestFile, m.Format, m.FormatVersion, Format, FormatVersion)
	}
	seen := map[string]bool{}
	for i, t := range m.Tables {
		if t.Name == "" || !cleanRel(t.File) || !cleanRel(t.Schema) || len(t.SHA256) != 64 || t.Rows < 0 {
			return m, fmt.Errorf("%s: tabella %d (%q) descritta in modo incompleto", ManifestFile, i+1, t.Name)
		}
		if seen[t.Name] {
			return m, fmt.Errorf("%s: tabella %s ripetuta", ManifestFile, t.Name)
		}
		seen[t.Name] = true
	}
	for i, b := range m.Blobs {
		if !cleanRel(b.File) || len(b.SHA256) != 64 {
			return m, fmt.Errorf("%s: allegato %d (%q) descritto in modo incompleto", ManifestFile, i+1, b.Key)
		}
	}
	return m, nil
}

// cleanRel refuses paths that would leave the export directory.
func cleanRel(p string) bool {
	return p != "" && filepath.IsLocal(p) && filepath.Clean(p) == p
}

func writeJSON(path string, v any) ([]byte, error) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, err
	}
	b = append(b, '\n')
	return b, os.WriteFile(path, b, 0o640)
}
