package flows

import (
	"bufio"
	"encoding/csv"
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/arengo-pa/arengo/internal/money"
)

// gdcColumns is MyPivot's giornale di cassa CSV layout (flow type C).
var gdcColumns = []string{"de_anno_bolletta", "cod_bolletta", "dt_contabile", "de_denominazione", "de_causale", "num_importo", "dt_valuta"}

// ReadGdCCSV streams the CSV giornale di cassa (`;`, header line). The file
// lists income credits; a row with a negative amount reverses the bill with the
// same year and code, and is reported as a STORNATO movement for that bill.
func ReadGdCCSV(r io.Reader, mov func(Movement) error) (JournalSummary, error) {
	const format = "giornale di cassa CSV"
	cr := csv.NewReader(bufio.NewReaderSize(r, 64<<10))
	cr.Comma = ';'
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	var s JournalSummary
	header, err := cr.Read()
	if err != nil {
		return s, csvErr(format, cr, "", err)
	}
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff")
	}
	for i, c := range gdcColumns {
		if i >= len(header) || !strings.EqualFold(strings.TrimSpace(header[i]), c) {
			return s, &ParseError{Format: format, Line: 1, Field: c, Msg: "intestazione attesa: " + strings.Join(gdcColumns, ";")}
		}
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return s, nil
		}
		if err != nil {
			return s, csvErr(format, cr, "", err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if len(rec) != len(gdcColumns) {
			return s, &ParseError{Format: format, Line: line, Msg: "attese " + strconv.Itoa(len(gdcColumns)) + " colonne, trovate " + strconv.Itoa(len(rec))}
		}
		m, field, err := gdcRow(rec)
		if err != nil {
			return s, &ParseError{Format: format, Line: line, Field: field, Msg: err.Error()}
		}
		m.Line = line
		s.Year = m.Year
		s.Read++
		if err := mov(m); err != nil {
			return s, err
		}
	}
}

func gdcRow(rec []string) (Movement, string, error) {
	m := Movement{Source: "csv", Op: "ESEGUITO"}
	var err error
	for i := range rec {
		rec[i] = strings.TrimSpace(rec[i])
	}
	if m.Year, err = strconv.Atoi(rec[0]); err != nil || m.Year < 1999 || m.Year > 2099 {
		return m, gdcColumns[0], errString("anno non valido: " + strconv.Quote(rec[0]))
	}
	if rec[1] == "" {
		return m, gdcColumns[1], errString("codice bolletta mancante")
	}
	m.Bill = rec[1]
	m.Sospeso = rec[1] // the journal's only reference for the credit
	if m.Date, err = parseDate(rec[2]); err != nil {
		return m, gdcColumns[2], err
	}
	m.Payer, m.Causale = rec[3], rec[4]
	if m.AmountCents, err = money.ParseCents(rec[5], false); err != nil || m.AmountCents == 0 {
		return m, gdcColumns[5], errString("importo non valido: " + strconv.Quote(rec[5]))
	}
	if m.AmountCents < 0 {
		m.Op, m.AmountCents = "STORNATO", -m.AmountCents
	}
	m.ValueDate = m.Date
	if rec[6] != "" {
		if m.ValueDate, err = parseDate(rec[6]); err != nil {
			return m, gdcColumns[6], err
		}
	}
	m.Key = rec[0] + "/" + rec[1]
	return m, "", nil
}

func csvErr(format string, cr *csv.Reader, field string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &ParseError{Format: format, Line: pe.Line, Field: field, Msg: "CSV non valido: " + pe.Err.Error()}
	}
	if err == io.EOF {
		return &ParseError{Format: format, Line: 1, Field: field, Msg: "file vuoto"}
	}
	line, _ := cr.FieldPos(0)
	return &ParseError{Format: format, Line: line, Field: field, Msg: err.Error()}
}
