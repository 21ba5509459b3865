package ledger

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/arengo-pa/arengo/internal/reconcile/flows"
)

func TestDecodeTransfersMatchesEncodingJSON(t *testing.T) {
	stored, _ := json.Marshal([]flows.Transfer{
		{Index: 1, AmountCents: 12345, FiscalCodePA: "00644060287", IBAN: "IT60X0542811101000000123456", Remittance: "TARI 01000000000000123", Category: "9/0101100IM/"},
		{Index: 2, AmountCents: 617, FiscalCodePA: "80008630287", Remittance: `TEFA "quota" \ provincia`, Stamp: true},
		{Index: 3, AmountCents: -5},
	})
	for _, in := range []string{string(stored), "null", "[]", " [ {} ] ", `[{"id_transfer":1,"amount_cents":2.5}]`, `[{"id_transfer":1,"id_transfer":2}]`,
		`[{"amount_cents":99999999999999999999}]`, `[{"stamp":null}]`, `[{"iban":"\u00e8"}]`, `[1]`, `[{"x":[1]}]`, `[{"id_transfer":"1"}]`, `[{}]x`, `[{"a":1},]`} {
		var want []flows.Transfer
		wantErr := json.Unmarshal([]byte(in), &want)
		got, err := decodeTransfers([]byte(in))
		if (err != nil) != (wantErr != nil) {
			t.Errorf("%s: error %v, encoding/json %v", in, err, wantErr)
			continue
		}
		if err == nil && !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %+v, encoding/json %+v", in, got, want)
		}
	}
	plain, _ := json.Marshal([]flows.Transfer{{Index: 1, AmountCents: 100, FiscalCodePA: "00644060287", Remittance: "TARI già pagata"}, {Index: 2, Stamp: true}})
	if _, ok := scanTransfers(plain); !ok {
		t.Errorf("the stored form takes the slow path: %s", plain)
	}
}

func FuzzDecodeTransfers(f *testing.F) {
	stored, _ := json.Marshal([]flows.Transfer{{Index: 1, AmountCents: 100, FiscalCodePA: "00644060287", Stamp: true}, {Index: 2}})
	f.Add(stored)
	f.Add([]byte("null"))
	f.Add([]byte(`[{"stamp":false,"iban":"x"}]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var want []flows.Transfer
		wantErr := json.Unmarshal(b, &want)
		got, err := decodeTransfers(b)
		if (err != nil) != (wantErr != nil) {
			t.Fatalf("%q: error %v, encoding/json %v", b, err, wantErr)
		}
		if err == nil && !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: %+v, encoding/json %+v", b, got, want)
		}
	})
}
