package pagopasim

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/arengo-pa/arengo/internal/payments/gpd"
)

// Notice is what the checkout shows before paying.
type Notice struct {
	Org, NAV, IUV, Company, Description, Debtor string
	AmountCents                                 int64
	DueDate                                     time.Time
	Payable                                     bool
	Reason                                      string // why it is not payable
}

// Lookup finds a notice by creditor and notice number (the "verify" step).
func (s *Sim) Lookup(org, nav string) (Notice, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, o, err := s.option(org, nav)
	if err != nil {
		return Notice{}, err
	}
	n := Notice{Org: org, NAV: o.NAV, IUV: o.IUV, Company: p.CompanyName, Description: o.Description,
		Debtor: p.FullName, AmountCents: o.Amount, DueDate: o.DueDate}
	n.Payable, n.Reason = payable(p, o, s.cfg.Now())
	return n, nil
}

func (s *Sim) option(org, nav string) (*gpd.Position, *gpd.Option, error) {
	pk, ok := s.navs[key(org, nav)]
	if !ok {
		return nil, nil, fail(404, "avviso %s sconosciuto per l'ente %s", nav, org)
	}
	p := s.positions[pk]
	applyDates(p, s.cfg.Now())
	for i := range p.PaymentOption {
		if p.PaymentOption[i].NAV == nav {
			return p, &p.PaymentOption[i], nil
		}
	}
	return nil, nil, fail(404, "avviso %s sconosciuto", nav)
}

func payable(p *gpd.Position, o *gpd.Option, now time.Time) (bool, string) {
	if o.Status != gpd.OptionUnpaid {
		return false, "avviso già pagato"
	}
	if p.SwitchToExpired && o.DueDate.Before(now) {
		return false, "avviso scaduto il " + o.DueDate.Format("02/01/2006")
	}
	switch p.Status {
	case gpd.StatusValid, gpd.StatusPartiallyPaid:
		return true, ""
	case gpd.StatusDraft, gpd.StatusPublished:
		return false, "avviso non ancora pagabile"
	case gpd.StatusInvalid:
		return false, "avviso annullato dall'ente"
	case gpd.StatusExpired:
		return false, "avviso scaduto"
	}
	return false, "posizione già pagata"
}

// applyDates does what GPD's schedulers do, at the moment the position is read:
// PUBLISHED becomes VALID once validityDate is reached; VALID becomes EXPIRED
// with switchToExpired when the last due date is past and nothing was paid.
func applyDates(p *gpd.Position, now time.Time) {
	if p.Status == gpd.StatusPublished && p.ValidityDate != nil && !p.ValidityDate.After(now) {
		p.Status = gpd.StatusValid
	}
	if p.Status != gpd.StatusValid || !p.SwitchToExpired || len(p.PaymentOption) == 0 {
		return
	}
	for _, o := range p.PaymentOption {
		if o.Status != gpd.OptionUnpaid || !o.DueDate.Before(now) {
			return
		}
	}
	p.Status = gpd.StatusExpired
}

// Pay pays a notice through a PSP, as a citizen would at the checkout, and
// delivers the receipt. A receipt the creditor does not acknowledge is retried
// by Run; the payment itself stands.
func (s *Sim) Pay(ctx context.Context, org, nav, pspID string) (gpd.SendRTRequest, error) {
	psp, ok := pspByID(pspID)
	if !ok {
		return gpd.SendRTRequest{}, fail(400, "PSP %q sconosciuto", pspID)
	}
	s.mu.Lock()
	p, o, err := s.option(org, nav)
	if err != nil {
		s.mu.Unlock()
		return gpd.SendRTRequest{}, err
	}
	if ok, reason := payable(p, o, s.cfg.Now()); !ok {
		s.mu.Unlock()
		return gpd.SendRTRequest{}, fail(409, "%s", reason)
	}
	now := s.cfg.Now().UTC().Truncate(time.Second)
	s.seq++
	rt := buildReceipt(org, p, o, psp, newID(), now)
	// SACI: the FdR's IUR is the receipt id (real PSPs sometimes differ, pagopa.md 9.5).
	iur := rt.Receipt.ReceiptID
	o.Status, o.PaymentDate, o.IDReceipt = gpd.OptionPaid, &now, rt.Receipt.ReceiptID
	recompute(p)
	if p.Status == gpd.StatusPaid {
		p.PaymentDate = &now
	}
	var paid []payment
	for _, t := range o.Transfer {
		ben := t.OrganizationFiscalCode
		if ben == "" {
			ben = org
		}
		paid = append(paid, payment{Org: org, Beneficiary: ben, IUV: o.IUV, IUR: iur, ReceiptID: rt.Receipt.ReceiptID,
			Index: int(t.IDTransfer[0] - '0'), Cents: t.Amount, PSP: psp.ID, When: now})
	}
	s.payments = append(s.payments, paid...)
	s.receipts[rt.Receipt.ReceiptID] = rt
	s.pending = append(s.pending, rt.Receipt.ReceiptID)
	s.log(entry{Op: "put", Org: org, Position: p})
	s.log(entry{Op: "paid", Payments: paid, Receipt: &rt, Seq: s.seq})
	s.mu.Unlock()
	s.DeliverReceipts(ctx)
	return rt, nil
}

func buildReceipt(org string, p *gpd.Position, o *gpd.Option, psp PSP, id string, now time.Time) gpd.SendRTRequest {
	rt := gpd.Receipt{
		ReceiptID: id, NoticeNumber: o.NAV, FiscalCode: org, Outcome: "OK", CreditorReferenceID: o.IUV,
		PaymentAmount: gpd.Decimal(o.Amount), Description: o.Description, CompanyName: p.CompanyName,
		OfficeName: p.OfficeName,
		Debtor: gpd.Subject{EntityType: p.Type, EntityValue: p.FiscalCode, FullName: p.FullName,
			StreetName: p.StreetName, CivicNumber: p.CivicNumber, PostalCode: p.PostalCode, City: p.City,
			Province: p.Province, Country: p.Country, Email: p.Email},
		IDPSP: psp.ID, PSPFiscalCode: psp.FiscalCode, PSPCompanyName: psp.Name, IDChannel: psp.Channel,
		ChannelDescription: "app", PaymentMethod: "creditCard", Fee: "1.00", PaymentDateTime: now,
		ApplicationDate: now.Format("2006-01-02"), TransferDate: now.AddDate(0, 0, 1).Format("2006-01-02"),
	}
	for _, t := range o.Transfer {
		cf := t.OrganizationFiscalCode
		if cf == "" {
			cf = org
		}
		rt.TransferList = append(rt.TransferList, gpd.ReceiptTransfer{IDTransfer: int(t.IDTransfer[0] - '0'),
			TransferAmount: gpd.Decimal(t.Amount), FiscalCodePA: cf, IBAN: t.IBAN,
			RemittanceInformation: t.RemittanceInformation, TransferCategory: t.Category})
	}
	return gpd.SendRTRequest{IDPA: org, IDBrokerPA: org, IDStation: org + "_01", Receipt: rt}
}

// DeliverReceipts sends every receipt the creditor has not acknowledged yet.
func (s *Sim) DeliverReceipts(ctx context.Context) {
	if s.cfg.ReceiptURL == "" {
		return
	}
	s.mu.Lock()
	pending := append([]string(nil), s.pending...)
	s.mu.Unlock()
	for _, id := range pending {
		s.mu.Lock()
		rt := s.receipts[id]
		s.mu.Unlock()
		if err := s.send(ctx, rt); err != nil {
			continue
		}
		s.mu.Lock()
		for i, p := range s.pending {
			if p == id {
				s.pending = append(s.pending[:i], s.pending[i+1:]...)
				break
			}
		}
		s.log(entry{Op: "delivered", ReceiptID: id})
		s.mu.Unlock()
	}
}

// PendingReceipts counts receipts not yet acknowledged.
func (s *Sim) PendingReceipts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.pending)
}

// send pushes a receipt as the Nodo does: a SOAP paSendRTReq envelope, answered
// by paSendRTRes.
func (s *Sim) send(ctx context.Context, rt gpd.SendRTRequest) error {
	body, err := gpd.MarshalSendRT(rt)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.cfg.ReceiptURL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "text/xml; charset=utf-8")
	req.Header.Set("SOAPAction", "paSendRT")
	if s.cfg.ReceiptToken != "" {
		req.Header.Set("Authorization", "Bearer "+s.cfg.ReceiptToken)
	}
	resp, err := s.cfg.HTTP.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	res, perr := gpd.ParseSendRTResponse(data)
	if resp.StatusCode/100 != 2 || perr != nil || res.Outcome != "OK" {
		return fmt.Errorf("ricevuta %s rifiutata: %d %s", rt.Receipt.ReceiptID, resp.StatusCode, data)
	}
	return nil
}

// Run retries undelivered receipts until ctx ends.
func (s *Sim) Run(ctx context.Context) {
	t := time.NewTicker(2 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			s.DeliverReceipts(ctx)
		}
	}
}

func pspByID(id string) (PSP, bool) {
	for _, p := range PSPs {
		if p.ID == id {
			return p, true
		}
	}
	return PSP{}, false
}

func newID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}
