package cloudplan

import (
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"

	"github.com/arengo-pa/arengo/internal/cloudplan/plan"
	"github.com/arengo-pa/arengo/internal/errs"
	"github.com/arengo-pa/arengo/internal/store"
	"github.com/arengo-pa/arengo/internal/web"
)

type appFilter struct {
	Q, Level, Strategy, Class, State, Wave string
}

func readAppFilter(r *http.Request) appFilter {
	q := r.URL.Query()
	return appFilter{Q: strings.TrimSpace(q.Get("q")), Level: q.Get("livello"), Strategy: q.Get("strategia"), Class: q.Get("classe"),
		State: q.Get("stato"), Wave: q.Get("ondata")}
}

func (f appFilter) match(a *App, ap *plan.AppPlan) bool {
	switch {
	case f.Q != "" && !strings.Contains(strings.ToLower(a.Name+" "+a.Services+" "+a.Interlocutor), strings.ToLower(f.Q)):
		return false
	case f.Level != "" && f.Level != strconv.Itoa(ap.Level):
		return false
	case f.Strategy != "" && f.Strategy != string(ap.Strategy) && !(f.Strategy == "-" && ap.Strategy == ""):
		return false
	case f.Class != "" && f.Class != string(a.Class) && !(f.Class == "-" && a.Class == ""):
		return false
	case f.State != "" && f.State != string(a.State):
		return false
	case f.Wave != "" && f.Wave != strconv.Itoa(ap.Wave):
		return false
	}
	return true
}

type appListRow struct {
	ID, Name, Level, Class, Strategy, Wave, State, Warning string
	Suggested                                              bool
}

func (m *Module) filteredApps(r *http.Request) (*snapshot, []int, appFilter, error) {
	s, err := m.snapshot(r.Context())
	if err != nil {
		return nil, nil, appFilter{}, err
	}
	f := readAppFilter(r)
	var idx []int
	for i := range s.Apps {
		if f.match(&s.Apps[i], &s.Plan.Apps[i]) {
			idx = append(idx, i)
		}
	}
	return s, idx, f, nil
}

func (m *Module) appList(w http.ResponseWriter, r *http.Request) {
	s, idx, f, err := m.filteredApps(r)
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	pager := web.NewPager(r, 50)
	pager.Total = len(idx)
	var rows []appListRow
	for _, i := range idx[min(pager.Offset(), len(idx)):min(pager.Offset()+pager.PageSize, len(idx))] {
		a, ap := &s.Apps[i], &s.Plan.Apps[i]
		row := planRow(a, ap)
		rows = append(rows, appListRow{ID: a.ID, Name: a.Name, Level: row[1], Class: row[2], Strategy: row[5], Wave: row[9],
			State: row[10], Warning: ap.ModelWarn, Suggested: ap.Suggested && ap.Strategy != ""})
	}
	levels := [][2]string{{"", "tutti"}}
	for _, l := range plan.Levels {
		levels = append(levels, [2]string{strconv.Itoa(l.Number), levelLabel(l.Number)})
	}
	waves := [][2]string{{"", "tutte"}, {"0", "nessuna"}}
	for _, wv := range s.Plan.Waves.Waves {
		waves = append(waves, [2]string{strconv.Itoa(wv.Number), "Ondata " + strconv.Itoa(wv.Number)})
	}
	classes := append(classOptions(plan.Class(f.Class)), Option{Value: "-", Label: "solo non classificati", Selected: f.Class == "-"})
	classes[0] = Option{Value: "", Label: "tutte", Selected: f.Class == ""}
	m.deps.Web.Render(w, r, m.pages.apps, map[string]any{
		"Rows": rows, "Filter": f, "Pager": pager, "Total": len(s.Apps), "Query": r.URL.RawQuery,
		"Levels": options(f.Level, levels...), "Strategies": append(strategyOptions(plan.Strategy(f.Strategy), "tutte"), Option{Value: "-", Label: "nessuna applicabile", Selected: f.Strategy == "-"}),
		"Classes": classes, "States": stateOptions(plan.AppState(f.State), "tutti"), "Waves": options(f.Wave, waves...),
	})
}

func (m *Module) appListCSV(w http.ResponseWriter, r *http.Request) {
	s, idx, _, err := m.filteredApps(r)
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="applicativi.csv"`)
	cw := csv.NewWriter(w)
	_ = cw.Write(planColumns)
	for _, i := range idx {
		_ = cw.Write(planRow(&s.Apps[i], &s.Plan.Apps[i]))
	}
	cw.Flush()
}

func (m *Module) appCreate(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimSpace(r.FormValue("name"))
	if name == "" {
		m.deps.Web.Error(w, r, errs.Field("name", "indicare il nome dell'applicativo, con la versione"))
		return
	}
	a := App{}
	a.Name = name
	err := m.deps.DB.Transact(r.Context(), func(tx *store.Tx) error {
		if err := insertApp(r.Context(), tx, &a); err != nil {
			return err
		}
		return changed(r.Context(), tx, "app_created", "app", a.ID, a.Version, nil, a)
	})
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	redirect(w, r, "/admin/cloud/applicativi/"+a.ID+"?esito=creato")
}
