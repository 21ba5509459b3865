package kit

import "strconv"

// Field is one cell of the assessment sheet as a form shows it.
type Field struct {
	Key     string   // stable form key, from the template row ("c19")
	Label   string   // the template's label
	Options []string // closed value set, nil for free text
	Value   string   // rendered like the export writes it
	Long    bool     // free text that deserves a text area
}

// Fields lists the sheet's cells in template order, without the name.
func (a *Assessment) Fields() []Field {
	var out []Field
	for _, fd := range assessmentFields {
		if fd.row == 4 {
			continue
		}
		out = append(out, Field{Key: "c" + strconv.Itoa(fd.row), Label: fd.label, Options: fd.values, Value: fd.render(a), Long: fd.kind == kText})
	}
	return out
}

// Set stores one cell by its key with the same validation as an import;
// the error names the sheet's label.
func (a *Assessment) Set(key, value string) error {
	for _, fd := range assessmentFields {
		if "c"+strconv.Itoa(fd.row) == key && fd.row != 4 {
			var es Errors
			fd.store(a, trimCell(value), assessmentSheet, cellName(3, fd.row), &es)
			if len(es) > 0 {
				return es[0]
			}
			return nil
		}
	}
	return Errors{{Sheet: assessmentSheet, Cell: key, Msg: "campo sconosciuto"}}
}
