package flows

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

func sampleHeader() FlowHeader {
	return FlowHeader{IUF: "2026-11-24BPPIITRRXXX-0000001", FlowTime: time.Date(2026, 11, 24, 9, 30, 0, 0, time.UTC), Revision: 2,
		Regulation: "TRN0001", RegulationDate: time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC), PSPID: "BPPIITRRXXX", PSPName: "Poste Italiane",
		ECFiscalCode: "00644060287", DeclaredCount: 2, DeclaredTotal: 15050}
}

func sampleRows() []FlowRow {
	d := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	return []FlowRow{
		{Index: 1, IUV: "01000000001234519", IUR: "IUR1", TransferIndex: 1, AmountCents: 10000, Outcome: "0", Date: d},
		{Index: 2, IUV: "01000000001234520", IUR: "IUR2", TransferIndex: 2, AmountCents: 5050, Outcome: "9", Date: d},
	}
}

func emit(rows []FlowRow) func(func(FlowRow) error) error {
	return func(y func(FlowRow) error) error {
		for _, r := range rows {
			if err := y(r); err != nil {
				return err
			}
		}
		return nil
	}
}

func TestFdRRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name  string
		write func(*bytes.Buffer, FlowHeader, []FlowRow) error
		read  func(*bytes.Buffer, func(FlowRow) error) (FlowSummary, error)
	}{
		{"xml", func(b *bytes.Buffer, h FlowHeader, r []FlowRow) error { return WriteFdRXML(b, h, emit(r)) },
			func(b *bytes.Buffer, f func(FlowRow) error) (FlowSummary, error) { return ReadFdRXML(b, f) }},
		{"json", func(b *bytes.Buffer, h FlowHeader, r []FlowRow) error { return WriteFdRJSON(b, h, emit(r)) },
			func(b *bytes.Buffer, f func(FlowRow) error) (FlowSummary, error) { return ReadFdRJSON(b, f) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := tc.write(&b, sampleHeader(), sampleRows()); err != nil {
				t.Fatal(err)
			}
			var got []FlowRow
			s, err := tc.read(&b, func(r FlowRow) error { r.Line = 0; got = append(got, r); return nil })
			if err != nil {
				t.Fatal(err)
			}
			if len(s.Problems) != 0 {
				t.Fatalf("unexpected problems %v", s.Problems)
			}
			want := sampleRows()
			for i := range want {
				if got[i] != want[i] {
					t.Errorf("row %d: got %+v want %+v", i, got[i], want[i])
				}
			}
			h := s.Header
			if h.IUF != sampleHeader().IUF || !h.FlowTime.Equal(sampleHeader().FlowTime) || h.PSPID != "BPPIITRRXXX" || h.ECFiscalCode != "00644060287" || h.DeclaredTotal != 15050 {
				t.Errorf("header %+v", h)
			}
		})
	}
}

func TestFdRTotalsReported(t *testing.T) {
	h := sampleHeader()
	h.DeclaredTotal, h.DeclaredCount = 99999, 3
	var b bytes.Buffer
	if err := WriteFdRXML(&b, h, emit(sampleRows())); err != nil {
		t.Fatal(err)
	}
	s, err := ReadFdRXML(&b, func(FlowRow) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	codes := []string{}
	for _, p := range s.Problems {
		codes = append(codes, p.Code)
	}
	if strings.Join(codes, ",") != "TOTALE_PAGAMENTI,TOTALE_IMPORTI" {
		t.Fatalf("problems %v", s.Problems)
	}
}

func TestMalformedNamesLineAndField(t *testing.T) {
	var b bytes.Buffer
	WriteFdRXML(&b, sampleHeader(), emit(sampleRows()))
	good := b.String()
	var jb bytes.Buffer
	WriteFdRJSON(&jb, sampleHeader(), emit(sampleRows()))
	goodJSON := jb.String()
	for _, tc := range []struct {
		name, in, field string
		line            int
		read            func(string) error
	}{
		{"xml amount", strings.Replace(good, "<singoloImportoPagato>50.50<", "<singoloImportoPagato>50,50<", 1), "singoloImportoPagato", 29, readXML},
		{"xml outcome", strings.Replace(good, "<codiceEsitoSingoloPagamento>9<", "<codiceEsitoSingoloPagamento>7<", 1), "codiceEsitoSingoloPagamento", 30, readXML},
		{"xml missing iur", strings.Replace(good, "<identificativoUnivocoRiscossione>IUR2</identificativoUnivocoRiscossione>", "", 1), "identificativoUnivocoRiscossione", 25, readXML},
		{"xml truncated", good[:len(good)-60], "dataEsitoSingoloPagamento", 31, readXML},
		{"xml wrong root", strings.Replace(strings.Replace(good, "<FlussoRiversamento ", "<Altro ", 1), "</FlussoRiversamento>", "</Altro>", 1), "Altro/versioneOggetto", 3, readXML},
		{"json pay", strings.Replace(goodJSON, `"pay":50.50`, `"pay":"x"`, 1), "payments[1].pay", 0, readJSON},
		{"json status", strings.Replace(goodJSON, `"payStatus":"NO_RPT"`, `"payStatus":"BOH"`, 1), "payments[1].payStatus", 0, readJSON},
		{"json exp", strings.Replace(goodJSON, `"pay":50.50`, `"pay":5.05e1`, 1), "payments[1].pay", 0, readJSON},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.read(tc.in)
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("want ParseError, got %v", err)
			}
			if pe.Field != tc.field || (tc.line != 0 && pe.Line != tc.line) {
				t.Fatalf("got field %q line %d (%v), want %q line %d", pe.Field, pe.Line, err, tc.field, tc.line)
			}
		})
	}
}

func readXML(s string) error {
	_, err := ReadFdRXML(strings.NewReader(s), func(FlowRow) error { return nil })
	return err
}

func readJSON(s string) error {
	_, err := ReadFdRJSON(strings.NewReader(s), func(FlowRow) error { return nil })
	return err
}

func TestOPI(t *testing.T) {
	var b bytes.Buffer
	day := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	w := NewOPIWriter(&b, "GDC-20261125ABCDEFGHIJ01#001#001", 2026, day, "0001")
	w.Write(Movement{Op: "ESEGUITO", Sospeso: "101", AmountCents: 15050, Bill: "7", Date: day, ValueDate: day, Payer: "Poste & C.", Causale: "/PUR/LGPE-RIVERSAMENTO/URI/2026-11-24BPPIITRRXXX-0000001"})
	w.Write(Movement{Op: "STORNATO", Sospeso: "99", AmountCents: 100, Bill: "8", Date: day, ValueDate: day, Payer: "X", Causale: "storno"})
	w.Close()
	xmlText := b.String()
	// An outgoing movement must be skipped.
	xmlText = strings.Replace(xmlText, "<totale_entrate", `<movimento_conto_evidenza><identificativo_flusso>GDC</identificativo_flusso><numero_movimento>9</numero_movimento><tipo_movimento>USCITA</tipo_movimento><tipo_documento>MANDATO</tipo_documento><tipo_operazione>ESEGUITO</tipo_operazione><numero_documento>5</numero_documento><progressivo_documento>1</progressivo_documento><importo>10.00</importo><data_movimento>2026-11-25</data_movimento><data_movimento_siope>2026-11-25</data_movimento_siope><tipo_esecuzione>CASSA</tipo_esecuzione><assoggettamento_bollo>ESENTE BOLLO</assoggettamento_bollo><cliente><anagrafica_cliente>Y</anagrafica_cliente></cliente><causale>pagamento</causale></movimento_conto_evidenza>
<totale_entrate`, 1)
	var got []Movement
	s, err := ReadOPI(strings.NewReader(xmlText), func(m Movement) error { got = append(got, m); return nil })
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || s.Skipped != 1 || len(s.Problems) != 0 {
		t.Fatalf("got %d movements, skipped %d, problems %v", len(got), s.Skipped, s.Problems)
	}
	if got[0].Key != "2026/0001/101" || got[0].AmountCents != 15050 || got[0].Payer != "Poste & C." || got[1].Op != "STORNATO" {
		t.Fatalf("movements %+v", got)
	}
	bad := strings.Replace(xmlText, "<importo>150.50</importo>", "<importo>150.5.0</importo>", 1)
	_, err = ReadOPI(strings.NewReader(bad), func(Movement) error { return nil })
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Field != "importo" || pe.Line != 11 {
		t.Fatalf("got %v", err)
	}
	wrongTotal := strings.Replace(xmlText, "<totale_entrate_conto_evidenza>150.50<", "<totale_entrate_conto_evidenza>1.00<", 1)
	s, err = ReadOPI(strings.NewReader(wrongTotal), func(Movement) error { return nil })
	if err != nil || len(s.Problems) != 1 || s.Problems[0].Code != "TOTALE_ENTRATE" {
		t.Fatalf("want a TOTALE_ENTRATE problem, got %v %v", s.Problems, err)
	}
}

func TestGdCCSV(t *testing.T) {
	in := "de_anno_bolletta;cod_bolletta;dt_contabile;de_denominazione;de_causale;num_importo;dt_valuta\n" +
		"2026;12;2026-11-25;POSTE;\"/PUR/LGPE-RIVERSAMENTO/URI/ABC; x\";150.50;2026-11-26\n" +
		"\n" +
		"2026;12;2026-11-26;POSTE;storno;-150.50;\n"
	var got []Movement
	if _, err := ReadGdCCSV(strings.NewReader(in), func(m Movement) error { got = append(got, m); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Op != "ESEGUITO" || got[1].Op != "STORNATO" || got[1].Key != got[0].Key || got[0].Causale != "/PUR/LGPE-RIVERSAMENTO/URI/ABC; x" || got[0].Line != 2 || got[1].Line != 4 {
		t.Fatalf("got %+v", got)
	}
	_, err := ReadGdCCSV(strings.NewReader(strings.Replace(in, "150.50;2026-11-26", "abc;2026-11-26", 1)), func(Movement) error { return nil })
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Line != 2 || pe.Field != "num_importo" {
		t.Fatalf("got %v", err)
	}
}

func TestMyPayAndNotifications(t *testing.T) {
	in := "iuf;numRigaFlusso;codIud;codIuv;identificativoDominio;codiceEsitoPagamento;singoloImportoPagato;dataEsitoSingoloPagamento;identificativoUnivocoRiscoss;tipoDovuto;anagraficaPagatore\n" +
		";1;IUD1;01000000001234519;00644060287;0;12.00;2026-11-20;IUR9;TARI;Mario Rossi\n" +
		";2;IUD2;01000000001234520;00644060287;1;12.00;2026-11-20;IUR8;TARI;Anna Bianchi\n"
	var got []Receipt
	read, skipped, err := ReadMyPayExport(strings.NewReader(in), func(r Receipt) error { got = append(got, r); return nil })
	if err != nil || read != 1 || skipped != 1 || got[0].AmountCents != 1200 || got[0].IUD != "IUD1" || got[0].Transfers[0].Index != 1 {
		t.Fatalf("read %d skipped %d %v %+v", read, skipped, err, got)
	}
	_, _, err = ReadMyPayExport(strings.NewReader(strings.Replace(in, "codIuv", "iuv", 1)), func(Receipt) error { return nil })
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Field != "codIuv" {
		t.Fatalf("got %v", err)
	}
	n := "cod_iud;IUV;tipo;cf;anag;ind;civ;cap;loc;prov;naz;email;data;tipovers;importo;comm;causale;dsr;tipodovuto;bilancio\n" +
		"IUD1;01000000001234519;F;RSSMRA80A01H501U;Mario;;;;;;;;2026-11-20;PO;12.00;;TARI;9/0101100IM/;TARI;\n" +
		"IUD2;01000000001234520;F;RSSMRA80A01H501U;Mario;;;;;;;;2026-11-20;PO;zero;;TARI;9/0101100IM/;TARI;\n"
	_, err = ReadNotifications(strings.NewReader(n), func(Notification) error { return nil })
	if !errors.As(err, &pe) || pe.Line != 3 || pe.Field != "importo" {
		t.Fatalf("got %v", err)
	}
}

func TestDetect(t *testing.T) {
	var b bytes.Buffer
	WriteFdRXML(&b, sampleHeader(), emit(sampleRows()))
	for in, want := range map[string]string{
		b.String(): KindFdRXML, `{"fdr":"x"}`: KindFdRJSON, "<?xml version=\"1.0\"?><flusso_giornale_di_cassa>": KindOPI,
		"de_anno_bolletta;cod_bolletta\n": KindGdCCSV, "iuf;numRigaFlusso;codIud;codIuv;singoloImportoPagato\n": KindMyPay,
		"cod_iud;IUV;x\n": KindNotify, "hello": "",
	} {
		if got := Detect([]byte(in)); got != want {
			t.Errorf("Detect(%.30q) = %q, want %q", in, got, want)
		}
	}
}
