package notify

import (
	"context"
	"encoding/csv"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/arengo-pa/arengo/internal/auth"
	"github.com/arengo-pa/arengo/internal/errs"
	"github.com/arengo-pa/arengo/internal/events"
	"github.com/arengo-pa/arengo/internal/notify/markdown"
	"github.com/arengo-pa/arengo/internal/store"
	"github.com/arengo-pa/arengo/internal/web"
)

// inbox lists a citizen's messages, newest first.
func (m *Module) inbox(ctx context.Context, cf, text string, unreadOnly bool, limit, offset int) ([]Message, int, error) {
	where := ` WHERE fiscal_code = $1 AND fiscal_code <> ''` // e-mail-only messages belong to no Area personale
	args := []any{cf}
	if text != "" {
		args = append(args, "%"+strings.ToLower(text)+"%")
		where += ` AND LOWER(subject) LIKE $2`
	}
	if unreadOnly {
		where += ` AND read_at IS NULL`
	}
	var total int
	if err := m.deps.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM notify_messages`+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	args = append(args, limit, offset)
	rows, err := m.deps.DB.QueryContext(ctx, `SELECT `+messageColumns+` FROM notify_messages`+where+
		` ORDER BY created_at DESC, id DESC LIMIT $`+itoa(len(args)-1)+` OFFSET $`+itoa(len(args)), args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []Message
	for rows.Next() {
		msg, err := scanMessage(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, msg)
	}
	return out, total, rows.Err()
}

func itoa(n int) string { return strconv.Itoa(n) }

func (m *Module) inboxList(p *pages) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		cf := auth.FromContext(r.Context()).FiscalCode
		q := strings.TrimSpace(r.URL.Query().Get("q"))
		unread := r.URL.Query().Get("stato") == "non-letti"
		pager := web.NewPager(r, 20)
		items, total, err := m.inbox(r.Context(), cf, q, unread, pager.PageSize, pager.Offset())
		if err != nil {
			m.deps.Web.Error(w, r, err)
			return
		}
		pager.Total = total
		m.deps.Web.Render(w, r, p.inbox, map[string]any{"Items": items, "Q": q, "UnreadOnly": unread, "Pager": pager})
	}
}

func (m *Module) inboxCSV(w http.ResponseWriter, r *http.Request) {
	cf := auth.FromContext(r.Context()).FiscalCode
	items, _, err := m.inbox(r.Context(), cf, "", false, 10000, 0)
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="messaggi.csv"`)
	cw := csv.NewWriter(w)
	cw.Write([]string{"data", "oggetto", "testo", "scadenza", "letto"})
	for _, it := range items {
		due, read := "", ""
		if it.DueDate != nil {
			due = it.DueDate.Format("2006-01-02")
		}
		if it.ReadAt != nil {
			read = it.ReadAt.Format(time.RFC3339)
		}
		cw.Write([]string{it.CreatedAt.Format(time.RFC3339), it.Subject, it.Body, due, read})
	}
	cw.Flush()
}

// ownMessage loads a message only if it belongs to the logged-in citizen.
func (m *Module) ownMessage(r *http.Request) (Message, error) {
	msg, err := getMessage(r.Context(), m.deps.DB, r.PathValue("id"))
	if isNoRows(err) || (err == nil && (msg.FiscalCode == "" || msg.FiscalCode != auth.FromContext(r.Context()).FiscalCode)) {
		return msg, notFound("messaggio inesistente")
	}
	return msg, err
}

func (m *Module) inboxMessage(p *pages) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		msg, err := m.ownMessage(r)
		if err != nil {
			m.deps.Web.Error(w, r, err)
			return
		}
		m.deps.Web.Render(w, r, p.inboxMessage, map[string]any{"M": msg, "HTML": template.HTML(markdown.HTML(msg.Body))})
	}
}

func (m *Module) inboxMarkRead(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	msg, err := m.ownMessage(r)
	if err == nil {
		err = m.deps.DB.Transact(ctx, func(tx *store.Tx) error {
			var at any
			typ := "notify.message_unread"
			if r.FormValue("read") == "1" {
				at, typ = store.Now(), "notify.message_read"
			}
			if _, err := tx.ExecContext(ctx, `UPDATE notify_messages SET read_at = $1 WHERE id = $2`, at, msg.ID); err != nil {
				return err
			}
			return events.Append(ctx, tx, events.Event{Type: typ, AggregateType: "message", AggregateID: msg.ID})
		})
	}
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	http.Redirect(w, r, "/area-personale/notifiche/"+msg.ID, http.StatusSeeOther)
}

// citizenPreferences are the saved preferences, or the defaults with the
// address the citizen logged in with.
func (m *Module) citizenPreferences(ctx context.Context, q querier, cf string) (Preferences, error) {
	var saved bool
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) > 0 FROM notify_preferences WHERE fiscal_code = $1`, cf).Scan(&saved)
	if err != nil {
		return Preferences{}, err
	}
	p, err := loadPreferences(ctx, q, cf)
	if err != nil || saved {
		return p, err
	}
	if c, err := m.deps.Auth.CitizenByFiscalCode(ctx, cf); err == nil {
		p.EmailAddress = c.Email
	}
	return p, nil
}

func (m *Module) preferencesForm(p *pages) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		cf := auth.FromContext(r.Context()).FiscalCode
		prefs, err := m.citizenPreferences(r.Context(), m.deps.DB, cf)
		if err != nil {
			m.deps.Web.Error(w, r, err)
			return
		}
		m.deps.Web.Render(w, r, p.preferences, map[string]any{"P": prefs, "Saved": r.URL.Query().Get("esito") == "salvate"})
	}
}

func (m *Module) preferencesSave(p *pages) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		cf := auth.FromContext(ctx).FiscalCode
		prefs := Preferences{FiscalCode: cf, IO: r.FormValue("io") == "1", Email: r.FormValue("email") == "1",
			EmailAddress: strings.TrimSpace(r.FormValue("email_address")), Lang: r.FormValue("lang")}
		err := prefs.validate()
		if err == nil {
			err = m.deps.DB.Transact(ctx, func(tx *store.Tx) error {
				if err := savePreferences(ctx, tx, prefs); err != nil {
					return err
				}
				return events.Append(ctx, tx, events.Event{Type: "notify.preferences_saved", AggregateType: "citizen", AggregateID: cf,
					Data: map[string]any{"io": prefs.IO, "email": prefs.Email, "lang": prefs.Lang}})
			})
		}
		if errs.CodeOf(err) == errs.EINVALID {
			m.deps.Web.RenderStatus(w, r, http.StatusUnprocessableEntity, p.preferences, map[string]any{"P": prefs, "Error": errs.MessageOf(err)})
			return
		}
		if err != nil {
			m.deps.Web.Error(w, r, err)
			return
		}
		http.Redirect(w, r, "/area-personale/notifiche/preferenze?esito=salvate", http.StatusSeeOther)
	}
}

func (m *Module) panel(p *pages) func(r *http.Request, pr *auth.Principal) (template.HTML, error) {
	return func(r *http.Request, pr *auth.Principal) (template.HTML, error) {
		items, _, err := m.inbox(r.Context(), pr.FiscalCode, "", false, 5, 0)
		if err != nil {
			return "", err
		}
		var unread int
		if err := m.deps.DB.QueryRowContext(r.Context(), `SELECT COUNT(*) FROM notify_messages WHERE fiscal_code = $1 AND fiscal_code <> '' AND read_at IS NULL`, pr.FiscalCode).Scan(&unread); err != nil {
			return "", err
		}
		return m.deps.Web.Fragment(p.panel, "panel", r, map[string]any{"Items": items, "Unread": unread})
	}
}
