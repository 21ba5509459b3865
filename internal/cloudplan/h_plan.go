package cloudplan

import (
	"encoding/csv"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/arengo-pa/arengo/internal/cloudplan/kit"
	"github.com/arengo-pa/arengo/internal/cloudplan/plan"
	"github.com/arengo-pa/arengo/internal/errs"
	"github.com/arengo-pa/arengo/internal/store"
	"github.com/arengo-pa/arengo/internal/web"
)

type count struct {
	Label string
	N     int
	Href  string
}

func (m *Module) overview(w http.ResponseWriter, r *http.Request) {
	s, err := m.snapshot(r.Context())
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	levels := make([]count, 4)
	for i := range levels {
		levels[i] = count{Label: levelLabel(i + 1), Href: "/admin/cloud/applicativi?livello=" + strconv.Itoa(i+1)}
	}
	strategies := map[plan.Strategy]int{}
	states := map[plan.AppState]int{}
	warnings, unclassified, chosen := 0, 0, 0
	for i, ap := range s.Plan.Apps {
		levels[ap.Level-1].N++
		strategies[ap.Strategy]++
		states[s.Apps[i].State]++
		if ap.ModelWarn != "" {
			warnings++
		}
		if s.Apps[i].Class == "" {
			unclassified++
		}
		if s.Apps[i].Chosen != "" {
			chosen++
		}
	}
	var byStrategy, byState []count
	for _, st := range plan.Strategies {
		byStrategy = append(byStrategy, count{Label: st.Label(), N: strategies[st], Href: "/admin/cloud/applicativi?strategia=" + string(st)})
	}
	for _, st := range plan.AppStates {
		byState = append(byState, count{Label: stateLabel(st), N: states[st], Href: "/admin/cloud/applicativi?stato=" + string(st)})
	}
	m.deps.Web.Render(w, r, m.pages.overview, map[string]any{
		"Apps": len(s.Apps), "Chosen": chosen, "NoStrategy": strategies[""], "Warnings": warnings, "Unclassified": unclassified,
		"Levels": levels, "Strategies": byStrategy, "States": byState, "Waves": len(s.Plan.Waves.Waves),
		"Total": web.Euro(s.Plan.Total.Total), "Benefits": web.Euro(s.Plan.Total.Benefits), "ROI": roiText(s.Plan.Total),
		"Settings": s.Settings, "Measures": options(string(s.Settings.Measure), [2]string{"servers", "server"}, [2]string{"effort", "giorni di lavoro"}),
	})
}

func (m *Module) settingsPost(w http.ResponseWriter, r *http.Request) {
	var f formErr
	st := Settings{Capacity: f.int("capacity", r.FormValue("capacity"), 0, 100000),
		Measure: plan.Measure(f.oneOf("measure", r.FormValue("measure"), "servers", "effort"))}
	if st.Measure == "" {
		st.Measure = plan.ByServers
	}
	if f.err != nil {
		m.deps.Web.Error(w, r, f.err)
		return
	}
	if err := m.saveSettings(r.Context(), st); err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	redirect(w, r, "/admin/cloud/ondate?esito=salvato")
}

type waveView struct {
	States    []Option
	Number    int
	Size      int
	Oversized bool
	State     string
	Apps      []count
}

func (m *Module) waves(w http.ResponseWriter, r *http.Request) {
	s, err := m.snapshot(r.Context())
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	var waves []waveView
	for _, wv := range s.Plan.Waves.Waves {
		v := waveView{Number: wv.Number, Size: wv.Size, Oversized: wv.Oversized}
		var states []plan.AppState
		for _, id := range wv.Apps {
			a, _, _ := s.appPlan(id)
			states = append(states, a.State)
			v.Apps = append(v.Apps, count{Label: a.Name, Href: "/admin/cloud/applicativi/" + id})
		}
		v.State = stateLabel(plan.AppState(plan.StateOfWave(states)))
		v.States = stateOptions("", "")
		waves = append(waves, v)
	}
	var cycles [][]string
	for _, c := range s.Plan.Waves.Cycles {
		var names []string
		for _, id := range c {
			names = append(names, s.name(id))
		}
		cycles = append(cycles, names)
	}
	var external []count
	for _, a := range s.Apps {
		id, deps := a.ID, s.Plan.Waves.External[a.ID]
		if len(deps) == 0 {
			continue
		}
		var names []string
		for _, d := range deps {
			names = append(names, s.name(d))
		}
		external = append(external, count{Label: s.name(id) + " → " + strings.Join(names, ", "), Href: "/admin/cloud/applicativi/" + id})
	}
	unit := "server"
	if s.Settings.Measure == plan.ByEffort {
		unit = "giorni di lavoro"
	}
	m.deps.Web.Render(w, r, m.pages.waves, map[string]any{"Waves": waves, "Graph": template.HTML(wavesSVG(s)), "Cycles": cycles, "External": external,
		"Settings": s.Settings, "Unit": unit, "Measures": options(string(s.Settings.Measure), [2]string{"servers", "server"}, [2]string{"effort", "giorni di lavoro"})})
}

func (m *Module) wavesSVG(w http.ResponseWriter, r *http.Request) {
	s, err := m.snapshot(r.Context())
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(wavesSVG(s))
}

type costRow struct {
	ID, Name, Strategy, Initial, Recurring, Termination, Total, Benefits, ROI string
	Estimated                                                                 bool
}

func costRows(s *snapshot, euros func(int64) string) []costRow {
	var rows []costRow
	for i, ap := range s.Plan.Apps {
		if ap.Strategy == "" {
			continue
		}
		rows = append(rows, costRow{ID: s.Apps[i].ID, Name: s.Apps[i].Name, Strategy: ap.Strategy.Label(), Initial: euros(ap.TCO.Initial),
			Recurring: euros(ap.TCO.Recurring), Termination: euros(ap.TCO.Termination), Total: euros(ap.TCO.Total),
			Benefits: euros(ap.TCO.Benefits), ROI: roiText(ap.TCO), Estimated: ap.TCO.Estimated})
	}
	return rows
}

func (m *Module) costs(w http.ResponseWriter, r *http.Request) {
	s, err := m.snapshot(r.Context())
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	t := s.Plan.Total
	euros := web.Euro
	m.deps.Web.Render(w, r, m.pages.costs, map[string]any{"Rows": costRows(s, euros), "Years": s.Plan.Options.Years,
		"Total": costRow{Initial: euros(t.Initial), Recurring: euros(t.Recurring), Termination: euros(t.Termination), Total: euros(t.Total),
			Benefits: euros(t.Benefits), ROI: roiText(t), Estimated: t.Estimated}})
}

func (m *Module) costsCSV(w http.ResponseWriter, r *http.Request) {
	s, err := m.snapshot(r.Context())
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="costi.csv"`)
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"Applicativo", "Strategia", "Costi iniziali (€)", "Costi ricorrenti (€)", "Costi di terminazione (€)", "TCO (€)", "Benefici (€)", "ROI", "Stima"})
	for _, c := range costRows(s, euros) {
		_ = cw.Write([]string{c.Name, c.Strategy, c.Initial, c.Recurring, c.Termination, c.Total, c.Benefits, c.ROI, strconv.FormatBool(c.Estimated)})
	}
	cw.Flush()
}

type skillView struct {
	Name, Description string
	Team              int
	Levels            []Option
}

func (m *Module) skills(w http.ResponseWriter, r *http.Request) {
	s, err := m.snapshot(r.Context())
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	var team []skillView
	for _, sk := range s.Skills {
		v := skillView{Name: sk.Name, Description: sk.Description, Team: sk.Team}
		for l := 0; l <= 5; l++ {
			v.Levels = append(v.Levels, Option{Value: strconv.Itoa(l), Label: strconv.Itoa(l), Selected: l == sk.Team})
		}
		team = append(team, v)
	}
	m.deps.Web.Render(w, r, m.pages.skills, map[string]any{"Gaps": s.Plan.Skills, "Team": team})
}

// skillsPost records the team's self-assessed levels.
func (m *Module) skillsPost(w http.ResponseWriter, r *http.Request) {
	s, err := m.snapshot(r.Context())
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	skills := s.Skills
	var f formErr
	for i := range skills {
		skills[i].Team = f.int("team_"+strconv.Itoa(i), r.FormValue("team_"+strconv.Itoa(i)), 0, 5)
	}
	if f.err != nil {
		m.deps.Web.Error(w, r, f.err)
		return
	}
	err = m.deps.DB.Transact(r.Context(), func(tx *store.Tx) error {
		summary, err := storeParsed(r.Context(), tx, parsed{skills: skills})
		if err != nil {
			return err
		}
		return changed(r.Context(), tx, "skills_changed", "skills", "team", 0, s.Skills, summary)
	})
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	redirect(w, r, "/admin/cloud/competenze?esito=salvato")
}

func (m *Module) appListXLSX(w http.ResponseWriter, r *http.Request) {
	apps, err := loadApps(r.Context(), m.deps.DB)
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	list := make([]kit.Application, len(apps))
	for i, a := range apps {
		list[i] = kit.Application{Name: a.Name, Interlocutor: a.Interlocutor, Services: a.Services, Licences: a.Licences,
			Opportunity: a.Opportunity, Risk: a.Risk, Ease: a.Ease}
	}
	w.Header().Set("Content-Type", xlsxType)
	w.Header().Set("Content-Disposition", `attachment; filename="Lista_degli_applicativi.xlsx"`)
	if err := kit.WriteAppListXLSX(w, list); err != nil {
		m.deps.Log.Error("list export", "err", err)
	}
}

func (m *Module) skillsXLSX(w http.ResponseWriter, r *http.Request) {
	skills, err := loadSkills(r.Context(), m.deps.DB)
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", xlsxType)
	w.Header().Set("Content-Disposition", `attachment; filename="Valutazione_competenze.xlsx"`)
	if err := kit.WriteSkillsXLSX(w, skills); err != nil {
		m.deps.Log.Error("skills export", "err", err)
	}
}

// waveStatePost moves every application of a wave to one state: how the
// IT office tracks a wave as it runs.
func (m *Module) waveStatePost(w http.ResponseWriter, r *http.Request) {
	var f formErr
	n := f.int("wave", r.PathValue("n"), 1, 100000)
	state := plan.AppState(f.oneOf("state", r.FormValue("state"), strs(plan.AppStates)...))
	if state == "" {
		f.set("state", "scegliere lo stato")
	}
	if f.err != nil {
		m.deps.Web.Error(w, r, f.err)
		return
	}
	s, err := m.snapshot(r.Context())
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	if n > len(s.Plan.Waves.Waves) {
		m.deps.Web.Error(w, r, errs.E(errs.ENOTFOUND, "ondata inesistente"))
		return
	}
	ids := s.Plan.Waves.Waves[n-1].Apps
	err = m.deps.DB.Transact(r.Context(), func(tx *store.Tx) error {
		for _, id := range ids {
			a, _, _ := s.appPlan(id)
			before, after := *a, *a
			after.State = state
			if err := updateApp(r.Context(), tx, &after); err != nil {
				return err
			}
			if err := changed(r.Context(), tx, "state_changed", "app", id, after.Version, before.State, after.State); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	redirect(w, r, "/admin/cloud/ondate?esito=salvato#w-"+strconv.Itoa(n))
}
