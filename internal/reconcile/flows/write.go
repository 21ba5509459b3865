package flows

import (
	"bufio"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/arengo-pa/arengo/internal/money"
)

// The writers below produce the same formats the readers accept. The generator
// and the tests use them; they stream, so the caller must know a flow's totals
// before its rows (the formats put them in the heading).

// WriteFdRXML writes a FlussoRiversamento 1.0.4 document.
func WriteFdRXML(w io.Writer, h FlowHeader, rows func(yield func(FlowRow) error) error) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	esc := func(s string) string {
		var b strings.Builder
		xml.EscapeText(&b, []byte(s))
		return b.String()
	}
	fmt.Fprintf(bw, `<?xml version="1.0" encoding="UTF-8"?>
<FlussoRiversamento xmlns="http://www.digitpa.gov.it/schemas/2011/Pagamenti/">
  <versioneOggetto>1.0</versioneOggetto>
  <identificativoFlusso>%s</identificativoFlusso>
  <dataOraFlusso>%s</dataOraFlusso>
  <identificativoUnivocoRegolamento>%s</identificativoUnivocoRegolamento>
  <dataRegolamento>%s</dataRegolamento>
  <istitutoMittente>
    <identificativoUnivocoMittente><tipoIdentificativoUnivoco>B</tipoIdentificativoUnivoco><codiceIdentificativoUnivoco>%s</codiceIdentificativoUnivoco></identificativoUnivocoMittente>
    <denominazioneMittente>%s</denominazioneMittente>
  </istitutoMittente>
  <istitutoRicevente>
    <identificativoUnivocoRicevente><tipoIdentificativoUnivoco>G</tipoIdentificativoUnivoco><codiceIdentificativoUnivoco>%s</codiceIdentificativoUnivoco></identificativoUnivocoRicevente>
  </istitutoRicevente>
  <numeroTotalePagamenti>%d</numeroTotalePagamenti>
  <importoTotalePagamenti>%s</importoTotalePagamenti>
`, esc(h.IUF), h.FlowTime.In(rome).Format("2006-01-02T15:04:05"), esc(h.Regulation), h.RegulationDate.Format(time.DateOnly),
		esc(h.PSPID), esc(h.PSPName), esc(h.ECFiscalCode), h.DeclaredCount, money.FormatCents(h.DeclaredTotal))
	err := rows(func(r FlowRow) error {
		_, err := fmt.Fprintf(bw, `  <datiSingoliPagamenti>
    <identificativoUnivocoVersamento>%s</identificativoUnivocoVersamento>
    <identificativoUnivocoRiscossione>%s</identificativoUnivocoRiscossione>
    <indiceDatiSingoloPagamento>%d</indiceDatiSingoloPagamento>
    <singoloImportoPagato>%s</singoloImportoPagato>
    <codiceEsitoSingoloPagamento>%s</codiceEsitoSingoloPagamento>
    <dataEsitoSingoloPagamento>%s</dataEsitoSingoloPagamento>
  </datiSingoliPagamenti>
`, esc(r.IUV), esc(r.IUR), r.TransferIndex, money.FormatCents(r.AmountCents), r.Outcome, r.Date.Format(time.DateOnly))
		return err
	})
	if err != nil {
		return err
	}
	bw.WriteString("</FlussoRiversamento>\n")
	return bw.Flush()
}

var payStatus = map[string]string{"0": "EXECUTED", "3": "REVOKED", "4": "STAND_IN", "8": "STAND_IN_NO_RPT", "9": "NO_RPT"}

// WriteFdRJSON writes an FdR 3 flow (heading plus "payments") as one JSON document.
func WriteFdRJSON(w io.Writer, h FlowHeader, rows func(yield func(FlowRow) error) error) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	q := strconv.Quote
	fmt.Fprintf(bw, `{"status":"PUBLISHED","revision":%d,"fdr":%s,"fdrDate":%s,"regulation":%s,"regulationDate":%s,`+
		`"sender":{"type":"ABI_CODE","id":%s,"pspId":%s,"pspName":%s,"pspBrokerId":%s,"channelId":%s},`+
		`"receiver":{"id":%s,"organizationId":%s,"organizationName":"Comune"},"totPayments":%d,"sumPayments":%s,"payments":[`,
		h.Revision, q(h.IUF), q(h.FlowTime.UTC().Format(time.RFC3339)), q(h.Regulation), q(h.RegulationDate.Format(time.DateOnly)),
		q(h.PSPID), q(h.PSPID), q(h.PSPName), q(h.PSPID), q(h.PSPID+"_01"), q(h.ECFiscalCode), q(h.ECFiscalCode),
		h.DeclaredCount, money.FormatCents(h.DeclaredTotal))
	n := 0
	err := rows(func(r FlowRow) error {
		if n > 0 {
			bw.WriteByte(',')
		}
		n++
		_, err := fmt.Fprintf(bw, "\n"+`{"index":%d,"iuv":%s,"iur":%s,"idTransfer":%d,"pay":%s,"payStatus":%s,"payDate":%s}`,
			r.Index, q(r.IUV), q(r.IUR), r.TransferIndex, money.FormatCents(r.AmountCents), q(payStatus[r.Outcome]), q(r.Date.UTC().Format(time.RFC3339)))
		return err
	})
	if err != nil {
		return err
	}
	bw.WriteString("\n]}\n")
	return bw.Flush()
}

// OPIWriter writes an OPI giornale di cassa with one conto evidenza.
type OPIWriter struct {
	bw     *bufio.Writer
	income int64
	n      int
}

// NewOPIWriter starts the journal: flowID must match identificativo_flusso_BT's pattern.
func NewOPIWriter(w io.Writer, flowID string, year int, day time.Time, conto string) *OPIWriter {
	bw := bufio.NewWriterSize(w, 64<<10)
	fmt.Fprintf(bw, `<?xml version="1.0" encoding="UTF-8"?>
<flusso_giornale_di_cassa>
<testata_messaggio><codice_ABI_BT>03069</codice_ABI_BT><identificativo_flusso_BT>%[1]s</identificativo_flusso_BT><data_ora_creazione_flusso>%[2]sT06:00:00</data_ora_creazione_flusso><codice_ente>0000001</codice_ente><descrizione_ente>Comune</descrizione_ente><codice_ente_BT>0000001</codice_ente_BT></testata_messaggio>
<identificativo_flusso_BT>%[1]s</identificativo_flusso_BT>
<pagina>1</pagina>
<pagine_totali>1</pagine_totali>
<esercizio>%[3]d</esercizio>
<data_riferimento_GdC>%[2]s</data_riferimento_GdC>
<informazioni_conto_evidenza>
<conto_evidenza>%[4]s</conto_evidenza>
`, flowID, day.Format(time.DateOnly), year, conto)
	return &OPIWriter{bw: bw}
}

// Write adds one income sospeso.
func (o *OPIWriter) Write(m Movement) error {
	o.n++
	if m.Op == "ESEGUITO" {
		o.income += m.AmountCents
	}
	var b strings.Builder
	xml.EscapeText(&b, []byte(m.Causale))
	var payer strings.Builder
	xml.EscapeText(&payer, []byte(m.Payer))
	_, err := fmt.Fprintf(o.bw, `<movimento_conto_evidenza><identificativo_flusso>GDC</identificativo_flusso><numero_movimento>%d</numero_movimento><tipo_movimento>ENTRATA</tipo_movimento><tipo_documento>SOSPESO ENTRATA</tipo_documento><tipo_operazione>%s</tipo_operazione><numero_documento>%s</numero_documento><progressivo_documento>0</progressivo_documento><importo>%s</importo><numero_bolletta_quietanza>%s</numero_bolletta_quietanza><data_movimento>%s</data_movimento><data_movimento_siope>%s</data_movimento_siope><data_valuta_ente>%s</data_valuta_ente><tipo_esecuzione>SEPA CREDIT TRANSFER</tipo_esecuzione><assoggettamento_bollo>ESENTE BOLLO</assoggettamento_bollo><cliente><anagrafica_cliente>%s</anagrafica_cliente></cliente><causale>%s</causale></movimento_conto_evidenza>
`, o.n, m.Op, m.Sospeso, money.FormatCents(m.AmountCents), m.Bill, m.Date.Format(time.DateOnly), m.Date.Format(time.DateOnly), m.ValueDate.Format(time.DateOnly), payer.String(), b.String())
	return err
}

// Close writes the declared income total and ends the document.
func (o *OPIWriter) Close() error {
	fmt.Fprintf(o.bw, "<totale_entrate_conto_evidenza>%s</totale_entrate_conto_evidenza>\n</informazioni_conto_evidenza>\n</flusso_giornale_di_cassa>\n", money.FormatCents(o.income))
	return o.bw.Flush()
}
