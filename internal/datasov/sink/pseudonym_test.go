package sink

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestPseudonymisationDropsAndMasksFields(t *testing.T) {
	p := Pseudonymisation{
		Drop:         []string{"email", "applicant.phone"},
		Pseudonymise: []string{"fiscal_code"},
		Key:          []byte("0123456789abcdef-key"),
	}
	in := `{"number":12345678901234567890,"fiscal_code":"RSSMRA80A01H501U","email":"a@b.it",
		"applicant":{"phone":"049123","fiscal_code":"RSSMRA80A01H501U","name":"Mario"},
		"others":[{"fiscal_code":"VRDLGU70B02G224X","phone":"1"}]}`
	out, err := p.Apply(json.RawMessage(in))
	if err != nil {
		t.Fatal(err)
	}
	s := string(out)
	for _, leaked := range []string{"RSSMRA80A01H501U", "VRDLGU70B02G224X", "a@b.it", "049123"} {
		if strings.Contains(s, leaked) {
			t.Errorf("%q still in %s", leaked, s)
		}
	}
	ps := p.Pseudonym("RSSMRA80A01H501U")
	want := `{"applicant":{"fiscal_code":"` + ps + `","name":"Mario"},"fiscal_code":"` + ps +
		`","number":12345678901234567890,"others":[{"fiscal_code":"` + p.Pseudonym("VRDLGU70B02G224X") + `","phone":"1"}]}`
	if s != want {
		t.Errorf("got  %s\nwant %s", s, want)
	}
	other := Pseudonymisation{Pseudonymise: []string{"x"}, Key: []byte("another key of 16+ bytes")}
	if other.Pseudonym("RSSMRA80A01H501U") == ps {
		t.Error("different keys must give different pseudonyms")
	}
}

func TestPseudonymisationValidate(t *testing.T) {
	for _, p := range []Pseudonymisation{
		{Pseudonymise: []string{"fiscal_code"}},
		{Pseudonymise: []string{"fiscal_code"}, Key: []byte("short")},
		{Drop: []string{"a..b"}},
		{Drop: []string{""}},
	} {
		if p.Validate() == nil {
			t.Errorf("%+v accepted", p)
		}
	}
	if err := (Pseudonymisation{Drop: []string{"a.b"}}).Validate(); err != nil {
		t.Error(err)
	}
}

func FuzzPseudonymisationApply(f *testing.F) {
	f.Add(`{"fiscal_code":"RSSMRA80A01H501U","a":[1,{"email":"x"}]}`)
	f.Add(`[{"fiscal_code":null}]`)
	f.Add(`"plain"`)
	f.Add(`{"fiscal_code":{"x":[true,1.5e300]}}`)
	p := Pseudonymisation{Drop: []string{"email"}, Pseudonymise: []string{"fiscal_code"}, Key: []byte("0123456789abcdef")}
	f.Fuzz(func(t *testing.T, in string) {
		out, err := p.Apply(json.RawMessage(in))
		if err != nil || strings.TrimSpace(in) == "" { // an empty payload passes through unchanged
			return
		}
		if !json.Valid(out) {
			t.Fatalf("invalid JSON out of %q: %s", in, out)
		}
		again, err := p.Apply(out)
		if err != nil {
			t.Fatal(err)
		}
		var v any
		_ = json.Unmarshal(again, &v)
		if hasKey(v, "email") {
			t.Fatalf("email survived: %s", again)
		}
	})
}

func hasKey(v any, key string) bool {
	switch x := v.(type) {
	case map[string]any:
		for k, child := range x {
			if k == key || hasKey(child, key) {
				return true
			}
		}
	case []any:
		for _, child := range x {
			if hasKey(child, key) {
				return true
			}
		}
	}
	return false
}

func TestParseS3URL(t *testing.T) {
	c, err := ParseS3URL("s3+http://AK:S%2FK@127.0.0.1:9000/comune-feed/opendata/feed")
	if err != nil {
		t.Fatal(err)
	}
	want := S3Config{Endpoint: "127.0.0.1:9000", AccessKey: "AK", SecretKey: "S/K", Bucket: "comune-feed", Prefix: "opendata/feed"}
	if c != want {
		t.Errorf("got %+v", c)
	}
	for _, bad := range []string{"http://h/b", "s3:///b", "s3://h/", "::"} {
		if _, err := ParseS3URL(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
