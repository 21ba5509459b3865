package flows

import (
	"bufio"
	"encoding/csv"
	"io"
	"strconv"
	"strings"

	"github.com/arengo-pa/arengo/internal/money"
)

// ReadMyPayExport streams MyPay's "export pagati" CSV (`;`, header line), the
// receipts of payments collected through MyPay rather than Arengo. Columns are
// found by header name because versions 1.0–1.3 add columns; only the ones
// reconciliation needs are read, so payer data never leaves the file.
// Rows whose codiceEsitoPagamento is 1 (not paid) are skipped.
func ReadMyPayExport(r io.Reader, rec func(Receipt) error) (read, skipped int64, err error) {
	const format = "export pagati MyPay"
	cr := csv.NewReader(bufio.NewReaderSize(r, 64<<10))
	cr.Comma = ';'
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return 0, 0, csvErr(format, cr, "", err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	required := []string{"codIud", "codIuv", "identificativoDominio", "singoloImportoPagato", "dataEsitoSingoloPagamento", "identificativoUnivocoRiscoss", "tipoDovuto"}
	for _, c := range required {
		if _, ok := col[strings.ToLower(c)]; !ok {
			return 0, 0, &ParseError{Format: format, Line: 1, Field: c, Msg: "colonna mancante nell'intestazione"}
		}
	}
	for {
		row, err := cr.Read()
		if err == io.EOF {
			return read, skipped, nil
		}
		if err != nil {
			return read, skipped, csvErr(format, cr, "", err)
		}
		line, _ := cr.FieldPos(0)
		if len(row) == 1 && strings.TrimSpace(row[0]) == "" {
			continue
		}
		get := func(name string) string {
			i, ok := col[strings.ToLower(name)]
			if !ok || i >= len(row) {
				return ""
			}
			return strings.TrimSpace(row[i])
		}
		fail := func(field, msg string) error {
			return &ParseError{Format: format, Line: line, Field: field, Msg: msg}
		}
		if get("codiceEsitoPagamento") == "1" {
			skipped++
			continue
		}
		rc := Receipt{Line: line, Source: "mypay", IUD: get("codIud"), IUV: get("codIuv"), ECFiscalCode: get("identificativoDominio"),
			IUR: get("identificativoUnivocoRiscoss"), DebtType: get("tipoDovuto"), PSPID: get("codiceIdentificativoUnivocoAttestante"),
			PSPName: get("denominazioneAttestante")}
		for _, f := range []struct{ name, v string }{{"codIuv", rc.IUV}, {"identificativoDominio", rc.ECFiscalCode}, {"identificativoUnivocoRiscoss", rc.IUR}} {
			if _, err := text35(f.v); err != nil {
				return read, skipped, fail(f.name, err.Error())
			}
		}
		amount, err := money.ParseCents(get("singoloImportoPagato"), false)
		if err != nil || amount <= 0 {
			return read, skipped, fail("singoloImportoPagato", "importo non valido: "+strconv.Quote(get("singoloImportoPagato")))
		}
		if rc.PaymentDate, err = parseDate(get("dataEsitoSingoloPagamento")); err != nil {
			return read, skipped, fail("dataEsitoSingoloPagamento", err.Error())
		}
		idx := 1
		if v := get("indiceDatiSingoloPagamento"); v != "" {
			if idx, err = transferIndex(v); err != nil {
				return read, skipped, fail("indiceDatiSingoloPagamento", err.Error())
			}
		}
		rc.AmountCents = amount
		rc.ReceiptID = "mypay-" + rc.ECFiscalCode + "-" + rc.IUV + "-" + rc.IUR + "-" + strconv.Itoa(idx)
		rc.Transfers = []Transfer{{Index: idx, AmountCents: amount, FiscalCodePA: rc.ECFiscalCode, Category: get("datiSpecificiRiscossione")}}
		read++
		if err := rec(rc); err != nil {
			return read, skipped, err
		}
	}
}
