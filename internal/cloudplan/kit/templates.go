package kit

import (
	"bytes"
	"embed"
	"strings"

	"github.com/xuri/excelize/v2"
)

// The kit's templates, unmodified copies (CC BY 4.0, AgID — Manuale di
// abilitazione al cloud, github.com/italia/manuale-di-abilitazione-al-cloud-docs).
// Exports fill a fresh copy so the result opens like the original.
//
//go:embed templates/*.xlsx
var templateFS embed.FS

const (
	appListTemplate    = "templates/Allegato_Lista_degli_applicativi.xlsx"
	assessmentTemplate = "templates/Allegato_Scheda_di_assessment_dell_applicativo.xlsx"
	skillsTemplate     = "templates/Allegato_Valutazione_competenze.xlsx"
)

func openTemplate(name string) (*excelize.File, error) {
	b, err := templateFS.ReadFile(name)
	if err != nil {
		return nil, err
	}
	return excelize.OpenReader(bytes.NewReader(b))
}

// derivedNote marks an export as an adaptation, as CC BY 4.0 asks.
const derivedNote = "Modificato da Arengo a partire dal modello AgID (CC BY 4.0)"

// cell reads a cell's raw value (numbers and dates unformatted) trimmed.
func cell(f *excelize.File, sheet, ref string) string {
	v, _ := f.GetCellValue(sheet, ref, excelize.Options{RawCellValue: true})
	return trimCell(v)
}

func trimCell(v string) string {
	return string(bytes.TrimSpace([]byte(v)))
}

// checkHeader verifies a label cell, so a file built from another template
// (or with moved columns) is refused instead of being read into wrong fields.
func checkHeader(f *excelize.File, sheet, ref, want string, es *Errors) {
	if got := cell(f, sheet, ref); !equalFoldSpace(got, want) {
		*es = append(*es, CellError{Sheet: sheet, Cell: ref, Value: got, Expected: []string{want}, Msg: "intestazione diversa dal modello"})
	}
}

func equalFoldSpace(a, b string) bool { return normKey(a) == normKey(b) }

// normKey compares headers ignoring case and runs of blanks.
func normKey(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

func requireSheet(f *excelize.File, sheet string) error {
	if idx, _ := f.GetSheetIndex(sheet); idx < 0 {
		return Errors{{Sheet: sheet, Cell: "-", Msg: "foglio mancante: il file non è il modello del kit"}}
	}
	return nil
}
