package reconcile

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/arengo-pa/arengo/internal/money"
	"github.com/arengo-pa/arengo/internal/reconcile/match"
)

// itemFilter is the drill-down filter shared by the lists, the exports and the API.
type itemFilter struct {
	Kind, Code, Severity, Search string
	From, To                     time.Time
	Anomalies                    bool // severity WARNING or ERROR
	Hidden                       string
	// Amount is the exact amount in cents (0 = any); AmountText is what the
	// operator typed, kept for the form and the links.
	Amount     int64
	AmountText string
	// PSP matches the PSP's identifier or part of its name, on the receipt or
	// the reporting flow of a payment, and on a flow.
	PSP string
	// Accertamento keeps the payments it holds (cancelled ones hold none).
	Accertamento string
}

func filterFrom(q url.Values) itemFilter {
	f := itemFilter{Kind: q.Get("tipo"), Code: q.Get("codice"), Severity: q.Get("gravita"), Search: strings.TrimSpace(q.Get("cerca")),
		Anomalies: q.Get("anomalie") == "1", Hidden: q.Get("nascosti")}
	f.From, _ = time.Parse(time.DateOnly, q.Get("dal"))
	f.To, _ = time.Parse(time.DateOnly, q.Get("al"))
	f.setAmount(q.Get("importo"))
	f.PSP = strings.TrimSpace(q.Get("psp"))
	f.Accertamento = q.Get("accertamento")
	return f
}

// setAmount reads an amount typed as "12,50", "12.50" or "1.234,50"; one
// that does not parse filters nothing and stays in the form to be corrected.
func (f *itemFilter) setAmount(s string) bool {
	f.AmountText = strings.TrimSpace(s)
	f.Amount = 0
	if f.AmountText == "" {
		return true
	}
	t := f.AmountText
	if strings.Contains(t, ",") {
		t = strings.ReplaceAll(t, ".", "")
		t = strings.ReplaceAll(t, ",", ".")
	}
	c, err := money.ParseCents(t, false)
	if err != nil || c <= 0 {
		return false
	}
	f.Amount = c
	return true
}

// Query rebuilds the filter's URL query (for pagination and export links).
func (f itemFilter) Query() string {
	v := url.Values{}
	set := func(k, val string) {
		if val != "" {
			v.Set(k, val)
		}
	}
	set("tipo", f.Kind)
	set("codice", f.Code)
	set("gravita", f.Severity)
	set("cerca", f.Search)
	set("nascosti", f.Hidden)
	set("importo", f.AmountText)
	set("psp", f.PSP)
	set("accertamento", f.Accertamento)
	if f.Anomalies {
		v.Set("anomalie", "1")
	}
	if !f.From.IsZero() {
		v.Set("dal", f.From.Format(time.DateOnly))
	}
	if !f.To.IsZero() {
		v.Set("al", f.To.Format(time.DateOnly))
	}
	return v.Encode()
}

func (f itemFilter) where() (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		conds = append(conds, strings.ReplaceAll(cond, "?", fmt.Sprintf("$%d", len(args))))
	}
	if f.Kind != "" {
		add("kind = ?", f.Kind)
	}
	if f.Code != "" {
		add("code = ?", f.Code)
	}
	if f.Severity != "" {
		add("severity = ?", f.Severity)
	}
	if f.Anomalies {
		add("severity <> ?", string(match.Info))
	}
	if !f.From.IsZero() {
		add("day >= ?", f.From)
	}
	if !f.To.IsZero() {
		add("day <= ?", f.To)
	}
	switch f.Hidden {
	case "si":
		add("hidden = ?", true)
	case "no":
		add("hidden = ?", false)
	}
	if f.Search != "" {
		args = append(args, f.Search)
		n := len(args)
		conds = append(conds, fmt.Sprintf("(iuv = $%[1]d OR iuf = $%[1]d OR key = $%[1]d) AND kind IN ("+itemKinds+") AND key IN ("+searchCandidates+")", n))
	}
	if f.Amount > 0 {
		add("amount_cents = ?", f.Amount)
	}
	if f.PSP != "" {
		args = append(args, f.PSP, "%"+strings.ToLower(f.PSP)+"%")
		a, b := len(args)-1, len(args)
		conds = append(conds, fmt.Sprintf(`((kind = 'payment' AND iuv IN (SELECT iuv FROM reconcile_receipt WHERE psp_id = $%[1]d OR LOWER(psp_name) LIKE $%[2]d
			UNION SELECT r.iuv FROM reconcile_flow_row r JOIN reconcile_flow fl ON fl.id = r.flow_id WHERE fl.psp_id = $%[1]d OR LOWER(fl.psp_name) LIKE $%[2]d))
			OR (kind = 'flow' AND key IN (SELECT iuf FROM reconcile_flow WHERE psp_id = $%[1]d OR LOWER(psp_name) LIKE $%[2]d)))`, a, b))
	}
	if f.Accertamento != "" {
		add("kind = 'payment' AND key IN (SELECT payment_key FROM reconcile_accertamento_payment WHERE accertamento_id = ? AND active = TRUE)", f.Accertamento)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

const itemKinds = "'" + match.KindFlow + "', '" + match.KindMovement + "', '" + match.KindPayment + "'"

// searchCandidates are the keys of the items a search by IUV, IUF or key can
// match, found through indexes: the items table has none on iuv or iuf (each
// would cost every classification), so the condition alone scans it. A
// payment's key is its IUV and "/", so its items lie in [IUV+"/", IUV+"0");
// a flow's payments are keyed by its rows' IUV and transfer index; movements
// are found through their own IUV and IUF indexes. With the kinds listed, both
// engines look each candidate up in the primary key. "%[1]d" is the parameter.
const searchCandidates = `SELECT i.key FROM reconcile_item i WHERE i.kind = 'payment' AND i.key >= $%[1]d || '/' AND i.key < $%[1]d || '0'
	UNION ALL SELECT r.iuv || '/' || CAST(r.transfer_index AS TEXT) FROM reconcile_flow f JOIN reconcile_flow_row r ON r.flow_id = f.id WHERE f.iuf = $%[1]d
	UNION ALL SELECT m.id FROM reconcile_movement m WHERE m.iuv = $%[1]d
	UNION ALL SELECT m.id FROM reconcile_movement m WHERE m.iuf = $%[1]d
	UNION ALL SELECT $%[1]d`

// itemRow is one classified item as lists and exports show it.
type itemRow struct {
	Kind        string    `json:"kind"`
	Key         string    `json:"key"`
	Code        string    `json:"code"`
	Label       string    `json:"label"`
	Severity    string    `json:"severity"`
	AmountCents int64     `json:"amount_cents"`
	Day         time.Time `json:"day"`
	IUV         string    `json:"iuv"`
	IUF         string    `json:"iuf"`
	DebtType    string    `json:"debt_type"`
	Why         itemWhy   `json:"why"`
	Hidden      bool      `json:"hidden"`
	Note        string    `json:"note"`
	NotedBy     string    `json:"noted_by"`
}

// itemWhy is an item's evidence with its explanation written out, as the
// pages, the exports and the API show it. The reconciliation pages are in
// Italian (only their titles are translated), so the sentence is too.
type itemWhy struct {
	match.Why
	Text string `json:"text"`
}

const itemColumns = "kind, key, code, severity, amount_cents, day, iuv, iuf, debt_type, why, hidden, note, noted_by"

func scanItem(sc interface{ Scan(...any) error }) (itemRow, error) {
	var r itemRow
	var why string
	if err := sc.Scan(&r.Kind, &r.Key, &r.Code, &r.Severity, &r.AmountCents, &r.Day, &r.IUV, &r.IUF, &r.DebtType, &why, &r.Hidden, &r.Note, &r.NotedBy); err != nil {
		return r, err
	}
	r.Label = match.Code(r.Code).Label()
	if err := json.Unmarshal([]byte(why), &r.Why); err != nil {
		return r, err
	}
	// An item stored before message codes has its sentence in "text", which
	// Unmarshal left in Text; the rendered sentence replaces it otherwise.
	if r.Why.Msg != "" {
		r.Why.Text = match.Item{Kind: r.Kind, Key: r.Key, IUV: r.IUV, IUF: r.IUF, Why: r.Why.Why}.Text("it")
	}
	return r, nil
}

func (m *Module) countItems(ctx context.Context, f itemFilter) (int, error) {
	where, args := f.where()
	var n int
	err := m.deps.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM reconcile_item"+where, args...).Scan(&n)
	return n, err
}

// eachItem streams the filtered items, most recent first, to fn.
func (m *Module) eachItem(ctx context.Context, f itemFilter, limit, offset int, fn func(itemRow) error) error {
	where, args := f.where()
	q := "SELECT " + itemColumns + " FROM reconcile_item" + where + " ORDER BY day DESC, kind, key"
	if limit > 0 {
		q += fmt.Sprintf(" LIMIT %d OFFSET %d", limit, offset)
	}
	rows, err := m.deps.DB.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanItem(rows)
		if err != nil {
			return err
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return rows.Err()
}

func (m *Module) items(ctx context.Context, f itemFilter, limit, offset int) ([]itemRow, error) {
	var out []itemRow
	err := m.eachItem(ctx, f, limit, offset, func(r itemRow) error { out = append(out, r); return nil })
	return out, err
}

// codeTotal is one line of the dashboard.
type codeTotal struct {
	Code, Label, Severity string
	Count                 int64
	AmountCents           int64
}

// dayCode is one (day, severity) cell of the chart.
type dayCode struct {
	Day      time.Time
	Severity string
	Count    int64
	Amount   int64
}

func (m *Module) totals(ctx context.Context, f itemFilter) ([]codeTotal, []dayCode, error) {
	where, args := f.where()
	rows, err := m.deps.DB.QueryContext(ctx, "SELECT code, severity, COUNT(*), SUM(amount_cents) FROM reconcile_item"+where+" GROUP BY code, severity", args...)
	if err != nil {
		return nil, nil, err
	}
	byCode := map[string]codeTotal{}
	for rows.Next() {
		var t codeTotal
		if err := rows.Scan(&t.Code, &t.Severity, &t.Count, &t.AmountCents); err != nil {
			rows.Close()
			return nil, nil, err
		}
		byCode[t.Code] = t
	}
	rows.Close()
	var codes []codeTotal
	for _, c := range match.AllCodes {
		t := byCode[string(c)]
		t.Code, t.Label, t.Severity = string(c), c.Label(), string(c.Severity())
		codes = append(codes, t)
	}
	rows, err = m.deps.DB.QueryContext(ctx, "SELECT day, severity, COUNT(*), SUM(amount_cents) FROM reconcile_item"+where+" GROUP BY day, severity ORDER BY day", args...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var days []dayCode
	for rows.Next() {
		var d dayCode
		if err := rows.Scan(&d.Day, &d.Severity, &d.Count, &d.Amount); err != nil {
			return nil, nil, err
		}
		days = append(days, d)
	}
	return codes, days, rows.Err()
}
