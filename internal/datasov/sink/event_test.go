package sink

import (
	"bytes"
	"strings"
	"testing"
)

func TestMarshalRoundTrip(t *testing.T) {
	e := testEvents(1)[0]
	b, err := Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b, []byte("\n")) || !bytes.HasPrefix(b, []byte(`{"aggregate_id":"r0","aggregate_type":"report","aggregate_version":1,"id":"0193-000000","occurred_at":"2026-11-25T09:00:00Z","payload":{`)) {
		t.Fatalf("unexpected line %s", b)
	}
	back, err := Unmarshal(b)
	if err != nil {
		t.Fatal(err)
	}
	if back.ID != e.ID || !back.OccurredAt.Equal(e.OccurredAt) || !bytes.Equal(back.Payload, e.Payload) {
		t.Fatalf("round trip changed the event: %+v", back)
	}
}

func FuzzUnmarshal(f *testing.F) {
	b, _ := Marshal(testEvents(1)[0])
	f.Add(string(b))
	f.Add(`{"id":"x","type":"a.b","occurred_at":"2026-01-01T00:00:00Z","payload":null}`)
	f.Add(`{"id":"x"}`)
	f.Fuzz(func(t *testing.T, in string) {
		e, err := Unmarshal([]byte(in))
		if err != nil {
			return
		}
		out, err := Marshal(e)
		if err != nil {
			t.Fatalf("decoded %q but cannot encode: %v", in, err)
		}
		again, err := Unmarshal(out)
		if err != nil || again.ID != e.ID || again.Type != e.Type {
			t.Fatalf("re-encoding %q gave %s (%v)", in, out, err)
		}
	})
}

func FuzzReadManifest(f *testing.F) {
	f.Add(`{"file":"feed-20261125T09-000000.ndjson","sha256":"` + strings.Repeat("a", 64) + `","bytes":10,"events":1}` + "\n")
	f.Add("{}\n")
	f.Add("not json")
	f.Fuzz(func(t *testing.T, in string) {
		entries, err := ReadManifest(strings.NewReader(in))
		if err != nil {
			return
		}
		for _, e := range entries {
			if e.File == "" || len(e.SHA256) != 64 {
				t.Fatalf("incomplete entry accepted: %+v", e)
			}
		}
	})
}
