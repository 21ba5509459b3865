package stats

import (
	"fmt"
	"html/template"
	"strings"
)

// Bar is one labelled value of a chart.
type Bar struct {
	Label string
	Value float64
}

// BarChart draws horizontal bars as an accessible inline SVG: role="img",
// a <title> and a <desc> listing every value, so screen readers get the data
// and nothing depends on scripts or style attributes (strict CSP).
func BarChart(title string, bars []Bar, unit string) template.HTML {
	const (
		labelW = 260
		barW   = 380
		rowH   = 26
		pad    = 8
	)
	maxV := 0.0
	for _, b := range bars {
		maxV = max(maxV, b.Value)
	}
	h := pad*2 + rowH*max(1, len(bars))
	var sb strings.Builder
	desc := make([]string, len(bars))
	for i, b := range bars {
		desc[i] = fmt.Sprintf("%s: %s%s", b.Label, num(b.Value), unit)
	}
	fmt.Fprintf(&sb, `<svg xmlns="http://www.w3.org/2000/svg" class="reports-chart" role="img" viewBox="0 0 %d %d" width="100%%" aria-labelledby="%[3]s-t %[3]s-d">`,
		labelW+barW+90, h, id(title))
	fmt.Fprintf(&sb, `<title id="%[1]s-t">%[2]s</title><desc id="%[1]s-d">%[3]s</desc>`, id(title), esc(title), esc(strings.Join(desc, "; ")))
	for i, b := range bars {
		y := pad + i*rowH
		w := 0.0
		if maxV > 0 {
			w = b.Value / maxV * barW
		}
		fmt.Fprintf(&sb, `<text x="%d" y="%d" text-anchor="end" font-size="13" fill="#1a1a1a">%s</text>`, labelW-6, y+17, esc(truncate(b.Label, 34)))
		fmt.Fprintf(&sb, `<rect x="%d" y="%d" width="%.1f" height="%d" fill="#0066cc"></rect>`, labelW, y+4, w, rowH-8)
		fmt.Fprintf(&sb, `<text x="%.1f" y="%d" font-size="13" fill="#1a1a1a">%s%s</text>`, float64(labelW)+w+6, y+17, num(b.Value), esc(unit))
	}
	if len(bars) == 0 {
		fmt.Fprintf(&sb, `<text x="%d" y="%d" font-size="13" fill="#5c6f82">Nessun dato</text>`, pad, pad+17)
	}
	sb.WriteString(`</svg>`)
	return template.HTML(sb.String()) //nolint:gosec // every text is escaped above
}

func num(v float64) string {
	if v == float64(int64(v)) {
		return fmt.Sprintf("%d", int64(v))
	}
	return strings.Replace(fmt.Sprintf("%.1f", v), ".", ",", 1)
}

func esc(s string) string { return template.HTMLEscapeString(s) }

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func id(title string) string {
	var sb strings.Builder
	sb.WriteString("chart-")
	for _, r := range strings.ToLower(title) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			sb.WriteRune(r)
		}
	}
	return sb.String()
}
