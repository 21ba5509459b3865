package reconcile

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/arengo-pa/arengo/internal/money"

	"github.com/arengo-pa/arengo/internal/reconcile/match"
)

// collectedCodes are payments whose money reached the treasury; the other
// receipt-backed codes are paid but still waiting.
var collectedCodes = []match.Code{match.IUDRTIUFTES, match.RTIUFTES, match.RTTES}
var waitingCodes = []match.Code{match.IUDRTIUF, match.RTIUF, match.RTNoIUF, match.RTNoIUD}

// chapterTotal is one line of the accounting report.
type chapterTotal struct {
	Day                          time.Time
	Chapter, Accertamento        string
	DebtType                     string
	Collected, Waiting           int64
	CollectedCents, WaitingCents int64
}

func codeList(codes []match.Code, from int) (string, []any) {
	s := make([]string, len(codes))
	for i, c := range codes {
		s[i] = string(c)
	}
	return placeholdersFrom(from, len(s)), anys(s)
}

func (m *Module) chapterTotals(ctx context.Context, f itemFilter) ([]chapterTotal, error) {
	colIn, colArgs := codeList(collectedCodes, 1)
	waitIn, waitArgs := codeList(waitingCodes, 1+len(collectedCodes))
	allIn, _ := codeList(append(append([]match.Code{}, collectedCodes...), waitingCodes...), 1)
	args := append(colArgs, waitArgs...)
	where := "i.kind = 'payment' AND i.code IN (" + allIn + ")"
	if !f.From.IsZero() {
		args = append(args, f.From)
		where += " AND i.day >= $" + strconv.Itoa(len(args))
	}
	if !f.To.IsZero() {
		args = append(args, f.To)
		where += " AND i.day <= $" + strconv.Itoa(len(args))
	}
	rows, err := m.deps.DB.QueryContext(ctx, `SELECT i.day, COALESCE(d.chapter, ''), COALESCE(d.accertamento, ''), i.debt_type,
		SUM(CASE WHEN i.code IN (`+colIn+`) THEN 1 ELSE 0 END), SUM(CASE WHEN i.code IN (`+colIn+`) THEN i.amount_cents ELSE 0 END),
		SUM(CASE WHEN i.code IN (`+waitIn+`) THEN 1 ELSE 0 END), SUM(CASE WHEN i.code IN (`+waitIn+`) THEN i.amount_cents ELSE 0 END)
		FROM reconcile_item i LEFT JOIN reconcile_debt_type d ON d.debt_type = i.debt_type
		WHERE `+where+` GROUP BY i.day, d.chapter, d.accertamento, i.debt_type ORDER BY i.day DESC, d.chapter, i.debt_type`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []chapterTotal
	for rows.Next() {
		var t chapterTotal
		if err := rows.Scan(&t.Day, &t.Chapter, &t.Accertamento, &t.DebtType, &t.Collected, &t.CollectedCents, &t.Waiting, &t.WaitingCents); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// sospesi lists income credits the treasury still holds as provisional.
func (m *Module) sospesi(ctx context.Context, limit int) ([]movementRow, error) {
	rows, err := m.deps.DB.QueryContext(ctx, `SELECT mv.id, mv.causale, mv.payer, mv.sospeso, mv.op_date, mv.amount_cents, mv.regularized, COALESCE(i.code, '')
		FROM reconcile_movement mv LEFT JOIN reconcile_item i ON i.kind = 'movement' AND i.key = mv.id
		WHERE mv.regularized = FALSE ORDER BY mv.op_date, mv.id LIMIT `+strconv.Itoa(limit))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []movementRow
	for rows.Next() {
		var mv movementRow
		if err := rows.Scan(&mv.ID, &mv.Causale, &mv.Payer, &mv.Sospeso, &mv.Date, &mv.AmountCents, &mv.Regularized, &mv.Code); err != nil {
			return nil, err
		}
		out = append(out, mv)
	}
	return out, rows.Err()
}

func (m *Module) accounting(w http.ResponseWriter, r *http.Request) {
	f := filterFrom(r.URL.Query())
	totals, err := m.chapterTotals(r.Context(), f)
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	sospesi, err := m.sospesi(r.Context(), 200)
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	m.deps.Web.Render(w, r, m.pages.accounting, map[string]any{"Filter": f, "Totals": totals, "Sospesi": sospesi})
}

// accountingCSV is the file for the accounting system: one line per day,
// chapter, accertamento and debt type, amounts with a dot.
func (m *Module) accountingCSV(w http.ResponseWriter, r *http.Request) {
	totals, err := m.chapterTotals(r.Context(), filterFrom(r.URL.Query()))
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	cw := csvResponse(w, "contabilita.csv")
	cw.Write([]string{"giorno", "capitolo", "accertamento", "tipo_dovuto", "pagamenti_riscossi", "importo_riscosso", "pagamenti_in_attesa", "importo_in_attesa"})
	for _, t := range totals {
		cw.Write([]string{t.Day.Format(time.DateOnly), t.Chapter, t.Accertamento, t.DebtType, strconv.FormatInt(t.Collected, 10), money.FormatCents(t.CollectedCents),
			strconv.FormatInt(t.Waiting, 10), money.FormatCents(t.WaitingCents)})
	}
	cw.Flush()
}

func (m *Module) sospesiCSV(w http.ResponseWriter, r *http.Request) {
	list, err := m.sospesi(r.Context(), exportCap)
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	cw := csvResponse(w, "sospesi.csv")
	cw.Write([]string{"data", "movimento", "sospeso", "importo", "causale", "ordinante", "classificazione"})
	for _, mv := range list {
		cw.Write([]string{mv.Date.Format(time.DateOnly), mv.ID, mv.Sospeso, money.FormatCents(mv.AmountCents), mv.Causale, mv.Payer, mv.Code})
	}
	cw.Flush()
}
