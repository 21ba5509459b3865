package cloudplan

import (
	"bytes"
	"fmt"
	"html"
	"unicode/utf8"

	"github.com/arengo-pa/arengo/internal/cloudplan/plan"
)

// wavesSVG draws the plan server-side: one column per wave, one box per
// application, an arrow from each dependency to its dependent. Boxes link
// to the application's page; presentation attributes only (strict CSP).
func wavesSVG(s *snapshot) []byte {
	const colW, boxW, boxH, rowH, top, left = 200, 170, 22, 30, 40, 10
	waves := s.Plan.Waves.Waves
	rows := 1
	for _, w := range waves {
		rows = max(rows, len(w.Apps))
	}
	width, height := left+len(waves)*colW+10, top+rows*rowH+10
	type pos struct{ x, y int }
	at := map[string]pos{}
	for c, w := range waves {
		for r, id := range w.Apps {
			at[id] = pos{left + c*colW, top + r*rowH}
		}
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-labelledby="cp-graph-title" font-family="sans-serif" font-size="11">`, width, height, width, height)
	fmt.Fprintf(&b, `<title id="cp-graph-title">Grafo delle dipendenze per ondata: %d ondate, %d applicativi</title>`, len(waves), len(at))
	b.WriteString(`<defs><marker id="cp-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#5c6f82"/></marker></defs>`)
	for c, w := range waves {
		label := fmt.Sprintf("Ondata %d", w.Number)
		fill := "#17324d"
		if w.Oversized {
			label += " (oltre capacità)"
			fill = "#a32d2d"
		}
		fmt.Fprintf(&b, `<text x="%d" y="20" font-weight="bold" fill="%s">%s</text>`, left+c*colW, fill, html.EscapeString(label))
	}
	for _, w := range waves {
		for _, id := range w.Apps {
			p := at[id]
			a, _, _ := s.appPlan(id)
			for _, d := range a.DependsOn {
				q, ok := at[d]
				if !ok {
					continue
				}
				fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#5c6f82" stroke-opacity="0.5" marker-end="url(#cp-arrow)"/>`,
					q.x+boxW, q.y+boxH/2, p.x, p.y+boxH/2)
			}
		}
	}
	for _, w := range waves {
		for _, id := range w.Apps {
			p := at[id]
			a, ap, _ := s.appPlan(id)
			fill := map[plan.AppState]string{plan.StateMigrated: "#d9f2e3", plan.StateValidated: "#b3e6c8", plan.StateMigrating: "#fff1cc"}[a.State]
			if fill == "" {
				fill = "#ffffff"
			}
			fmt.Fprintf(&b, `<a href="/admin/cloud/applicativi/%s"><title>%s — %s, %s</title><rect x="%d" y="%d" width="%d" height="%d" rx="3" fill="%s" stroke="#0066cc"/><text x="%d" y="%d" fill="#17324d">%s</text></a>`,
				html.EscapeString(id), html.EscapeString(a.Name), html.EscapeString(strategyLabel(ap.Strategy)), html.EscapeString(stateLabel(a.State)),
				p.x, p.y, boxW, boxH, fill, p.x+5, p.y+15, html.EscapeString(truncate(a.Name, 26)))
		}
	}
	b.WriteString(`</svg>`)
	return b.Bytes()
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
