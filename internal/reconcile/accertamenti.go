package reconcile

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/arengo-pa/arengo/internal/audit"
	"github.com/arengo-pa/arengo/internal/auth"
	"github.com/arengo-pa/arengo/internal/errs"
	"github.com/arengo-pa/arengo/internal/events"
	"github.com/arengo-pa/arengo/internal/reconcile/match"
	"github.com/arengo-pa/arengo/internal/store"
	"github.com/arengo-pa/arengo/internal/web"
)

// States of an accertamento, as MyPivot names them (mygov_anagrafica_stato,
// de_tipo_stato ACCERTAMENTO). MyPivot changes state only from INSERITO;
// Arengo adds one way back, CHIUSO → INSERITO, for whoever holds
// PermReopen, with a reason: a closed accertamento has gone to the accounting
// system, so reopening it is a decision, not an operator's undo. ANNULLATO is
// final: its payments are free again and a new accertamento takes them.
const (
	StateInserito  = "INSERITO"
	StateChiuso    = "CHIUSO"
	StateAnnullato = "ANNULLATO"
)

// Event types of the accertamento lifecycle.
const (
	EventAccertamentoCreated    = "reconcile.accertamento_created"
	EventAccertamentoUpdated    = "reconcile.accertamento_updated"
	EventAccertamentoAssigned   = "reconcile.accertamento_assigned"
	EventAccertamentoUnassigned = "reconcile.accertamento_unassigned"
	EventAccertamentoClosed     = "reconcile.accertamento_closed"
	EventAccertamentoCancelled  = "reconcile.accertamento_cancelled"
	EventAccertamentoReopened   = "reconcile.accertamento_reopened"
)

// Accertamento is a dossier of collected payments of one debt type charged
// to one budget line (MyPivot: mygov_accertamento with the ufficio, capitolo
// and accertamento of its details).
type Accertamento struct {
	ID            string     `json:"id"`
	Name          string     `json:"name" doc:"Nome (de_nome_accertamento)"`
	DebtType      string     `json:"debt_type" doc:"Tipo di dovuto (cod_tipo_dovuto)"`
	Office        string     `json:"office" doc:"Ufficio (cod_ufficio)"`
	Chapter       string     `json:"chapter" doc:"Capitolo di bilancio (cod_capitolo)"`
	Code          string     `json:"code" doc:"Numero di accertamento (cod_accertamento)"`
	Year          int        `json:"year" doc:"Esercizio (de_anno_esercizio)"`
	Description   string     `json:"description"`
	ForecastCents int64      `json:"forecast_cents" doc:"Importo previsto"`
	State         string     `json:"state" enum:"INSERITO,CHIUSO,ANNULLATO"`
	AssignedCount int64      `json:"assigned_count"`
	AssignedCents int64      `json:"assigned_cents"`
	Reason        string     `json:"reason" doc:"Motivo dell'annullamento o dell'ultima riapertura"`
	CreatedBy     string     `json:"created_by"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedBy     string     `json:"updated_by"`
	UpdatedAt     time.Time  `json:"updated_at"`
	ClosedAt      *time.Time `json:"closed_at,omitempty"`
}

// Open reports whether payments may still be added or removed.
func (a Accertamento) Open() bool { return a.State == StateInserito }

// DiffCents is what is assigned beyond (positive) or short of (negative) the forecast.
func (a Accertamento) DiffCents() int64 { return a.AssignedCents - a.ForecastCents }

// ForecastText is the forecast as the forms take it back (1.250,00).
func (a Accertamento) ForecastText() string {
	return strings.TrimSuffix(web.Euro(a.ForecastCents), " €")
}

// Percent is the assigned share of the forecast, for the progress bar (0–100).
func (a Accertamento) Percent() int64 {
	if a.ForecastCents <= 0 {
		return 0
	}
	return min(100, max(0, a.AssignedCents*100/a.ForecastCents))
}

const accertamentoColumns = "id, name, debt_type, office, chapter, code, year, description, forecast_cents, state, assigned_count, assigned_cents, " +
	"reason, created_by, created_at, updated_by, updated_at, closed_at"

func scanAccertamento(sc interface{ Scan(...any) error }) (Accertamento, error) {
	var a Accertamento
	var closed sql.NullTime
	err := sc.Scan(&a.ID, &a.Name, &a.DebtType, &a.Office, &a.Chapter, &a.Code, &a.Year, &a.Description, &a.ForecastCents, &a.State,
		&a.AssignedCount, &a.AssignedCents, &a.Reason, &a.CreatedBy, &a.CreatedAt, &a.UpdatedBy, &a.UpdatedAt, &closed)
	if closed.Valid {
		t := closed.Time.UTC()
		a.ClosedAt = &t
	}
	return a, err
}

// NewAccertamento is what an operator types to open one.
type NewAccertamento struct {
	Name          string `json:"name" maxLength:"255"`
	DebtType      string `json:"debt_type" maxLength:"64"`
	Office        string `json:"office,omitempty" maxLength:"32"`
	Chapter       string `json:"chapter" maxLength:"32"`
	Code          string `json:"code" maxLength:"32"`
	Year          int    `json:"year"`
	Description   string `json:"description,omitempty" maxLength:"1000"`
	ForecastCents int64  `json:"forecast_cents"`
}

func (n *NewAccertamento) validate() error {
	n.Name, n.DebtType, n.Office = strings.TrimSpace(n.Name), strings.TrimSpace(n.DebtType), strings.TrimSpace(n.Office)
	n.Chapter, n.Code, n.Description = strings.TrimSpace(n.Chapter), strings.TrimSpace(n.Code), strings.TrimSpace(n.Description)
	switch {
	case n.Name == "" || len(n.Name) > 255:
		return errs.Field("nome", "Il nome dell'accertamento è obbligatorio (massimo 255 caratteri)")
	case n.DebtType == "":
		return errs.Field("tipo", "Scegli il tipo di dovuto")
	case n.Chapter == "" || len(n.Chapter) > 32:
		return errs.Field("capitolo", "Il capitolo di bilancio è obbligatorio (massimo 32 caratteri)")
	case n.Code == "" || len(n.Code) > 32:
		return errs.Field("numero", "Il numero di accertamento è obbligatorio (massimo 32 caratteri)")
	case n.Year < 2000 || n.Year > 2100:
		return errs.Field("anno", "L'esercizio deve essere un anno tra 2000 e 2100")
	case len(n.Office) > 32:
		return errs.Field("ufficio", "Il codice dell'ufficio può avere al massimo 32 caratteri")
	case len(n.Description) > 1000:
		return errs.Field("descrizione", "La descrizione può avere al massimo 1000 caratteri")
	case n.ForecastCents < 0:
		return errs.Field("previsto", "L'importo previsto non può essere negativo")
	}
	return nil
}

// accertamentoEvent appends an outbox event about an accertamento.
func accertamentoEvent(ctx context.Context, tx *store.Tx, typ, id string, data any) error {
	return events.Append(ctx, tx, events.Event{Type: typ, AggregateType: "reconcile_accertamento", AggregateID: id, Data: data})
}

// CreateAccertamento opens an accertamento in state INSERITO. The debt type
// must be one the module knows (mapped to the budget in "Tipi di dovuto").
func (m *Module) CreateAccertamento(ctx context.Context, n NewAccertamento) (Accertamento, error) {
	if err := n.validate(); err != nil {
		return Accertamento{}, err
	}
	who := actor(ctx)
	now := store.Now()
	a := Accertamento{ID: store.NewID(), Name: n.Name, DebtType: n.DebtType, Office: n.Office, Chapter: n.Chapter, Code: n.Code, Year: n.Year,
		Description: n.Description, ForecastCents: n.ForecastCents, State: StateInserito, CreatedBy: who, CreatedAt: now, UpdatedBy: who, UpdatedAt: now}
	err := m.deps.DB.Transact(ctx, func(tx *store.Tx) error {
		var known int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM reconcile_debt_type WHERE debt_type = $1", a.DebtType).Scan(&known); err != nil {
			return err
		}
		if known == 0 {
			return errs.Field("tipo", "Tipo di dovuto %q non configurato: aggiungilo prima in «Tipi di dovuto»", a.DebtType)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO reconcile_accertamento (`+accertamentoColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0, 0, '', $11, $12, $11, $12, NULL)`,
			a.ID, a.Name, a.DebtType, a.Office, a.Chapter, a.Code, a.Year, a.Description, a.ForecastCents, a.State, a.CreatedBy, a.CreatedAt); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, audit.Entry{Action: "reconcile.accertamento_create", ObjectType: "reconcile_accertamento", ObjectID: a.ID, After: a}); err != nil {
			return err
		}
		return accertamentoEvent(ctx, tx, EventAccertamentoCreated, a.ID, a)
	})
	return a, err
}

// rowQuerier is a *store.DB or a *store.Tx.
type rowQuerier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func getAccertamento(ctx context.Context, q rowQuerier, id string) (Accertamento, error) {
	a, err := scanAccertamento(q.QueryRowContext(ctx, "SELECT "+accertamentoColumns+" FROM reconcile_accertamento WHERE id = $1", id))
	if errors.Is(err, sql.ErrNoRows) {
		return a, errs.E(errs.ENOTFOUND, "Accertamento non trovato")
	}
	return a, err
}

// Accertamento returns one accertamento.
func (m *Module) Accertamento(ctx context.Context, id string) (Accertamento, error) {
	return getAccertamento(ctx, m.deps.DB, id)
}

// change runs fn on an accertamento in one of the states from, locked for the
// transaction, then refreshes its totals, audits and emits the event whose
// payload fn returns.
func (m *Module) change(ctx context.Context, id string, from []string, action, event string, fn func(tx *store.Tx, a *Accertamento) (any, error)) (Accertamento, error) {
	who := actor(ctx)
	var after Accertamento
	err := m.deps.DB.Transact(ctx, func(tx *store.Tx) error {
		// Touching the row first takes its lock on PostgreSQL: a close and an
		// assignment to the same accertamento run one after the other.
		now := store.Now()
		if _, err := tx.ExecContext(ctx, "UPDATE reconcile_accertamento SET updated_by = $1, updated_at = $2 WHERE id = $3", who, now, id); err != nil {
			return err
		}
		before, err := getAccertamento(ctx, tx, id)
		if err != nil {
			return err
		}
		if !slices.Contains(from, before.State) {
			return errs.E(errs.ECONFLICT, "L'accertamento «%s» è %s: operazione non consentita", before.Name, strings.ToLower(before.State))
		}
		a := before
		data, err := fn(tx, &a)
		if err != nil {
			return err
		}
		var closed any
		if a.ClosedAt != nil {
			closed = *a.ClosedAt
		}
		if _, err := tx.ExecContext(ctx, `UPDATE reconcile_accertamento SET state = $1, reason = $2, closed_at = $3,
			assigned_count = (SELECT COUNT(*) FROM reconcile_accertamento_payment WHERE accertamento_id = $4 AND active = TRUE),
			assigned_cents = (SELECT COALESCE(SUM(amount_cents), 0) FROM reconcile_accertamento_payment WHERE accertamento_id = $4 AND active = TRUE)
			WHERE id = $4`, a.State, a.Reason, closed, id); err != nil {
			return err
		}
		if after, err = getAccertamento(ctx, tx, id); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, audit.Entry{Action: action, ObjectType: "reconcile_accertamento", ObjectID: id,
			Before: summary(before), After: map[string]any{"state": after.State, "assigned_count": after.AssignedCount, "assigned_cents": after.AssignedCents, "detail": data}}); err != nil {
			return err
		}
		return accertamentoEvent(ctx, tx, event, id, map[string]any{"accertamento": after, "detail": data})
	})
	return after, err
}

// actor names who acts: the signed-in person or API key, "sistema" for the
// demo seed and commands, which run without one.
func actor(ctx context.Context) string {
	if p := auth.FromContext(ctx); p != nil {
		return p.Name
	}
	return "sistema"
}

func summary(a Accertamento) map[string]any {
	return map[string]any{"state": a.State, "assigned_count": a.AssignedCount, "assigned_cents": a.AssignedCents}
}

// assignableWhere selects the payments an accertamento may take: collected
// (the money reached the treasury), of its debt type, in no live accertamento.
func assignableWhere(first int) (string, []any) {
	in, args := codeList(collectedCodes, first+1)
	return "i.kind = 'payment' AND i.debt_type = $" + strconv.Itoa(first) + " AND i.code IN (" + in + `)
		AND NOT EXISTS (SELECT 1 FROM reconcile_accertamento_payment p WHERE p.payment_key = i.key AND p.active = TRUE)`, args
}

// insertAssignment copies payments ($1 accertamento, $2 actor, $3 time) from
// the items selected by the WHERE that follows it.
const insertAssignment = `INSERT INTO reconcile_accertamento_payment (accertamento_id, payment_key, iuv, day, amount_cents, active, assigned_by, assigned_at)
	SELECT $1, i.key, i.iuv, i.day, i.amount_cents, TRUE, $2, $3 FROM reconcile_item i`

// onAssignConflict skips a payment another transaction has just put in
// another accertamento (the partial unique index on live assignments) instead
// of failing the whole assignment.
const onAssignConflict = "ON CONFLICT DO NOTHING RETURNING amount_cents"

// maxAssignKeys bounds one hand-picked assignment (a page of the list is 50).
const maxAssignKeys = 1000

// AssignPayments adds hand-picked payments (item keys "IUV/index"); every one
// must be assignable, or nothing is assigned and the error names it.
func (m *Module) AssignPayments(ctx context.Context, id string, keys []string) (Accertamento, error) {
	keys = uniqueNonEmpty(keys)
	if len(keys) == 0 {
		return Accertamento{}, errs.Field("chiave", "Scegli almeno un pagamento da assegnare")
	}
	if len(keys) > maxAssignKeys {
		return Accertamento{}, errs.Field("chiave", "Al massimo %d pagamenti per volta: per un periodo intero usa «Assegna tutti nel periodo»", maxAssignKeys)
	}
	who := actor(ctx)
	return m.change(ctx, id, []string{StateInserito}, "reconcile.accertamento_assign", EventAccertamentoAssigned, func(tx *store.Tx, a *Accertamento) (any, error) {
		var total int64
		for _, k := range keys {
			var code, debtType, other string
			err := tx.QueryRowContext(ctx, `SELECT i.code, i.debt_type, COALESCE((SELECT a.name FROM reconcile_accertamento_payment p
				JOIN reconcile_accertamento a ON a.id = p.accertamento_id WHERE p.payment_key = i.key AND p.active = TRUE), '')
				FROM reconcile_item i WHERE i.kind = 'payment' AND i.key = $1`, k).Scan(&code, &debtType, &other)
			switch {
			case errors.Is(err, sql.ErrNoRows):
				return nil, errs.Field("chiave", "Pagamento %s non trovato", k)
			case err != nil:
				return nil, err
			case other != "":
				return nil, errs.Field("chiave", "Il pagamento %s è già nell'accertamento «%s»", k, other)
			case debtType != a.DebtType:
				return nil, errs.Field("chiave", "Il pagamento %s è di tipo %q, l'accertamento accoglie solo %q", k, debtType, a.DebtType)
			case !isCollected(code):
				return nil, errs.Field("chiave", "Il pagamento %s non risulta riversato in tesoreria (%s): si assegnano solo pagamenti riconciliati", k, code)
			}
			var amount int64
			err = tx.QueryRowContext(ctx, insertAssignment+" WHERE i.kind = 'payment' AND i.key = $4 "+onAssignConflict, id, who, store.Now(), k).Scan(&amount)
			if errors.Is(err, sql.ErrNoRows) {
				return nil, errs.Field("chiave", "Il pagamento %s è appena stato assegnato a un altro accertamento", k)
			} else if err != nil {
				return nil, err
			}
			total += amount
		}
		return map[string]any{"keys": keys, "count": len(keys), "amount_cents": total}, nil
	})
}

// AssignPeriod adds every assignable payment of the accertamento's debt type
// whose day falls in [from, to].
func (m *Module) AssignPeriod(ctx context.Context, id string, from, to time.Time) (Accertamento, error) {
	if from.IsZero() || to.IsZero() || to.Before(from) {
		return Accertamento{}, errs.Field("dal", "Indica un periodo valido (dal … al …)")
	}
	who := actor(ctx)
	return m.change(ctx, id, []string{StateInserito}, "reconcile.accertamento_assign", EventAccertamentoAssigned, func(tx *store.Tx, a *Accertamento) (any, error) {
		where, args := assignableWhere(4)
		args = append([]any{id, who, store.Now(), a.DebtType}, args...)
		args = append(args, from, to)
		rows, err := store.Column[int64](ctx, tx, insertAssignment+" WHERE "+where+
			" AND i.day >= $"+strconv.Itoa(len(args)-1)+" AND i.day <= $"+strconv.Itoa(len(args))+" "+onAssignConflict, args...)
		if err != nil {
			return nil, err
		}
		if len(rows) == 0 {
			return nil, errs.Field("dal", "Nessun pagamento riconciliato di tipo %s ancora da assegnare tra il %s e il %s", a.DebtType, from.Format("02/01/2006"), to.Format("02/01/2006"))
		}
		var total int64
		for _, c := range rows {
			total += c
		}
		return map[string]any{"from": from.Format(time.DateOnly), "to": to.Format(time.DateOnly), "count": len(rows), "amount_cents": total}, nil
	})
}

// UnassignPayment removes one payment from an accertamento still open.
func (m *Module) UnassignPayment(ctx context.Context, id, key string) (Accertamento, error) {
	return m.change(ctx, id, []string{StateInserito}, "reconcile.accertamento_unassign", EventAccertamentoUnassigned, func(tx *store.Tx, a *Accertamento) (any, error) {
		var amount int64
		err := tx.QueryRowContext(ctx, "DELETE FROM reconcile_accertamento_payment WHERE accertamento_id = $1 AND payment_key = $2 RETURNING amount_cents", id, key).Scan(&amount)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, errs.Field("chiave", "Il pagamento %s non è in questo accertamento", key)
		}
		return map[string]any{"key": key, "amount_cents": amount}, err
	})
}

// UpdateAccertamento corrects the data of an accertamento still open (a
// mistyped chapter should not force cancelling it and assigning again). The
// debt type changes only while no payment is assigned.
func (m *Module) UpdateAccertamento(ctx context.Context, id string, n NewAccertamento) (Accertamento, error) {
	if err := n.validate(); err != nil {
		return Accertamento{}, err
	}
	return m.change(ctx, id, []string{StateInserito}, "reconcile.accertamento_update", EventAccertamentoUpdated, func(tx *store.Tx, a *Accertamento) (any, error) {
		if n.DebtType != a.DebtType {
			if a.AssignedCount > 0 {
				return nil, errs.Field("tipo", "Il tipo di dovuto non cambia finché l'accertamento ha pagamenti assegnati")
			}
			var known int
			if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM reconcile_debt_type WHERE debt_type = $1", n.DebtType).Scan(&known); err != nil {
				return nil, err
			}
			if known == 0 {
				return nil, errs.Field("tipo", "Tipo di dovuto %q non configurato", n.DebtType)
			}
		}
		before := map[string]any{"name": a.Name, "debt_type": a.DebtType, "office": a.Office, "chapter": a.Chapter, "code": a.Code, "year": a.Year,
			"description": a.Description, "forecast_cents": a.ForecastCents}
		_, err := tx.ExecContext(ctx, `UPDATE reconcile_accertamento SET name = $1, debt_type = $2, office = $3, chapter = $4, code = $5, year = $6,
			description = $7, forecast_cents = $8 WHERE id = $9`, n.Name, n.DebtType, n.Office, n.Chapter, n.Code, n.Year, n.Description, n.ForecastCents, id)
		return map[string]any{"before": before, "after": n}, err
	})
}

// CloseAccertamento freezes an accertamento (CHIUSO): no further assignment.
// As in MyPivot, an empty one cannot be closed.
func (m *Module) CloseAccertamento(ctx context.Context, id string) (Accertamento, error) {
	return m.change(ctx, id, []string{StateInserito}, "reconcile.accertamento_close", EventAccertamentoClosed, func(tx *store.Tx, a *Accertamento) (any, error) {
		if a.AssignedCount == 0 {
			return nil, errs.E(errs.EINVALID, "L'accertamento non ha pagamenti assegnati e quindi non può essere chiuso")
		}
		now := store.Now()
		a.State, a.ClosedAt = StateChiuso, &now
		return map[string]any{"forecast_cents": a.ForecastCents, "assigned_cents": a.AssignedCents}, nil
	})
}

// CancelAccertamento annuls an open accertamento: its payments are released.
func (m *Module) CancelAccertamento(ctx context.Context, id, reason string) (Accertamento, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" || len(reason) > 1000 {
		return Accertamento{}, errs.Field("motivo", "Il motivo dell'annullamento è obbligatorio (massimo 1000 caratteri)")
	}
	return m.change(ctx, id, []string{StateInserito}, "reconcile.accertamento_cancel", EventAccertamentoCancelled, func(tx *store.Tx, a *Accertamento) (any, error) {
		res, err := tx.ExecContext(ctx, "UPDATE reconcile_accertamento_payment SET active = FALSE WHERE accertamento_id = $1 AND active = TRUE", id)
		if err != nil {
			return nil, err
		}
		n, _ := res.RowsAffected()
		a.State, a.Reason = StateAnnullato, reason
		return map[string]any{"reason": reason, "released": n}, nil
	})
}

// ReopenAccertamento brings a closed accertamento back to INSERITO; the
// caller must hold PermReopen (checked by the route and the API scope).
func (m *Module) ReopenAccertamento(ctx context.Context, id, reason string) (Accertamento, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" || len(reason) > 1000 {
		return Accertamento{}, errs.Field("motivo", "Il motivo della riapertura è obbligatorio (massimo 1000 caratteri)")
	}
	if !auth.FromContext(ctx).Can(PermReopen) {
		return Accertamento{}, errs.E(errs.EFORBIDDEN, "Riaprire un accertamento chiuso richiede il permesso «%s»", PermReopen)
	}
	return m.change(ctx, id, []string{StateChiuso}, "reconcile.accertamento_reopen", EventAccertamentoReopened, func(tx *store.Tx, a *Accertamento) (any, error) {
		closed := a.ClosedAt
		a.State, a.Reason, a.ClosedAt = StateInserito, reason, nil
		return map[string]any{"reason": reason, "closed_at": closed}, nil
	})
}

func isCollected(code string) bool { return slices.Contains(collectedCodes, match.Code(code)) }

func uniqueNonEmpty(s []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, v := range s {
		v = strings.TrimSpace(v)
		if v != "" && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// accertamentoFilter is the list's search.
type accertamentoFilter struct {
	State, DebtType, Search string
	Year                    int
}

func (f accertamentoFilter) where() (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		conds = append(conds, strings.ReplaceAll(cond, "?", "$"+strconv.Itoa(len(args))))
	}
	if f.State != "" {
		add("state = ?", f.State)
	}
	if f.DebtType != "" {
		add("debt_type = ?", f.DebtType)
	}
	if f.Year != 0 {
		add("year = ?", f.Year)
	}
	if f.Search != "" {
		args = append(args, "%"+strings.ToLower(f.Search)+"%", f.Search)
		a, b := strconv.Itoa(len(args)-1), strconv.Itoa(len(args))
		conds = append(conds, "(LOWER(name) LIKE $"+a+" OR chapter = $"+b+" OR code = $"+b+")")
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// Query rebuilds the filter for links.
func (f accertamentoFilter) Query() string {
	v := make([]string, 0, 4)
	add := func(k, val string) {
		if val != "" {
			v = append(v, k+"="+urlQuery(val))
		}
	}
	add("stato", f.State)
	add("tipo", f.DebtType)
	add("cerca", f.Search)
	if f.Year != 0 {
		add("anno", strconv.Itoa(f.Year))
	}
	return strings.Join(v, "&")
}

func (m *Module) countAccertamenti(ctx context.Context, f accertamentoFilter) (int, error) {
	where, args := f.where()
	var n int
	err := m.deps.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM reconcile_accertamento"+where, args...).Scan(&n)
	return n, err
}

func (m *Module) eachAccertamento(ctx context.Context, f accertamentoFilter, limit, offset int, fn func(Accertamento) error) error {
	where, args := f.where()
	rows, err := m.deps.DB.QueryContext(ctx, "SELECT "+accertamentoColumns+" FROM reconcile_accertamento"+where+
		fmt.Sprintf(" ORDER BY created_at DESC, id LIMIT %d OFFSET %d", limit, offset), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		a, err := scanAccertamento(rows)
		if err != nil {
			return err
		}
		if err := fn(a); err != nil {
			return err
		}
	}
	return rows.Err()
}

func (m *Module) accertamenti(ctx context.Context, f accertamentoFilter, limit, offset int) ([]Accertamento, error) {
	out := []Accertamento{}
	err := m.eachAccertamento(ctx, f, limit, offset, func(a Accertamento) error { out = append(out, a); return nil })
	return out, err
}

// AssignedPayment is one payment in an accertamento.
type AssignedPayment struct {
	Key         string    `json:"key"`
	IUV         string    `json:"iuv"`
	Day         time.Time `json:"day"`
	AmountCents int64     `json:"amount_cents"`
	Active      bool      `json:"active"`
	AssignedBy  string    `json:"assigned_by"`
	AssignedAt  time.Time `json:"assigned_at"`
	Code        string    `json:"code" doc:"Classificazione attuale del pagamento"`
}

// eachAssigned streams an accertamento's payments (released ones too, for an
// ANNULLATO one), by day.
func (m *Module) eachAssigned(ctx context.Context, id string, limit, offset int, fn func(AssignedPayment) error) error {
	rows, err := m.deps.DB.QueryContext(ctx, `SELECT p.payment_key, p.iuv, p.day, p.amount_cents, p.active, p.assigned_by, p.assigned_at, COALESCE(i.code, '')
		FROM reconcile_accertamento_payment p LEFT JOIN reconcile_item i ON i.kind = 'payment' AND i.key = p.payment_key
		WHERE p.accertamento_id = $1 ORDER BY p.day, p.payment_key`+fmt.Sprintf(" LIMIT %d OFFSET %d", limit, offset), id)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var p AssignedPayment
		if err := rows.Scan(&p.Key, &p.IUV, &p.Day, &p.AmountCents, &p.Active, &p.AssignedBy, &p.AssignedAt, &p.Code); err != nil {
			return err
		}
		if err := fn(p); err != nil {
			return err
		}
	}
	return rows.Err()
}

func (m *Module) countAssigned(ctx context.Context, id string) (int, error) {
	var n int
	err := m.deps.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM reconcile_accertamento_payment WHERE accertamento_id = $1", id).Scan(&n)
	return n, err
}

// assignable lists payments the accertamento may take, in a period, by day.
func (m *Module) assignable(ctx context.Context, a Accertamento, from, to time.Time, search string, limit, offset int) ([]itemRow, int, error) {
	where, args := assignableWhere(1)
	args = append([]any{a.DebtType}, args...)
	if !from.IsZero() {
		args = append(args, from)
		where += " AND i.day >= $" + strconv.Itoa(len(args))
	}
	if !to.IsZero() {
		args = append(args, to)
		where += " AND i.day <= $" + strconv.Itoa(len(args))
	}
	if search != "" {
		args = append(args, search)
		where += " AND i.iuv = $" + strconv.Itoa(len(args))
	}
	var total int
	if err := m.deps.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM reconcile_item i WHERE "+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := m.deps.DB.QueryContext(ctx, "SELECT i."+strings.ReplaceAll(itemColumns, ", ", ", i.")+" FROM reconcile_item i WHERE "+where+
		fmt.Sprintf(" ORDER BY i.day, i.key LIMIT %d OFFSET %d", limit, offset), args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []itemRow
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, it)
	}
	return out, total, rows.Err()
}

// accertamentoOf tells which live accertamento holds a payment, if any.
func (m *Module) accertamentoOf(ctx context.Context, key string) (*Accertamento, error) {
	a, err := scanAccertamento(m.deps.DB.QueryRowContext(ctx, "SELECT "+strings.ReplaceAll("a."+accertamentoColumns, ", ", ", a.")+
		` FROM reconcile_accertamento a JOIN reconcile_accertamento_payment p ON p.accertamento_id = a.id WHERE p.payment_key = $1 AND p.active = TRUE`, key))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &a, nil
}
