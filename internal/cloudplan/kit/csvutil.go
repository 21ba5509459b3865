package kit

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"io"
	"strconv"
	"strings"
)

func itoa(n int) string { return strconv.Itoa(n) }

// newCSVReader accepts what spreadsheets and hypervisor consoles export: a
// UTF-8 BOM, and ',' or ';' as separator (Italian Excel uses ';'), guessed
// from the header line.
func newCSVReader(r io.Reader) (*csv.Reader, error) {
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte{0xEF, 0xBB, 0xBF}) {
		_, _ = br.Discard(3)
	}
	head, _ := br.Peek(4096)
	line := string(head)
	if i := strings.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	cr := csv.NewReader(br)
	if strings.Count(line, ";") > strings.Count(line, ",") {
		cr.Comma = ';'
	} else if strings.Count(line, "\t") > strings.Count(line, ",") {
		cr.Comma = '\t'
	}
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	return cr, nil
}

// readCSV returns all records or a CellError naming the broken line.
func readCSV(r io.Reader, sheet string) ([][]string, error) {
	cr, err := newCSVReader(r)
	if err != nil {
		return nil, err
	}
	recs, err := cr.ReadAll()
	if err != nil {
		line := 0
		if pe, ok := err.(*csv.ParseError); ok {
			line = pe.Line
		}
		return nil, Errors{{Sheet: sheet, Cell: "A" + itoa(line), Msg: "CSV non valido: " + err.Error()}}
	}
	if len(recs) == 0 {
		return nil, Errors{{Sheet: sheet, Cell: "A1", Msg: "file vuoto: manca la riga di intestazione"}}
	}
	return recs, nil
}

// columnIndex maps each wanted header to its column, tolerant of case and
// spacing; a missing required header is an error at row 1.
func columnIndex(header []string, want []string, sheet string) (map[string]int, Errors) {
	wanted := make(map[string]string, len(want))
	for _, w := range want {
		wanted[normKey(w)] = w
	}
	idx := map[string]int{}
	for i, h := range header {
		if w, ok := wanted[normKey(h)]; ok {
			if _, dup := idx[w]; !dup {
				idx[w] = i
			}
		}
	}
	var es Errors
	for _, w := range want {
		if _, ok := idx[w]; !ok {
			es = append(es, CellError{Sheet: sheet, Cell: cellName(len(header)+1, 1), Expected: []string{w}, Msg: "colonna mancante nell'intestazione"})
		}
	}
	return idx, es
}

func get(rec []string, i int) string {
	if i < 0 || i >= len(rec) {
		return ""
	}
	return strings.TrimSpace(rec[i])
}

func writeCSV(w io.Writer, recs [][]string) error {
	cw := csv.NewWriter(w)
	if err := cw.WriteAll(recs); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}
