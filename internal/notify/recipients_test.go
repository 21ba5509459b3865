package notify

import (
	"strings"
	"testing"

	"github.com/arengo-pa/arengo/internal/fiscalcode"
)

func TestParseRecipients(t *testing.T) {
	got, err := parseRecipients("RSSMRA80A01H501U\n\n  bnclra85m41g224b ;\n\"RSSMRA80A01H501U\"\n")
	if err != nil || strings.Join(got, ",") != "RSSMRA80A01H501U,BNCLRA85M41G224B" {
		t.Fatalf("%v %v", got, err)
	}
	_, err = parseRecipients("RSSMRA80A01H501U\nXXX\nRSSMRA80A01H501A")
	if err == nil || !strings.Contains(err.Error(), "riga 2") || !strings.Contains(err.Error(), "riga 3") {
		t.Fatalf("err = %v", err)
	}
}

// FuzzParseRecipients: a pasted list never yields an invalid or repeated code.
func FuzzParseRecipients(f *testing.F) {
	f.Add("RSSMRA80A01H501U\nBNCLRA85M41G224B")
	f.Add("rssmra80a01h501u;\r\n\"x\"")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		got, err := parseRecipients(s)
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, cf := range got {
			if fiscalcode.Person(cf) != nil || seen[cf] {
				t.Fatalf("parseRecipients(%q) gave %q", s, cf)
			}
			seen[cf] = true
		}
	})
}
