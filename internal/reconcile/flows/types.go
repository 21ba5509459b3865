package flows

import (
	"time"

	"github.com/arengo-pa/arengo/internal/money"
)

// FlowHeader is the heading of a reporting flow (FdR), XML or FdR 3.
type FlowHeader struct {
	Format         string    `json:"format"` // "fdr-xml" or "fdr-json"
	IUF            string    `json:"iuf"`    // identificativoFlusso / fdr
	FlowTime       time.Time `json:"flow_time"`
	Revision       int64     `json:"revision"` // FdR 3 revision; 0 for XML (versions then ordered by FlowTime)
	Regulation     string    `json:"regulation"`
	RegulationDate time.Time `json:"regulation_date"`
	PSPID          string    `json:"psp_id"`
	PSPName        string    `json:"psp_name"`
	ECFiscalCode   string    `json:"ec_fiscal_code"`
	DeclaredCount  int64     `json:"declared_count"`
	DeclaredTotal  int64     `json:"declared_total_cents"`
}

// FlowRow is one paid transfer reported in an FdR.
type FlowRow struct {
	Line          int       // where it starts in the file (0 for JSON)
	Index         int64     // position in the flow, 1-based
	IUV           string    //
	IUR           string    //
	TransferIndex int       // indiceDatiSingoloPagamento / idTransfer; 1 when absent
	AmountCents   int64     //
	Outcome       string    // codiceEsitoSingoloPagamento: 0, 3, 4, 8, 9
	Date          time.Time // dataEsitoSingoloPagamento / payDate
}

// FlowSummary is what a reader learns by the end of a flow.
type FlowSummary struct {
	Header   FlowHeader
	Count    int64 // rows actually read
	Total    int64 // sum of their amounts
	Problems []Problem
}

// checkTotals reports declared totals that differ from the rows read.
func (s *FlowSummary) checkTotals() {
	if s.Header.DeclaredCount != s.Count {
		s.Problems = append(s.Problems, Problem{Code: "TOTALE_PAGAMENTI",
			Msg: "numero pagamenti dichiarato " + itoa(s.Header.DeclaredCount) + ", righe presenti " + itoa(s.Count)})
	}
	if s.Header.DeclaredTotal != s.Total {
		s.Problems = append(s.Problems, Problem{Code: "TOTALE_IMPORTI",
			Msg: "importo totale dichiarato " + money.FormatCents(s.Header.DeclaredTotal) + ", somma delle righe " + money.FormatCents(s.Total)})
	}
}

// Movement is one row of the treasury journal.
type Movement struct {
	Line        int
	Source      string // "opi" or "csv"
	Key         string // stable identity of the movement inside the ente's treasury: reversals refer to it
	Year        int
	Bill        string // numero bolletta / quietanza
	Op          string // ESEGUITO, STORNATO, REGOLARIZZATO, RIPRISTINATO
	Date        time.Time
	ValueDate   time.Time
	AmountCents int64
	Causale     string
	Payer       string // ordering party, for pagoPA credits the PSP
	EndToEndID  string
	Sospeso     string // provisional number to regularise
}

// Transfer is one transfer of a receipt.
type Transfer struct {
	Index        int    `json:"id_transfer"`
	AmountCents  int64  `json:"amount_cents"`
	FiscalCodePA string `json:"fiscal_code_pa"`
	IBAN         string `json:"iban"`
	Remittance   string `json:"remittance"`
	Category     string `json:"category"`
	// Stamp marks a digital marca da bollo, which no FdR ever reports.
	Stamp bool `json:"stamp,omitempty"`
}

// Receipt is a payment receipt (RT), from the payments module or MyPay's export.
type Receipt struct {
	Line         int
	Source       string // "payments" or "mypay"
	ReceiptID    string
	IUV          string
	IUR          string
	NoticeNumber string
	ECFiscalCode string
	IUD          string // the ente's dovuto key when the source knows it
	IUPD         string
	AmountCents  int64
	PaymentDate  time.Time
	PSPID        string
	PSPName      string
	DebtType     string
	Transfers    []Transfer
}

// Notification is the ente's own statement that a dovuto was paid (MyPivot flow D).
type Notification struct {
	Line        int
	IUD         string
	IUV         string
	AmountCents int64
	Date        time.Time
	DebtType    string
}
