package stats

import (
	"encoding/xml"
	"strings"
	"testing"
	"time"
)

func TestSummarise(t *testing.T) {
	d := Summarise([]time.Duration{4 * time.Hour, time.Hour, 10 * time.Hour, 3 * time.Hour})
	if d.Count != 4 || d.Mean != 4*time.Hour+30*time.Minute || d.Median != 3*time.Hour+30*time.Minute {
		t.Errorf("%+v", d)
	}
	if odd := Summarise([]time.Duration{5, 1, 3}); odd.Median != 3 {
		t.Errorf("odd median %v", odd.Median)
	}
	if (Summarise(nil) != Durations{}) {
		t.Error("empty")
	}
	if p := (Share{Part: 3, Total: 4}).Percent(); p != 75 {
		t.Errorf("percent %v", p)
	}
	if (Share{}).Percent() != 0 || Days(36*time.Hour) != 1.5 {
		t.Error("zero share or days")
	}
}

func TestBarChartIsWellFormedAccessibleAndEscaped(t *testing.T) {
	svg := string(BarChart("Segnalazioni per categoria", []Bar{{"Strade <e> marciapiedi", 120}, {"Verde", 2.5}}, ""))
	if err := xml.Unmarshal([]byte(svg), new(struct{})); err != nil {
		t.Fatalf("not well-formed: %v\n%s", err, svg)
	}
	for _, want := range []string{`role="img"`, `<title id="chart-segnalazionipercategoria-t">Segnalazioni per categoria</title>`, `Strade &lt;e&gt; marciapiedi: 120; Verde: 2,5`} {
		if !strings.Contains(svg, want) {
			t.Errorf("svg lacks %s", want)
		}
	}
	if strings.Contains(svg, "style=") || strings.Contains(svg, "<script") {
		t.Error("inline style or script")
	}
	if !strings.Contains(string(BarChart("Vuoto", nil, "")), "Nessun dato") {
		t.Error("empty chart")
	}
}
