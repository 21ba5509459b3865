package ident

import "testing"

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
		_ = IBAN(s)
	})
}
