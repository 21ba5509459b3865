package reports

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/arengo-pa/arengo/internal/audit"
	"github.com/arengo-pa/arengo/internal/errs"
	"github.com/arengo-pa/arengo/internal/reports/open311"
	"github.com/arengo-pa/arengo/internal/store"
)

const categoryCols = `id, code, name, group_name, description, hint, keywords, radius_m, deadline_days,
	anonymous_allowed, private, active, ord`

func scanCategory(row interface{ Scan(...any) error }) (Category, error) {
	var c Category
	err := row.Scan(&c.ID, &c.Code, &c.Name, &c.Group, &c.Description, &c.Hint, &c.Keywords, &c.RadiusM,
		&c.DeadlineDays, &c.AnonymousAllowed, &c.Private, &c.Active, &c.Order)
	return c, err
}

// Categories lists categories with their questions; activeOnly hides the
// retired ones (kept for old reports).
func (s *Service) Categories(ctx context.Context, activeOnly bool) ([]Category, error) {
	q := `SELECT ` + categoryCols + ` FROM reports_category`
	if activeOnly {
		q += ` WHERE active = TRUE`
	}
	rows, err := s.db.QueryContext(ctx, q+` ORDER BY ord, name`)
	if err != nil {
		return nil, fmt.Errorf("categories: %w", err)
	}
	defer rows.Close()
	var out []Category
	for rows.Next() {
		c, err := scanCategory(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	attrs, err := s.attributes(ctx, "")
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Attributes = attrs[out[i].ID]
	}
	return out, nil
}

// Category finds a category by id or Open311 code.
func (s *Service) Category(ctx context.Context, idOrCode string) (Category, error) {
	if c, ok, err := s.cachedCategory(ctx, idOrCode); err != nil || ok {
		return c, err
	}
	c, err := scanCategory(s.db.QueryRowContext(ctx, `SELECT `+categoryCols+` FROM reports_category WHERE id = $1 OR code = $1`, idOrCode))
	if errors.Is(err, sql.ErrNoRows) {
		return Category{}, errs.E(errs.ENOTFOUND, "categoria %q inesistente", idOrCode)
	}
	if err != nil {
		return Category{}, fmt.Errorf("category %s: %w", idOrCode, err)
	}
	attrs, err := s.attributes(ctx, c.ID)
	if err != nil {
		return Category{}, err
	}
	c.Attributes = attrs[c.ID]
	return c, nil
}

// attributes loads the questions of one category, or of all when id is "".
func (s *Service) attributes(ctx context.Context, categoryID string) (map[string][]open311.Attribute, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT category_id, code, datatype, required, variable, description,
		datatype_description, ord, choices FROM reports_attribute WHERE $1 = '' OR category_id = $1 ORDER BY category_id, ord`, categoryID)
	if err != nil {
		return nil, fmt.Errorf("attributes: %w", err)
	}
	defer rows.Close()
	out := map[string][]open311.Attribute{}
	for rows.Next() {
		var catID, dtDesc, choices string
		var a open311.Attribute
		if err := rows.Scan(&catID, &a.Code, &a.Datatype, &a.Required, &a.Variable, &a.Description, &dtDesc, &a.Order, &choices); err != nil {
			return nil, err
		}
		a.DatatypeDescription = open311.Text(dtDesc)
		if err := json.Unmarshal([]byte(choices), &a.Values); err != nil {
			return nil, fmt.Errorf("attribute %s choices: %w", a.Code, err)
		}
		out[catID] = append(out[catID], a)
	}
	return out, rows.Err()
}

var codeRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$`)

// validate checks a category before saving, naming the field at fault.
func (c *Category) validate() error {
	c.Code, c.Name = strings.TrimSpace(c.Code), strings.TrimSpace(c.Name)
	switch {
	case !codeRE.MatchString(c.Code):
		return errs.Field("code", "codice %q non valido: lettere, cifre, _ . -, al massimo 40 caratteri", c.Code)
	case c.Name == "":
		return errs.Field("name", "il nome è obbligatorio")
	case c.RadiusM < 0 || c.RadiusM > 1000:
		return errs.Field("radius_m", "il raggio per i duplicati va da 0 a 1000 metri")
	case c.DeadlineDays < 1 || c.DeadlineDays > 365:
		return errs.Field("deadline_days", "il tempo massimo va da 1 a 365 giorni")
	}
	seen := map[string]bool{}
	for i, a := range c.Attributes {
		field := fmt.Sprintf("attributes[%d]", i+1)
		switch {
		case !codeRE.MatchString(a.Code):
			return errs.Field(field, "codice della domanda %q non valido", a.Code)
		case seen[a.Code]:
			return errs.Field(field, "codice della domanda %q ripetuto", a.Code)
		case !slices.Contains(open311.Datatypes, a.Datatype):
			return errs.Field(field, "tipo %q non valido: %s", a.Datatype, strings.Join(open311.Datatypes, ", "))
		case strings.TrimSpace(a.Description) == "":
			return errs.Field(field, "la domanda %s non ha testo", a.Code)
		case (a.Datatype == open311.SingleValueList || a.Datatype == open311.MultiValueList) && len(a.Values) == 0:
			return errs.Field(field, "la domanda %s è una lista ma non ha valori", a.Code)
		}
		seen[a.Code] = true
		c.Attributes[i].Order = i + 1
	}
	return nil
}

// SaveCategory creates or updates a category and replaces its questions.
func (s *Service) SaveCategory(ctx context.Context, c Category) (Category, error) {
	if err := c.validate(); err != nil {
		return Category{}, err
	}
	now := s.now()
	var before *Category
	if c.ID != "" {
		old, err := s.Category(ctx, c.ID)
		if err != nil {
			return Category{}, err
		}
		before = &old
	}
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		var err error
		if before == nil {
			c.ID = store.NewID()
			_, err = tx.ExecContext(ctx, `INSERT INTO reports_category (id, code, name, group_name, description, hint, keywords,
				radius_m, deadline_days, anonymous_allowed, private, active, ord, created_at, updated_at)
				VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$14)`,
				c.ID, c.Code, c.Name, c.Group, c.Description, c.Hint, c.Keywords, c.RadiusM, c.DeadlineDays,
				c.AnonymousAllowed, c.Private, c.Active, c.Order, now)
		} else {
			_, err = tx.ExecContext(ctx, `UPDATE reports_category SET code=$2, name=$3, group_name=$4, description=$5, hint=$6,
				keywords=$7, radius_m=$8, deadline_days=$9, anonymous_allowed=$10, private=$11, active=$12, ord=$13, updated_at=$14
				WHERE id=$1`, c.ID, c.Code, c.Name, c.Group, c.Description, c.Hint, c.Keywords, c.RadiusM, c.DeadlineDays,
				c.AnonymousAllowed, c.Private, c.Active, c.Order, now)
		}
		if err != nil {
			if store.IsUniqueViolation(err) {
				return errs.Field("code", "esiste già una categoria con codice %q", c.Code)
			}
			return fmt.Errorf("save category: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM reports_attribute WHERE category_id = $1`, c.ID); err != nil {
			return err
		}
		for _, a := range c.Attributes {
			choices, _ := json.Marshal(nonNilValues(a.Values))
			if _, err := tx.ExecContext(ctx, `INSERT INTO reports_attribute (id, category_id, code, datatype, required, variable,
				description, datatype_description, ord, choices) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`,
				store.NewID(), c.ID, a.Code, a.Datatype, a.Required, a.Variable, a.Description, string(a.DatatypeDescription),
				a.Order, string(choices)); err != nil {
				return fmt.Errorf("save question %s: %w", a.Code, err)
			}
		}
		if err := s.simpleEvent(ctx, tx, "category_saved", "category", c.ID, c); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "reports.category_save", ObjectType: "category", ObjectID: c.ID, Before: before, After: c})
	})
	s.cache.invalidate()
	return c, err
}

func nonNilValues(v []open311.Value) []open311.Value {
	if v == nil {
		return []open311.Value{}
	}
	return v
}
