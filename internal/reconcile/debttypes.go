package reconcile

import (
	"context"
	"net/http"
	"strings"

	"github.com/arengo-pa/arengo/internal/audit"
	"github.com/arengo-pa/arengo/internal/errs"
	"github.com/arengo-pa/arengo/internal/events"
	"github.com/arengo-pa/arengo/internal/reconcile/ledger"
	"github.com/arengo-pa/arengo/internal/store"
)

// DebtType maps a dovuto type to the budget.
type DebtType struct {
	DebtType     string `json:"debt_type"`
	Description  string `json:"description"`
	Chapter      string `json:"chapter"`
	Accertamento string `json:"accertamento"`
	Notified     bool   `json:"notified"`
}

func (m *Module) debtTypeList(ctx context.Context) ([]DebtType, error) {
	rows, err := m.deps.DB.QueryContext(ctx, "SELECT debt_type, description, chapter, accertamento, notified FROM reconcile_debt_type ORDER BY debt_type")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []DebtType
	for rows.Next() {
		var t DebtType
		if err := rows.Scan(&t.DebtType, &t.Description, &t.Chapter, &t.Accertamento, &t.Notified); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// SaveDebtType inserts or replaces a mapping. Changing whether a type is
// notified changes classifications, so every receipt of that type is queued.
func (m *Module) SaveDebtType(ctx context.Context, t DebtType) error {
	t.DebtType = strings.TrimSpace(t.DebtType)
	switch {
	case t.DebtType == "" || len(t.DebtType) > 64:
		return errs.Field("tipo", "Il codice del tipo di dovuto è obbligatorio (massimo 64 caratteri)")
	case strings.TrimSpace(t.Chapter) == "":
		return errs.Field("capitolo", "Il capitolo di bilancio è obbligatorio")
	}
	return m.deps.DB.Transact(ctx, func(tx *store.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO reconcile_debt_type (debt_type, description, chapter, accertamento, notified, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (debt_type) DO UPDATE SET description = excluded.description, chapter = excluded.chapter,
			accertamento = excluded.accertamento, notified = excluded.notified, updated_at = excluded.updated_at`,
			t.DebtType, strings.TrimSpace(t.Description), strings.TrimSpace(t.Chapter), strings.TrimSpace(t.Accertamento), t.Notified, store.Now()); err != nil {
			return err
		}
		if err := m.ledger.MarkDebtType(ctx, tx, t.DebtType); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, audit.Entry{Action: "reconcile.debt_type_save", ObjectType: "reconcile_debt_type", ObjectID: t.DebtType, After: t}); err != nil {
			return err
		}
		return events.Append(ctx, tx, events.Event{Type: ledger.EventDebtTypeSaved, AggregateType: "reconcile_debt_type", AggregateID: t.DebtType, Data: t})
	})
}

func (m *Module) debtTypes(w http.ResponseWriter, r *http.Request) {
	list, err := m.debtTypeList(r.Context())
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	m.deps.Web.Render(w, r, m.pages.debtTypes, map[string]any{"Types": list})
}

func (m *Module) debtTypesCSV(w http.ResponseWriter, r *http.Request) {
	list, err := m.debtTypeList(r.Context())
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	cw := csvResponse(w, "tipi_dovuto.csv")
	cw.Write([]string{"tipo_dovuto", "descrizione", "capitolo", "accertamento", "notificato"})
	for _, t := range list {
		n := "no"
		if t.Notified {
			n = "si"
		}
		cw.Write([]string{t.DebtType, t.Description, t.Chapter, t.Accertamento, n})
	}
	cw.Flush()
}

func (m *Module) debtTypeSave(w http.ResponseWriter, r *http.Request) {
	t := DebtType{DebtType: r.FormValue("tipo"), Description: r.FormValue("descrizione"), Chapter: r.FormValue("capitolo"),
		Accertamento: r.FormValue("accertamento"), Notified: r.FormValue("notificato") == "1"}
	if err := m.SaveDebtType(r.Context(), t); err != nil {
		if errs.CodeOf(err) == errs.EINVALID {
			http.Redirect(w, r, "/admin/riconciliazione/tipi-dovuto?esito="+urlQuery(errs.MessageOf(err)), http.StatusSeeOther)
			return
		}
		m.deps.Web.Error(w, r, err)
		return
	}
	if err := m.scheduleClassify(r.Context()); err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/riconciliazione/tipi-dovuto?esito=salvato", http.StatusSeeOther)
}
