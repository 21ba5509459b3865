package match

import (
	"encoding/json"
	"testing"
)

func checkWhyJSON(t *testing.T, w Why) {
	t.Helper()
	want, err := json.Marshal(w)
	if err != nil {
		t.Fatal(err)
	}
	if got := w.AppendJSON(nil); string(got) != string(want) {
		t.Errorf("AppendJSON(%#v)\n got %s\nwant %s", w, got, want)
	}
}

// TestWhyAppendJSON covers every field, empty and set, and the strings
// encoding/json escapes.
func TestWhyAppendJSON(t *testing.T) {
	for _, w := range []Why{
		{},
		{Msg: MsgCollected},
		{Msg: MsgReportedAmount, Notification: "IUD7", Receipt: "rt-1", FlowRows: []string{"v1#1", "v2#3"}, Movements: []string{"2026/0001/01114"},
			Compared: "ricevuta/FdR", Expected: 123456, Found: -100, Outcome: "9", LinkedBy: "mario.rossi", SplitBy: "anna",
			Shares: []Share{{"2026-11-25PSP-1", 100}, {"B", 0}}, Flow: "2026-11-25PSP-1"},
		{Msg: "a\"b\\c", Receipt: "<script>&", LinkedBy: "Niccolò", SplitBy: "tab\there", Flow: "\u2028", Movements: []string{"", "\x00\xff"}},
		{Msg: MsgSplit, FlowRows: []string{}, Shares: []Share{}},
	} {
		checkWhyJSON(t, w)
	}
}

func FuzzWhyAppendJSON(f *testing.F) {
	f.Add("flow_tes", "IUD1", "rt-1", "v1#1", "2026/1", "ricevuta/FdR", int64(5), int64(-7), "0", "op", "A", int64(3))
	f.Add("x\"<>&\u2028", "\xff", "è", "\n", "", "", int64(0), int64(0), "", "", "", int64(0))
	f.Fuzz(func(t *testing.T, m, notification, receipt, row, movement, compared string, expected, found int64, outcome, by, iuf string, cents int64) {
		w := Why{Msg: Msg(m), Notification: notification, Receipt: receipt, Compared: compared, Expected: expected, Found: found,
			Outcome: outcome, LinkedBy: by, SplitBy: by, Flow: iuf}
		if row != "" {
			w.FlowRows = []string{row, receipt}
		}
		if movement != "" {
			w.Movements = []string{movement}
		}
		if cents != 0 {
			w.Shares = []Share{{iuf, cents}, {movement, expected}}
		}
		checkWhyJSON(t, w)
	})
}
