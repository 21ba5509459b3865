package auth

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/arengo-pa/arengo/internal/errs"
	"github.com/arengo-pa/arengo/internal/store"
)

// APIKeyInfo is an API key as the admin page lists it (never the secret).
type APIKeyInfo struct {
	ID, Name, Prefix string
	Scopes           []string
	CreatedAt        sql.NullTime
	RevokedAt        sql.NullTime
}

// CreateAPIKey stores a new key and returns the secret, shown once. The key
// is "ak_<prefix>_<secret>": the prefix finds the row, the hash checks it.
func (s *Service) CreateAPIKey(ctx context.Context, tx *store.Tx, name string, scopes []string) (id, key string, err error) {
	if strings.TrimSpace(name) == "" {
		return "", "", errs.Field("name", "il nome della chiave è obbligatorio")
	}
	prefix := strings.ToLower(randomToken(6))
	prefix = strings.NewReplacer("-", "x", "_", "y").Replace(prefix)
	key = "ak_" + prefix + "_" + randomToken(24)
	id = store.NewID()
	_, err = tx.ExecContext(ctx, `INSERT INTO kernel_api_keys (id, name, prefix, hash, scopes, created_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, id, name, prefix, hashToken(key), strings.Join(scopes, " "), store.Now())
	return id, key, err
}

// EnsureAPIKey stores a key with a known secret if it is not there yet: the
// demo prints the same key on every run.
func (s *Service) EnsureAPIKey(ctx context.Context, tx *store.Tx, name, key string, scopes []string) error {
	parts := strings.SplitN(key, "_", 3)
	if len(parts) != 3 || parts[0] != "ak" {
		return errs.Field("key", "formato della chiave non valido")
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO kernel_api_keys (id, name, prefix, hash, scopes, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (prefix) DO NOTHING`,
		store.NewID(), name, parts[1], hashToken(key), strings.Join(scopes, " "), store.Now())
	return err
}

// APIKeyPrincipal checks a presented key.
func (s *Service) APIKeyPrincipal(ctx context.Context, key string) (*Principal, error) {
	parts := strings.SplitN(key, "_", 3)
	if len(parts) != 3 || parts[0] != "ak" {
		return nil, nil
	}
	var id, name, hash, scopes string
	err := s.db.QueryRowContext(ctx, `SELECT id, name, hash, scopes FROM kernel_api_keys WHERE prefix = $1 AND revoked_at IS NULL`,
		parts[1]).Scan(&id, &name, &hash, &scopes)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && hash != hashToken(key)) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &Principal{Kind: APIKey, ID: id, Name: name, Scopes: strings.Fields(scopes)}, nil
}

// RevokeAPIKey disables a key.
func (s *Service) RevokeAPIKey(ctx context.Context, tx *store.Tx, id string) error {
	_, err := tx.ExecContext(ctx, `UPDATE kernel_api_keys SET revoked_at = $1 WHERE id = $2`, store.Now(), id)
	return err
}

// APIKeys lists keys for the admin page.
func (s *Service) APIKeys(ctx context.Context) ([]APIKeyInfo, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, name, prefix, scopes, created_at, revoked_at FROM kernel_api_keys ORDER BY created_at DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []APIKeyInfo
	for rows.Next() {
		var k APIKeyInfo
		var scopes string
		if err := rows.Scan(&k.ID, &k.Name, &k.Prefix, &scopes, &k.CreatedAt, &k.RevokedAt); err != nil {
			return nil, err
		}
		k.Scopes = strings.Fields(scopes)
		out = append(out, k)
	}
	return out, rows.Err()
}
