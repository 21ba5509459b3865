package notify

import (
	"context"
	"database/sql"
	"errors"
	"net/mail"

	"github.com/arengo-pa/arengo/internal/store"
)

// Preferences are a citizen's choices of channels.
type Preferences struct {
	FiscalCode   string
	IO           bool
	Email        bool
	EmailAddress string
	Lang         string // "it" or "en"
}

// defaultPreferences apply until the citizen saves their own: App IO on,
// e-mail off (no address known), Italian.
func defaultPreferences(cf string) Preferences {
	return Preferences{FiscalCode: cf, IO: true, Lang: "it"}
}

func loadPreferences(ctx context.Context, q querier, cf string) (Preferences, error) {
	p := Preferences{FiscalCode: cf}
	err := q.QueryRowContext(ctx, `SELECT io, email, email_address, lang FROM notify_preferences WHERE fiscal_code = $1`, cf).
		Scan(&p.IO, &p.Email, &p.EmailAddress, &p.Lang)
	if errors.Is(err, sql.ErrNoRows) {
		return defaultPreferences(cf), nil
	}
	return p, err
}

// validate checks what a citizen typed, naming the field.
func (p Preferences) validate() error {
	if p.EmailAddress != "" {
		if a, err := mail.ParseAddress(p.EmailAddress); err != nil || a.Address != p.EmailAddress {
			return fieldError("email_address", "l'indirizzo e-mail %q non è valido", p.EmailAddress)
		}
	}
	if p.Email && p.EmailAddress == "" {
		return fieldError("email_address", "per ricevere le e-mail indica un indirizzo")
	}
	if p.Lang != "it" && p.Lang != "en" {
		return fieldError("lang", "lingua non prevista")
	}
	return nil
}

func savePreferences(ctx context.Context, tx *store.Tx, p Preferences) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO notify_preferences (fiscal_code, io, email, email_address, lang, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (fiscal_code) DO UPDATE SET io = $2, email = $3, email_address = $4, lang = $5, updated_at = $6`,
		p.FiscalCode, p.IO, p.Email, p.EmailAddress, p.Lang, store.Now())
	return err
}
