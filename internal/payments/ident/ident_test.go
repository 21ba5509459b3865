package ident

import "testing"

func TestFiscalCode(t *testing.T) {
	for _, cf := range []string{"RSSMRA80A01H501U", "rssmra80a01h501u", "00644060287", "MRTMTT25D09F205Z", "RSSMRA80A01H50MM"} {
		if err := FiscalCode(cf); err != nil {
			t.Errorf("%s: %v", cf, err)
		}
	}
	for _, cf := range []string{"RSSMRA80A01H501A", "RSSMRA80A01H501", "1SSMRA80A01H501U", "RSSMRA80A01H5X1U", "00644060288", ""} {
		if err := FiscalCode(cf); err == nil {
			t.Errorf("%s accepted", cf)
		}
	}
}

func TestPartitaIVA(t *testing.T) {
	if err := PartitaIVA("00644060287"); err != nil { // Comune di Padova
		t.Error(err)
	}
	for _, p := range []string{"00644060288", "0064406028", "0064406028A"} {
		if PartitaIVA(p) == nil {
			t.Errorf("%s accepted", p)
		}
	}
}

func TestIBAN(t *testing.T) {
	for _, s := range []string{"IT60X0542811101000000123456", "it60 x054 2811 1010 0000 0123 456", "GB82WEST12345698765432", "DE89370400440532013000"} {
		if err := IBAN(s); err != nil {
			t.Errorf("%s: %v", s, err)
		}
	}
	for _, s := range []string{"IT61X0542811101000000123456", "IT60X054281110100000012345", "GB82WEST1234569876543!", "1T60X0542811101000000123456", ""} {
		if IBAN(s) == nil {
			t.Errorf("%s accepted", s)
		}
	}
}

func FuzzIdentifiers(f *testing.F) {
	for _, s := range []string{"RSSMRA80A01H501U", "00644060287", "IT60X0542811101000000123456", "", "ÀÀ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if FiscalCode(s) == nil && len(s) != 16 && len(s) != 11 {
			t.Fatalf("fiscal code of length %d accepted", len(s))
		}
		_ = IBAN(s)
		_ = PartitaIVA(s)
	})
}
