package kit

import (
	"io"
	"strings"
)

// The CSV form of the assessment holds many applications, one per line, with
// the template's labels as headers. The two sub-sheets become two cells: one
// entry per line inside the cell, fields separated by ';'
// ("Oracle DB; 1.200,00; 31/12/2026").
const (
	csvLicencesHeader        = "Licenze"
	csvRepresentativesHeader = "Rappresentanti delle aree impattate"
)

// AssessmentCSVHeaders is the header line of the CSV form.
func AssessmentCSVHeaders() []string {
	h := make([]string, 0, len(assessmentFields)+2)
	for _, fd := range assessmentFields {
		h = append(h, fd.label)
	}
	return append(h, csvLicencesHeader, csvRepresentativesHeader)
}

// ReadAssessmentsCSV reads assessments, one application per line.
func ReadAssessmentsCSV(r io.Reader) ([]Assessment, error) {
	recs, err := readCSV(r, CSVSheet)
	if err != nil {
		return nil, err
	}
	headers := AssessmentCSVHeaders()
	// Only the name is required; other columns may be left out.
	idx, es := columnIndex(recs[0], headers[:1], CSVSheet)
	if len(es) > 0 {
		return nil, es
	}
	idx, _ = columnIndex(recs[0], headers, CSVSheet)
	col := func(h string) int {
		if i, ok := idx[h]; ok {
			return i
		}
		return -1
	}
	var out []Assessment
	seen := map[string]int{}
	for i, rec := range recs[1:] {
		row := i + 2
		if allEmpty(pad(rec, len(rec))) {
			continue
		}
		var a Assessment
		for _, fd := range assessmentFields {
			c := col(fd.label)
			fd.store(&a, get(rec, c), CSVSheet, cellName(c+1, row), &es)
		}
		nameRef := cellName(col(headers[0])+1, row)
		if a.Name == "" {
			es = append(es, CellError{Sheet: CSVSheet, Cell: nameRef, Msg: "il nome dell'applicativo è obbligatorio"})
		} else if prev, dup := seen[a.Name]; dup {
			es = append(es, CellError{Sheet: CSVSheet, Cell: nameRef, Value: a.Name, Msg: "applicativo già presente alla riga " + itoa(prev)})
		}
		seen[a.Name] = row
		if c := col(csvLicencesHeader); c >= 0 {
			var sub Errors
			for _, line := range entries(get(rec, c)) {
				if l, ok := licenceFromCells(line, CSVSheet, row, &sub); ok {
					a.Licences = append(a.Licences, l)
				}
			}
			es = relocate(es, sub, cellName(c+1, row))
		}
		if c := col(csvRepresentativesHeader); c >= 0 {
			var sub Errors
			for _, line := range entries(get(rec, c)) {
				if p, ok := representativeFromCells(line, CSVSheet, row, &sub); ok {
					a.Representatives = append(a.Representatives, p)
				}
			}
			es = relocate(es, sub, cellName(c+1, row))
		}
		out = append(out, a)
	}
	return out, es.err()
}

// relocate reports errors of a sub-list entry at the CSV cell that holds the
// whole list.
func relocate(dst, sub Errors, ref string) Errors {
	for _, e := range sub {
		e.Cell = ref
		dst = append(dst, e)
	}
	return dst
}

func entries(cellValue string) [][]string {
	var out [][]string
	for _, line := range strings.Split(cellValue, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		parts := strings.Split(line, ";")
		for i := range parts {
			parts[i] = strings.TrimSpace(parts[i])
		}
		out = append(out, parts)
	}
	return out
}

// WriteAssessmentsCSV writes assessments in the CSV form ReadAssessmentsCSV reads.
func WriteAssessmentsCSV(w io.Writer, as []Assessment) error {
	recs := [][]string{AssessmentCSVHeaders()}
	for i := range as {
		a := &as[i]
		var rec []string
		for _, fd := range assessmentFields {
			rec = append(rec, fd.render(a))
		}
		var lic, rep []string
		for _, l := range a.Licences {
			amount := ""
			if l.AnnualCents != nil {
				amount = formatEuro(*l.AnnualCents)
			}
			lic = append(lic, strings.Join([]string{l.Name, amount, l.Expiry}, "; "))
		}
		for _, p := range a.Representatives {
			rep = append(rep, strings.Join([]string{p.Name, p.Surname, p.Role, p.Mode}, "; "))
		}
		recs = append(recs, append(rec, strings.Join(lic, "\n"), strings.Join(rep, "\n")))
	}
	return writeCSV(w, recs)
}
