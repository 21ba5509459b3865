package cloudplan

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/arengo-pa/arengo/internal/auth"
	"github.com/arengo-pa/arengo/internal/cloudplan/kit"
	"github.com/arengo-pa/arengo/internal/cloudplan/plan"
	"github.com/arengo-pa/arengo/internal/errs"
	"github.com/arengo-pa/arengo/internal/store"
	"github.com/arengo-pa/arengo/internal/web"
)

type kpiView struct {
	Name, Unit, Baseline, Target, Actual, Status string
}

func floatText(p *float64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatFloat(*p, 'f', -1, 64)
}

func centsText(c int64) string {
	if c == 0 {
		return ""
	}
	return strings.Replace(euros(c), ".", ",", 1)
}

func (m *Module) appDetail(w http.ResponseWriter, r *http.Request) {
	s, err := m.snapshot(r.Context())
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	a, ap, ok := s.appPlan(r.PathValue("id"))
	if !ok {
		m.deps.Web.Error(w, r, errs.E(errs.ENOTFOUND, "applicativo inesistente"))
		return
	}
	var deps, dependents []Option
	for i := range s.Apps {
		o := &s.Apps[i]
		if o.ID == a.ID {
			continue
		}
		deps = append(deps, Option{Value: o.ID, Label: o.Name, Selected: slices.Contains(a.DependsOn, o.ID)})
		if slices.Contains(o.DependsOn, a.ID) {
			dependents = append(dependents, Option{Value: o.ID, Label: o.Name})
		}
	}
	servers, err := loadServers(r.Context(), m.deps.DB)
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	var linked []Server
	for _, sv := range servers {
		if slices.Contains(sv.AppIDs, a.ID) {
			linked = append(linked, sv)
		}
	}
	var kpis []kpiView
	for _, k := range a.KPIs {
		kpis = append(kpis, kpiView{Name: k.Name, Unit: k.Unit, Baseline: floatText(k.Baseline), Target: floatText(k.Target), Actual: floatText(k.Actual), Status: k.Status()})
	}
	type sugg struct {
		Label                      string
		Applicable, Chosen         bool
		Score                      int
		Reasons, Missing, Warnings []string
	}
	var suggestions []sugg
	for _, sg := range ap.Suggestions {
		suggestions = append(suggestions, sugg{Label: sg.Strategy.Label(), Applicable: sg.Applicable, Chosen: sg.Strategy == a.Chosen,
			Score: sg.Score, Reasons: sg.Reasons, Missing: sg.Missing, Warnings: sg.Warnings})
	}
	var allowed []string
	for _, mdl := range plan.Allowed(a.Class) {
		allowed = append(allowed, mdl.Label())
	}
	var gaps []plan.SkillGap
	if ap.Strategy != "" {
		all, _ := plan.Gaps(s.Skills, ap.Strategy)
		for _, g := range all {
			if g.Gap > 0 {
				gaps = append(gaps, g)
			}
		}
	}
	cloudYear := ""
	if a.Costs.CloudYear != nil {
		cloudYear = centsText(*a.Costs.CloudYear)
		if cloudYear == "" {
			cloudYear = "0"
		}
	}
	origins := [][2]string{{"", "—"}}
	for _, o := range plan.Origins {
		origins = append(origins, [2]string{string(o), strings.ReplaceAll(string(o), "_", " ")})
	}
	j := a.Judgements
	m.deps.Web.Render(w, r, m.pages.app, map[string]any{
		"App": a, "Plan": ap, "Level": levelLabel(ap.Level), "Levels": plan.Levels, "Strategy": strategyLabel(ap.Strategy),
		"Suggestions": suggestions, "Allowed": strings.Join(allowed, ", "), "Deps": deps, "Dependents": dependents, "Servers": linked,
		"KPIs": kpis, "Gaps": gaps, "External": s.Plan.Waves.External[a.ID], "State": stateLabel(a.State),
		"TCO": map[string]string{"Initial": web.Euro(ap.TCO.Initial), "Recurring": web.Euro(ap.TCO.Recurring), "Termination": web.Euro(ap.TCO.Termination),
			"Total": web.Euro(ap.TCO.Total), "Benefits": web.Euro(ap.TCO.Benefits), "ROI": roiText(ap.TCO)},
		"Estimated": ap.TCO.Estimated,
		"Costs": map[string]string{"OnPremYear": centsText(a.Costs.OnPremYear), "Initial": centsText(a.Costs.Initial), "CloudYear": cloudYear,
			"Termination": centsText(a.Costs.Termination), "Intangible": centsText(a.Costs.Intangible)},
		"Opportunity": ratingOptions(a.Opportunity), "Risk": ratingOptions(a.Risk), "Ease": ratingOptions(a.Ease),
		"LevelOverride": options(strconv.Itoa(a.LevelOverride), [2]string{"0", "calcolato dalle valutazioni"}, [2]string{"1", levelLabel(1)},
			[2]string{"2", levelLabel(2)}, [2]string{"3", levelLabel(3)}, [2]string{"4", levelLabel(4)}),
		"Classes": classOptions(a.Class), "Models": modelOptions(a.Model), "States": stateOptions(a.State, ""),
		"Origins": options(string(a.Origin), origins...),
		"Targets": options(string(a.Target), [2]string{"", "—"}, [2]string{"iaas", "IaaS"}, [2]string{"paas", "PaaS"}, [2]string{"saas", "SaaS"}),
		"Modes":   options(string(a.DeclaredMode), [2]string{"", "—"}, [2]string{"A", "A · Trasferimento in sicurezza dell'infrastruttura IT"}, [2]string{"B", "B · Aggiornamento in sicurezza di applicazioni in cloud"}),
		"Started": dateText(a.Started), "FirstStep": dateText(a.FirstStep),
		"StrategyOptions": strategyOptions(a.Chosen, "nessuna scelta (usa il suggerimento)"),
		"Evolution":       options(j.Evolution, [2]string{"", "dal testo della scheda"}, [2]string{"bassa", "bassa"}, [2]string{"media", "media"}, [2]string{"alta", "alta"}),
		"Hardware":        options(j.HardwareDependency, [2]string{"", "dal testo della scheda"}, [2]string{"fisico", "fisico"}, [2]string{"virtuale", "virtuale"}, [2]string{"container", "container"}, [2]string{"misto", "misto"}),
		"Transferable":    options(strconv.Itoa(int(j.LicencesTransferable)), [2]string{"0", "non noto"}, [2]string{"1", "sì"}, [2]string{"2", "no"}),
		"Assessment":      a.Assessment,
		"Sheet":           sheetFields(a),
	})
}

func sheetFields(a *App) []kit.Field {
	as := kit.Assessment{}
	if a.Assessment != nil {
		as = *a.Assessment
	}
	return as.Fields()
}

// formErr collects the first invalid field of a form.
type formErr struct{ err error }

func (f *formErr) set(field, msg string, args ...any) {
	if f.err == nil {
		f.err = errs.Field(field, msg, args...)
	}
}

func (f *formErr) oneOf(field, v string, allowed ...string) string {
	if v != "" && !slices.Contains(allowed, v) {
		f.set(field, "valore %q non ammesso; valori attesi: %s", v, strings.Join(allowed, ", "))
	}
	return v
}

func (f *formErr) money(field, v string) int64 {
	if strings.TrimSpace(v) == "" {
		return 0
	}
	c, err := kit.ParseEuroCents(v)
	if err != nil {
		f.set(field, "%s", err.Error())
	}
	return c
}

func (f *formErr) date(field, v string) time.Time {
	if v == "" {
		return time.Time{}
	}
	t, err := time.Parse(dateLayout, v)
	if err != nil {
		f.set(field, "data non valida: usare AAAA-MM-GG")
	}
	return t
}

func (f *formErr) int(field, v string, lo, hi int) int {
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		f.set(field, "atteso un numero intero tra %d e %d", lo, hi)
	}
	return n
}

func strs[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

func (m *Module) loadForEdit(w http.ResponseWriter, r *http.Request) (App, bool) {
	a, err := getApp(r.Context(), m.deps.DB, r.PathValue("id"))
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return a, false
	}
	if v := r.FormValue("version"); v != "" && v != strconv.FormatInt(a.Version, 10) {
		m.deps.Web.Error(w, r, errs.E(errs.ECONFLICT, "l'applicativo è stato modificato da qualcun altro: ricaricare la pagina"))
		return a, false
	}
	return a, true
}

func (m *Module) finishEdit(w http.ResponseWriter, r *http.Request, id string, err error) {
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	redirect(w, r, "/admin/cloud/applicativi/"+id+"?esito=salvato")
}

func (m *Module) appSave(w http.ResponseWriter, r *http.Request) {
	before, ok := m.loadForEdit(w, r)
	if !ok {
		return
	}
	_, err := m.saveApp(r.Context(), "app_changed", before, func(a *App) error {
		var f formErr
		v := r.FormValue
		if name := strings.TrimSpace(v("name")); name != "" {
			a.Name = name
		}
		a.Interlocutor, a.Services, a.Licences = v("interlocutor"), v("services"), v("licences")
		a.Opportunity = f.oneOf("opportunity", v("opportunity"), kit.Ratings...)
		a.Risk = f.oneOf("risk", v("risk"), kit.Ratings...)
		a.Ease = f.oneOf("ease", v("ease"), kit.Ratings...)
		a.LevelOverride = f.int("level_override", v("level_override"), 0, 4)
		a.Class = plan.Class(f.oneOf("class", v("class"), strs(plan.Classes)...))
		a.Model = plan.Model(f.oneOf("model", v("model"), strs(plan.Models)...))
		a.Origin = plan.Origin(f.oneOf("origin", v("origin"), strs(plan.Origins)...))
		a.Target = plan.Target(f.oneOf("target", v("target"), "iaas", "paas", "saas"))
		a.DeclaredMode = plan.Mode(f.oneOf("declared_mode", v("declared_mode"), "A", "B"))
		a.Started = f.date("started_on", v("started_on"))
		a.FirstStep = f.date("first_step_on", v("first_step_on"))
		a.State = plan.AppState(f.oneOf("state", v("state"), strs(plan.AppStates)...))
		if a.State == "" {
			a.State = plan.StateToAssess
		}
		a.EffortDays = f.int("effort_days", v("effort_days"), 0, 100000)
		a.Costs.OnPremYear = f.money("onprem_year", v("onprem_year"))
		a.Costs.Initial = f.money("initial", v("initial"))
		a.Costs.Termination = f.money("termination", v("termination"))
		a.Costs.Intangible = f.money("intangible", v("intangible"))
		a.Costs.CloudYear = nil
		if cy := v("cloud_year"); strings.TrimSpace(cy) != "" {
			c := f.money("cloud_year", cy)
			a.Costs.CloudYear = &c
		}
		return f.err
	})
	m.finishEdit(w, r, before.ID, err)
}

func (m *Module) appJudgementsSave(w http.ResponseWriter, r *http.Request) {
	before, ok := m.loadForEdit(w, r)
	if !ok {
		return
	}
	_, err := m.saveApp(r.Context(), "judgements_changed", before, func(a *App) error {
		var f formErr
		v := r.FormValue
		on := func(k string) bool { return v(k) == "1" }
		a.Judgements = plan.Judgements{StackObsolete: on("stack_obsolete"), StackSupportedCSP: on("stack_supported_csp"),
			StackModular: on("stack_modular"), RequiresOnPrem: on("requires_onprem"), LifecycleEnded: on("lifecycle_ended"),
			StructuralIssues:     on("structural_issues"),
			LicencesTransferable: kit.Tri(f.int("licences_transferable", v("licences_transferable"), 0, 2)),
			Evolution:            f.oneOf("evolution", v("evolution"), "bassa", "media", "alta"),
			HardwareDependency:   f.oneOf("hardware", v("hardware"), "fisico", "virtuale", "container", "misto")}
		return f.err
	})
	m.finishEdit(w, r, before.ID, err)
}

// appStrategySave records the chosen strategy with who chose it and why;
// the audit log keeps the before/after.
func (m *Module) appStrategySave(w http.ResponseWriter, r *http.Request) {
	before, ok := m.loadForEdit(w, r)
	if !ok {
		return
	}
	_, err := m.chooseStrategy(r.Context(), before, plan.Strategy(r.FormValue("strategy")), r.FormValue("reason"))
	m.finishEdit(w, r, before.ID, err)
}

func (m *Module) chooseStrategy(ctx context.Context, before App, s plan.Strategy, reason string) (App, error) {
	return m.saveApp(ctx, "strategy_chosen", before, func(a *App) error {
		reason = strings.TrimSpace(reason)
		switch {
		case s != "" && !s.Valid():
			return errs.Field("strategy", "strategia %q sconosciuta; valori attesi: %s", s, strings.Join(strs(plan.Strategies), ", "))
		case s != "" && reason == "":
			return errs.Field("reason", "indicare il motivo della scelta")
		}
		a.Chosen, a.StrategyReason = s, reason
		a.StrategyBy, a.StrategyAt = "", time.Time{}
		if s != "" {
			if p := auth.FromContext(ctx); p != nil {
				a.StrategyBy = p.Name
			}
			a.StrategyAt = store.Now()
			switch {
			case s == plan.Retain && (a.State == plan.StateToAssess || a.State == plan.StatePlanned):
				a.State = plan.StateRetained
			case s != plan.Retain && a.State == plan.StateToAssess:
				a.State = plan.StatePlanned
			}
		}
		return nil
	})
}

func (m *Module) appDependenciesSave(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if _, err := getApp(r.Context(), m.deps.DB, id); err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	_ = r.ParseForm()
	m.finishEdit(w, r, id, m.setDependencies(r.Context(), id, r.Form["depends_on"]))
}

func (m *Module) appKPISave(w http.ResponseWriter, r *http.Request) {
	before, ok := m.loadForEdit(w, r)
	if !ok {
		return
	}
	_, err := m.saveApp(r.Context(), "kpi_changed", before, func(a *App) error {
		name := strings.TrimSpace(r.FormValue("kpi_name"))
		if name == "" {
			return errs.Field("kpi_name", "indicare il nome dell'indicatore")
		}
		num := func(field string) (*float64, error) {
			v := strings.TrimSpace(strings.Replace(r.FormValue(field), ",", ".", 1))
			if v == "" {
				return nil, nil
			}
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return nil, errs.Field(field, "atteso un numero")
			}
			return &f, nil
		}
		k := plan.KPI{Name: name, Unit: strings.TrimSpace(r.FormValue("kpi_unit")), HigherIsBetter: r.FormValue("kpi_higher") == "1"}
		var err error
		for _, p := range []struct {
			field string
			dst   **float64
		}{{"kpi_baseline", &k.Baseline}, {"kpi_target", &k.Target}, {"kpi_actual", &k.Actual}} {
			if *p.dst, err = num(p.field); err != nil {
				return err
			}
		}
		kpis := slices.DeleteFunc(slices.Clone(a.KPIs), func(x plan.KPI) bool { return x.Name == name })
		a.KPIs = append(kpis, k)
		return nil
	})
	m.finishEdit(w, r, before.ID, err)
}

func (m *Module) assessmentXLSX(w http.ResponseWriter, r *http.Request) {
	a, err := getApp(r.Context(), m.deps.DB, r.PathValue("id"))
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	as := kit.Assessment{Name: a.Name, Services: a.Services}
	if a.Assessment != nil {
		as = *a.Assessment
	}
	w.Header().Set("Content-Type", xlsxType)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="assessment-%s.xlsx"`, a.ID))
	if err := kit.WriteAssessmentXLSX(w, as); err != nil {
		m.deps.Log.Error("assessment export", "err", err)
	}
}

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// appAssessmentSave edits the assessment sheet's cells in the UI, with the
// same validation as an import.
func (m *Module) appAssessmentSave(w http.ResponseWriter, r *http.Request) {
	before, ok := m.loadForEdit(w, r)
	if !ok {
		return
	}
	_, err := m.saveApp(r.Context(), "assessment_changed", before, func(a *App) error {
		as := kit.Assessment{Name: a.Name}
		if a.Assessment != nil {
			as = *a.Assessment
			as.Name = a.Name
		}
		for _, f := range as.Fields() {
			if err := as.Set(f.Key, r.FormValue(f.Key)); err != nil {
				var ce kit.CellError
				if errors.As(err, &ce) {
					return errs.Field(f.Label, "valore %q non valido: %s%s", ce.Value, ce.Msg, expectedText(ce.Expected))
				}
				return err
			}
		}
		a.Assessment = &as
		return nil
	})
	m.finishEdit(w, r, before.ID, err)
}

func expectedText(vals []string) string {
	if len(vals) == 0 {
		return ""
	}
	return "valori attesi: " + strings.Join(vals, ", ")
}
