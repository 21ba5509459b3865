package markdown

import (
	"strings"
	"testing"
)

func TestHTML(t *testing.T) {
	src := "# Avviso\n\nLa segnalazione **123** è *chiusa*.\nGrazie.\n\n- uno\n- due\n\n1. primo\n2. secondo\n\n<script>alert(1)</script> [sito](https://comune.padova.it)"
	got := HTML(src)
	for _, want := range []string{
		"<h2>Avviso</h2>",
		"<p>La segnalazione <strong>123</strong> è <em>chiusa</em>. Grazie.</p>",
		"<ul>\n<li>uno</li>\n<li>due</li>\n</ul>",
		"<ol>\n<li>primo</li>\n<li>secondo</li>\n</ol>",
		"&lt;script&gt;",
		`<a href="https://comune.padova.it">sito</a>`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in\n%s", want, got)
		}
	}
}

func FuzzHTML(f *testing.F) {
	f.Add("# t\n**b** *i* [x](https://a.b)\n- l\n1. n")
	f.Add("<img src=x onerror=alert(1)>")
	f.Add(`[a](https://x" onclick="y)`)
	f.Fuzz(func(t *testing.T, s string) {
		out := HTML(s)
		if strings.Contains(out, "<script") || strings.Contains(out, "<img") || strings.Contains(out, "\" on") {
			t.Fatalf("unescaped markup from %q: %s", s, out)
		}
	})
}
