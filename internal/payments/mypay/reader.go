package mypay

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// MaxLineBytes bounds one line; a longer line fails the whole file because the
// reader could not tell where the next row starts.
const MaxLineBytes = 1 << 20

// Reader yields the rows of an import CSV one at a time.
type Reader struct {
	version Version
	sc      *bufio.Scanner
	line    int
	seenIUD map[string]int // IUD → first line; 100,000 short strings at most
}

// NewReader reads a CSV of the given version. The first line is the header and is
// skipped: MyPay's layout is positional.
func NewReader(r io.Reader, v Version) (*Reader, error) {
	if _, ok := columns[v]; !ok {
		return nil, fmt.Errorf("PAA_IMPORT_FILE_VERSIONE_ERR: versione %q sconosciuta", v)
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), MaxLineBytes)
	return &Reader{version: v, sc: sc, seenIUD: map[string]int{}}, nil
}

// Next returns the next non-blank data row, validated, or io.EOF. A row with
// problems is returned like any other: the caller rejects it and goes on.
func (r *Reader) Next() (*Row, error) {
	for r.sc.Scan() {
		r.line++
		raw := r.sc.Bytes()
		if r.line == 1 {
			continue // header
		}
		raw = bytes.TrimRight(raw, "\r")
		if len(bytes.TrimSpace(raw)) == 0 {
			continue
		}
		return r.parse(string(raw)), nil
	}
	if err := r.sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("PAA_IMPORT_ERROR: riga %d più lunga di %d byte", r.line+1, MaxLineBytes)
		}
		return nil, err
	}
	return nil, io.EOF
}

func (r *Reader) parse(line string) *Row {
	row := &Row{Line: r.line}
	if !utf8.ValidString(line) {
		row.Problems = append(row.Problems, Problem{"PAA_IMPORT_SINTASSI_CSV", "la riga non è testo UTF-8 valido"})
		return row
	}
	fields, ok := splitFields(line)
	row.Fields = fields
	if !ok {
		row.Problems = append(row.Problems, Problem{"PAA_IMPORT_SINTASSI_CSV", "virgolette non chiuse"})
		return row
	}
	want := columns[r.version]
	switch {
	case len(fields) > want:
		row.Problems = append(row.Problems, Problem{"PAA_IMPORT_SINTASSI_CSV", fmt.Sprintf("Too many columns: %d colonne, la versione %s ne prevede %d", len(fields), r.version, want)})
		return row
	case len(fields) < want:
		row.Problems = append(row.Problems, Problem{"PAA_IMPORT_SINTASSI_CSV", fmt.Sprintf("mancano colonne: %d colonne, la versione %s ne prevede %d", len(fields), r.version, want)})
		return row
	}
	row.Dovuto, row.Problems = validate(fields, r.version)
	if iud := row.Dovuto.IUD; iud != "" {
		if first, dup := r.seenIUD[iud]; dup {
			row.Problems = append(row.Problems, Problem{"PAA_IMPORT_IUD_DUPLICATO", fmt.Sprintf("IUD %s già presente alla riga %d del file", iud, first)})
		} else {
			r.seenIUD[strings.Clone(iud)] = r.line // not a substring: it would keep the whole line
		}
	}
	return row
}

// splitFields splits on ";" outside double quotes, then strips the quotes
// ("" inside a quoted field stands for one quote). ok is false on an open quote.
func splitFields(line string) (fields []string, ok bool) {
	if strings.IndexByte(line, '"') < 0 {
		// No quotes (nearly every row): the fields are substrings of the line.
		fields = make([]string, 0, strings.Count(line, ";")+1)
		for {
			i := strings.IndexByte(line, ';')
			if i < 0 {
				return append(fields, line), true
			}
			fields = append(fields, line[:i])
			line = line[i+1:]
		}
	}
	var cur strings.Builder
	inQuotes := false
	flush := func() {
		fields = append(fields, cur.String())
		cur.Reset()
	}
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == '"':
			inQuotes = !inQuotes
			if !inQuotes && i+1 < len(line) && line[i+1] == '"' {
				cur.WriteByte('"')
				i++
				inQuotes = true
			}
		case c == ';' && !inQuotes:
			flush()
		default:
			cur.WriteByte(c)
		}
	}
	flush()
	return fields, !inQuotes
}
