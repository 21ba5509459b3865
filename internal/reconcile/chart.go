package reconcile

import (
	"fmt"
	"html"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/arengo-pa/arengo/internal/reconcile/match"
	"github.com/arengo-pa/arengo/internal/web"
)

var severityColor = map[string]string{string(match.Info): "#008055", string(match.Warning): "#a66300", string(match.Error): "#cc334d"}
var severityLabel = map[string]string{string(match.Info): "Regolari", string(match.Warning): "Da verificare", string(match.Error): "Anomalie"}

// chartDays draws, without JavaScript, one stacked bar per day: items (or
// amounts, with ?misura=importi) split by severity.
func (m *Module) chartDays(w http.ResponseWriter, r *http.Request) {
	f := filterFrom(r.URL.Query())
	_, days, err := m.totals(r.Context(), f)
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	amounts := r.URL.Query().Get("misura") == "importi"
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Cache-Control", "no-store")
	w.Write([]byte(daysSVG(days, amounts)))
}

func daysSVG(cells []dayCode, amounts bool) string {
	const width, height, left, bottom, top = 760, 260, 90, 40, 30
	byDay := map[time.Time]map[string]int64{}
	var dayList []time.Time
	for _, c := range cells {
		if byDay[c.Day] == nil {
			byDay[c.Day] = map[string]int64{}
			dayList = append(dayList, c.Day)
		}
		v := c.Count
		if amounts {
			v = c.Amount
		}
		byDay[c.Day][c.Severity] += v
	}
	slices.SortFunc(dayList, func(a, b time.Time) int { return a.Compare(b) })
	var peak int64 = 1
	for _, d := range dayList {
		var s int64
		for _, v := range byDay[d] {
			s += v
		}
		peak = max(peak, s)
	}
	title := "Voci classificate per giorno e gravità"
	if amounts {
		title = "Importi classificati per giorno e gravità"
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" role="img" aria-labelledby="t"><title id="t">%s</title>`, width, height, title)
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#5c6f82"/>`, left, height-bottom, width, height-bottom)
	label := func(v int64) string {
		if amounts {
			return web.Euro(v - v%100)
		}
		return fmt.Sprint(v)
	}
	fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="11" text-anchor="end" fill="#1a1a1a">%s</text>`, left-6, top+4, html.EscapeString(label(peak)))
	fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="11" text-anchor="end" fill="#1a1a1a">0</text>`, left-6, height-bottom)
	if len(dayList) == 0 {
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="14" fill="#1a1a1a">Nessun dato nel periodo</text>`, left+20, height/2)
	}
	slot := float64(width-left) / float64(max(len(dayList), 1))
	barW := max(slot*0.7, 1)
	plot := float64(height - bottom - top)
	for i, d := range dayList {
		x := float64(left) + float64(i)*slot + (slot-barW)/2
		y := float64(height - bottom)
		for _, sev := range []match.Severity{match.Info, match.Warning, match.Error} {
			v := byDay[d][string(sev)]
			if v == 0 {
				continue
			}
			h := plot * float64(v) / float64(peak)
			y -= h
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s %s: %s</title></rect>`,
				x, y, barW, h, severityColor[string(sev)], d.Format("02/01"), severityLabel[string(sev)], html.EscapeString(label(v)))
		}
		if len(dayList) <= 31 {
			fmt.Fprintf(&b, `<text x="%.1f" y="%d" font-size="10" text-anchor="middle" fill="#1a1a1a">%s</text>`, x+barW/2, height-bottom+14, d.Format("02/01"))
		}
	}
	lx := left
	for _, sev := range []match.Severity{match.Info, match.Warning, match.Error} {
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="12" height="12" fill="%s"/><text x="%d" y="%d" font-size="12" fill="#1a1a1a">%s</text>`,
			lx, height-16, severityColor[string(sev)], lx+16, height-6, severityLabel[string(sev)])
		lx += 140
	}
	b.WriteString(`</svg>`)
	return b.String()
}
