package reports

import (
	"testing"
)

// FuzzParseQuestions feeds the admin's question lines through the parser and
// the category validation: whatever passes must round-trip through the text
// form the admin edits.
func FuzzParseQuestions(f *testing.F) {
	for _, s := range []string{
		"palo | string | sì | Numero del palo",
		"tipo | singlevaluelist | no | Che problema? | spenta=Spenta; intermittente=Intermittente",
		"x|y", "a | multivaluelist | si | Q | =vuoto", "| | | |", "c | number | true | Quanti? \n d | datetime | no | Quando?",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		attrs, err := parseQuestions(text)
		if err != nil {
			return
		}
		c := Category{Code: "cat", Name: "Categoria", DeadlineDays: 15, RadiusM: 100, Attributes: attrs}
		if err := c.validate(); err != nil {
			return
		}
		again, err := parseQuestions(questionsText(c.Attributes))
		if err != nil || len(again) != len(c.Attributes) {
			t.Fatalf("round trip of %q: %v (%d vs %d)", text, err, len(again), len(c.Attributes))
		}
		for i := range again {
			a, b := again[i], c.Attributes[i]
			if a.Code != b.Code || a.Datatype != b.Datatype || a.Required != b.Required || len(a.Values) != len(b.Values) {
				t.Fatalf("round trip changed question %d: %+v vs %+v", i, a, b)
			}
		}
	})
}
