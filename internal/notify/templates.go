package notify

import (
	"context"
	"database/sql"
	"errors"
	"sort"

	"github.com/arengo-pa/arengo/internal/kernel"
	"github.com/arengo-pa/arengo/internal/notify/tmpl"
	"github.com/arengo-pa/arengo/internal/store"
)

// DefineTemplate records a module's default text. It panics on a template
// that does not parse: that is a programming error found at start.
func (m *Module) DefineTemplate(t kernel.NotificationTemplate) {
	d := tmpl.Template{Key: t.Key, Subject: tmpl.Text{IT: t.Subject.IT, EN: t.Subject.EN},
		Body: tmpl.Text{IT: t.Body.IT, EN: t.Body.EN}, Required: append([]string(nil), t.Required...)}
	if err := d.Parse(); err != nil {
		panic(err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.defaults[t.Key] = d
}

// template returns the template with the admin's edits applied, if any.
func (m *Module) template(ctx context.Context, q querier, key string) (tmpl.Template, bool, error) {
	m.mu.RLock()
	t, ok := m.defaults[key]
	m.mu.RUnlock()
	if !ok {
		return t, false, nil
	}
	var e tmpl.Template
	err := q.QueryRowContext(ctx, `SELECT subject_it, subject_en, body_it, body_en FROM notify_templates WHERE key = $1`, key).
		Scan(&e.Subject.IT, &e.Subject.EN, &e.Body.IT, &e.Body.EN)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return t, true, nil
	case err != nil:
		return t, true, err
	}
	t.Subject, t.Body = e.Subject, e.Body
	return t, true, nil
}

// templateKeys lists the defined templates, sorted.
func (m *Module) templateKeys() []string {
	m.mu.RLock()
	defer m.mu.RUnlock()
	keys := make([]string, 0, len(m.defaults))
	for k := range m.defaults {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func (m *Module) defaultTemplate(key string) (tmpl.Template, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	t, ok := m.defaults[key]
	return t, ok
}

// saveTemplate stores an admin's edit after checking it parses.
func saveTemplate(ctx context.Context, tx *store.Tx, t tmpl.Template, by string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO notify_templates (key, subject_it, subject_en, body_it, body_en, updated_by, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (key) DO UPDATE SET subject_it = $2, subject_en = $3, body_it = $4,
		body_en = $5, updated_by = $6, updated_at = $7`, t.Key, t.Subject.IT, t.Subject.EN, t.Body.IT, t.Body.EN, by, store.Now())
	return err
}
