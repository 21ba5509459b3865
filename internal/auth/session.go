package auth

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/arengo-pa/arengo/internal/store"
)

// StartSession stores a login session and returns the token for the cookie.
// Only the token's hash is stored, so a database leak yields no sessions.
func (s *Service) StartSession(ctx context.Context, kind Kind, principalID string) (string, error) {
	tok := randomToken(32)
	now := store.Now()
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO kernel_sessions (id_hash, kind, principal_id, created_at, expires_at, last_seen_at)
			VALUES ($1, $2, $3, $4, $5, $4)`, hashToken(tok), string(kind), principalID, now, now.Add(s.SessionTTL))
		return err
	})
	return tok, err
}

// SessionPrincipal returns the principal of a live session, or nil.
func (s *Service) SessionPrincipal(ctx context.Context, tok string) (*Principal, error) {
	var kind, id string
	var expires time.Time
	h := hashToken(tok)
	err := s.db.QueryRowContext(ctx, `SELECT kind, principal_id, expires_at FROM kernel_sessions WHERE id_hash = $1`, h).
		Scan(&kind, &id, &expires)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && expires.Before(time.Now())) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var p *Principal
	switch Kind(kind) {
	case Staff:
		p, err = s.StaffPrincipal(ctx, id)
	case Citizen:
		p, err = s.CitizenPrincipal(ctx, id)
	default:
		return nil, nil
	}
	if errors.Is(err, sql.ErrNoRows) || errors.Is(err, ErrBadCredentials) {
		return nil, nil
	}
	if p != nil {
		p.SessionID = h
	}
	return p, err
}

// EndSession deletes a session (logout).
func (s *Service) EndSession(ctx context.Context, tok string) error {
	return s.db.Transact(ctx, func(tx *store.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM kernel_sessions WHERE id_hash = $1`, hashToken(tok))
		return err
	})
}

// PurgeSessions deletes expired sessions; a nightly job runs it.
func (s *Service) PurgeSessions(ctx context.Context) error {
	return s.db.Transact(ctx, func(tx *store.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM kernel_sessions WHERE expires_at < $1`, store.Now())
		return err
	})
}
