// Package kit reads and writes the Cloud Enablement kit's spreadsheets
// (application list, assessment sheet, skills assessment), their CSV
// equivalents and a server inventory exported by a virtualisation platform.
// It knows nothing about storage: callers get plain values or a list of
// per-cell errors, never half the data.
package kit

import (
	"fmt"
	"strings"
)

// CellError names the exact place of a bad value so an operator can fix the
// file without guessing: sheet (or CSV file), A1-style cell, the value found
// and, for closed value sets, what was expected.
type CellError struct {
	Sheet    string
	Cell     string
	Value    string
	Expected []string
	Msg      string
}

func (e CellError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "foglio %q, cella %s", e.Sheet, e.Cell)
	if e.Value != "" {
		fmt.Fprintf(&b, ": valore %q", e.Value)
	}
	if e.Msg != "" {
		b.WriteString(": " + e.Msg)
	}
	if len(e.Expected) > 0 {
		b.WriteString("; valori attesi: " + strings.Join(e.Expected, ", "))
	}
	return b.String()
}

// Errors collects every bad cell of one file, so a single upload reports all
// problems at once.
type Errors []CellError

func (es Errors) Error() string {
	msgs := make([]string, len(es))
	for i, e := range es {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "\n")
}

// errs returns nil for an empty list so callers can `return x, es.err()`.
func (es Errors) err() error {
	if len(es) == 0 {
		return nil
	}
	return es
}

func cellName(col, row int) string {
	name := ""
	for c := col; c > 0; c = (c - 1) / 26 {
		name = string(rune('A'+(c-1)%26)) + name
	}
	return fmt.Sprintf("%s%d", name, row)
}
