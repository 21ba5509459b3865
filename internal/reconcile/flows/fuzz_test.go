package flows

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// The readers must never panic and must either fail with a *ParseError or
// return rows whose amounts add up to the summary they report.

func FuzzReadFdRXML(f *testing.F) {
	var b bytes.Buffer
	WriteFdRXML(&b, sampleHeader(), emit(sampleRows()))
	f.Add(b.Bytes())
	f.Add([]byte("<FlussoRiversamento><datiSingoliPagamenti/></FlussoRiversamento>"))
	f.Fuzz(func(t *testing.T, in []byte) {
		var sum int64
		s, err := ReadFdRXML(bytes.NewReader(in), func(r FlowRow) error { sum += r.AmountCents; return nil })
		checkFlow(t, s, sum, err)
	})
}

func FuzzReadFdRJSON(f *testing.F) {
	var b bytes.Buffer
	WriteFdRJSON(&b, sampleHeader(), emit(sampleRows()))
	f.Add(b.Bytes())
	f.Add([]byte(`{"payments":[{}]}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		var sum int64
		s, err := ReadFdRJSON(bytes.NewReader(in), func(r FlowRow) error { sum += r.AmountCents; return nil })
		checkFlow(t, s, sum, err)
	})
}

func checkFlow(t *testing.T, s FlowSummary, sum int64, err error) {
	if err != nil {
		if _, ok := err.(*ParseError); !ok {
			t.Fatalf("error of type %T: %v", err, err)
		}
		return
	}
	if sum != s.Total || s.Count == 0 {
		t.Fatalf("summary total %d, rows %d, count %d", s.Total, sum, s.Count)
	}
}

func FuzzReadOPI(f *testing.F) {
	var b bytes.Buffer
	day := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	w := NewOPIWriter(&b, "GDC-20261125ABCDEFGHIJ01#001#001", 2026, day, "0001")
	w.Write(Movement{Op: "ESEGUITO", Sospeso: "1", AmountCents: 100, Bill: "1", Date: day, ValueDate: day, Payer: "P", Causale: "/RFB/123/1.00"})
	w.Close()
	f.Add(b.Bytes())
	f.Fuzz(func(t *testing.T, in []byte) {
		_, err := ReadOPI(bytes.NewReader(in), func(Movement) error { return nil })
		if err != nil {
			if _, ok := err.(*ParseError); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
		}
	})
}

func FuzzReadCSV(f *testing.F) {
	f.Add("de_anno_bolletta;cod_bolletta;dt_contabile;de_denominazione;de_causale;num_importo;dt_valuta\n2026;1;2026-01-01;X;Y;1.00;\n")
	f.Add("codIud;codIuv;identificativoDominio;singoloImportoPagato;dataEsitoSingoloPagamento;identificativoUnivocoRiscoss;tipoDovuto\nA;B;C;1.00;2026-01-01;D;E\n")
	f.Add("cod_iud;IUV;a;b;c;d;e;f;g;h;i;j;data;k;importo;l;m;n;tipo;o\nI;V;;;;;;;;;;;2026-01-01;;1.00;;;;T;\n")
	f.Fuzz(func(t *testing.T, in string) {
		errs := []error{}
		_, err := ReadGdCCSV(strings.NewReader(in), func(m Movement) error {
			if m.AmountCents <= 0 || m.Key == "" {
				t.Fatalf("bad movement %+v", m)
			}
			return nil
		})
		errs = append(errs, err)
		_, _, err = ReadMyPayExport(strings.NewReader(in), func(r Receipt) error {
			if r.AmountCents <= 0 || r.IUV == "" {
				t.Fatalf("bad receipt %+v", r)
			}
			return nil
		})
		errs = append(errs, err)
		_, err = ReadNotifications(strings.NewReader(in), func(n Notification) error { return nil })
		errs = append(errs, err)
		for _, err := range errs {
			if err != nil {
				if _, ok := err.(*ParseError); !ok {
					t.Fatalf("error of type %T: %v", err, err)
				}
			}
		}
	})
}

func FuzzReadReceiptsJSONL(f *testing.F) {
	f.Add(`{"receipt_id":"r1","iuv":"01000000001234519","amount_cents":150,"payment_date":"2026-11-24T10:00:00Z","transfers":[{"id_transfer":"1","amount_cents":100,"iban":"IT60X0542811101000000123456"},{"id_transfer":2,"amount_cents":50}]}` + "\n")
	f.Fuzz(func(t *testing.T, in string) {
		_, err := ReadReceiptsJSONL(strings.NewReader(in), func(r Receipt) error {
			var sum int64
			for _, tr := range r.Transfers {
				sum += tr.AmountCents
			}
			if sum != r.AmountCents || r.IUV == "" {
				t.Fatalf("inconsistent receipt %+v", r)
			}
			return nil
		})
		if err != nil {
			if _, ok := err.(*ParseError); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
		}
	})
}
