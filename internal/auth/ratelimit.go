package auth

import (
	"context"
	"time"

	"github.com/arengo-pa/arengo/internal/errs"
	"github.com/arengo-pa/arengo/internal/store"
)

// Login attempts are counted in the database, not in memory, so the limit
// holds across every process behind the load balancer.
const (
	loginWindow      = 15 * time.Minute
	loginMaxAttempts = 10
)

// ErrTooManyAttempts is returned once the limit is reached.
var ErrTooManyAttempts = errs.E(errs.EFORBIDDEN, "troppi tentativi di accesso: riprova tra qualche minuto")

// CountLoginAttempt records one attempt for key (username and client address)
// and refuses it past the limit within the window.
func (s *Service) CountLoginAttempt(ctx context.Context, key string) error {
	now := store.Now()
	var count int
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO kernel_login_attempts (key, window_start, attempts) VALUES ($1, $2, 1)
			ON CONFLICT (key) DO UPDATE SET
			attempts = CASE WHEN kernel_login_attempts.window_start < $3 THEN 1 ELSE kernel_login_attempts.attempts + 1 END,
			window_start = CASE WHEN kernel_login_attempts.window_start < $3 THEN excluded.window_start ELSE kernel_login_attempts.window_start END
			RETURNING attempts`, key, now, now.Add(-loginWindow)).Scan(&count)
	})
	if err != nil {
		return err
	}
	if count > loginMaxAttempts {
		return ErrTooManyAttempts
	}
	return nil
}

// ResetLoginAttempts clears the counter after a successful login.
func (s *Service) ResetLoginAttempts(ctx context.Context, key string) error {
	return s.db.Transact(ctx, func(tx *store.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM kernel_login_attempts WHERE key = $1`, key)
		return err
	})
}
