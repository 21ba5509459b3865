package causale

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParse(t *testing.T) {
	const iuf = "2021-11-10PPAYITR1XXX-S011516185"
	for _, tc := range []struct {
		name, in string
		want     Result
	}{
		{"canonical", "/PUR/LGPE-RIVERSAMENTO/URI/" + iuf, Result{IUF: iuf}},
		{"with progressive", "/PUR/LGPE-RIVERSAMENTO/TXT/0/URI/" + iuf, Result{IUF: iuf}},
		{"extra SCT progressive", "/PUR/LGPE-RIVERSAMENTO/TXT/3/URI/" + iuf, Result{IUF: iuf}},
		{"space after dash", "/PUR/LGPE- RIVERSAMENTO/URI/" + iuf, Result{IUF: iuf}},
		{"space before dash", "/PUR/LGPE -RIVERSAMENTO/URI/" + iuf, Result{IUF: iuf}},
		{"spaces both sides", "/PUR/LGPE - RIVERSAMENTO/URI/" + iuf, Result{IUF: iuf}},
		{"space inside LGPE", "/PUR/L GPE-RIVERSAMENTO/URI/" + iuf, Result{IUF: iuf}},
		{"lower case", "/pur/lgpe-riversamento/uri/" + iuf, Result{IUF: iuf}},
		{"spaces instead of slashes", "BONIFICO LGPE-RIVERSAMENTO URI " + iuf + " ALTRO", Result{IUF: iuf}},
		{"space inside day", "/PUR/LGPE-RIVERSAMENTO/URI/2021-11- 10PPAYITR1XXX-S011516185", Result{IUF: iuf}},
		{"space between day digits", "/PUR/LGPE-RIVERSAMENTO/URI/2021-11-1 0PPAYITR1XXX-S011516185", Result{IUF: iuf}},
		{"wrapped after date", "ACCREDITI VARI LGPE-RIVERSAMENTO/URI/2024-12-15 IUV_VALID", Result{IUF: "2024-12-15IUV_VALID"}},
		{"line break inside id", "/PUR/LGPE-RIVERSAMENTO/URI/2021-11-10PPAYITR1XXX-\nS011516185", Result{IUF: iuf}},
		{"CRLF break", "/PUR/LGPE-RIVERSAMEN\r\nTO/URI/" + iuf, Result{IUF: iuf}},
		{"trailing bank text", "/PUR/LGPE-RIVERSAMENTO/URI/" + iuf + " /BON.SEPA TRN 1201160260177342 /BEN. EFFETTIVO", Result{IUF: iuf}},
		{"split hex halves", "/PUR/LGPE-RIVERSAMENTO/URI/10c4f341267947eca9f8f6a7a567a414 750b13d3bb4b49b7a99898584b1ad07c /BON.SEPA TRN 1201160260177342 /BEN. EFFETTIVO REGIONE VENETO /ORD.",
			Result{IUF: "10c4f341267947eca9f8f6a7a567a414750b13d3bb4b49b7a99898584b1ad07c"}},
		{"old id without date", "/PUR/LGPE-RIVERSAMENTO/URI/ABC123456789", Result{IUF: "ABC123456789"}},
		{"truncated", "/PUR/LGPE-RIVERSAMENTO/URI/2", Result{IUF: "2", Truncated: true}},
		{"keyword without URI", "/PUR/LGPE-RIVERSAMENTO", Result{Truncated: true}},
		{"dash id without date", "/PUR/LGPE-RIVERSAMENTO/URI/ABC-DEF-GHI-JKL", Result{IUF: "ABC-DEF-GHI-JKL", Truncated: true}},
		{"RFB with amount and text", "/RFB/9876096598656344/12.34/TXT/Richiesta certificato", Result{IUV: "9876096598656344", AmountCents: 1234}},
		{"RFB without amount", "/RFB/01000000001234519", Result{IUV: "01000000001234519"}},
		{"RFS grouped", "/RFS/RF23 5674 8393 7849 4505 5087 5/45.56", Result{IUV: "RF23567483937849450550875", AmountCents: 4556}},
		{"RFB with spaces", "PAGAMENTO RFB 01000000001234519 12,34", Result{IUV: "01000000001234519", AmountCents: 1234}},
		{"RFS too long is cut", "/RFS/RF23567483937849450550875999/1.00", Result{IUV: "RF23567483937849450550875", AmountCents: 100}},
		{"giroconto", "79 GIROCONTO TRA BANCHE", Result{}},
		{"empty", "", Result{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Parse(tc.in); got != tc.want {
				t.Errorf("Parse(%q)\n got %+v\nwant %+v", tc.in, got, tc.want)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"/PUR/LGPE-RIVERSAMENTO/URI/2021-11-10PPAYITR1XXX-S011516185", "/RFB/123/1.00/TXT/x", "RFS RF23 5674/", "LGPE - RIVERSAMENTO URI 2024-12-1 5 X", "/RFB/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r := Parse(s)
		if r.IUF != "" && r.IUV != "" {
			t.Fatalf("both IUF and IUV from %q", s)
		}
		if len(r.IUV) > maxIUV || strings.ContainsAny(r.IUV, " \t\n/") {
			t.Fatalf("bad IUV %q from %q", r.IUV, s)
		}
		if _, rest := token(r.IUF); rest != "" || !utf8.ValidString(r.IUF) {
			t.Fatalf("bad IUF %q from %q", r.IUF, s)
		}
		if r.AmountCents < 0 {
			t.Fatalf("negative amount from %q", s)
		}
		if Parse(s) != r {
			t.Fatal("not deterministic")
		}
	})
}
