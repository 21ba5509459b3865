package tmpl

import (
	"strings"
	"testing"
)

var reportChanged = Template{
	Key:      "reports.state_changed",
	Subject:  Text{IT: "La segnalazione {{.number}} è {{.state}}", EN: "Report {{.number}} is {{.state}}"},
	Body:     Text{IT: "Gentile cittadino,\n\nla segnalazione **{{.number}}** è ora *{{.state}}*. Puoi seguirla nell'Area personale del Comune.", EN: "Dear citizen,\n\nreport **{{.number}}** is now *{{.state}}*. You can follow it in the personal area of the municipality."},
	Required: []string{"number", "state"},
}

func TestRender(t *testing.T) {
	r, err := reportChanged.RenderForIO("en", map[string]any{"number": "2026/17", "state": "closed"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Subject != "Report 2026/17 is closed" || !strings.Contains(r.Markdown, "**2026/17**") {
		t.Errorf("%+v", r)
	}
}

func TestRefusals(t *testing.T) {
	cases := []struct {
		name string
		tp   Template
		data map[string]any
		want string
	}{
		{"missing data", reportChanged, map[string]any{"number": "1"}, "mancano i dati state"},
		{"subject too short", Template{Key: "x", Subject: Text{IT: "{{.a}}"}, Body: reportChanged.Body, Required: []string{"a"}},
			map[string]any{"a": "Ciao", "number": 1, "state": "x"}, "l'oggetto ha 4 caratteri"},
		{"body too short", Template{Key: "x", Subject: Text{IT: "Oggetto abbastanza lungo"}, Body: Text{IT: "Breve"}}, nil, "il testo ha 5 caratteri"},
		{"key used but not required nor given", Template{Key: "x", Subject: Text{IT: "Oggetto {{.nope}} lungo"}, Body: reportChanged.Body}, map[string]any{"number": 1, "state": "x"}, "nope"},
	}
	for _, c := range cases {
		_, err := c.tp.RenderForIO("it", c.data)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want %q", c.name, err, c.want)
		}
	}
}

func TestParseNamesTheText(t *testing.T) {
	tp := reportChanged
	tp.Body.EN = "{{.number"
	if err := tp.Parse(); err == nil || !strings.Contains(err.Error(), "testo (EN)") {
		t.Fatalf("err = %v", err)
	}
}

func TestEuro(t *testing.T) {
	for in, want := range map[any]string{int64(123456): "1.234,56 €", 5: "0,05 €", float64(100000000): "1.000.000,00 €", int64(-250): "-2,50 €"} {
		if got := Euro(in); got != want {
			t.Errorf("Euro(%v) = %q, want %q", in, got, want)
		}
	}
}

func FuzzRender(f *testing.F) {
	f.Add("Oggetto {{.a}}", "Testo {{.a | euro}} {{date .a}}", "v")
	f.Add("{{range .a}}", "{{template \"x\"}}", "")
	f.Fuzz(func(t *testing.T, subject, body, value string) {
		tp := Template{Key: "f", Subject: Text{IT: subject}, Body: Text{IT: body}}
		if tp.Parse() != nil {
			return
		}
		_, _ = tp.RenderForIO("it", map[string]any{"a": value})
	})
}
