package iuv

import (
	"strings"
	"testing"
)

func TestQRPayload(t *testing.T) {
	cases := []struct {
		nav   string
		cents int64
		want  string
	}{
		{"301000000001234519", 12550, "PAGOPA|002|301000000001234519|01234567890|12550"},
		{"301000000001234519", 5, "PAGOPA|002|301000000001234519|01234567890|05"},
		{"001340000013900808", 99_999_999_999, "PAGOPA|002|001340000013900808|01234567890|99999999999"},
	}
	for _, c := range cases {
		got, err := QRPayload(c.nav, "01234567890", c.cents)
		if err != nil || got != c.want {
			t.Errorf("QRPayload(%s, %d) = %q, %v; want %q", c.nav, c.cents, got, err, c.want)
		}
	}
	bad := []struct {
		nav, cf string
		cents   int64
	}{
		{"301000000001234518", "01234567890", 100},
		{"301000000001234519", "0123456789", 100},
		{"301000000001234519", "0123456789A", 100},
		{"301000000001234519", "01234567890", 0},
		{"301000000001234519", "01234567890", MaxQRAmountCents + 1},
	}
	for _, c := range bad {
		if _, err := QRPayload(c.nav, c.cf, c.cents); err == nil {
			t.Errorf("QRPayload(%s, %s, %d) accepted", c.nav, c.cf, c.cents)
		}
	}
}

func TestDataMatrixWorkedExample(t *testing.T) {
	got, err := DataMatrixPayload(PostalSlip{
		Notice: "301000000001234519", Account: "12345678", AmountCents: 12550,
		CreditorCF: "01234567890", DebtorCF: "RSSMRA80A01H501U", DebtorName: "Mario Rossi",
		Subject: "TARI 2025 rata unica",
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "codfase=NBPA;18301000000001234519120000123456781000000125503896" + "1P1" + "01234567890" +
		"RSSMRA80A01H501U" + pad("MARIO ROSSI", 40) + pad("TARI 2025 RATA UNICA", 110) + strings.Repeat(" ", 12) + "A"
	if got != want || len(got) != 256 {
		t.Fatalf("got %d chars\n%q\nwant\n%q", len(got), got, want)
	}
	// Amounts of 1.000 € and more are plain digits (MyPay's thousands-dot defect is not reproduced).
	big, _ := DataMatrixPayload(PostalSlip{Notice: "301000000001234519", Account: "1", AmountCents: 123456, CreditorCF: "01234567890", DebtorName: "Società Già Più", Subject: "x"})
	if big[49:59] != "0000123456" || big[93:133] != pad("SOCIET  GI  PI", 40) || len(big) != 256 {
		t.Fatalf("got %q", big)
	}
	if _, err := DataMatrixPayload(PostalSlip{Notice: "301000000001234519", Account: "1234567890123", AmountCents: 1, CreditorCF: "01234567890"}); err == nil {
		t.Error("13-digit postal account accepted")
	}
}
