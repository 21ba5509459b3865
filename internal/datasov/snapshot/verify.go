package snapshot

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Verify checks every file of the export against the manifest before anything is loaded: sizes,
// SHA-256, row counts and that each row is one whole JSON object. Errors name the file and the line.
func Verify(dir string, m Manifest) error {
	for _, t := range m.Tables {
		sum, _, err := sha256File(filepath.Join(dir, t.Schema))
		if err != nil {
			return fmt.Errorf("%s: %w", t.Schema, err)
		}
		if sum != t.SchemaSHA256 {
			return fmt.Errorf("%s: SHA-256 diverso da quello del manifest: il file è stato alterato", t.Schema)
		}
		if err := verifyTable(dir, t); err != nil {
			return err
		}
	}
	for _, b := range m.Blobs {
		sum, n, err := sha256File(filepath.Join(dir, b.File))
		if err != nil {
			return fmt.Errorf("%s: %w", b.File, err)
		}
		if n != b.Bytes {
			return fmt.Errorf("%s: %d byte invece dei %d del manifest: file troncato o alterato", b.File, n, b.Bytes)
		}
		if sum != b.SHA256 {
			return fmt.Errorf("%s: SHA-256 diverso da quello del manifest: il file è stato alterato", b.File)
		}
	}
	return nil
}

func verifyTable(dir string, t TableEntry) error {
	f, err := os.Open(filepath.Join(dir, t.File))
	if err != nil {
		return fmt.Errorf("%s: %w", t.File, err)
	}
	defer f.Close()
	h := sha256.New()
	cw := &countWriter{w: h}
	r := bufio.NewReaderSize(io.TeeReader(f, cw), 1<<20)
	var line int64
	for {
		b, err := r.ReadSlice('\n')
		for err == bufio.ErrBufferFull { // a row longer than the buffer
			var more []byte
			more, err = r.ReadSlice('\n')
			b = append(append([]byte(nil), b...), more...)
		}
		if err == io.EOF {
			if len(b) > 0 {
				return fmt.Errorf("%s riga %d: riga troncata (manca il fine riga): file incompleto", t.File, line+1)
			}
			break
		}
		if err != nil {
			return fmt.Errorf("%s riga %d: %w", t.File, line+1, err)
		}
		line++
		if len(b) < 2 || b[0] != '{' || !json.Valid(b) {
			return fmt.Errorf("%s riga %d: non è un oggetto JSON valido: file danneggiato", t.File, line)
		}
	}
	if line < t.Rows {
		return fmt.Errorf("%s: %d righe invece delle %d del manifest: file troncato dopo la riga %d", t.File, line, t.Rows, line)
	}
	if line > t.Rows {
		return fmt.Errorf("%s riga %d: righe in più rispetto alle %d del manifest", t.File, t.Rows+1, t.Rows)
	}
	if cw.n != t.Bytes {
		return fmt.Errorf("%s: %d byte invece dei %d del manifest: file alterato", t.File, cw.n, t.Bytes)
	}
	if sum := hex.EncodeToString(h.Sum(nil)); sum != t.SHA256 {
		return fmt.Errorf("%s: SHA-256 diverso da quello del manifest: il file è stato alterato", t.File)
	}
	return nil
}
