package match

import "testing"

func TestClassifySplit(t *testing.T) {
	m := MovementEvidence{ID: "2026/7", AmountCents: 300}
	a := &FlowEvidence{IUF: "A", TotalCents: 100, Movements: []Credit{{"2026/7", 100}}}
	b := &FlowEvidence{IUF: "B", TotalCents: 200, Movements: []Credit{{"2026/7", 200}}}
	short := &FlowEvidence{IUF: "B", TotalCents: 250, Movements: []Credit{{"2026/7", 200}}}
	for _, tc := range []struct {
		name  string
		parts []SplitPart
		want  Code
	}{
		{"every flow paid in full", []SplitPart{{"A", 100, a}, {"B", 200, b}}, RTIUFTES},
		{"a flow revised to another total", []SplitPart{{"A", 100, a}, {"B", 200, short}}, IUFTESDivImp},
		{"a flow no longer loaded", []SplitPart{{"A", 100, a}, {"B", 200, nil}}, TESNoIUFOrIUV},
	} {
		it := ClassifySplit(m, tc.parts, "Rossi")
		if it.Code != tc.want || it.Key != m.ID || it.AmountCents != 300 || it.Text("it") == "" {
			t.Errorf("%s: %+v, want %s", tc.name, it, tc.want)
		}
	}
}
