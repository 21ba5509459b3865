package payments

import (
	"bytes"
	"errors"
	"html/template"
	"io"
	"net/http"
	"net/url"

	"github.com/arengo-pa/arengo/internal/audit"
	"github.com/arengo-pa/arengo/internal/auth"
	"github.com/arengo-pa/arengo/internal/errs"
	"github.com/arengo-pa/arengo/internal/payments/gpd"
	"github.com/arengo-pa/arengo/internal/payments/iuv"
	"github.com/arengo-pa/arengo/internal/payments/notice"
)

// panel is "I miei pagamenti" in the Area personale: what is to pay and what is paid.
func (m *Module) panel(r *http.Request, p *auth.Principal) (template.HTML, error) {
	if !p.IsCitizen() {
		return "", nil
	}
	list, err := m.svc.ForDebtor(r.Context(), p.FiscalCode)
	if err != nil {
		return "", err
	}
	type row struct {
		P        *Position
		O        Option
		Payable  bool
		HasRcpt  bool
		Checkout bool
	}
	var toPay, paid, expired []row
	now := m.svc.now()
	for _, pos := range list {
		for _, o := range pos.Options {
			rw := row{P: pos, O: o, Payable: pos.PayableAt(o, now), HasRcpt: o.ReceiptID != "", Checkout: m.svc.CheckoutURL() != ""}
			switch {
			case gpd.OptionPaidStatus(o.Status):
				paid = append(paid, rw)
			case rw.Payable:
				toPay = append(toPay, rw)
			case o.Status == gpd.OptionExpired || pos.expiredAt(o, now):
				expired = append(expired, rw)
			}
		}
	}
	return m.d.Web.Fragment(m.pages.panel, "payments-panel", r, map[string]any{"ToPay": toPay, "Paid": paid,
		"Expired": expired, "Format": formatNotice})
}

// ownOption loads an option of the logged-in citizen, or refuses.
func (m *Module) ownOption(r *http.Request) (*Position, *Option, error) {
	p := auth.FromContext(r.Context())
	var posID string
	err := m.d.DB.QueryRowContext(r.Context(), `SELECT position_id FROM payments_option WHERE id = $1`, r.PathValue("option")).Scan(&posID)
	if err != nil {
		return nil, nil, errs.E(errs.ENOTFOUND, "avviso non trovato")
	}
	pos, err := m.svc.Position(r.Context(), posID)
	if err != nil {
		return nil, nil, err
	}
	if p == nil || pos.Debtor.FiscalCode != p.FiscalCode || pos.Status == gpd.StatusDraft {
		return nil, nil, errs.E(errs.ENOTFOUND, "avviso non trovato")
	}
	for i := range pos.Options {
		if pos.Options[i].ID == r.PathValue("option") {
			return pos, &pos.Options[i], nil
		}
	}
	return nil, nil, errs.E(errs.ENOTFOUND, "avviso non trovato")
}

func (m *Module) citizenNotice(w http.ResponseWriter, r *http.Request) {
	pos, _, err := m.ownOption(r)
	if err != nil {
		m.d.Web.Error(w, r, err)
		return
	}
	m.writeNoticePDF(w, r, pos)
}

func (m *Module) writeNoticePDF(w http.ResponseWriter, r *http.Request, p *Position) {
	var buf bytes.Buffer
	if err := m.svc.WriteNotice(r.Context(), &buf, p); err != nil {
		m.d.Web.Error(w, r, err)
		return
	}
	audit.RecordNow(r.Context(), m.d.DB, audit.Entry{Action: "payments.download_notice", ObjectType: "position", ObjectID: p.ID, Subject: p.Debtor.FiscalCode})
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="avviso_`+p.Options[0].IUV+`.pdf"`)
	w.Write(buf.Bytes())
}

// citizenPay sends the citizen to the pagoPA checkout for one notice. It is a
// GET link, not a form: the strict CSP (form-action 'self') would stop a form
// submission from being redirected to the checkout's origin.
func (m *Module) citizenPay(w http.ResponseWriter, r *http.Request) {
	pos, o, err := m.ownOption(r)
	if err == nil && !pos.PayableAt(*o, m.svc.now()) {
		state := StatusLabel(pos.Status)
		if o.Status == gpd.OptionExpired || pos.expiredAt(*o, m.svc.now()) {
			state = "avviso scaduto il " + o.DueDate.Format("02/01/2006")
		}
		err = errs.E(errs.ECONFLICT, "questo avviso non si può pagare ora (%s)", state)
	}
	checkout := m.svc.CheckoutURL()
	if err == nil && checkout == "" {
		err = errs.E(errs.ECONFLICT, "il pagamento online non è configurato: usa il codice avviso presso un prestatore pagoPA")
	}
	if err != nil {
		m.d.Web.Error(w, r, err)
		return
	}
	u, perr := url.Parse(checkout)
	if perr != nil {
		m.d.Web.Error(w, r, perr)
		return
	}
	q := u.Query()
	q.Set("org", m.svc.cfg.CreditorCF)
	q.Set("notice", o.NoticeNumber)
	q.Set("return", m.d.Config.BaseURL+"/pagamenti/esito")
	u.RawQuery = q.Encode()
	http.Redirect(w, r, u.String(), http.StatusSeeOther)
}

// citizenOutcome is where the checkout sends the citizen back.
func (m *Module) citizenOutcome(w http.ResponseWriter, r *http.Request) {
	outcome := "pagamento-non-completato"
	if r.URL.Query().Get("esito") == "OK" {
		outcome = "pagamento-eseguito"
	}
	http.Redirect(w, r, "/area-personale?esito="+outcome, http.StatusSeeOther)
}

func (m *Module) citizenReceipt(w http.ResponseWriter, r *http.Request) {
	pos, o, err := m.ownOption(r)
	if err != nil {
		m.d.Web.Error(w, r, err)
		return
	}
	rt, err := m.svc.Receipt(r.Context(), o.ID)
	if err != nil {
		m.d.Web.Error(w, r, err)
		return
	}
	amount, _ := gpd.ParseDecimal(rt.Receipt.PaymentAmount)
	var fee int64
	if rt.Receipt.Fee != "" {
		fee, _ = gpd.ParseDecimal(rt.Receipt.Fee)
	}
	nt, _ := iuv.Parse(rt.Receipt.NoticeNumber)
	var buf bytes.Buffer
	if err := notice.WriteReceipt(&buf, notice.Receipt{CreditorName: rt.Receipt.CompanyName, CreditorCF: rt.Receipt.FiscalCode,
		DebtorName: pos.Debtor.Name, DebtorCF: pos.Debtor.FiscalCode, Subject: rt.Receipt.Description,
		NoticeNumber: rt.Receipt.NoticeNumber, IUV: nt.IUV, AmountCents: amount, FeeCents: fee,
		PaidAt: rt.Receipt.PaymentDateTime.UTC(), PSPName: rt.Receipt.PSPCompanyName, ReceiptID: rt.Receipt.ReceiptID}); err != nil {
		m.d.Web.Error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="ricevuta_`+nt.IUV+`.pdf"`)
	w.Write(buf.Bytes())
}

func formatNotice(nav string) string { return iuv.Format(nav) }

func asErr(err error, target **errs.Error) bool { return errors.As(err, target) }

func copyTo(w io.Writer, r io.Reader) { io.Copy(w, r) }
