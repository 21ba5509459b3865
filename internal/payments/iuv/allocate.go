package iuv

import (
	"context"
	"database/sql"
	"fmt"
)

// Querier is the part of *sql.Tx the allocator needs.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Allocate reserves n consecutive IUV bases for a segregation code and returns the
// first. It must run inside the caller's write transaction: the counter row is
// incremented with one UPDATE … RETURNING, so concurrent processes serialise on the
// row and a base is never handed out twice; a rolled-back transaction gives its
// bases back only together with everything that used them.
func Allocate(ctx context.Context, q Querier, segregation int, n int64) (first int64, err error) {
	if n < 1 {
		return 0, fmt.Errorf("allocazione IUV: richiesti %d codici", n)
	}
	if err := CheckSegregationCode(segregation); err != nil {
		return 0, err
	}
	if _, err := q.ExecContext(ctx,
		`INSERT INTO payments_iuv_counter (segregation_code, next_base) VALUES ($1, 1)
		 ON CONFLICT (segregation_code) DO NOTHING`, segregation); err != nil {
		return 0, fmt.Errorf("allocazione IUV: %w", err)
	}
	var next int64
	if err := q.QueryRowContext(ctx,
		`UPDATE payments_iuv_counter SET next_base = next_base + $2
		 WHERE segregation_code = $1 RETURNING next_base`, segregation, n).Scan(&next); err != nil {
		return 0, fmt.Errorf("allocazione IUV: %w", err)
	}
	first = next - n
	if next-1 > MaxBase {
		return 0, fmt.Errorf("codici IUV esauriti per il codice di segregazione %02d", segregation)
	}
	return first, nil
}
