package notify

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Filter selects messages in the admin and the API.
type Filter struct {
	FiscalCode string // or an e-mail address, for recipients without a fiscal code
	Template   string
	Channel    string
	Status     string // delivery status on Channel (or on any channel)
	CampaignID string
	Text       string // in the subject
	From, To   time.Time
	Page       int // 1-based
	PageSize   int
}

// Row is a message with its deliveries, as listed.
type Row struct {
	Message
	Deliveries []Delivery
}

// where is the filter in SQL; ref gives the pseudonym of an address.
func (f Filter) where(ref func(string) string) (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		conds = append(conds, strings.ReplaceAll(cond, "?", fmt.Sprintf("$%d", len(args))))
	}
	switch {
	case strings.Contains(f.FiscalCode, "@"): // an e-mail recipient, found by pseudonym
		add("m.email_ref = ?", ref(f.FiscalCode))
	case f.FiscalCode != "":
		add("m.fiscal_code = ?", strings.ToUpper(strings.TrimSpace(f.FiscalCode)))
	}
	if f.Template != "" {
		add("m.template = ?", f.Template)
	}
	if f.CampaignID != "" {
		add("m.campaign_id = ?", f.CampaignID)
	}
	if f.Text != "" {
		add("LOWER(m.subject) LIKE ?", "%"+strings.ToLower(f.Text)+"%")
	}
	if !f.From.IsZero() {
		add("m.created_at >= ?", f.From.UTC())
	}
	if !f.To.IsZero() {
		add("m.created_at < ?", f.To.UTC())
	}
	if f.Channel != "" || f.Status != "" {
		sub := "EXISTS (SELECT 1 FROM notify_deliveries d WHERE d.message_id = m.id"
		if f.Channel != "" {
			args = append(args, f.Channel)
			sub += fmt.Sprintf(" AND d.channel = $%d", len(args))
		}
		if f.Status != "" {
			args = append(args, f.Status)
			sub += fmt.Sprintf(" AND d.status = $%d", len(args))
		}
		conds = append(conds, sub+")")
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// Search returns one page of messages, newest first, and the total count.
func (m *Module) Search(ctx context.Context, f Filter) ([]Row, int, error) {
	if f.PageSize <= 0 || f.PageSize > 1000 {
		f.PageSize = 50
	}
	if f.Page < 1 {
		f.Page = 1
	}
	where, args := f.where(m.emailRef)
	var total int
	if err := m.deps.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM notify_messages m`+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	args = append(args, f.PageSize, (f.Page-1)*f.PageSize)
	q := fmt.Sprintf(`SELECT %s FROM notify_messages m%s ORDER BY m.created_at DESC, m.id DESC LIMIT $%d OFFSET $%d`,
		messageCols("m."), where, len(args)-1, len(args))
	rows, err := m.deps.DB.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, 0, err
	}
	var out []Row
	for rows.Next() {
		msg, err := scanMessage(rows)
		if err != nil {
			rows.Close()
			return nil, 0, err
		}
		out = append(out, Row{Message: msg})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	for i := range out {
		if out[i].Deliveries, err = deliveriesOf(ctx, m.deps.DB, out[i].ID); err != nil {
			return nil, 0, err
		}
	}
	return out, total, nil
}
