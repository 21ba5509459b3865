package open311

import (
	"errors"
	"net/url"
	"testing"
	"time"
	"unicode/utf8"
)

func FuzzParseCreate(f *testing.F) {
	for _, s := range []string{
		"api_key=k&service_code=001&lat=45.4&long=11.8&description=buca",
		"service_code=1&address_string=via+Roma+1&attribute%5Bx%5D%5B%5D=a&attribute%5Bx%5D%5B%5D=b",
		"service_code=1&lat=1e400&long=NaN",
		"attribute%5B%5D=1&attribute%5Ba%5D%5Bb%5D=2&description=%3Cb%3E",
		"service_code=%FF&address_id=%00",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		form, err := url.ParseQuery(body)
		if err != nil {
			return
		}
		c, err := ParseCreate(form)
		if err != nil {
			var fail *Failure
			if !errors.As(err, &fail) || fail.Status != 400 || len(fail.Errors) == 0 {
				t.Fatalf("error %v is not a 400 failure", err)
			}
			if _, encErr := Encode(XML, fail); encErr != nil {
				t.Fatalf("failure does not encode: %v", encErr)
			}
			return
		}
		if c.ServiceCode == "" || (!c.HasPoint && c.AddressString == "" && c.AddressID == "") {
			t.Fatalf("accepted without service or place: %+v", c)
		}
		if utf8.RuneCountInString(c.Description) > MaxDescription || !utf8.ValidString(c.Description) {
			t.Fatalf("accepted a bad description")
		}
		if c.HasPoint && (c.Lat < -90 || c.Lat > 90 || c.Long < -180 || c.Long > 180) {
			t.Fatalf("accepted point %v,%v", c.Lat, c.Long)
		}
		for code, vals := range c.Attributes {
			if code == "" || len(vals) == 0 {
				t.Fatalf("attribute %q = %v", code, vals)
			}
		}
	})
}

func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{
		"", "start_date=2026-01-01&end_date=2026-03-01", "service_request_id=1,2,3",
		"status=open&page=2&page_size=10", "end_date=2026-01-01T00:00:00+01:00",
	} {
		f.Add(s)
	}
	now := time.Date(2026, 6, 30, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		v, err := url.ParseQuery(s)
		if err != nil {
			return
		}
		q, err := ParseQuery(v, now)
		if err != nil {
			return
		}
		if q.Page < 1 || q.PageSize < 1 || q.PageSize > MaxPageSize {
			t.Fatalf("page %d size %d", q.Page, q.PageSize)
		}
		if len(q.IDs) == 0 && (q.End.Sub(q.Start) > MaxWindow || q.End.Before(q.Start)) {
			t.Fatalf("window %v..%v", q.Start, q.End)
		}
	})
}
