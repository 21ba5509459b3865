package appio

import (
	"encoding/json"
	"testing"
)

// FuzzDecodeMessage feeds outside JSON through the decoder and validator the
// simulator and the client share; neither may panic, and a message that
// validates must survive a round trip.
func FuzzDecodeMessage(f *testing.F) {
	f.Add(`{"fiscal_code":"RSSMRA80A01H501U","content":{"subject":"Oggetto valido","markdown":"x","due_date":"2026-01-01T00:00:00.000Z"}}`)
	f.Add(`{"content":{"payment_data":{"amount":1,"notice_number":"301000000000000123"}}}`)
	f.Add(`{"content":{"due_date":"domani"}}`)
	f.Fuzz(func(t *testing.T, s string) {
		var m NewMessage
		if json.Unmarshal([]byte(s), &m) != nil {
			return
		}
		if m.Validate() != nil {
			return
		}
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		var back NewMessage
		if err := json.Unmarshal(b, &back); err != nil || back.Validate() != nil {
			t.Fatalf("round trip of %s failed: %v", b, err)
		}
	})
}
