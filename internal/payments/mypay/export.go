package mypay

import (
	"bufio"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/arengo-pa/arengo/internal/money"
)

// ExportHeader is the header of the export of paid dovuti, after MyPay's "export
// pagati" (layout 1.3: receipt data, then bilancio and the beneficiary columns).
// MyPay's full layout also carries RPT/RT messaging fields that do not exist on
// the GPD model (richiesta, stazione, codice contesto); they are left out.
var ExportHeader = []string{
	"iuf", "numRigaFlusso", "codIud", "codIuv", "versioneOggetto", "identificativoDominio",
	"identificativoMessaggioRicevuta", "dataOraMessaggioRicevuta",
	"tipoIdentificativoUnivocoAttestante", "codiceIdentificativoUnivocoAttestante", "denominazioneAttestante",
	"tipoIdentificativoUnivocoPagatore", "codiceIdentificativoUnivocoPagatore", "anagraficaPagatore",
	"codiceEsitoPagamento", "importoTotalePagato", "identificativoUnivocoVersamento", "codiceContestoPagamento",
	"singoloImportoPagato", "esitoSingoloPagamento", "dataEsitoSingoloPagamento", "identificativoUnivocoRiscoss",
	"causaleVersamento", "datiSpecificiRiscossione", "tipoDovuto", "bilancio",
	"cod_fiscale_pa1", "de_nome_pa1", "cod_tassonomico_dovuto_pa1",
}

// Paid is one paid dovuto as exported.
type Paid struct {
	FlowID       string // iuf: the import flow the dovuto came from, or empty
	FlowRow      int
	IUD          string
	IUV          string
	CreditorCF   string
	ReceiptID    string
	ReceiptTime  time.Time
	PSPID        string
	PSPName      string
	DebtorType   string
	DebtorCF     string
	DebtorName   string
	AmountCents  int64
	PaidCents    int64
	PaymentDate  time.Time
	IUR          string
	Remittance   string
	Collection   string
	DebtType     string
	Budget       string
	CreditorName string
	TaxonomyCode string
}

// ExportWriter streams paid dovuti as a ";"-separated file with a header.
type ExportWriter struct {
	w      *bufio.Writer
	header bool
}

func NewExportWriter(w io.Writer) *ExportWriter { return &ExportWriter{w: bufio.NewWriter(w)} }

func (e *ExportWriter) Write(p Paid) error {
	if !e.header {
		e.header = true
		if _, err := e.w.WriteString(strings.Join(ExportHeader, ";") + "\n"); err != nil {
			return err
		}
	}
	row := rowBuf{}
	row.add(p.FlowID)
	row.add(strconv.Itoa(p.FlowRow))
	row.add(p.IUD)
	row.add(p.IUV)
	row.add("6.2.0") // versioneOggetto of the RT model MyPay writes
	row.add(p.CreditorCF)
	row.add(p.ReceiptID)
	row.add(p.ReceiptTime.UTC().Format("2006-01-02T15:04:05"))
	row.add("B")
	row.add(p.PSPID)
	row.add(p.PSPName)
	row.add(p.DebtorType)
	row.add(p.DebtorCF)
	row.add(p.DebtorName)
	row.add("0") // codiceEsitoPagamento: 0 = paid
	row.add(money.FormatCents(p.PaidCents))
	row.add(p.IUV)
	row.add("n/a") // codiceContestoPagamento: no RPT context under GPD
	row.add(money.FormatCents(p.PaidCents))
	row.add("ESEGUITO")
	row.add(p.PaymentDate.UTC().Format("2006-01-02"))
	row.add(p.IUR)
	row.add(p.Remittance)
	row.add(p.Collection)
	row.add(p.DebtType)
	row.add(p.Budget)
	row.add(p.CreditorCF)
	row.add(p.CreditorName)
	row.add(p.TaxonomyCode)
	_, err := e.w.WriteString(row.String() + "\n")
	return err
}

// Flush ends the file; an empty export still has its header.
func (e *ExportWriter) Flush() error {
	if !e.header {
		e.header = true
		if _, err := e.w.WriteString(strings.Join(ExportHeader, ";") + "\n"); err != nil {
			return err
		}
	}
	return e.w.Flush()
}

type rowBuf struct{ cells []string }

var oneLine = strings.NewReplacer("\n", " ", "\r", " ")

// add quotes a cell holding the separator or a quote, as MyPay's reader expects.
func (r *rowBuf) add(s string) {
	s = oneLine.Replace(s)
	if strings.ContainsAny(s, `;"`) {
		s = `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	r.cells = append(r.cells, s)
}

func (r *rowBuf) String() string { return strings.Join(r.cells, ";") }
