package reports

import (
	"context"
	"fmt"
	"time"
)

// countsByCategory counts public reports per category under the filter
// (without its own category condition), for the side list of the public page.
func (s *Service) countsByCategory(ctx context.Context, f Filter) ([]categoryCount, error) {
	f.Category = ""
	where, args := f.where(s.now())
	rows, err := s.db.QueryContext(ctx, `SELECT c.code, c.name, COUNT(*)`+reportFrom+where+` GROUP BY c.code, c.name ORDER BY c.name`, args...)
	if err != nil {
		return nil, fmt.Errorf("counts: %w", err)
	}
	defer rows.Close()
	var out []categoryCount
	for rows.Next() {
		var c categoryCount
		if err := rows.Scan(&c.Code, &c.Name, &c.Count); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// resolvedSince counts public reports fixed since t (the headline figure).
func (s *Service) resolvedSince(ctx context.Context, t time.Time) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM reports_report r JOIN reports_category c ON c.id = r.category_id
		WHERE r.state_type = 'fixed' AND c.private = FALSE AND r.fixed_at >= $1`, t).Scan(&n)
	return n, err
}
