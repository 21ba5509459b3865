package mypay

import (
	"archive/zip"
	"bytes"
	"io"
	"strings"
	"testing"
	"time"
)

func sample() Dovuto {
	return Dovuto{
		IUD: "TARI-2025-0001", DebtorType: "F", DebtorCF: "RSSMRA80A01H501U", DebtorName: "Mario Rossi",
		Address: "Via Roma", CivicNumber: "1", PostalCode: "35100", City: "Padova", Province: "PD", Country: "IT",
		Email: "mario.rossi@example.org", DueDate: time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC),
		AmountCents: 12550, DebtType: "TARI", PaymentKinds: "ALL", Remittance: "TARI 2025; rata unica",
		Collection: "9/0101109AP/TARI", Action: Insert,
	}
}

func readAll(t *testing.T, v Version, body string) []*Row {
	t.Helper()
	r, err := NewReader(strings.NewReader(body), v)
	if err != nil {
		t.Fatal(err)
	}
	var rows []*Row
	for {
		row, err := r.Next()
		if err == io.EOF {
			return rows
		}
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, row)
	}
}

func TestRoundTripEveryVersion(t *testing.T) {
	for _, v := range []Version{V1_0, V1_1, V1_2, V1_3, V1_4} {
		d := sample()
		if v >= V1_2 {
			d.Budget = `<bilancio><capitolo><codCapitolo>1</codCapitolo><accertamento><codAccertamento>A</codAccertamento><importo>125.50</importo></accertamento></capitolo></bilancio>`
		}
		if v == V1_4 {
			d.Secondary = &Secondary{FiscalCode: "00644060287", Name: "Provincia", IBAN: "IT60X0542811101000000123456",
				Collection: "9/0201109AP/TEFA", Category: "0201109AP", AmountCents: 550}
		}
		body := Header(v) + "\r\n" + EncodeRow(d, v) + "\r\n\r\n"
		rows := readAll(t, v, body)
		if len(rows) != 1 || !rows[0].OK() {
			t.Fatalf("%s: %+v", v, rows[0].Problems)
		}
		got := rows[0].Dovuto
		if got.IUD != d.IUD || got.AmountCents != 12550 || got.Remittance != d.Remittance || got.Category != "0101109AP" ||
			!got.DueDate.Equal(d.DueDate) || rows[0].Line != 2 {
			t.Errorf("%s: got %+v", v, got)
		}
		if v == V1_4 && (got.Secondary == nil || got.Secondary.AmountCents != 550 || got.Secondary.Category != "0201109AP") {
			t.Errorf("secondary: %+v", got.Secondary)
		}
	}
}

func TestRowRejections(t *testing.T) {
	good := sample()
	line := func(mut func(*Dovuto)) string {
		d := good
		mut(&d)
		return EncodeRow(d, V1_4)
	}
	multi := func(d *Dovuto) {
		d.Secondary = &Secondary{FiscalCode: "00644060287", Name: "Provincia", IBAN: "IT60X0542811101000000123456",
			Collection: "9/0201109AP/TEFA", AmountCents: 500}
	}
	cases := []struct {
		name, line, code, words string
	}{
		{"malformed", `"TARI-X;F;RSSMRA80A01H501U`, "PAA_IMPORT_SINTASSI_CSV", "virgolette"},
		{"too many columns", EncodeRow(good, V1_4) + ";x", "PAA_IMPORT_SINTASSI_CSV", "Too many columns"},
		{"wrong fiscal code", line(func(d *Dovuto) { d.IUD = "B"; d.DebtorCF = "RSSMRA80A01H501A" }), "PAA_IMPORT_SINTASSI_CSV_COD_FISC", "carattere di controllo"},
		{"bad IBAN", line(func(d *Dovuto) { d.IUD = "C"; multi(d); d.Secondary.IBAN = "IT61X0542811101000000123456" }), "PAA_IMPORT_SINTASSI_CSV_IBAN_ACCREDITO_ENTE_SECONDARIO", "cifre di controllo"},
		{"amount vs transfers", line(func(d *Dovuto) { d.IUD = "D"; multi(d); d.Secondary.AmountCents = 20000 }), "PAA_IMPORT_SINTASSI_CSV_IMPORTO_VERS_ENTE_SECONDARIO", "non corrisponde"},
		{"bilancio", line(func(d *Dovuto) { d.IUD = "E"; d.Budget = "<b><importo>1.00</importo></b>" }), "PAA_IMPORT_SINTASSI_CSV_BILANCIO", "non corrisponde"},
		{"date", strings.Replace(line(func(d *Dovuto) { d.IUD = "F" }), "2025-06-30", "30/06/2025", 1), "PAA_IMPORT_SINTASSI_CSV_DATA_SCADENZA_PAGAMENTO", "aaaa-mm-gg"},
		{"amount", strings.Replace(line(func(d *Dovuto) { d.IUD = "G" }), "125.50", "125,50", 1), "PAA_IMPORT_SINTASSI_CSV_IMPORTO", "punto"},
		{"zero amount", line(func(d *Dovuto) { d.IUD = "H"; d.AmountCents = 0 }), "PAA_IMPORT_SINTASSI_CSV_IMPORTO", "zero"},
		{"action", line(func(d *Dovuto) { d.IUD = "I"; d.Action = "X" }), "PAA_IMPORT_SINTASSI_CSV_AZIONE", "ammesse"},
		{"iud duplicate", line(func(d *Dovuto) {}), "PAA_IMPORT_IUD_DUPLICATO", "riga 2"},
		{"iuv check digits", line(func(d *Dovuto) { d.IUD = "J"; d.IUV = "01000000001234518" }), "PAA_IMPORT_SINTASSI_CSV_IUV", "cifre di controllo"},
		{"province", line(func(d *Dovuto) { d.IUD = "K"; d.Province = "XX" }), "PAA_IMPORT_SINTASSI_CSV_PROV", "provincia"},
		{"email", line(func(d *Dovuto) { d.IUD = "L"; d.Email = "not-an-email" }), "PAA_IMPORT_SINTASSI_CSV_EMAIL", "e-mail"},
	}
	var body strings.Builder
	body.WriteString(Header(V1_4) + "\n" + EncodeRow(good, V1_4) + "\n")
	for _, c := range cases {
		body.WriteString(c.line + "\n")
	}
	rows := readAll(t, V1_4, body.String())
	if len(rows) != len(cases)+1 || !rows[0].OK() {
		t.Fatalf("%d rows, first %+v", len(rows), rows[0].Problems)
	}
	var rej bytes.Buffer
	rw := NewRejectionWriter(&rej)
	for i, c := range cases {
		row := rows[i+1]
		found := false
		for _, p := range row.Problems {
			if p.Code == c.code && strings.Contains(p.Description, c.words) {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: want %s (%q), got %+v", c.name, c.code, c.words, row.Problems)
		}
		if len(row.Problems) != 1 && c.name != "malformed" {
			t.Errorf("%s: only one problem expected, got %+v", c.name, row.Problems)
		}
		rw.Write(row.Line, row.Problems)
	}
	rw.Flush()
	lines := strings.Split(strings.TrimSpace(rej.String()), "\n")
	if lines[0] != "row;code;description" || !strings.HasPrefix(lines[3], "5;PAA_IMPORT_SINTASSI_CSV_COD_FISC;") || len(lines) != len(cases)+1 {
		t.Errorf("rejection file:\n%s", rej.String())
	}
	for _, l := range lines {
		if strings.Count(l, ";") != 2 {
			t.Errorf("rejection line does not have 3 cells: %q", l)
		}
	}
}

func TestFileName(t *testing.T) {
	f, err := ParseFileName("/tmp/c_g224-TARI2025A-1_4.zip")
	if err != nil || f.IPA != "c_g224" || f.FlowID != "TARI2025A" || f.Version != V1_4 || f.Base() != "c_g224-TARI2025A-1_4" {
		t.Fatalf("%+v %v", f, err)
	}
	for _, bad := range []string{"c_g224-TARI-2025-1_4.zip", "c_g224-TARI-2_0.zip", "c_g224-TARI-1_4.txt", "-x-1_0.zip"} {
		if _, err := ParseFileName(bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("c_g224-TARI2025A-1_0.csv")
	io.WriteString(w, Header(V1_0)+"\n"+EncodeRow(sample(), V1_0)+"\n")
	zw.Close()
	zr, _ := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	name, _ := ParseFileName("c_g224-TARI2025A-1_0.zip")
	rc, err := OpenZip(zr, name)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(rc)
	if rows := readAll(t, V1_0, string(data)); len(rows) != 1 || !rows[0].OK() {
		t.Fatalf("zip rows: %+v", rows)
	}
	other, _ := ParseFileName("c_g224-OTHER-1_0.zip")
	if _, err := OpenZip(zr, other); err == nil || !strings.Contains(err.Error(), "PAA_IMPORT_NO_CSV") {
		t.Errorf("missing CSV: %v", err)
	}
}

func TestParseAmount(t *testing.T) {
	ok := map[string]int64{"1": 100, "1.5": 150, "1.05": 105, "999999999.99": 99999999999, "0.01": 1}
	for s, want := range ok {
		if got, err := ParseAmount(s); err != nil || got != want {
			t.Errorf("%s: %d %v", s, got, err)
		}
	}
	for _, s := range []string{"", "1.", ".5", "1.005", "1,5", "-1", "1e3", "12345678901234"} {
		if _, err := ParseAmount(s); err == nil {
			t.Errorf("%q accepted", s)
		}
	}
}

func TestExport(t *testing.T) {
	var buf bytes.Buffer
	ew := NewExportWriter(&buf)
	ew.Write(Paid{IUD: "X", IUV: "01000000001234519", PaidCents: 12550, Remittance: "a;b", PaymentDate: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)})
	ew.Flush()
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "iuf;numRigaFlusso;codIud;codIuv;") {
		t.Fatalf("%q", buf.String())
	}
	cells, ok := splitFields(lines[1])
	if !ok || len(cells) != len(ExportHeader) || cells[22] != "a;b" || cells[15] != "125.50" || cells[20] != "2025-01-02" {
		t.Fatalf("%q", cells)
	}
}

func FuzzReader(f *testing.F) {
	f.Add(string(V1_4), Header(V1_4)+"\n"+EncodeRow(sample(), V1_4)+"\n")
	f.Add(string(V1_0), Header(V1_0)+"\n"+EncodeRow(sample(), V1_0)+"\n\"open;\n;;;\n")
	f.Add(string(V1_2), "h\n\xff\xfe;x\n")
	f.Fuzz(func(t *testing.T, v, body string) {
		r, err := NewReader(strings.NewReader(body), Version(v))
		if err != nil {
			return
		}
		for {
			row, err := r.Next()
			if err != nil {
				return
			}
			if row.OK() {
				d := row.Dovuto
				if d.IUD == "" || d.AmountCents <= 0 || d.AmountCents > MaxAmountCents || d.Action == "" {
					t.Fatalf("accepted invalid row %+v", d)
				}
				again := readAll(t, Version(v), Header(Version(v))+"\n"+EncodeRow(d, Version(v))+"\n")
				if len(again) != 1 || !again[0].OK() || again[0].Dovuto.AmountCents != d.AmountCents || again[0].Dovuto.IUD != d.IUD {
					t.Fatalf("re-encoded row not accepted: %+v", again)
				}
			}
		}
	})
}
