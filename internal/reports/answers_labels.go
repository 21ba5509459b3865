package reports

import (
	"context"
	"sort"
	"strings"

	"github.com/arengo-pa/arengo/internal/reports/open311"
	"github.com/arengo-pa/arengo/internal/reports/receipt"
)

// Answer is a reply to one of a category's extra questions as people read
// it: the question's text and, for list questions, the chosen values'
// names instead of their keys.
type Answer struct {
	Question string
	Values   []string
}

// answerLabels turns stored answers (question code → values) into readable
// lines, in the category's question order. An answer to a question the
// category no longer has keeps its code, and a list value no longer offered
// keeps its key, so nothing the citizen said is hidden.
func answerLabels(c Category, answers map[string][]string) []Answer {
	var out []Answer
	seen := map[string]bool{}
	attrs := append([]open311.Attribute(nil), c.Attributes...)
	sort.SliceStable(attrs, func(i, j int) bool { return attrs[i].Order < attrs[j].Order })
	for _, a := range attrs {
		vals, ok := answers[a.Code]
		if !ok || len(vals) == 0 {
			continue
		}
		seen[a.Code] = true
		q := a.Description
		if q == "" {
			q = a.Code
		}
		out = append(out, Answer{Question: q, Values: valueNames(a, vals)})
	}
	var rest []string
	for code, vals := range answers {
		if !seen[code] && len(vals) > 0 {
			rest = append(rest, code)
		}
	}
	sort.Strings(rest)
	for _, code := range rest {
		out = append(out, Answer{Question: code, Values: answers[code]})
	}
	return out
}

func valueNames(a open311.Attribute, vals []string) []string {
	if len(a.Values) == 0 {
		return vals
	}
	names := make(map[string]string, len(a.Values))
	for _, v := range a.Values {
		names[v.Key] = v.Name
	}
	out := make([]string, len(vals))
	for i, v := range vals {
		if n, ok := names[v]; ok && n != "" {
			out[i] = n
		} else {
			out[i] = v
		}
	}
	return out
}

// Text is the values as one phrase.
func (a Answer) Text() string { return strings.Join(a.Values, ", ") }

// receiptAnswers are the answers for the PDF receipt.
func receiptAnswers(as []Answer) []receipt.Answer {
	out := make([]receipt.Answer, 0, len(as))
	for _, a := range as {
		out = append(out, receipt.Answer{Question: a.Question, Value: a.Text()})
	}
	return out
}

// reportAnswers are a filed report's answers in words; if its category
// cannot be read, the codes are shown rather than nothing.
func (m *Module) reportAnswers(ctx context.Context, rep *Report) []Answer {
	c, _ := m.svc.Category(ctx, rep.CategoryID)
	return answerLabels(c, rep.Answers)
}
