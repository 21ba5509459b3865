package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/arengo-pa/arengo/internal/fiscalcode"

	"golang.org/x/crypto/bcrypt"

	"github.com/arengo-pa/arengo/internal/errs"
	"github.com/arengo-pa/arengo/internal/store"
)

// Permission is declared by the module that checks it.
type Permission struct {
	Name, Label string
}

// Role groups permissions; modules declare default roles, admins edit them.
type Role struct {
	Name, Label string
	Permissions []string
}

// Service stores users, citizens, sessions and API keys.
type Service struct {
	db *store.DB

	mu    sync.Mutex
	perms map[string]Permission
	roles []Role

	SessionTTL time.Duration
	// BcryptCost is lowered by tests only.
	BcryptCost int
}

// New returns the service.
func New(db *store.DB) *Service {
	s := &Service{db: db, perms: map[string]Permission{}, SessionTTL: 8 * time.Hour, BcryptCost: bcrypt.DefaultCost}
	s.DeclarePermission("kernel.admin", "Amministrare utenti, ruoli, chiavi API e registro attività")
	s.DeclareRole(Role{Name: "admin", Label: "Amministratore", Permissions: []string{AllPermissions}})
	return s
}

// DeclarePermission makes perm known to the admin pages and the route walker.
func (s *Service) DeclarePermission(name, label string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.perms[name] = Permission{Name: name, Label: label}
}

// DeclareRole registers a default role, created at start if it is missing.
func (s *Service) DeclareRole(r Role) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.roles = append(s.roles, r)
}

// Permissions lists the declared permissions by name.
func (s *Service) Permissions() []Permission {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Permission, 0, len(s.perms))
	for _, p := range s.perms {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// SeedRoles creates the declared default roles that do not exist yet; roles
// an admin already edited are left alone.
func (s *Service) SeedRoles(ctx context.Context) error {
	s.mu.Lock()
	roles := append([]Role(nil), s.roles...)
	s.mu.Unlock()
	return s.db.Transact(ctx, func(tx *store.Tx) error {
		for _, r := range roles {
			res, err := tx.ExecContext(ctx, `INSERT INTO kernel_roles (name, label) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`, r.Name, r.Label)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				continue
			}
			for _, p := range r.Permissions {
				if _, err := tx.ExecContext(ctx, `INSERT INTO kernel_role_permissions (role, permission) VALUES ($1, $2)
					ON CONFLICT DO NOTHING`, r.Name, p); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// HashPassword hashes a staff password with bcrypt.
func (s *Service) HashPassword(pw string) (string, error) {
	if len(pw) < 8 {
		return "", errs.Field("password", "la password deve avere almeno 8 caratteri")
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pw), s.BcryptCost)
	return string(h), err
}

// User is a staff account.
type User struct {
	ID, Username, Name, Email string
	Active                    bool
	Roles                     []string
	CreatedAt                 time.Time
}

// CreateUser adds a staff account, or updates its name, email, password and
// roles when the username exists (so `user add` and the demo are re-runnable).
func (s *Service) CreateUser(ctx context.Context, tx *store.Tx, username, name, email, password string, roles []string) (string, error) {
	username = strings.TrimSpace(strings.ToLower(username))
	if username == "" {
		return "", errs.Field("username", "il nome utente è obbligatorio")
	}
	var hash sql.NullString
	if password != "" {
		h, err := s.HashPassword(password)
		if err != nil {
			return "", err
		}
		hash = sql.NullString{String: h, Valid: true}
	}
	id := store.NewID()
	err := tx.QueryRowContext(ctx, `INSERT INTO kernel_users (id, username, name, email, password_hash, active, created_at)
		VALUES ($1, $2, $3, $4, $5, TRUE, $6)
		ON CONFLICT (username) DO UPDATE SET name = excluded.name, email = excluded.email,
		password_hash = COALESCE(excluded.password_hash, kernel_users.password_hash)
		RETURNING id`, id, username, name, email, hash, store.Now()).Scan(&id)
	if err != nil {
		return "", fmt.Errorf("user %s: %w", username, err)
	}
	if err := s.SetUserRoles(ctx, tx, id, roles); err != nil {
		return "", err
	}
	return id, nil
}

// SetUserRoles replaces a user's roles; each must exist.
func (s *Service) SetUserRoles(ctx context.Context, tx *store.Tx, userID string, roles []string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM kernel_user_roles WHERE user_id = $1`, userID); err != nil {
		return err
	}
	for _, r := range roles {
		var exists bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM kernel_roles WHERE name = $1)`, r).Scan(&exists); err != nil {
			return err
		}
		if !exists {
			return errs.Field("roles", "il ruolo %q non esiste", r)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO kernel_user_roles (user_id, role) VALUES ($1, $2)`, userID, r); err != nil {
			return err
		}
	}
	return nil
}

// ErrBadCredentials is returned for a wrong username or password alike, so a
// caller cannot tell which accounts exist.
var ErrBadCredentials = errs.E(errs.EFORBIDDEN, "nome utente o password non validi")

// CheckPassword returns the active staff user with these credentials.
func (s *Service) CheckPassword(ctx context.Context, username, password string) (string, error) {
	var id string
	var hash sql.NullString
	err := s.db.QueryRowContext(ctx, `SELECT id, password_hash FROM kernel_users WHERE username = $1 AND active = TRUE`,
		strings.ToLower(strings.TrimSpace(username))).Scan(&id, &hash)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !hash.Valid) {
		// Spend the same time as a real check.
		bcrypt.CompareHashAndPassword([]byte("$2a$10$7EqJtq98hPqEX7fNZaFWoO5z7Yk8Fq5qYb6r7mZb3.3H8f4e5Jc6W"), []byte(password))
		return "", ErrBadCredentials
	}
	if err != nil {
		return "", err
	}
	if bcrypt.CompareHashAndPassword([]byte(hash.String), []byte(password)) != nil {
		return "", ErrBadCredentials
	}
	return id, nil
}

// StaffPrincipal loads a staff user with roles and permissions.
func (s *Service) StaffPrincipal(ctx context.Context, userID string) (*Principal, error) {
	p := &Principal{Kind: Staff, ID: userID, perms: map[string]bool{}}
	var active bool
	err := s.db.QueryRowContext(ctx, `SELECT username, name, email, active FROM kernel_users WHERE id = $1`, userID).
		Scan(&p.Username, &p.Name, &p.Email, &active)
	if err != nil {
		return nil, err
	}
	if !active {
		return nil, ErrBadCredentials
	}
	rows, err := s.db.QueryContext(ctx, `SELECT ur.role, COALESCE(rp.permission, '') FROM kernel_user_roles ur
		LEFT JOIN kernel_role_permissions rp ON rp.role = ur.role WHERE ur.user_id = $1 ORDER BY ur.role`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var role, perm string
		if err := rows.Scan(&role, &perm); err != nil {
			return nil, err
		}
		if len(p.Roles) == 0 || p.Roles[len(p.Roles)-1] != role {
			p.Roles = append(p.Roles, role)
		}
		if perm != "" {
			p.perms[perm] = true
		}
	}
	return p, rows.Err()
}

// CitizenInfo is the minimum Arengo keeps of a citizen: what the identity
// provider asserted at the last login.
type CitizenInfo struct {
	ID, FiscalCode, Name, Email string
}

// UpsertCitizen records a citizen at login and returns their id.
func (s *Service) UpsertCitizen(ctx context.Context, tx *store.Tx, c CitizenInfo) (string, error) {
	fc := strings.ToUpper(strings.TrimSpace(c.FiscalCode))
	if !fiscalcode.Valid(fc) {
		return "", errs.Field("fiscal_code", "codice fiscale %q non valido", c.FiscalCode)
	}
	id := store.NewID()
	now := store.Now()
	err := tx.QueryRowContext(ctx, `INSERT INTO kernel_citizens (id, fiscal_code, name, email, created_at, last_login_at)
		VALUES ($1, $2, $3, $4, $5, $5)
		ON CONFLICT (fiscal_code) DO UPDATE SET name = excluded.name, email = excluded.email, last_login_at = excluded.last_login_at
		RETURNING id`, id, fc, c.Name, c.Email, now).Scan(&id)
	return id, err
}

// CitizenPrincipal loads a citizen.
func (s *Service) CitizenPrincipal(ctx context.Context, id string) (*Principal, error) {
	p := &Principal{Kind: Citizen, ID: id}
	err := s.db.QueryRowContext(ctx, `SELECT fiscal_code, name, email FROM kernel_citizens WHERE id = $1`, id).
		Scan(&p.FiscalCode, &p.Name, &p.Email)
	return p, err
}

// CitizenByFiscalCode looks a citizen up for other modules (name and e-mail
// for a notice). Callers that show the result must audit the access.
func (s *Service) CitizenByFiscalCode(ctx context.Context, fc string) (CitizenInfo, error) {
	c := CitizenInfo{FiscalCode: strings.ToUpper(fc)}
	err := s.db.QueryRowContext(ctx, `SELECT id, name, email FROM kernel_citizens WHERE fiscal_code = $1`, c.FiscalCode).
		Scan(&c.ID, &c.Name, &c.Email)
	if errors.Is(err, sql.ErrNoRows) {
		return c, errs.E(errs.ENOTFOUND, "cittadino non trovato")
	}
	return c, err
}

func randomToken(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashToken(tok string) string {
	h := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(h[:])
}

// ActiveStaffByLogin returns the active account whose username is username or e-mail
// (as an identity provider asserts them), else the one account with that e-mail; ""
// when none (or, for the e-mail, more than one) matches.
func (s *Service) ActiveStaffByLogin(ctx context.Context, username, email string) (string, error) {
	for _, u := range []string{username, email} {
		if u == "" {
			continue
		}
		var id string
		err := s.db.QueryRowContext(ctx, `SELECT id FROM kernel_users WHERE username = $1 AND active = TRUE`, u).Scan(&id)
		if err == nil {
			return id, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return "", err
		}
	}
	if email == "" {
		return "", nil
	}
	ids, err := store.Column[string](ctx, s.db, `SELECT id FROM kernel_users WHERE LOWER(email) = $1 AND active = TRUE LIMIT 2`, email)
	if err != nil || len(ids) != 1 {
		return "", err
	}
	return ids[0], nil
}

// RoleNames lists the stored roles by name.
func (s *Service) RoleNames(ctx context.Context) ([]string, error) {
	return store.Column[string](ctx, s.db, `SELECT name FROM kernel_roles ORDER BY name`)
}
