package fiscalcode

import (
	"strings"
	"testing"
)

func TestValidate(t *testing.T) {
	cases := []struct {
		cf   string
		want string // substring of the error, "" for valid
	}{
		{"RSSMRA80A01H501U", ""},
		{"SPNDNL80R13C555X", "atteso T"},               // the App IO spec example has a wrong check character
		{"RSSMRA80A01H5LMU", "carattere di controllo"}, // omocodia shape accepted, check char then decides
		{"RSSMRA80A01H501A", "carattere di controllo"},
		{"RSSMRA80A01H501", "16 caratteri"},
		{"RSSMRA80Z01H501U", "forma corretta"},
		{"rssmra80a01h501u", ""}, // typed in lower case: the same code
	}
	for _, c := range cases {
		err := Person(c.cf)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: unexpected error %v", c.cf, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: error %v, want it to mention %q", c.cf, err, c.want)
		}
	}
}

func TestOmocodiaCheckChar(t *testing.T) {
	// Same person with the last digit of the comune code substituted (1 → M):
	// the check character is recomputed over the substituted string.
	base := "RSSMRA80A01H50M"
	cf := base + string(CheckChar(base))
	if err := Person(cf); err != nil {
		t.Fatalf("omocodic code %s refused: %v", cf, err)
	}
}

func FuzzValidate(f *testing.F) {
	for _, s := range []string{"RSSMRA80A01H501U", "", "AAAAAA00A00A000A", "ÀÀÀÀÀÀ80A01H501U"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if Person(s) == nil {
			if len(s) != 16 || s[15] != CheckChar(s[:15]) {
				t.Fatalf("accepted %q", s)
			}
		}
	})
}

func TestValidateBothKinds(t *testing.T) {
	for cf, ok := range map[string]bool{
		"RSSMRA80A01H501U": true,  // person
		"00644060287":      true,  // a comune's fiscal code
		"00644060288":      false, // wrong check digit
		"0064406028A":      false,
		"RSSMRA80A01H501":  false,
	} {
		if got := Valid(cf); got != ok {
			t.Errorf("Valid(%q) = %v, want %v", cf, got, ok)
		}
	}
}
