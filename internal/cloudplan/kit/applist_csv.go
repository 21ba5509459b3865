package kit

import "io"

// CSVSheet is the sheet name used in errors for CSV files.
const CSVSheet = "CSV"

// ReadAppListCSV reads the application list saved as CSV with the template's
// headers on the first line. Cell references count the header as row 1.
func ReadAppListCSV(r io.Reader) ([]Application, error) {
	recs, err := readCSV(r, CSVSheet)
	if err != nil {
		return nil, err
	}
	idx, es := columnIndex(recs[0], AppListHeaders, CSVSheet)
	if len(es) > 0 {
		return nil, es
	}
	var apps []Application
	seen := map[string]int{}
	for i, rec := range recs[1:] {
		row := i + 2
		vals := make([]string, len(AppListHeaders))
		for j, h := range AppListHeaders {
			vals[j] = get(rec, idx[h])
		}
		before := len(es)
		a, ok := appFromCells(vals, CSVSheet, row, &es)
		// appFromCells names columns in template order; rewrite to the
		// actual CSV columns.
		for k := before; k < len(es); k++ {
			es[k].Cell = remapCol(es[k].Cell, row, idx)
		}
		if !ok {
			continue
		}
		if prev, dup := seen[a.Name]; dup && a.Name != "" {
			es = append(es, CellError{Sheet: CSVSheet, Cell: cellName(idx[AppListHeaders[0]]+1, row), Value: a.Name, Msg: "applicativo già presente alla riga " + itoa(prev)})
			continue
		}
		seen[a.Name] = row
		apps = append(apps, a)
	}
	return apps, es.err()
}

func remapCol(ref string, row int, idx map[string]int) string {
	for j, h := range AppListHeaders {
		if ref == cellName(j+1, row) {
			return cellName(idx[h]+1, row)
		}
	}
	return ref
}

// WriteAppListCSV writes the list with the template's headers.
func WriteAppListCSV(w io.Writer, apps []Application) error {
	recs := [][]string{AppListHeaders}
	for i := range apps {
		var rec []string
		for _, p := range apps[i].fields() {
			rec = append(rec, *p)
		}
		recs = append(recs, rec)
	}
	return writeCSV(w, recs)
}
