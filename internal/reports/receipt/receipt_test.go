package receipt

import (
	"bytes"
	"testing"
	"time"
)

func TestPDFHasNumberAndIsAPDF(t *testing.T) {
	b, err := PDF(Data{Comune: "Comune di Padova", Number: "SGN-2026-000042", Submitted: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC),
		Category: "Strade, marciapiedi", Title: "Buca in via Roma", Details: "Profonda, pericolosa per le bici. Città",
		Address: "Via Roma 1", Lat: 45.4, Lon: 11.87, Author: "Mario Rossi", FiscalCode: "RSSMRA80A01H501U",
		Deadline: time.Date(2026, 3, 16, 9, 0, 0, 0, time.UTC), Photos: 1})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("%PDF-")) || !bytes.Contains(b[len(b)-64:], []byte("%%EOF")) {
		t.Fatal("not a PDF")
	}
	if len(b) < 800 {
		t.Errorf("suspiciously small PDF: %d bytes", len(b))
	}
}

func TestReceiptShowsAnswersInWords(t *testing.T) {
	d := Data{Number: "SGN-2026-000043", Title: "Buca", Answers: []Answer{{Question: "È pericolosa?", Value: "Sì"}, {Question: "Vuota", Value: ""}}}
	var got []string
	for _, l := range lines(d) {
		got = append(got, l[0]+"="+l[1])
	}
	want := "È pericolosa?=Sì"
	found := false
	for _, g := range got {
		if g == want {
			found = true
		}
		if g == "Vuota=" {
			t.Error("an empty answer is printed")
		}
	}
	if !found {
		t.Errorf("receipt rows %q lack %q", got, want)
	}
	if _, err := PDF(d); err != nil {
		t.Fatal(err)
	}
}
