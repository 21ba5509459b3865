package flows

import (
	"bufio"
	"encoding/json"
	"io"
	"strconv"
	"time"

	"github.com/arengo-pa/arengo/internal/money"
)

// ReceiptEvent is the payload of the payments module's
// "payments.receipt_received" event; a JSON-lines file of the same objects is
// how generated or exported receipts are imported.
type ReceiptEvent struct {
	ReceiptID          string          `json:"receipt_id"`
	IUV                string          `json:"iuv"`
	NoticeNumber       string          `json:"notice_number"`
	IUR                string          `json:"iur"`
	CreditorFiscalCode string          `json:"creditor_fiscal_code"`
	AmountCents        int64           `json:"amount_cents"`
	PaymentDate        time.Time       `json:"payment_date"`
	PSPID              string          `json:"psp_id"`
	PSPName            string          `json:"psp_name"`
	DebtType           string          `json:"debt_type"`
	IUPD               string          `json:"iupd"`
	Transfers          []EventTransfer `json:"transfers"`
}

// EventTransfer is one transfer inside ReceiptEvent.
type EventTransfer struct {
	IDTransfer   json.Number `json:"id_transfer"` // the payments module may send "1" or 1
	AmountCents  int64       `json:"amount_cents"`
	FiscalCodePA string      `json:"fiscal_code_pa"`
	IBAN         string      `json:"iban"`
	Remittance   string      `json:"remittance"`
	Category     string      `json:"category"`
}

// Receipt converts and checks the event: amounts must add up, ids be present.
func (e ReceiptEvent) Receipt() (Receipt, *fieldErr) {
	r := Receipt{Source: "payments", ReceiptID: e.ReceiptID, IUV: e.IUV, IUR: e.IUR, NoticeNumber: e.NoticeNumber, ECFiscalCode: e.CreditorFiscalCode,
		IUPD: e.IUPD, AmountCents: e.AmountCents, PaymentDate: e.PaymentDate.UTC(), PSPID: e.PSPID, PSPName: e.PSPName, DebtType: e.DebtType}
	if e.ReceiptID == "" {
		return r, &fieldErr{"receipt_id", "campo obbligatorio mancante"}
	}
	if _, err := text35(e.IUV); err != nil {
		return r, &fieldErr{"iuv", err.Error()}
	}
	if e.AmountCents <= 0 {
		return r, &fieldErr{"amount_cents", "importo deve essere maggiore di zero"}
	}
	if e.PaymentDate.IsZero() {
		return r, &fieldErr{"payment_date", "campo obbligatorio mancante"}
	}
	if len(e.Transfers) == 0 || len(e.Transfers) > 5 {
		return r, &fieldErr{"transfers", "da 1 a 5 versamenti"}
	}
	var sum int64
	for i, t := range e.Transfers {
		idx, err := transferIndex(t.IDTransfer.String())
		if err != nil {
			return r, &fieldErr{"transfers[" + strconv.Itoa(i) + "].id_transfer", err.Error()}
		}
		if t.AmountCents <= 0 {
			return r, &fieldErr{"transfers[" + strconv.Itoa(i) + "].amount_cents", "importo deve essere maggiore di zero"}
		}
		sum += t.AmountCents
		r.Transfers = append(r.Transfers, Transfer{Index: idx, AmountCents: t.AmountCents, FiscalCodePA: t.FiscalCodePA, IBAN: t.IBAN,
			Remittance: t.Remittance, Category: t.Category, Stamp: t.IBAN == ""})
	}
	if sum != e.AmountCents {
		return r, &fieldErr{"transfers", "la somma dei versamenti " + money.FormatCents(sum) + " differisce dall'importo " + money.FormatCents(e.AmountCents)}
	}
	return r, nil
}

// DecodeReceiptEvent reads one event payload.
func DecodeReceiptEvent(payload []byte) (Receipt, error) {
	var e ReceiptEvent
	if err := json.Unmarshal(payload, &e); err != nil {
		return Receipt{}, &ParseError{Format: "evento ricevuta", Msg: "JSON non valido: " + err.Error()}
	}
	r, fe := e.Receipt()
	if fe != nil {
		return r, &ParseError{Format: "evento ricevuta", Field: fe.field, Msg: fe.msg}
	}
	return r, nil
}

// ReadReceiptsJSONL streams receipts, one ReceiptEvent object per line.
func ReadReceiptsJSONL(r io.Reader, rec func(Receipt) error) (int64, error) {
	const format = "ricevute JSONL"
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	line := 0
	var n int64
	for sc.Scan() {
		line++
		b := sc.Bytes()
		if len(b) == 0 {
			continue
		}
		var e ReceiptEvent
		if err := json.Unmarshal(b, &e); err != nil {
			return n, &ParseError{Format: format, Line: line, Msg: "JSON non valido: " + err.Error()}
		}
		rc, fe := e.Receipt()
		if fe != nil {
			return n, &ParseError{Format: format, Line: line, Field: fe.field, Msg: fe.msg}
		}
		rc.Line = line
		n++
		if err := rec(rc); err != nil {
			return n, err
		}
	}
	if err := sc.Err(); err != nil {
		return n, &ParseError{Format: format, Line: line + 1, Msg: err.Error()}
	}
	return n, nil
}
