package reconcile

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/arengo-pa/arengo/internal/money"

	"github.com/xuri/excelize/v2"
)

// exportCap bounds an export, as MyPivot does (export.max-records).
const exportCap = 100000

var itemHeader = []string{"giorno", "tipo", "chiave", "codice", "descrizione", "gravita", "importo", "iuv", "iuf", "tipo_dovuto", "motivo",
	"ricevuta", "righe_fdr", "movimenti", "importi_confrontati", "atteso", "trovato", "nascosta", "nota"}

func itemRecord(it itemRow) []string {
	hidden := "no"
	if it.Hidden {
		hidden = "si"
	}
	cmp, exp, found := "", "", ""
	if it.Why.Compared != "" {
		cmp, exp, found = it.Why.Compared, money.FormatCents(it.Why.Expected), money.FormatCents(it.Why.Found)
	}
	return []string{it.Day.Format(time.DateOnly), it.Kind, it.Key, it.Code, it.Label, it.Severity, money.FormatCents(it.AmountCents), it.IUV, it.IUF,
		it.DebtType, it.Why.Text, it.Why.Receipt, strings.Join(it.Why.FlowRows, " "), strings.Join(it.Why.Movements, " "), cmp, exp, found, hidden, it.Note}
}

func (m *Module) itemsCSV(w http.ResponseWriter, r *http.Request) {
	f := filterFrom(r.URL.Query())
	cw := csvResponse(w, "riconciliazione.csv")
	cw.Write(itemHeader)
	err := m.eachItem(r.Context(), f, exportCap, 0, func(it itemRow) error { return cw.Write(itemRecord(it)) })
	cw.Flush()
	if err != nil {
		m.deps.Log.Error("reconcile: CSV export interrupted", "err", err)
	}
}

// itemsXLSX streams the same rows into a spreadsheet, amounts as numbers.
func (m *Module) itemsXLSX(w http.ResponseWriter, r *http.Request) {
	m.writeXLSX(w, r, "Riconciliazione", "riconciliazione.xlsx", itemHeader, func(row func([]any) error) error {
		return m.eachItem(r.Context(), filterFrom(r.URL.Query()), exportCap, 0, func(it itemRow) error {
			cells := anys(itemRecord(it))
			cells[6] = float64(it.AmountCents) / 100 // a spreadsheet sums numbers; cents stay exact up to 2^53
			return row(cells)
		})
	})
}

// writeXLSX streams one sheet: the header, then every row rows hands to add.
func (m *Module) writeXLSX(w http.ResponseWriter, r *http.Request, sheet, filename string, header []string, rows func(add func([]any) error) error) {
	x := excelize.NewFile()
	defer x.Close()
	x.SetSheetName("Sheet1", sheet)
	sw, err := x.NewStreamWriter(sheet)
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	sw.SetRow("A1", anys(header))
	n := 1
	err = rows(func(cells []any) error {
		n++
		cell, _ := excelize.CoordinatesToCellName(1, n)
		return sw.SetRow(cell, cells)
	})
	if err == nil {
		err = sw.Flush()
	}
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", "attachment; filename="+strconv.Quote(filename))
	x.Write(w)
}
