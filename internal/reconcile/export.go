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
	f := filterFrom(r.URL.Query())
	x := excelize.NewFile()
	defer x.Close()
	const sheet = "Riconciliazione"
	x.SetSheetName("Sheet1", sheet)
	sw, err := x.NewStreamWriter(sheet)
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	head := make([]any, len(itemHeader))
	for i, h := range itemHeader {
		head[i] = h
	}
	sw.SetRow("A1", head)
	n := 1
	err = m.eachItem(r.Context(), f, exportCap, 0, func(it itemRow) error {
		n++
		rec := itemRecord(it)
		row := make([]any, len(rec))
		for i, v := range rec {
			row[i] = v
		}
		row[6] = float64(it.AmountCents) / 100 // a spreadsheet sums numbers; cents stay exact up to 2^53
		cell, _ := excelize.CoordinatesToCellName(1, n)
		return sw.SetRow(cell, row)
	})
	if err == nil {
		err = sw.Flush()
	}
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", "attachment; filename="+strconv.Quote("riconciliazione.xlsx"))
	x.Write(w)
}
