package cloudplan

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/go-pdf/fpdf"
	"github.com/xuri/excelize/v2"

	"github.com/arengo-pa/arengo/internal/cloudplan/plan"
	"github.com/arengo-pa/arengo/internal/web"
)

func (m *Module) planCSV(w http.ResponseWriter, r *http.Request) {
	s, err := m.snapshot(r.Context())
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="piano-migrazione.csv"`)
	cw := csv.NewWriter(w)
	_ = cw.Write(planColumns)
	for i := range s.Apps {
		_ = cw.Write(planRow(&s.Apps[i], &s.Plan.Apps[i]))
	}
	cw.Flush()
}

// planXLSX writes the whole plan: applications, waves, costs and skills
// gaps, one sheet each.
func (m *Module) planXLSX(w http.ResponseWriter, r *http.Request) {
	s, err := m.snapshot(r.Context())
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	f := excelize.NewFile()
	defer f.Close()
	write := func(sheet string, rows [][]string) {
		if sheet != "Sheet1" {
			_, _ = f.NewSheet(sheet)
		}
		for i, row := range rows {
			for j, v := range row {
				ref, _ := excelize.CoordinatesToCellName(j+1, i+1)
				_ = f.SetCellStr(sheet, ref, v)
			}
		}
	}
	rows := [][]string{planColumns}
	for i := range s.Apps {
		rows = append(rows, planRow(&s.Apps[i], &s.Plan.Apps[i]))
	}
	write("Sheet1", rows)
	_ = f.SetSheetName("Sheet1", "Piano")
	waves := [][]string{{"Ondata", "Applicativo", "Stato", "Dimensione ondata", "Oltre capacità"}}
	for _, wv := range s.Plan.Waves.Waves {
		for _, id := range wv.Apps {
			a, _, _ := s.appPlan(id)
			waves = append(waves, []string{strconv.Itoa(wv.Number), a.Name, stateLabel(a.State), strconv.Itoa(wv.Size), strconv.FormatBool(wv.Oversized)})
		}
	}
	write("Ondate", waves)
	costs := [][]string{{"Applicativo", "Strategia", "Costi iniziali", "Costi ricorrenti", "Costi di terminazione", "TCO", "Benefici", "ROI", "Stima"}}
	for _, c := range costRows(s, euros) {
		costs = append(costs, []string{c.Name, c.Strategy, c.Initial, c.Recurring, c.Termination, c.Total, c.Benefits, c.ROI, strconv.FormatBool(c.Estimated)})
	}
	t := s.Plan.Total
	costs = append(costs, []string{"TOTALE PIANO", "", euros(t.Initial), euros(t.Recurring), euros(t.Termination), euros(t.Total), euros(t.Benefits), roiText(t), strconv.FormatBool(t.Estimated)})
	write("Costi", costs)
	skills := [][]string{{"Strategia", "Applicativi", "Competenza", "Richiesto", "Team", "Gap"}}
	for _, g := range s.Plan.Skills {
		for _, x := range g.Gaps {
			skills = append(skills, []string{g.Strategy.Label(), strconv.Itoa(g.Apps), x.Skill, strconv.Itoa(x.Required), strconv.Itoa(x.Team), strconv.Itoa(x.Gap)})
		}
	}
	write("Competenze", skills)
	w.Header().Set("Content-Type", xlsxType)
	w.Header().Set("Content-Disposition", `attachment; filename="piano-migrazione.xlsx"`)
	if err := f.Write(w); err != nil {
		m.deps.Log.Error("plan xlsx", "err", err)
	}
}

// planPDF is the printable plan: summary, then each wave with its
// applications and chosen strategies.
func (m *Module) planPDF(w http.ResponseWriter, r *http.Request) {
	s, err := m.snapshot(r.Context())
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	pdf := fpdf.New("L", "mm", "A4", "")
	tr := pdf.UnicodeTranslatorFromDescriptor("")
	pdf.SetTitle(tr("Piano di migrazione al cloud"), false)
	pdf.SetAutoPageBreak(true, 12)
	pdf.AddPage()
	pdf.SetFont("Helvetica", "B", 16)
	pdf.CellFormat(0, 10, tr(m.deps.Web.Site.Comune+" — Piano di migrazione al cloud"), "", 1, "L", false, 0, "")
	pdf.SetFont("Helvetica", "", 10)
	t := s.Plan.Total
	for _, line := range []string{
		fmt.Sprintf("Generato il %s. Applicativi: %d; ondate: %d (capacità %d %s).", time.Now().Format("02/01/2006"), len(s.Apps),
			len(s.Plan.Waves.Waves), s.Settings.Capacity, measureLabel(s.Settings.Measure)),
		fmt.Sprintf("TCO su %d anni: %s; benefici: %s; ROI: %s%s.", s.Plan.Options.Years, web.Euro(t.Total), web.Euro(t.Benefits), roiText(t), estimatedNote(t.Estimated)),
	} {
		pdf.MultiCell(0, 5, tr(line), "", "L", false)
	}
	cols := []struct {
		title string
		w     float64
	}{{"Applicativo", 70}, {"Livello", 40}, {"Classe ACN", 25}, {"Strategia", 70}, {"Stato", 30}, {"TCO (€)", 25}, {"PNRR", 15}}
	for _, wv := range s.Plan.Waves.Waves {
		pdf.Ln(3)
		pdf.SetFont("Helvetica", "B", 12)
		title := fmt.Sprintf("Ondata %d — dimensione %d", wv.Number, wv.Size)
		if wv.Oversized {
			title += " (ciclo di dipendenze oltre la capacità)"
		}
		pdf.CellFormat(0, 8, tr(title), "", 1, "L", false, 0, "")
		pdf.SetFont("Helvetica", "B", 9)
		for _, c := range cols {
			pdf.CellFormat(c.w, 6, tr(c.title), "1", 0, "L", false, 0, "")
		}
		pdf.Ln(-1)
		pdf.SetFont("Helvetica", "", 9)
		for _, id := range wv.Apps {
			a, ap, _ := s.appPlan(id)
			row := planRow(a, ap)
			vals := []string{truncate(row[0], 40), truncate(row[1], 24), row[2], truncate(row[5], 42), row[10], row[13], string(ap.PNRR.Mode)}
			for i, c := range cols {
				pdf.CellFormat(c.w, 6, tr(vals[i]), "1", 0, "L", false, 0, "")
			}
			pdf.Ln(-1)
		}
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="piano-migrazione.pdf"`)
	if err := pdf.Output(w); err != nil {
		m.deps.Log.Error("plan pdf", "err", err)
	}
}

func measureLabel(m plan.Measure) string {
	if m == plan.ByEffort {
		return "giorni di lavoro"
	}
	return "server"
}

func estimatedNote(est bool) string {
	if est {
		return " (alcuni costi cloud sono stimati con i risparmi medi del kit)"
	}
	return ""
}
