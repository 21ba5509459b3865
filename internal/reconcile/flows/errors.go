package flows

import "fmt"

// ParseError names where a file went wrong so an operator can open it and look.
type ParseError struct {
	Format string // "FdR XML", "OPI", …
	Line   int    // 1-based; 0 when the format has no lines (then Offset is set)
	Offset int64  // byte offset, for JSON
	Field  string // element, column or key
	Msg    string
}

func (e *ParseError) Error() string {
	where := ""
	switch {
	case e.Line > 0:
		where = fmt.Sprintf("riga %d", e.Line)
	default:
		where = fmt.Sprintf("byte %d", e.Offset)
	}
	if e.Field != "" {
		where += ", campo " + e.Field
	}
	return fmt.Sprintf("%s: %s: %s", e.Format, where, e.Msg)
}

// Problem is something wrong with a file that does not stop its import, such as
// declared totals that do not match the rows: stored and shown, never ignored.
type Problem struct {
	Code string `json:"code"` // TOTALE_IMPORTI, TOTALE_PAGAMENTI, ESITO_SCONOSCIUTO, …
	Msg  string `json:"msg"`
}
