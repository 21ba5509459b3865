package payments

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/arengo-pa/arengo/internal/errs"
	"github.com/arengo-pa/arengo/internal/events"
	"github.com/arengo-pa/arengo/internal/payments/gpd"
	"github.com/arengo-pa/arengo/internal/payments/iuv"
	"github.com/arengo-pa/arengo/internal/store"
)

// ReceiptEvent is the payload of payments.receipt_received; the reconciliation
// module reads exactly these fields.
type ReceiptEvent struct {
	ReceiptID          string                 `json:"receipt_id"`
	IUV                string                 `json:"iuv"`
	NoticeNumber       string                 `json:"notice_number"`
	IUR                string                 `json:"iur"`
	CreditorFiscalCode string                 `json:"creditor_fiscal_code"`
	AmountCents        int64                  `json:"amount_cents"`
	PaymentDate        string                 `json:"payment_date"`
	PSPID              string                 `json:"psp_id"`
	PSPName            string                 `json:"psp_name"`
	DebtType           string                 `json:"debt_type"`
	IUPD               string                 `json:"iupd"`
	Transfers          []ReceiptTransferEvent `json:"transfers"`
}

// ReceiptTransferEvent is one transfer of a receipt event.
type ReceiptTransferEvent struct {
	IDTransfer   int    `json:"id_transfer"`
	AmountCents  int64  `json:"amount_cents"`
	FiscalCodePA string `json:"fiscal_code_pa"`
	IBAN         string `json:"iban"`
	Remittance   string `json:"remittance"`
	Category     string `json:"category"`
}

// AcceptReceipt stores a paSendRT receipt and pays the option it names. It is
// idempotent on (creditor, notice number, receipt id) and answers OK only once
// the receipt is committed. A receipt that does not match the position (unknown
// notice, already paid, different amount — stand-in payments do this) is still
// stored and flagged, never refused: the money has been collected.
func (s *Service) AcceptReceipt(ctx context.Context, req gpd.SendRTRequest) (gpd.SendRTResponse, error) {
	rt := req.Receipt
	ev, err := s.checkReceipt(rt)
	if err != nil {
		return s.syntaxFault(err), err
	}
	payload, _ := json.Marshal(req)
	err = s.d.DB.Transact(ctx, func(tx *store.Tx) error {
		var exists int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM payments_receipt WHERE creditor_cf = $1 AND notice_number = $2
			AND receipt_id = $3`, rt.FiscalCode, rt.NoticeNumber, rt.ReceiptID).Scan(&exists)
		if err == nil {
			return nil // already stored: same answer, no second effect
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		var optionID, positionID any
		anomaly := ""
		var p *Position
		var pid string
		err = tx.QueryRowContext(ctx, `SELECT position_id FROM payments_option WHERE iuv = $1 AND notice_number = $2`,
			rt.CreditorReferenceID, rt.NoticeNumber).Scan(&pid)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			anomaly = "avviso sconosciuto"
		case err != nil:
			return err
		default:
			if p, err = s.position(ctx, tx, pid); err != nil {
				return err
			}
			ev.DebtType, ev.IUPD, positionID = p.DebtType, p.IUPD, p.ID
			o := optionByNotice(p, rt.NoticeNumber)
			optionID = o.ID
			payable := o.Status == gpd.OptionUnpaid || o.Status == gpd.OptionExpired
			switch {
			case !payable:
				anomaly = "avviso già pagato: possibile doppio pagamento"
			case o.AmountCents != ev.AmountCents:
				anomaly = "importo pagato diverso dall'importo dell'avviso"
			}
			// Paid anyway (stand-in, or a checkout started before the change): the
			// money is collected, so the option is paid and the receipt flagged.
			switch {
			case o.Status == gpd.OptionExpired || p.Status == gpd.StatusExpired:
				anomaly = strings.TrimPrefix(anomaly+"; avviso scaduto al momento del pagamento", "; ")
			case p.Status == gpd.StatusInvalid:
				anomaly = strings.TrimPrefix(anomaly+"; posizione annullata al momento del pagamento", "; ")
			}
			if payable {
				if err := s.pay(ctx, tx, p, o, rt, ev.AmountCents); err != nil {
					return err
				}
			}
		}
		if rt.StandIn {
			anomaly = strings.TrimPrefix(anomaly+"; pagato in stand-in", "; ")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO payments_receipt (id, receipt_id, creditor_cf, notice_number, iuv,
			option_id, position_id, outcome, amount_cents, payment_date, psp_id, psp_name, anomaly, payload, received_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
			store.NewID(), rt.ReceiptID, rt.FiscalCode, rt.NoticeNumber, rt.CreditorReferenceID, optionID, positionID,
			rt.Outcome, ev.AmountCents, rt.PaymentDateTime.UTC(), rt.IDPSP, rt.PSPCompanyName, anomaly, string(payload),
			store.Now()); err != nil {
			return err
		}
		aggregate := rt.NoticeNumber
		if p != nil {
			aggregate = p.ID
		}
		return events.Append(ctx, tx, events.Event{Type: "payments.receipt_received", AggregateType: "position",
			AggregateID: aggregate, Data: ev})
	})
	if err != nil {
		return gpd.SendRTResponse{Outcome: "KO", Fault: &gpd.Fault{FaultCode: "PAA_SYSTEM_ERROR", FaultString: "ricevuta non registrata", ID: s.cfg.CreditorCF}}, err
	}
	return gpd.SendRTResponse{Outcome: "OK"}, nil
}

// syntaxFault is the KO answer to a receipt that breaks the schema or the
// rules: PAA_SINTASSI_XSD, the message in faultString, the field in description.
func (s *Service) syntaxFault(err error) gpd.SendRTResponse {
	f := &gpd.Fault{FaultCode: "PAA_SINTASSI_XSD", FaultString: err.Error(), ID: s.cfg.CreditorCF}
	var fe *gpd.FieldError
	var ee *errs.Error
	switch {
	case errors.As(err, &fe):
		f.Description = "campo " + fe.Field
	case errors.As(err, &ee) && ee.Field != "":
		f.FaultString = "receipt/" + ee.Field + ": " + ee.Message
		f.Description = "campo receipt/" + ee.Field
	}
	return gpd.SendRTResponse{Outcome: "KO", Fault: f}
}

// checkReceipt refuses receipts that are not well formed and builds the event.
func (s *Service) checkReceipt(rt gpd.Receipt) (ReceiptEvent, error) {
	ev := ReceiptEvent{ReceiptID: rt.ReceiptID, IUV: rt.CreditorReferenceID, NoticeNumber: rt.NoticeNumber,
		IUR: rt.ReceiptID, CreditorFiscalCode: rt.FiscalCode, PSPID: rt.IDPSP, PSPName: rt.PSPCompanyName,
		Transfers: []ReceiptTransferEvent{}}
	if rt.ReceiptID == "" || len(rt.ReceiptID) > 35 {
		return ev, errs.Field("receiptId", "receiptId obbligatorio, al massimo 35 caratteri")
	}
	if rt.Outcome != "OK" {
		return ev, errs.Field("outcome", "solo ricevute con esito OK")
	}
	n, err := iuv.Parse(rt.NoticeNumber)
	if err != nil {
		return ev, errs.Field("noticeNumber", "%v", err)
	}
	if n.IUV != rt.CreditorReferenceID {
		return ev, errs.Field("creditorReferenceId", "lo IUV %q non corrisponde al codice avviso %s", rt.CreditorReferenceID, rt.NoticeNumber)
	}
	if rt.FiscalCode != s.cfg.CreditorCF {
		return ev, errs.Field("fiscalCode", "ente %s diverso da quello gestito (%s)", rt.FiscalCode, s.cfg.CreditorCF)
	}
	if ev.AmountCents, err = gpd.ParseDecimal(rt.PaymentAmount); err != nil || ev.AmountCents <= 0 {
		return ev, errs.Field("paymentAmount", "importo %q non valido", rt.PaymentAmount)
	}
	if rt.PaymentDateTime.IsZero() {
		return ev, errs.Field("paymentDateTime", "data di pagamento obbligatoria")
	}
	ev.PaymentDate = rt.PaymentDateTime.UTC().Format(time.RFC3339)
	var sum int64
	for _, t := range rt.TransferList {
		c, err := gpd.ParseDecimal(t.TransferAmount)
		if err != nil || t.IDTransfer < 1 || t.IDTransfer > 5 {
			return ev, errs.Field("transferList", "transfer %d: importo %q o indice non valido", t.IDTransfer, t.TransferAmount)
		}
		sum += c
		ev.Transfers = append(ev.Transfers, ReceiptTransferEvent{IDTransfer: t.IDTransfer, AmountCents: c,
			FiscalCodePA: t.FiscalCodePA, IBAN: t.IBAN, Remittance: t.RemittanceInformation, Category: t.TransferCategory})
	}
	if len(rt.TransferList) == 0 || len(rt.TransferList) > 5 || sum != ev.AmountCents {
		return ev, errs.Field("transferList", "da 1 a 5 transfer la cui somma sia l'importo pagato")
	}
	return ev, nil
}

func optionByNotice(p *Position, nav string) *Option {
	for i := range p.Options {
		if p.Options[i].NoticeNumber == nav {
			return &p.Options[i]
		}
	}
	return nil
}

// pay marks the option paid and moves the position as GPD would.
func (s *Service) pay(ctx context.Context, tx *store.Tx, p *Position, o *Option, rt gpd.Receipt, cents int64) error {
	when := rt.PaymentDateTime.UTC()
	o.Status, o.PaidAt, o.ReceiptID = gpd.OptionPaid, &when, rt.ReceiptID
	if _, err := tx.ExecContext(ctx, `UPDATE payments_option SET status = $1, paid_at = $2, receipt_id = $3 WHERE id = $4`,
		o.Status, when, rt.ReceiptID, o.ID); err != nil {
		return err
	}
	p.PaidCents += cents
	to := recompute(p)
	if to == gpd.StatusPaid {
		p.PaidAt = &when
	}
	if to != p.Status {
		return s.setStatus(ctx, tx, p, to, "ricevuta "+rt.ReceiptID)
	}
	p.Version++
	_, err := tx.ExecContext(ctx, `UPDATE payments_position SET paid_cents = $1, version = $2, updated_at = $3 WHERE id = $4`,
		p.PaidCents, p.Version, store.Now(), p.ID)
	return err
}

// Receipt returns the stored receipt of an option, for the citizen's download.
func (s *Service) Receipt(ctx context.Context, optionID string) (gpd.SendRTRequest, error) {
	var payload string
	err := s.d.DB.QueryRowContext(ctx, `SELECT payload FROM payments_receipt WHERE option_id = $1
		ORDER BY received_at LIMIT 1`, optionID).Scan(&payload)
	if errors.Is(err, sql.ErrNoRows) {
		return gpd.SendRTRequest{}, errs.E(errs.ENOTFOUND, "ricevuta non ancora disponibile")
	}
	var req gpd.SendRTRequest
	if err == nil {
		err = json.Unmarshal([]byte(payload), &req)
	}
	return req, err
}
