package open311

import (
	"strings"
	"testing"
	"time"
)

// assemble builds a page from fragments the way the reports module does.
func assemble(t testing.TB, f Format, base string, list RequestList) []byte {
	t.Helper()
	fl, err := NewFills(f, base)
	if err != nil {
		t.Fatal(err)
	}
	p := NewPage(fl, 0)
	for _, r := range list {
		frag, err := NewFragment(r)
		if err != nil {
			t.Fatal(err)
		}
		st, err := fl.StateFill(r.StatusNotes)
		if err != nil {
			t.Fatal(err)
		}
		svc, err := fl.ServiceFill(r.ServiceName, r.ServiceCode)
		if err != nil {
			t.Fatal(err)
		}
		notice, err := fl.NoticeFill(r.ServiceNotice)
		if err != nil {
			t.Fatal(err)
		}
		notes, err := EncodeNotes(f, r.Notes)
		if err != nil {
			t.Fatal(err)
		}
		s := frag.JSON
		if f == XML {
			s = frag.XML
		}
		if err := p.Add(s, st, svc, notice, notes); err != nil {
			t.Fatal(err)
		}
	}
	return p.Bytes()
}

// checkSame asserts that the assembled page equals Encode of the list with
// relative media paths made absolute.
func checkSame(t testing.TB, base string, list RequestList) {
	t.Helper()
	want := make(RequestList, len(list))
	copy(want, list)
	for i := range want {
		if strings.HasPrefix(string(want[i].MediaURL), "/") {
			want[i].MediaURL = Text(base) + want[i].MediaURL
		}
	}
	for _, f := range []Format{JSON, XML} {
		exp, err := Encode(f, want)
		if err != nil {
			t.Fatal(err)
		}
		got := assemble(t, f, base, list)
		if string(got) != string(exp) {
			t.Fatalf("%s page differs from Encode:\n got %q\nwant %q", f, got, exp)
		}
	}
}

func TestFragmentPageEqualsEncode(t *testing.T) {
	at := time.Date(2026, 3, 1, 9, 30, 15, 123456000, time.UTC)
	full := Request{ServiceRequestID: "SGN-2026-000001", Status: Open, StatusNotes: "Presa in carico", ServiceName: "Buche & \"crepe\"",
		ServiceCode: "c01", Description: "Buca <profonda>\nDavanti al civico 12 — à è ì\t'x'", AgencyResponsible: "Ufficio strade",
		ServiceNotice: "Risposta prevista entro 15 giorni", RequestedDatetime: At(at), UpdatedDatetime: At(at.Add(time.Hour)),
		ExpectedDatetime: At(at.AddDate(0, 0, 15)), Address: "Via Roma 1", AddressID: "A-1", Zipcode: "35100", Lat: 45.40641234, Long: 11.8768,
		MediaURL: "/segnalazioni-foto/0192-abc"}
	empty := Request{ServiceRequestID: "SGN-2026-000002", Status: Closed, ServiceCode: "c02"}
	odd := full
	odd.ServiceRequestID, odd.MediaURL, odd.Description = "SGN-2026-000003", "https://example.org/a.jpg?x=1&y=<2>", "bad \xff utf8 \x01\x02\x03\x04 \u2028 line"
	odd.Lat, odd.Long = 1e-7, -1e21
	noted := full
	noted.ServiceRequestID = "SGN-2026-000004"
	noted.Notes = []Note{{Datetime: At(at), Description: "Segnalazione registrata", Type: "created"},
		{Datetime: At(at.Add(time.Hour)), Description: "Presa in carico. <ok> & \"fine\"", Type: "state"}}
	base := "https://comune.example.it/x&y"
	checkSame(t, base, nil)
	checkSame(t, base, RequestList{full})
	checkSame(t, base, RequestList{full, empty, odd, noted})
}

func TestFragmentHasNoSharedFields(t *testing.T) {
	r := Request{ServiceRequestID: "R-1", Status: Open, StatusNotes: "SEGRETO-STATO", ServiceName: "SEGRETO-NOME", ServiceCode: "SEGRETO-CODICE",
		ServiceNotice: "SEGRETO-AVVISO", MediaURL: "/foto/1"}
	frag, err := NewFragment(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{frag.JSON, frag.XML} {
		if strings.Contains(s, "SEGRETO") {
			t.Errorf("fragment stores a shared field: %q", s)
		}
		if strings.Count(s, "\x01") != 1 || strings.Count(s, "\x02") != 1 || strings.Count(s, "\x03") != 1 || strings.Count(s, "\x04") != 1 {
			t.Errorf("fragment holes: %q", s)
		}
	}
	fl, _ := NewFills(JSON, "")
	if err := NewPage(fl, 0).Add(`{"x":1}`, "", "", "", nil); err == nil {
		t.Error("a fragment without holes was accepted")
	}
}

func FuzzFragmentPageEqualsEncode(f *testing.F) {
	f.Add("SGN-1", "Presa in carico", "Buche", "c01", "Buca\nprofonda", "Ufficio", "Via Roma 1", "/foto/1", "https://x.it", 45.4, 11.8, int64(1767225600))
	f.Add("", "", "", "", "", "", "", "", "", 0.0, 0.0, int64(0))
	f.Fuzz(func(t *testing.T, id, label, name, code, desc, office, addr, media, base string, lat, lon float64, unix int64) {
		at := time.Time{}
		if unix > 0 && unix < 1<<40 {
			at = time.Unix(unix, 0).UTC()
		}
		r := Request{ServiceRequestID: id, Status: Open, StatusNotes: Text(label), ServiceName: name, ServiceCode: code,
			Description: Text(desc), AgencyResponsible: Text(office), RequestedDatetime: At(at), Address: Text(addr),
			Lat: lat, Long: lon, MediaURL: Text(media)}
		if _, err := Encode(JSON, RequestList{r}); err != nil {
			return // NaN and infinities are not JSON: never stored
		}
		// Base URL and path are joined by concatenation of their encodings,
		// which holds for valid UTF-8 (URLs are).
		if !validUTF8(base) || !validUTF8(media) {
			return
		}
		checkSame(t, base, RequestList{r})
	})
}

func validUTF8(s string) bool { return strings.ToValidUTF8(s, "") == s }
