package kit

import (
	"bytes"
	"io"

	"github.com/xuri/excelize/v2"
)

// Application is one row of the kit's "Lista degli applicativi".
type Application struct {
	Name         string // NOME APPLICATIVO, with version
	Interlocutor string // INTERLOCUTORE
	Services     string // SERVIZI SUPPORTATI
	Licences     string // LICENZE
	Opportunity  string // OPPORTUNITÀ DA COGLIERE: Alto|Medio|Basso|""
	Risk         string // RISCHIO
	Ease         string // FACILITÀ DI MIGRAZIONE
}

const appListSheet = "Applicativi"

// AppListHeaders are the template's headers (row 3), also the CSV header.
var AppListHeaders = []string{"NOME APPLICATIVO", "INTERLOCUTORE", "SERVIZI SUPPORTATI", "LICENZE",
	"OPPORTUNITÀ DA COGLIERE", "RISCHIO", "FACILITÀ DI MIGRAZIONE"}

const appListHeaderRow = 3

func (a *Application) fields() []*string {
	return []*string{&a.Name, &a.Interlocutor, &a.Services, &a.Licences, &a.Opportunity, &a.Risk, &a.Ease}
}

// fromCells builds an application from the seven column values; sheet and
// row locate errors.
func appFromCells(vals []string, sheet string, row int, es *Errors) (Application, bool) {
	var a Application
	empty := true
	for i, p := range a.fields() {
		if i < len(vals) {
			*p = trimCell(vals[i])
		}
		if *p != "" {
			empty = false
		}
	}
	if empty {
		return a, false
	}
	if a.Name == "" {
		*es = append(*es, CellError{Sheet: sheet, Cell: cellName(1, row), Msg: "il nome dell'applicativo è obbligatorio"})
	}
	for i, p := range a.fields()[4:] {
		canon, ok := oneOf(*p, Ratings)
		if !ok {
			*es = append(*es, CellError{Sheet: sheet, Cell: cellName(5+i, row), Value: *p, Expected: Ratings})
		}
		*p = canon
	}
	return a, true
}

// ReadAppListXLSX reads the "Applicativi" sheet of the kit's template.
func ReadAppListXLSX(r io.Reader) ([]Application, error) {
	f, err := excelize.OpenReader(r)
	if err != nil {
		return nil, Errors{{Sheet: appListSheet, Cell: "-", Msg: "file xlsx non leggibile: " + err.Error()}}
	}
	defer f.Close()
	if err := requireSheet(f, appListSheet); err != nil {
		return nil, err
	}
	var es Errors
	for i, h := range AppListHeaders {
		checkHeader(f, appListSheet, cellName(i+1, appListHeaderRow), h, &es)
	}
	if len(es) > 0 {
		return nil, es
	}
	rows, err := f.GetRows(appListSheet, excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, err
	}
	var apps []Application
	seen := map[string]int{}
	for i := appListHeaderRow; i < len(rows); i++ {
		row := i + 1
		a, ok := appFromCells(rows[i], appListSheet, row, &es)
		if !ok {
			continue
		}
		if prev, dup := seen[a.Name]; dup && a.Name != "" {
			es = append(es, CellError{Sheet: appListSheet, Cell: cellName(1, row), Value: a.Name, Msg: "applicativo già presente alla riga " + itoa(prev)})
			continue
		}
		seen[a.Name] = row
		apps = append(apps, a)
	}
	return apps, es.err()
}

// WriteAppListXLSX fills a copy of the kit's template.
func WriteAppListXLSX(w io.Writer, apps []Application) error {
	f, err := openTemplate(appListTemplate)
	if err != nil {
		return err
	}
	defer f.Close()
	for i := range apps {
		row := appListHeaderRow + 1 + i
		for j, p := range apps[i].fields() {
			if err := f.SetCellStr(appListSheet, cellName(j+1, row), *p); err != nil {
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
