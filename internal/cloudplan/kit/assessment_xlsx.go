package kit

import (
	"bytes"
	"io"

	"github.com/xuri/excelize/v2"
)

const (
	assessmentSheet = "Scheda di assessment"
	licencesSheet   = "Licenze"
	// The template truncates the sheet name at Excel's 31-character limit.
	representativesSheet = "Rappresentanti delle aree impat"
	subSheetFirstRow     = 3
)

var (
	licenceHeaders        = []string{"NOME", "IMPORTO ANNUO", "SCADENZA"}
	representativeHeaders = []string{"NOME", "COGNOME", "RUOLO", "MODALITÀ"}
)

// ReadAssessmentXLSX reads one filled assessment sheet with its two
// sub-sheets.
func ReadAssessmentXLSX(r io.Reader) (Assessment, error) {
	var a Assessment
	f, err := excelize.OpenReader(r)
	if err != nil {
		return a, Errors{{Sheet: assessmentSheet, Cell: "-", Msg: "file xlsx non leggibile: " + err.Error()}}
	}
	defer f.Close()
	for _, s := range []string{assessmentSheet, licencesSheet, representativesSheet} {
		if err := requireSheet(f, s); err != nil {
			return a, err
		}
	}
	var es Errors
	for _, fd := range assessmentFields {
		checkHeader(f, assessmentSheet, cellName(2, fd.row), fd.label, &es)
	}
	for i, h := range licenceHeaders {
		checkHeader(f, licencesSheet, cellName(i+1, 2), h, &es)
	}
	for i, h := range representativeHeaders {
		checkHeader(f, representativesSheet, cellName(i+1, 2), h, &es)
	}
	if len(es) > 0 {
		return a, es
	}
	for _, fd := range assessmentFields {
		ref := cellName(3, fd.row)
		v := cell(f, assessmentSheet, ref)
		if ph, ok := assessmentPlaceholders[fd.row]; ok && v == ph {
			v = ""
		}
		fd.store(&a, v, assessmentSheet, ref, &es)
	}
	if a.Name == "" {
		es = append(es, CellError{Sheet: assessmentSheet, Cell: "C4", Msg: "il nome dell'applicativo è obbligatorio"})
	}
	rows, _ := f.GetRows(licencesSheet, excelize.Options{RawCellValue: true})
	for i := subSheetFirstRow - 1; i < len(rows); i++ {
		if l, ok := licenceFromCells(rows[i], licencesSheet, i+1, &es); ok {
			a.Licences = append(a.Licences, l)
		}
	}
	rows, _ = f.GetRows(representativesSheet, excelize.Options{RawCellValue: true})
	for i := subSheetFirstRow - 1; i < len(rows); i++ {
		if p, ok := representativeFromCells(rows[i], representativesSheet, i+1, &es); ok {
			a.Representatives = append(a.Representatives, p)
		}
	}
	return a, es.err()
}

func pad(vals []string, n int) []string {
	out := make([]string, n)
	for i := range out {
		if i < len(vals) {
			out[i] = trimCell(vals[i])
		}
	}
	return out
}

func allEmpty(vals []string) bool {
	for _, v := range vals {
		if v != "" {
			return false
		}
	}
	return true
}

func licenceFromCells(vals []string, sheet string, row int, es *Errors) (Licence, bool) {
	v := pad(vals, 3)
	if allEmpty(v) {
		return Licence{}, false
	}
	l := Licence{Name: v[0]}
	if l.Name == "" {
		*es = append(*es, CellError{Sheet: sheet, Cell: cellName(1, row), Msg: "il nome della licenza è obbligatorio"})
	}
	if v[1] != "" {
		if c, err := ParseEuroCents(v[1]); err != nil {
			*es = append(*es, CellError{Sheet: sheet, Cell: cellName(2, row), Value: v[1], Msg: err.Error()})
		} else {
			l.AnnualCents = &c
		}
	}
	if v[2] != "" {
		if d, err := parseDate(v[2]); err != nil {
			*es = append(*es, CellError{Sheet: sheet, Cell: cellName(3, row), Value: v[2], Msg: err.Error()})
		} else {
			l.Expiry = d
		}
	}
	return l, true
}

func representativeFromCells(vals []string, sheet string, row int, es *Errors) (Representative, bool) {
	v := pad(vals, 4)
	if allEmpty(v) {
		return Representative{}, false
	}
	p := Representative{Name: v[0], Surname: v[1], Role: v[2]}
	mode, ok := oneOf(v[3], InvolvementModes)
	if !ok {
		*es = append(*es, CellError{Sheet: sheet, Cell: cellName(4, row), Value: v[3], Expected: InvolvementModes})
	}
	p.Mode = mode
	return p, true
}

// WriteAssessmentXLSX fills a copy of the kit's assessment template.
func WriteAssessmentXLSX(w io.Writer, a Assessment) error {
	f, err := openTemplate(assessmentTemplate)
	if err != nil {
		return err
	}
	defer f.Close()
	for _, fd := range assessmentFields {
		v := fd.render(&a)
		if fd.row == 46 && v == "" {
			continue // keep the template's link to the catalogue
		}
		if err := f.SetCellStr(assessmentSheet, cellName(3, fd.row), v); err != nil {
			return err
		}
	}
	for i, l := range a.Licences {
		row := subSheetFirstRow + i
		amount := ""
		if l.AnnualCents != nil {
			amount = formatEuro(*l.AnnualCents)
		}
		for j, v := range []string{l.Name, amount, l.Expiry} {
			if err := f.SetCellStr(licencesSheet, cellName(j+1, row), v); err != nil {
				return err
			}
		}
	}
	for i, p := range a.Representatives {
		row := subSheetFirstRow + i
		for j, v := range []string{p.Name, p.Surname, p.Role, p.Mode} {
			if err := f.SetCellStr(representativesSheet, cellName(j+1, row), v); err != nil {
				return err
			}
		}
	}
	_ = f.SetDocProps(&excelize.DocProperties{Description: derivedNote})
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return err
	}
	_, err = w.Write(buf.Bytes())
	return err
}
