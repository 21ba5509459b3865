package iuv

import (
	"strings"
	"testing"
)

func TestNewAux3WorkedExample(t *testing.T) {
	n, err := NewAux3(1, 12345)
	if err != nil {
		t.Fatal(err)
	}
	if n.Number != "301000000001234519" || n.IUV != "01000000001234519" || n.SegregationCode != "01" {
		t.Fatalf("got %+v", n)
	}
	// 18 digits in groups of four = 22 characters. (pagopa.md 2.2 prints
	// "3010 0000 0012 3451 9", which drops a zero: 17 digits.)
	if got := Format(n.Number); got != "3010 0000 0001 2345 19" {
		t.Fatalf("printed form %q", got)
	}
}

func TestParseEveryAuxDigit(t *testing.T) {
	valid := []struct {
		nav, iuv, app, seg string
	}{
		{"301000000001234519", "01000000001234519", "", "01"},
		{"300715700000000032", "00715700000000032", "", "00"}, // io-app fixture
		{"001340000013900808", "340000013900808", "01", ""},   // aux 0 fixture
		{"001000000001234516", "000000001234516", "01", ""},   // SACI worked example
		{"112345678901234567", "12345678901234567", "", ""},   // aux 1: no check digits
		{"2000000000123456" + mustCD(t, "2000000000123456"), "000000000123456" + mustCD(t, "2000000000123456"), "", ""},
		{"3010 0000 0001 2345 19", "01000000001234519", "", "01"},
	}
	for _, c := range valid {
		n, err := Parse(c.nav)
		if err != nil {
			t.Errorf("%s: %v", c.nav, err)
			continue
		}
		if n.IUV != c.iuv || n.ApplicationCode != c.app || n.SegregationCode != c.seg {
			t.Errorf("%s: got %+v", c.nav, n)
		}
	}
	invalid := map[string]string{
		"301000000001234518":  "cifre di controllo",
		"301000000001234529":  "cifre di controllo",
		"300715700000000023":  "cifre di controllo",
		"401000000001234519":  "cifra ausiliaria",
		"30100000000123451":   "18 cifre",
		"30100000000123451X":  "18 cifre",
		"301000000000012345":  "cifre di controllo", // placeholder found in examples
		"":                    "18 cifre",
		"3010000000012345190": "18 cifre",
	}
	for nav, want := range invalid {
		if _, err := Parse(nav); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: got %v, want error containing %q", nav, err, want)
		}
	}
}

func TestEverySingleDigitTamperIsCaught(t *testing.T) {
	n, _ := NewAux3(12, 4242424242)
	for i := 1; i < 18; i++ { // position 0 changes the aux digit, covered above
		b := []byte(n.Number)
		b[i] = '0' + (b[i]-'0'+1)%10
		if _, err := Parse(string(b)); err == nil {
			t.Errorf("tampered digit %d accepted: %s", i, b)
		}
	}
}

func TestSegregationCodes(t *testing.T) {
	for _, code := range []int{47, 81, 85, 96, 97, 98, 99, -1, 100} {
		if _, err := NewAux3(code, 1); err == nil {
			t.Errorf("segregation code %d accepted", code)
		}
	}
	if _, err := NewAux3(0, MaxBase+1); err == nil {
		t.Error("base beyond 13 digits accepted")
	}
	if n, err := NewAux3(49, MaxBase); err != nil || n.Number[:3] != "349" {
		t.Errorf("largest base: %v %v", n, err)
	}
}

func mustCD(t *testing.T, p string) string {
	t.Helper()
	cd, err := CheckDigits(p)
	if err != nil {
		t.Fatal(err)
	}
	return cd
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"301000000001234519", "001340000013900808", "112345678901234567", "3010 0000 0001 2345 19", "", "abc", "999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := Parse(s)
		if err != nil {
			return
		}
		if len(n.Number) != 18 || !allDigits(n.Number) || !strings.HasSuffix(n.Number, n.IUV) {
			t.Fatalf("accepted malformed notice %q: %+v", s, n)
		}
		if n.Aux != '1' {
			cd, _ := CheckDigits(n.Number[:16])
			if cd != n.Number[16:] {
				t.Fatalf("accepted wrong check digits %q", s)
			}
		}
		if again, err := Parse(Format(n.Number)); err != nil || again != n {
			t.Fatalf("printed form does not round-trip: %q %v", Format(n.Number), err)
		}
	})
}
