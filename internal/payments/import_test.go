package payments_test

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"maps"
	"strings"
	"testing"

	"github.com/arengo-pa/arengo/internal/payments/mypay"
)

func dovuto(iud, cf string, cents int64) mypay.Dovuto {
	return mypay.Dovuto{IUD: iud, DebtorType: "F", DebtorCF: cf, DebtorName: "Mario Rossi", Country: "IT",
		DueDate: due, AmountCents: cents, DebtType: "TARI", PaymentKinds: "ALL", Remittance: "TARI 2031",
		Collection: "9/0101101IM/TARI", Action: mypay.Insert}
}

func zipped(name, csv string) *bytes.Buffer {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create(strings.TrimSuffix(name, ".zip") + ".csv")
	io.WriteString(w, csv)
	zw.Close()
	return &buf
}

func TestImportRejectsBadRowsLoadsTheRestAndReloadsIdempotently(t *testing.T) {
	app, m := newApp(t, nil)
	svc := m.Service()
	ctx := context.Background()
	good1 := dovuto("TARI-1", "RSSMRA80A01H501U", 12550)
	good2 := dovuto("TARI-2", "BNCLRA85M41G224B", 9900)
	multi := dovuto("TARI-3", "VRDGPP70T10G224J", 10000)
	multi.Secondary = &mypay.Secondary{FiscalCode: "80006480281", Name: "Provincia di Padova", IBAN: "IT60X0542811101000000123456",
		Collection: "9/0201101IM/TEFA", AmountCents: 500}
	wrongCF := dovuto("TARI-4", "RSSMRA80A01H501A", 100)
	badIBAN := dovuto("TARI-5", "RSSMRA80A01H501U", 10000)
	badIBAN.Secondary = &mypay.Secondary{FiscalCode: "80006480281", Name: "Provincia", IBAN: "IT61X0542811101000000123456",
		Collection: "9/0201101IM/TEFA", AmountCents: 500}
	mismatch := dovuto("TARI-6", "RSSMRA80A01H501U", 1000)
	mismatch.Secondary = &mypay.Secondary{FiscalCode: "80006480281", Name: "Provincia", IBAN: "IT60X0542811101000000123456",
		Collection: "9/0201101IM/TEFA", AmountCents: 1500}
	unknownType := dovuto("TARI-7", "RSSMRA80A01H501U", 1000)
	unknownType.DebtType = "BOH"
	lines := []string{mypay.Header(mypay.V1_4),
		mypay.EncodeRow(good1, mypay.V1_4),       // line 2
		`"TARI-8;F;RSSMRA80A01H501U;broken`,      // line 3: malformed
		mypay.EncodeRow(wrongCF, mypay.V1_4),     // 4
		mypay.EncodeRow(good2, mypay.V1_4),       // 5
		mypay.EncodeRow(badIBAN, mypay.V1_4),     // 6
		mypay.EncodeRow(mismatch, mypay.V1_4),    // 7
		mypay.EncodeRow(multi, mypay.V1_4),       // 8
		mypay.EncodeRow(unknownType, mypay.V1_4), // 9
	}
	csv := strings.Join(lines, "\n") + "\n"
	name := "c_x000-TARI2031A-1_4.zip"

	run := func() (loaded, unchanged, rejected int, rejections string) {
		imp, err := svc.StartImport(ctx, name, zipped(name, csv))
		if err != nil {
			t.Fatal(err)
		}
		var last int64
		res, err := svc.RunImport(ctx, imp.ID, func(done, total int64, rows int) { last = done })
		if err != nil {
			t.Fatal(err)
		}
		if last == 0 {
			t.Error("no progress reported")
		}
		rc, _, err := app.Deps.Blob.Get(ctx, res.RejectionsKey)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		return res.Loaded, res.Unchanged, res.Rejected, string(b)
	}
	loaded, unchanged, rejected, rej := run()
	if loaded != 3 || unchanged != 0 || rejected != 5 {
		t.Fatalf("first load: loaded %d unchanged %d rejected %d\n%s", loaded, unchanged, rejected, rej)
	}
	want := map[string]string{
		"3;PAA_IMPORT_SINTASSI_CSV;":                                "virgolette",
		"4;PAA_IMPORT_SINTASSI_CSV_COD_FISC;":                       "carattere di controllo",
		"6;PAA_IMPORT_SINTASSI_CSV_IBAN_ACCREDITO_ENTE_SECONDARIO;": "IBAN",
		"7;PAA_IMPORT_SINTASSI_CSV_IMPORTO_VERS_ENTE_SECONDARIO;":   "non corrisponde",
		"9;PAA_IMPORT_SINTASSI_CSV_TIPO_DOVUTO_INESISTENTE;":        "BOH",
	}
	for prefix, words := range want {
		found := false
		for _, l := range strings.Split(rej, "\n") {
			if strings.HasPrefix(l, prefix) && strings.Contains(l, words) {
				found = true
			}
		}
		if !found {
			t.Errorf("no rejection line %q…%q in\n%s", prefix, words, rej)
		}
	}
	if !strings.HasPrefix(rej, "row;code;description\n") {
		t.Errorf("rejection header: %q", rej)
	}
	p, _, err := svc.Search(ctx, payFilter("RSSMRA80A01H501U"))
	if err != nil || len(p) != 1 || p[0].TotalCents != 12550 || p[0].Status != "VALID" || p[0].ImportIUD != "TARI-1" {
		t.Fatalf("loaded position: %+v %v", p, err)
	}
	tefa, _, _ := svc.Search(ctx, payFilter("VRDGPP70T10G224J"))
	full, _ := svc.Position(ctx, tefa[0].ID)
	if tr := full.Options[0].Transfers; len(tr) != 2 || tr[0].AmountCents != 9500 || tr[1].AmountCents != 500 || tr[1].CreditorCF != "80006480281" {
		t.Errorf("multi-beneficiary transfers: %+v", tr)
	}

	// The same file again changes nothing.
	before := countRows(t, app)
	loaded, unchanged, rejected, _ = run()
	if loaded != 0 || unchanged != 3 || rejected != 5 {
		t.Errorf("reload: loaded %d unchanged %d rejected %d", loaded, unchanged, rejected)
	}
	if after := countRows(t, app); !maps.Equal(after, before) {
		t.Errorf("reload changed the tables: %v → %v", before, after)
	}

	// Modify and cancel rows act on what the first file loaded.
	mod := good1
	mod.Action, mod.AmountCents = mypay.Modify, 13000
	cancel := good2
	cancel.Action = mypay.Cancel
	csv = mypay.Header(mypay.V1_4) + "\n" + mypay.EncodeRow(mod, mypay.V1_4) + "\n" + mypay.EncodeRow(cancel, mypay.V1_4) + "\n"
	name = "c_x000-TARI2031B-1_4.zip"
	loaded, _, rejected, rej = run()
	if loaded != 2 || rejected != 0 {
		t.Fatalf("modify/cancel: %d loaded, %d rejected\n%s", loaded, rejected, rej)
	}
	p, _, _ = svc.Search(ctx, payFilter("RSSMRA80A01H501U"))
	b, _, _ := svc.Search(ctx, payFilter("BNCLRA85M41G224B"))
	if p[0].TotalCents != 13000 || b[0].Status != "INVALID" {
		t.Errorf("after modify/cancel: %d %s", p[0].TotalCents, b[0].Status)
	}
}

func TestImportRefusesAnotherComunesFile(t *testing.T) {
	_, m := newApp(t, nil)
	_, err := m.Service().StartImport(context.Background(), "c_h501-X-1_0.zip", strings.NewReader(""))
	if err == nil || !strings.Contains(err.Error(), "PAA_IMPORT_ENTE_ERR") {
		t.Errorf("got %v", err)
	}
}
