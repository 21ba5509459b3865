// Package tmpl renders notification templates: an Italian and an English
// subject and markdown body, Go text/template over the caller's data, with
// required keys and App IO's length limits checked before anything is queued.
package tmpl

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"text/template"
	"time"

	"github.com/arengo-pa/arengo/internal/notify/appio"
)

// Text is one text in both languages.
type Text struct{ IT, EN string }

// In returns the text in lang ("it" or "en"); Italian when the English is missing.
func (t Text) In(lang string) string {
	if lang == "en" && t.EN != "" {
		return t.EN
	}
	return t.IT
}

// Template is a notification template.
type Template struct {
	Key      string
	Subject  Text
	Body     Text
	Required []string
}

// Rendered is a template applied to data in one language.
type Rendered struct {
	Lang     string
	Subject  string
	Markdown string
}

var funcs = template.FuncMap{
	"euro": Euro,
	"date": func(v any) string {
		switch t := v.(type) {
		case time.Time:
			return t.Format("02/01/2006")
		case string:
			if p, err := time.Parse(time.RFC3339, t); err == nil {
				return p.Format("02/01/2006")
			}
			if p, err := time.Parse("2006-01-02", t); err == nil {
				return p.Format("02/01/2006")
			}
			return t
		}
		return fmt.Sprint(v)
	},
}

// Parse checks that all four texts are valid templates, naming the one that is not.
func (t Template) Parse() error {
	var errs []error
	for _, p := range []struct{ name, src string }{
		{"oggetto (IT)", t.Subject.IT}, {"oggetto (EN)", t.Subject.EN}, {"testo (IT)", t.Body.IT}, {"testo (EN)", t.Body.EN},
	} {
		if _, err := parse(p.src); err != nil {
			errs = append(errs, fmt.Errorf("modello %s, %s: %v", t.Key, p.name, err))
		}
	}
	if strings.TrimSpace(t.Subject.IT) == "" || strings.TrimSpace(t.Body.IT) == "" {
		errs = append(errs, fmt.Errorf("modello %s: oggetto e testo in italiano sono obbligatori", t.Key))
	}
	return errors.Join(errs...)
}

func parse(src string) (*template.Template, error) {
	return template.New("").Funcs(funcs).Option("missingkey=error").Parse(src)
}

// Missing lists the required keys absent from data, sorted.
func (t Template) Missing(data map[string]any) []string {
	var miss []string
	for _, k := range t.Required {
		if v, ok := data[k]; !ok || v == nil || v == "" {
			miss = append(miss, k)
		}
	}
	sort.Strings(miss)
	return miss
}

// Render applies data in lang.
func (t Template) Render(lang string, data map[string]any) (Rendered, error) {
	if miss := t.Missing(data); len(miss) > 0 {
		return Rendered{}, fmt.Errorf("modello %s: mancano i dati %s", t.Key, strings.Join(miss, ", "))
	}
	subject, err := execute(t.Subject.In(lang), data)
	if err != nil {
		return Rendered{}, fmt.Errorf("modello %s, oggetto: %v", t.Key, err)
	}
	body, err := execute(t.Body.In(lang), data)
	if err != nil {
		return Rendered{}, fmt.Errorf("modello %s, testo: %v", t.Key, err)
	}
	return Rendered{Lang: lang, Subject: strings.TrimSpace(subject), Markdown: strings.TrimSpace(body)}, nil
}

// RenderForIO renders in lang and checks App IO's limits on subject (10–120
// characters) and markdown (80–10,000), so an unsendable message is refused
// at the call and not discovered by a background job.
func (t Template) RenderForIO(lang string, data map[string]any) (Rendered, error) {
	r, err := t.Render(lang, data)
	if err != nil {
		return r, err
	}
	if err := errors.Join(appio.CheckSubject(r.Subject), appio.CheckMarkdown(r.Markdown)); err != nil {
		return r, fmt.Errorf("modello %s (%s): %w", t.Key, lang, err)
	}
	return r, nil
}

func execute(src string, data map[string]any) (string, error) {
	tp, err := parse(src)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	if err := tp.Execute(&b, data); err != nil {
		return "", err
	}
	return b.String(), nil
}

// Euro formats cents the Italian way: 123456 → "1.234,56 €". It accepts the
// number types that come out of Go code and out of JSON.
func Euro(v any) string {
	var cents int64
	switch n := v.(type) {
	case int:
		cents = int64(n)
	case int64:
		cents = n
	case float64:
		cents = int64(math.Round(n))
	case string:
		c, err := strconv.ParseInt(n, 10, 64)
		if err != nil {
			return n
		}
		cents = c
	default:
		return fmt.Sprint(v)
	}
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	whole := strconv.FormatInt(cents/100, 10)
	var b strings.Builder
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	return fmt.Sprintf("%s%s,%02d €", sign, b.String(), cents%100)
}
