package payments

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/arengo-pa/arengo/internal/fiscalcode"

	"github.com/arengo-pa/arengo/internal/auth"
	"github.com/arengo-pa/arengo/internal/errs"
	"github.com/arengo-pa/arengo/internal/events"
	"github.com/arengo-pa/arengo/internal/jobs"
	"github.com/arengo-pa/arengo/internal/kernel"
	"github.com/arengo-pa/arengo/internal/payments/gpd"
	"github.com/arengo-pa/arengo/internal/payments/ident"
	"github.com/arengo-pa/arengo/internal/payments/iuv"
	"github.com/arengo-pa/arengo/internal/payments/pagopasim"
	"github.com/arengo-pa/arengo/internal/store"
)

// Service is the payments module's Go API, for its own handlers and for other
// modules (reconciliation looks positions up by notice number).
type Service struct {
	d   *kernel.Deps
	cfg Settings
	// gpd and checkout change once, when the in-process simulator starts.
	gpd      atomic.Pointer[gpdClient]
	checkout atomic.Pointer[string]
	// sim is the in-process pagoPA simulator while it runs (the demo).
	sim atomic.Pointer[pagopasim.Sim]
	// clock is what the lifecycle rules read as "now" (tests move it).
	clock atomic.Pointer[func() time.Time]
}

// now is the service's clock: store.Now unless a test set another.
func (s *Service) now() time.Time {
	if c := s.clock.Load(); c != nil {
		return (*c)().UTC()
	}
	return store.Now()
}

type gpdClient struct{ gpd.Client }

func (s *Service) gpdClient() gpd.Client {
	if c := s.gpd.Load(); c != nil {
		return c.Client
	}
	return nil
}

// CheckoutURL is where citizens pay, empty when no checkout is configured.
func (s *Service) CheckoutURL() string {
	if c := s.checkout.Load(); c != nil {
		return *c
	}
	return ""
}

// NewPosition is what a form, the API or the demo asks to create.
type NewPosition struct {
	DebtType    string
	Debtor      Debtor
	Description string
	// AmountCents and DueDate make the single payment; Instalments, when two or
	// more, add a plan (the single payment stays available when AmountCents > 0).
	AmountCents int64
	DueDate     time.Time
	Instalments []Instalment
	Secondary   *Beneficiary // a second beneficiary of the single payment
	Publish     bool
	Source      string
	// ValidityDate, when set, must be in the future: a published position stays
	// PUBLISHED (not payable) until then. SwitchToExpired makes unpaid options
	// expire after their due date.
	ValidityDate    *time.Time
	SwitchToExpired bool
}

// Instalment is one rate of a plan.
type Instalment struct {
	AmountCents int64
	DueDate     time.Time
}

// Beneficiary is another creditor sharing a notice (e.g. TEFA to the provincia).
type Beneficiary struct {
	FiscalCode  string
	Name        string
	IBAN        string
	Category    string
	Remittance  string
	AmountCents int64
}

// Create validates and stores a position, allocating its notice numbers.
func (s *Service) Create(ctx context.Context, in NewPosition) (*Position, error) {
	var out *Position
	err := s.d.DB.Transact(ctx, func(tx *store.Tx) error {
		dt, err := s.debtType(ctx, tx, in.DebtType)
		if err != nil {
			return err
		}
		p, err := s.build(in, dt)
		if err != nil {
			return err
		}
		if err := s.assignNotices(ctx, tx, []*Position{p}); err != nil {
			return err
		}
		var r rows
		r.add(p, nil)
		if err := r.flush(ctx, tx, s.d.DB.Engine); err != nil {
			return err
		}
		// Kept out of the shared multi-row INSERT, which imports use.
		if p.ValidityDate != nil || p.SwitchToExpired {
			if _, err := tx.ExecContext(ctx, `UPDATE payments_position SET validity_date = $1, switch_to_expired = $2
				WHERE id = $3`, p.ValidityDate, p.SwitchToExpired, p.ID); err != nil {
				return err
			}
		}
		if err := s.afterCreate(ctx, tx, p); err != nil {
			return err
		}
		out = p
		return nil
	})
	return out, err
}

// afterCreate appends the event, the audit entry, the notification and wakes
// the GPD sync, all in the creating transaction.
func (s *Service) afterCreate(ctx context.Context, tx *store.Tx, p *Position) error {
	if err := events.Append(ctx, tx, events.Event{Type: "payments.position_created", AggregateType: "position",
		AggregateID: p.ID, AggregateVersion: p.Version, Data: positionEvent(p)}); err != nil {
		return err
	}
	if err := auditRecord(ctx, tx, "payments.create_position", p.ID, p.Debtor.FiscalCode, nil, positionEvent(p)); err != nil {
		return err
	}
	if err := s.notifyNew(ctx, tx, p); err != nil {
		return err
	}
	return s.wakeSync(ctx, tx)
}

func (s *Service) wakeSync(ctx context.Context, tx *store.Tx) error {
	// No unique key: the queue keeps keys forever, and each run drains every
	// pending position, so extra runs are cheap no-ops.
	_, err := s.d.Jobs.Enqueue(ctx, tx, jobGPDSync, map[string]string{}, jobs.Opts{})
	return err
}

// build turns a request into a position with its options and transfers,
// checking every rule before anything is written.
func (s *Service) build(in NewPosition, dt DebtType) (*Position, error) {
	d := in.Debtor
	d.FiscalCode = strings.ToUpper(strings.TrimSpace(d.FiscalCode))
	d.Name = strings.TrimSpace(d.Name)
	switch d.Type {
	case "F":
		if err := fiscalcode.Validate(d.FiscalCode); err != nil {
			return nil, errs.Field("codice_fiscale", "%v", err)
		}
	case "G":
		if fiscalcode.Company(d.FiscalCode) != nil && fiscalcode.Validate(d.FiscalCode) != nil {
			return nil, errs.Field("codice_fiscale", "partita IVA o codice fiscale %q non valido", d.FiscalCode)
		}
	default:
		return nil, errs.Field("tipo_debitore", "scegliere persona fisica (F) o giuridica (G)")
	}
	if d.Name == "" || len([]rune(d.Name)) > 70 {
		return nil, errs.Field("nome", "nome del debitore obbligatorio, al massimo 70 caratteri")
	}
	desc := strings.TrimSpace(in.Description)
	if desc == "" || len([]rune(desc)) > 140 {
		return nil, errs.Field("causale", "causale obbligatoria, al massimo 140 caratteri")
	}
	if in.AmountCents <= 0 && len(in.Instalments) < 2 {
		return nil, errs.Field("importo", "indicare un importo maggiore di zero o almeno due rate")
	}
	if len(in.Instalments) == 1 {
		return nil, errs.Field("rate", "un piano rateale ha almeno due rate")
	}
	now := store.Now()
	p := &Position{ID: store.NewID(), DebtType: dt.Code, Debtor: d, Description: desc, Source: in.Source,
		Status: gpd.StatusDraft, GPDSync: "P", Version: 1, CreatedAt: now, UpdatedAt: now, SwitchToExpired: in.SwitchToExpired}
	p.IUPD = s.cfg.CreditorCF + "-" + p.ID
	if v := in.ValidityDate; v != nil {
		// GPD: on create validityDate > now and every dueDate ≥ validityDate.
		t := v.UTC()
		if !t.After(s.now()) {
			return nil, errs.Field("validita", "la data di inizio validità deve essere futura")
		}
		p.ValidityDate = &t
	}
	if in.Publish {
		p.Status = publishedStatus(p, s.now())
	}
	primary := func(amount int64, remittance string) Transfer {
		return Transfer{Index: 1, AmountCents: amount, CreditorCF: s.cfg.CreditorCF, CompanyName: s.cfg.CreditorName,
			IBAN: dt.IBAN, Remittance: clip(remittance, 140), Category: dt.Category}
	}
	if in.AmountCents > 0 {
		if in.DueDate.IsZero() {
			return nil, errs.Field("scadenza", "data di scadenza obbligatoria")
		}
		o := Option{ID: store.NewID(), AmountCents: in.AmountCents, Description: desc, DueDate: in.DueDate.UTC(), Status: gpd.OptionUnpaid}
		main := in.AmountCents
		if b := in.Secondary; b != nil {
			if err := fiscalcode.Company(b.FiscalCode); err != nil {
				return nil, errs.Field("beneficiario_cf", "%v", err)
			}
			if err := ident.IBAN(b.IBAN); err != nil {
				return nil, errs.Field("beneficiario_iban", "%v", err)
			}
			if b.AmountCents <= 0 || b.AmountCents >= in.AmountCents {
				return nil, errs.Field("beneficiario_importo", "la quota del secondo beneficiario deve essere positiva e minore dell'importo totale")
			}
			main -= b.AmountCents
			remit := b.Remittance
			if remit == "" {
				remit = desc
			}
			o.Transfers = append(o.Transfers, primary(main, desc), Transfer{Index: 2, AmountCents: b.AmountCents,
				CreditorCF: b.FiscalCode, CompanyName: b.Name, IBAN: strings.ToUpper(b.IBAN), Remittance: clip(remit, 140), Category: b.Category})
		} else {
			o.Transfers = []Transfer{primary(main, desc)}
		}
		p.Options = append(p.Options, o)
		p.TotalCents = in.AmountCents
	}
	var planTotal int64
	for i, r := range in.Instalments {
		if r.AmountCents <= 0 || r.DueDate.IsZero() {
			return nil, errs.Field(fmt.Sprintf("rata_%d", i+1), "rata %d: importo e scadenza obbligatori", i+1)
		}
		label := fmt.Sprintf("%s - rata %d di %d", desc, i+1, len(in.Instalments))
		p.Options = append(p.Options, Option{ID: store.NewID(), AmountCents: r.AmountCents, Description: clip(label, 140),
			DueDate: r.DueDate.UTC(), IsPartial: true, Instalment: i + 1, Status: gpd.OptionUnpaid,
			Transfers: []Transfer{primary(r.AmountCents, label)}})
		planTotal += r.AmountCents
	}
	if in.AmountCents > 0 && planTotal > 0 && planTotal != in.AmountCents {
		return nil, errs.Field("rate", "la somma delle rate (%s) differisce dall'importo in unica soluzione (%s)", euro(planTotal), euro(in.AmountCents))
	}
	if p.TotalCents == 0 {
		p.TotalCents = planTotal
	}
	if v := p.ValidityDate; v != nil {
		for _, o := range p.Options {
			if o.DueDate.Before(v.Truncate(24 * time.Hour)) {
				return nil, errs.Field("validita", "la scadenza %s precede l'inizio della validità", o.DueDate.Format("02/01/2006"))
			}
		}
	}
	if p.TotalCents > 99_999_999_999 {
		return nil, errs.Field("importo", "importo oltre 999.999.999,99 €")
	}
	return p, nil
}

const generatedBaseLimit = 100_000_000_000

// assignNotices gives every option an aux-3 IUV from the comune's counter.
func (s *Service) assignNotices(ctx context.Context, tx *store.Tx, ps []*Position) error {
	n := 0
	for _, p := range ps {
		for _, o := range p.Options {
			if o.IUV == "" {
				n++
			}
		}
	}
	if n == 0 {
		return nil
	}
	next, err := iuv.Allocate(ctx, tx, s.cfg.Segregation, int64(n))
	if err != nil {
		return err
	}
	// Generated bases stay below 10^11 (IUV digits 3-4 are "00"): the rest of the
	// range is left to IUVs that imported files bring along.
	if next+int64(n) > generatedBaseLimit {
		return errs.E(errs.ECONFLICT, "codici IUV generabili esauriti per il codice di segregazione %02d", s.cfg.Segregation)
	}
	for _, p := range ps {
		for i := range p.Options {
			o := &p.Options[i]
			if o.IUV != "" {
				continue
			}
			nt, err := iuv.NewAux3(s.cfg.Segregation, next)
			if err != nil {
				return err
			}
			next++
			o.IUV, o.NoticeNumber = nt.IUV, nt.Number
		}
	}
	return nil
}

func (s *Service) debtType(ctx context.Context, q querier, code string) (DebtType, error) {
	var dt DebtType
	err := q.QueryRowContext(ctx, `SELECT code, description, category, iban, postal_account, due_date_required, active
		FROM payments_debt_type WHERE code = $1`, code).Scan(&dt.Code, &dt.Description, &dt.Category, &dt.IBAN,
		&dt.PostalAccount, &dt.DueDateRequired, &dt.Active)
	if err != nil {
		return dt, errs.Field("tipo_dovuto", "tipo di dovuto %q inesistente", code)
	}
	if !dt.Active {
		return dt, errs.Field("tipo_dovuto", "tipo di dovuto %q non attivo", code)
	}
	return dt, nil
}

func actorOf(ctx context.Context) string {
	if p := auth.FromContext(ctx); p != nil {
		if p.Username != "" {
			return string(p.Kind) + ":" + p.Username
		}
		return string(p.Kind) + ":" + p.ID
	}
	return "system"
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}

func euro(c int64) string { return fmt.Sprintf("%d,%02d €", c/100, c%100) }
