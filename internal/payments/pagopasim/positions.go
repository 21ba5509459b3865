package pagopasim

import (
	"fmt"
	"net/http"
	"regexp"
	"time"

	"github.com/arengo-pa/arengo/internal/payments/gpd"
	"github.com/arengo-pa/arengo/internal/payments/iuv"
)

// apiError carries the HTTP status GPD would answer.
type apiError struct {
	status int
	title  string
	detail string
}

func (e *apiError) Error() string { return e.title + ": " + e.detail }

func fail(status int, format string, args ...any) error {
	return &apiError{status: status, title: http.StatusText(status), detail: fmt.Sprintf(format, args...)}
}

var ibanShape = regexp.MustCompile(`^[A-Za-z0-9]{1,35}$`)

// validate applies the checks of GPD's DebtPositionValidation that matter here.
func validate(p *gpd.Position) error {
	if p.IUPD == "" || p.FiscalCode == "" || p.FullName == "" || p.CompanyName == "" {
		return fail(400, "iupd, fiscalCode, fullName e companyName sono obbligatori")
	}
	if p.Type != "F" && p.Type != "G" {
		return fail(400, "type deve essere F o G")
	}
	if len(p.PaymentOption) == 0 {
		return fail(400, "almeno una paymentOption")
	}
	for i := range p.PaymentOption {
		o := &p.PaymentOption[i]
		if o.NAV == "" {
			o.NAV = "3" + o.IUV
		}
		n, err := iuv.Parse(o.NAV)
		if err != nil || n.IUV != o.IUV {
			return fail(400, "paymentOption %s: nav non valido per lo iuv (%v)", o.IUV, err)
		}
		if o.Amount < 1 || o.Description == "" || o.DueDate.IsZero() {
			return fail(400, "paymentOption %s: amount, description e dueDate obbligatori", o.IUV)
		}
		if p.ValidityDate != nil && o.DueDate.Before(*p.ValidityDate) {
			return fail(400, "paymentOption %s: dueDate precede validityDate", o.IUV)
		}
		if o.RetentionDate != nil && o.RetentionDate.Before(o.DueDate) {
			return fail(400, "paymentOption %s: retentionDate precede dueDate", o.IUV)
		}
		if len(o.Transfer) < 1 || len(o.Transfer) > 5 {
			return fail(400, "paymentOption %s: da 1 a 5 transfer", o.IUV)
		}
		var sum int64
		seen := map[string]bool{}
		for _, t := range o.Transfer {
			if t.IDTransfer < "1" || t.IDTransfer > "5" || len(t.IDTransfer) != 1 || seen[t.IDTransfer] {
				return fail(400, "paymentOption %s: idTransfer %q non valido o ripetuto", o.IUV, t.IDTransfer)
			}
			seen[t.IDTransfer] = true
			if t.Amount < 1 || t.RemittanceInformation == "" || t.Category == "" {
				return fail(400, "transfer %s/%s: amount, remittanceInformation e category obbligatori", o.IUV, t.IDTransfer)
			}
			if !ibanShape.MatchString(t.IBAN) {
				return fail(400, "transfer %s/%s: iban obbligatorio", o.IUV, t.IDTransfer)
			}
			sum += t.Amount
		}
		if sum != o.Amount {
			return fail(400, "paymentOption %s: la somma dei transfer (%d) differisce da amount (%d)", o.IUV, sum, o.Amount)
		}
		o.Status, o.PaymentDate, o.IDReceipt = gpd.OptionUnpaid, nil, ""
		for j := range o.Transfer {
			o.Transfer[j].Status = "T_UNREPORTED"
		}
	}
	return nil
}

// publishNow moves a DRAFT to VALID, or PUBLISHED while validityDate is ahead.
func publishNow(p *gpd.Position, now time.Time) {
	if p.ValidityDate != nil && p.ValidityDate.After(now) {
		p.Status = gpd.StatusPublished
		return
	}
	p.Status = gpd.StatusValid
}

func (s *Sim) create(org string, p gpd.Position, publish bool) (gpd.Position, error) {
	if err := validate(&p); err != nil {
		return gpd.Position{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.positions[key(org, p.IUPD)]; dup {
		return gpd.Position{}, fail(409, "posizione %s già presente", p.IUPD)
	}
	for _, o := range p.PaymentOption {
		if _, dup := s.navs[key(org, o.NAV)]; dup {
			return gpd.Position{}, fail(409, "avviso %s già presente", o.NAV)
		}
	}
	p.Status = gpd.StatusDraft
	if publish {
		publishNow(&p, s.cfg.Now())
	}
	s.store(org, &p)
	s.log(entry{Op: "put", Org: org, Position: &p})
	return clone(&p), nil
}

func (s *Sim) store(org string, p *gpd.Position) {
	s.positions[key(org, p.IUPD)] = p
	for _, o := range p.PaymentOption {
		s.navs[key(org, o.NAV)] = key(org, p.IUPD)
	}
}

func (s *Sim) unstore(org string, p *gpd.Position) {
	delete(s.positions, key(org, p.IUPD))
	for _, o := range p.PaymentOption {
		delete(s.navs, key(org, o.NAV))
	}
}

func (s *Sim) update(org string, p gpd.Position, publish bool) (gpd.Position, error) {
	if err := validate(&p); err != nil {
		return gpd.Position{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	old, ok := s.positions[key(org, p.IUPD)]
	if !ok {
		return gpd.Position{}, fail(404, "posizione %s non trovata", p.IUPD)
	}
	switch old.Status {
	case gpd.StatusDraft, gpd.StatusPublished, gpd.StatusValid, gpd.StatusExpired:
	default:
		return gpd.Position{}, fail(409, "posizione %s nello stato %s: non modificabile", p.IUPD, old.Status)
	}
	for _, o := range p.PaymentOption {
		if other, dup := s.navs[key(org, o.NAV)]; dup && other != key(org, p.IUPD) {
			return gpd.Position{}, fail(409, "avviso %s già presente", o.NAV)
		}
	}
	s.unstore(org, old)
	p.Status = gpd.StatusDraft // any update resets to DRAFT
	if publish {
		publishNow(&p, s.cfg.Now())
	}
	s.store(org, &p)
	s.log(entry{Op: "put", Org: org, Position: &p})
	return clone(&p), nil
}

// transition applies publish or invalidate.
func (s *Sim) transition(org, iupd, action string) (gpd.Position, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.positions[key(org, iupd)]
	if !ok {
		return gpd.Position{}, fail(404, "posizione %s non trovata", iupd)
	}
	applyDates(p, s.cfg.Now())
	switch {
	case action == "publish" && p.Status == gpd.StatusDraft:
		publishNow(p, s.cfg.Now())
	case action == "invalidate" && (p.Status == gpd.StatusPublished || p.Status == gpd.StatusValid):
		p.Status = gpd.StatusInvalid
	default:
		return gpd.Position{}, fail(409, "%s non ammesso nello stato %s", action, p.Status)
	}
	s.log(entry{Op: "put", Org: org, Position: p})
	return clone(p), nil
}

func (s *Sim) remove(org, iupd string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.positions[key(org, iupd)]
	if !ok {
		return fail(404, "posizione %s non trovata", iupd)
	}
	switch p.Status {
	case gpd.StatusPartiallyPaid, gpd.StatusPaid, gpd.StatusReported:
		return fail(409, "posizione %s nello stato %s: non cancellabile", iupd, p.Status)
	}
	s.unstore(org, p)
	s.log(entry{Op: "delete", Org: org, IUPD: iupd})
	return nil
}

// recompute applies GPD's rule after a payment or a report: options grouped into
// plans (all instalments form one plan, each single option its own).
func recompute(p *gpd.Position) {
	type plan struct{ all, paid, reported int }
	var instalments plan
	singles := []plan{}
	anyPaid := false
	for _, o := range p.PaymentOption {
		pl := plan{all: 1}
		if o.Status != gpd.OptionUnpaid {
			pl.paid, anyPaid = 1, true
		}
		if o.Status == gpd.OptionReported {
			pl.reported = 1
		}
		if o.IsPartialPayment {
			instalments.all += pl.all
			instalments.paid += pl.paid
			instalments.reported += pl.reported
		} else {
			singles = append(singles, pl)
		}
	}
	plans := singles
	if instalments.all > 0 {
		plans = append(plans, instalments)
	}
	for _, pl := range plans {
		if pl.reported == pl.all {
			p.Status = gpd.StatusReported
			return
		}
	}
	for _, pl := range plans {
		if pl.paid == pl.all {
			p.Status = gpd.StatusPaid
			return
		}
	}
	if anyPaid {
		p.Status = gpd.StatusPartiallyPaid
	}
}
