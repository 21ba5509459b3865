package reports

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/arengo-pa/arengo/internal/audit"
	"github.com/arengo-pa/arengo/internal/errs"
	"github.com/arengo-pa/arengo/internal/reports/geo"
	"github.com/arengo-pa/arengo/internal/store"
)

// Areas lists the comune's areas.
func (s *Service) Areas(ctx context.Context) ([]Area, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, name, polygon FROM reports_area ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("areas: %w", err)
	}
	defer rows.Close()
	var out []Area
	for rows.Next() {
		var a Area
		var poly string
		if err := rows.Scan(&a.ID, &a.Name, &poly); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(poly), &a.Polygon); err != nil {
			return nil, fmt.Errorf("area %s polygon: %w", a.Name, err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

func (a Area) polygon() geo.Polygon {
	pg := make(geo.Polygon, len(a.Polygon))
	for i, p := range a.Polygon {
		pg[i] = geo.Point{Lat: p[0], Lon: p[1]}
	}
	return pg
}

// areaOf finds the area holding p, if any.
func areaOf(areas []Area, p geo.Point) (Area, bool) {
	for _, a := range areas {
		if a.polygon().Contains(p) {
			return a, true
		}
	}
	return Area{}, false
}

// SaveArea stores an area boundary (at least three points).
func (s *Service) SaveArea(ctx context.Context, a Area) (Area, error) {
	a.Name = strings.TrimSpace(a.Name)
	if a.Name == "" {
		return Area{}, errs.Field("name", "il nome dell'area è obbligatorio")
	}
	if len(a.Polygon) < 3 {
		return Area{}, errs.Field("polygon", "il confine dell'area richiede almeno tre punti")
	}
	poly, _ := json.Marshal(a.Polygon)
	if a.ID == "" {
		a.ID = store.NewID()
	}
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO reports_area (id, name, polygon, created_at) VALUES ($1,$2,$3,$4)
			ON CONFLICT (id) DO UPDATE SET name=$2, polygon=$3`, a.ID, a.Name, string(poly), s.now()); err != nil {
			if store.IsUniqueViolation(err) {
				return errs.Field("name", "esiste già un'area %q", a.Name)
			}
			return err
		}
		if err := s.simpleEvent(ctx, tx, "area_saved", "area", a.ID, a); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "reports.area_save", ObjectType: "area", ObjectID: a.ID, After: a})
	})
	s.cache.invalidate()
	return a, err
}

// Rules lists routing rules in evaluation order.
func (s *Service) Rules(ctx context.Context) ([]Rule, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, COALESCE(category_id,''), COALESCE(area_id,''), office, operator, ord
		FROM reports_rule ORDER BY ord, created_at`)
	if err != nil {
		return nil, fmt.Errorf("rules: %w", err)
	}
	defer rows.Close()
	var out []Rule
	for rows.Next() {
		var r Rule
		if err := rows.Scan(&r.ID, &r.CategoryID, &r.AreaID, &r.Office, &r.Operator, &r.Order); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// route picks the office and operator: the most specific matching rule
// (category and area, then category, then area, then catch-all) wins, and
// among equals the first in order.
func route(rules []Rule, categoryID, areaID string) (Rule, bool) {
	best, bestScore := Rule{}, -1
	for _, r := range rules {
		if (r.CategoryID != "" && r.CategoryID != categoryID) || (r.AreaID != "" && r.AreaID != areaID) {
			continue
		}
		score := 0
		if r.CategoryID != "" {
			score += 2
		}
		if r.AreaID != "" {
			score++
		}
		if score > bestScore {
			best, bestScore = r, score
		}
	}
	return best, bestScore >= 0
}

// SaveRule adds or edits a routing rule.
func (s *Service) SaveRule(ctx context.Context, r Rule) (Rule, error) {
	r.Office = strings.TrimSpace(r.Office)
	if r.Office == "" {
		return Rule{}, errs.Field("office", "l'ufficio di destinazione è obbligatorio")
	}
	if r.ID == "" {
		r.ID = store.NewID()
	}
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO reports_rule (id, category_id, area_id, office, operator, ord, created_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT (id) DO UPDATE SET category_id=$2, area_id=$3, office=$4, operator=$5, ord=$6`,
			r.ID, nullIfEmpty(r.CategoryID), nullIfEmpty(r.AreaID), r.Office, r.Operator, r.Order, s.now()); err != nil {
			return fmt.Errorf("save rule: %w", err)
		}
		if err := s.simpleEvent(ctx, tx, "rule_saved", "rule", r.ID, r); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "reports.rule_save", ObjectType: "rule", ObjectID: r.ID, After: r})
	})
	s.cache.invalidate()
	return r, err
}

// DeleteRule removes a routing rule.
func (s *Service) DeleteRule(ctx context.Context, id string) error {
	defer s.cache.invalidate()
	return s.db.Transact(ctx, func(tx *store.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM reports_rule WHERE id = $1`, id); err != nil {
			return err
		}
		if err := s.simpleEvent(ctx, tx, "rule_deleted", "rule", id, nil); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "reports.rule_delete", ObjectType: "rule", ObjectID: id})
	})
}

// Templates lists response templates.
func (s *Service) Templates(ctx context.Context, activeOnly bool) ([]Template, error) {
	q := `SELECT id, title, text, state, active FROM reports_template`
	if activeOnly {
		q += ` WHERE active = TRUE`
	}
	rows, err := s.db.QueryContext(ctx, q+` ORDER BY title`)
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	defer rows.Close()
	var out []Template
	for rows.Next() {
		var t Template
		if err := rows.Scan(&t.ID, &t.Title, &t.Text, &t.State, &t.Active); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// SaveTemplate adds or edits a response template.
func (s *Service) SaveTemplate(ctx context.Context, t Template) (Template, error) {
	t.Title, t.Text = strings.TrimSpace(t.Title), strings.TrimSpace(t.Text)
	if t.Title == "" {
		return Template{}, errs.Field("title", "il titolo del modello è obbligatorio")
	}
	if t.Text == "" {
		return Template{}, errs.Field("text", "il testo del modello è obbligatorio")
	}
	if t.ID == "" {
		t.ID = store.NewID()
	}
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO reports_template (id, title, text, state, active, created_at)
			VALUES ($1,$2,$3,$4,$5,$6) ON CONFLICT (id) DO UPDATE SET title=$2, text=$3, state=$4, active=$5`,
			t.ID, t.Title, t.Text, t.State, t.Active, s.now()); err != nil {
			return fmt.Errorf("save template: %w", err)
		}
		if err := s.simpleEvent(ctx, tx, "template_saved", "template", t.ID, t); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "reports.template_save", ObjectType: "template", ObjectID: t.ID, After: t})
	})
	return t, err
}

// Views lists an operator's saved queue views.
func (s *Service) Views(ctx context.Context, owner string) ([]SavedView, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, name, query FROM reports_view WHERE owner = $1 ORDER BY name`, owner)
	if err != nil {
		return nil, fmt.Errorf("views: %w", err)
	}
	defer rows.Close()
	var out []SavedView
	for rows.Next() {
		var v SavedView
		if err := rows.Scan(&v.ID, &v.Name, &v.Query); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// SaveView stores the current queue filter under a name (same name replaces).
func (s *Service) SaveView(ctx context.Context, owner, name, query string) error {
	name = strings.TrimSpace(name)
	if name == "" {
		return errs.Field("view_name", "dare un nome alla vista")
	}
	id := store.NewID()
	return s.db.Transact(ctx, func(tx *store.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO reports_view (id, owner, name, query, created_at) VALUES ($1,$2,$3,$4,$5)
			ON CONFLICT (owner, name) DO UPDATE SET query = $4`, id, owner, name, query, s.now()); err != nil {
			return fmt.Errorf("save view: %w", err)
		}
		if err := s.simpleEvent(ctx, tx, "view_saved", "view", id, map[string]string{"name": name, "query": query}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "reports.view_save", ObjectType: "view", ObjectID: name, After: query})
	})
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
