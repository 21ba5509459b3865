package reports

import (
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"html/template"
	"net/http"
	"sort"
	"strconv"
	"time"

	"github.com/arengo-pa/arengo/internal/reports/stats"
	"github.com/arengo-pa/arengo/internal/web"
)

// Dashboard holds the figures of the back-office dashboard for a period.
type Dashboard struct {
	From, To       time.Time
	Total          int
	ByCategory     []stats.Bar
	ByMonth        []stats.Bar
	ByState        []stats.Bar
	ByArea         []stats.Bar
	TakeInCharge   stats.Durations
	Fix            stats.Durations
	WithinDeadline stats.Share
	OverdueOpen    int
}

// Dashboard aggregates reports created in [from, to) in Go, so the same
// code runs on both engines; a year of a large comune is ~20,000 rows.
func (s *Service) Dashboard(ctx context.Context, from, to time.Time, category, area string) (*Dashboard, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT c.name, s.label, COALESCE(a.name, ''), r.state_type, r.created_at, r.taken_at, r.fixed_at,
		r.closed_at, r.deadline_at`+reportFrom+` WHERE r.created_at >= $1 AND r.created_at < $2 AND r.state_type <> 'hidden'
		AND ($3 = '' OR c.code = $3) AND ($4 = '' OR r.area_id = $4)`, from, to, category, area)
	if err != nil {
		return nil, fmt.Errorf("dashboard: %w", err)
	}
	defer rows.Close()
	d := &Dashboard{From: from, To: to}
	cat, month, state, ar := map[string]int{}, map[string]int{}, map[string]int{}, map[string]int{}
	var take, fix []time.Duration
	now := s.now()
	for rows.Next() {
		var cname, slabel, aname, typ string
		var created, deadline time.Time
		var taken, fixed, closed sql.NullTime
		if err := rows.Scan(&cname, &slabel, &aname, &typ, &created, &taken, &fixed, &closed, &deadline); err != nil {
			return nil, err
		}
		d.Total++
		cat[cname]++
		month[created.In(rome).Format("2006-01")]++
		state[slabel]++
		if aname == "" {
			aname = "(fuori zona)"
		}
		ar[aname]++
		if taken.Valid {
			take = append(take, taken.Time.Sub(created))
		}
		if fixed.Valid {
			fix = append(fix, fixed.Time.Sub(created))
		}
		switch {
		case closed.Valid:
			d.WithinDeadline.Total++
			if !closed.Time.After(deadline) {
				d.WithinDeadline.Part++
			}
		case typ == "open" && now.After(deadline):
			d.WithinDeadline.Total++
			d.OverdueOpen++
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	d.ByCategory, d.ByState, d.ByArea = bars(cat, true), bars(state, true), bars(ar, true)
	d.ByMonth = bars(month, false)
	d.TakeInCharge, d.Fix = stats.Summarise(take), stats.Summarise(fix)
	return d, nil
}

// bars sorts counts by value (largest first) or by key.
func bars(m map[string]int, byValue bool) []stats.Bar {
	out := make([]stats.Bar, 0, len(m))
	for k, v := range m {
		out = append(out, stats.Bar{Label: k, Value: float64(v)})
	}
	sort.Slice(out, func(i, j int) bool {
		if byValue && out[i].Value != out[j].Value {
			return out[i].Value > out[j].Value
		}
		return out[i].Label < out[j].Label
	})
	return out
}

func (m *Module) dashboardPeriod(r *http.Request) (time.Time, time.Time) {
	now := m.svc.now()
	from, to := now.AddDate(-1, 0, 0), now.Add(time.Second)
	if t, err := time.ParseInLocation("2006-01-02", r.URL.Query().Get("dal"), rome); err == nil {
		from = t.UTC()
	}
	if t, err := time.ParseInLocation("2006-01-02", r.URL.Query().Get("al"), rome); err == nil {
		to = t.AddDate(0, 0, 1).UTC()
	}
	return from, to
}

func (m *Module) dashboard(w http.ResponseWriter, r *http.Request) {
	from, to := m.dashboardPeriod(r)
	q := r.URL.Query()
	d, err := m.svc.Dashboard(r.Context(), from, to, q.Get("categoria"), q.Get("zona"))
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	cats, _ := m.svc.Categories(r.Context(), false)
	areas, _ := m.svc.Areas(r.Context())
	tr := func(key string) string { return m.deps.Web.T(web.Lang(r), key) }
	m.deps.Web.Render(w, r, m.pages.dashboard, map[string]any{"D": d, "Categories": cats, "Areas": areas, "Filter": q,
		"CSVURL": "/admin/segnalazioni/cruscotto.csv?" + r.URL.RawQuery, "From": from, "To": to.Add(-time.Second),
		"Charts": []template.HTML{
			stats.BarChart(tr("reports.d.by_category"), d.ByCategory, ""),
			stats.BarChart(tr("reports.d.by_month"), d.ByMonth, ""),
			stats.BarChart(tr("reports.d.by_state"), d.ByState, ""),
			stats.BarChart(tr("reports.d.by_area"), d.ByArea, ""),
		},
		"TakeMean": stats.Days(d.TakeInCharge.Mean), "TakeMedian": stats.Days(d.TakeInCharge.Median),
		"FixMean": stats.Days(d.Fix.Mean), "FixMedian": stats.Days(d.Fix.Median), "Within": d.WithinDeadline.Percent(),
	})
}

func (m *Module) dashboardCSV(w http.ResponseWriter, r *http.Request) {
	from, to := m.dashboardPeriod(r)
	q := r.URL.Query()
	d, err := m.svc.Dashboard(r.Context(), from, to, q.Get("categoria"), q.Get("zona"))
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", "attachment; filename=\"cruscotto-segnalazioni.csv\"")
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"sezione", "voce", "valore"})
	for _, sec := range []struct {
		name string
		bars []stats.Bar
	}{{"categoria", d.ByCategory}, {"mese", d.ByMonth}, {"stato", d.ByState}, {"zona", d.ByArea}} {
		for _, b := range sec.bars {
			_ = cw.Write([]string{sec.name, b.Label, strconv.Itoa(int(b.Value))})
		}
	}
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }
	_ = cw.Write([]string{"tempi", "presa_in_carico_media_giorni", f(stats.Days(d.TakeInCharge.Mean))})
	_ = cw.Write([]string{"tempi", "presa_in_carico_mediana_giorni", f(stats.Days(d.TakeInCharge.Median))})
	_ = cw.Write([]string{"tempi", "risoluzione_media_giorni", f(stats.Days(d.Fix.Mean))})
	_ = cw.Write([]string{"tempi", "risoluzione_mediana_giorni", f(stats.Days(d.Fix.Median))})
	_ = cw.Write([]string{"scadenze", "entro_scadenza_percento", f(d.WithinDeadline.Percent())})
	_ = cw.Write([]string{"scadenze", "casi_valutati", strconv.Itoa(d.WithinDeadline.Total)})
	cw.Flush()
}
