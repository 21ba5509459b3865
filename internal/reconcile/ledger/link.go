package ledger

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/arengo-pa/arengo/internal/errs"
	"github.com/arengo-pa/arengo/internal/reconcile/match"
	"github.com/arengo-pa/arengo/internal/store"
)

// Event types of manual links.
const (
	EventMovementLinked   = "reconcile.movement_linked"
	EventMovementUnlinked = "reconcile.movement_unlinked"
)

// Link is a movement linked by hand to a flow.
type Link struct {
	MovementID       string    `json:"movement_id"`
	IUF              string    `json:"iuf"`
	CausaleIUF       string    `json:"causale_iuf"`
	CausaleTruncated bool      `json:"causale_truncated"`
	LinkedBy         string    `json:"linked_by"`
	LinkedAt         time.Time `json:"linked_at"`
}

// LinkOf returns the manual link of a movement, or nil.
func (l *Ledger) LinkOf(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, movementID string) (*Link, error) {
	k := Link{MovementID: movementID}
	err := q.QueryRowContext(ctx, "SELECT iuf, causale_iuf, causale_truncated, linked_by, linked_at FROM reconcile_link WHERE movement_id = $1",
		movementID).Scan(&k.IUF, &k.CausaleIUF, &k.CausaleTruncated, &k.LinkedBy, &k.LinkedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &k, nil
}

// LinkMovement links an unmatched treasury movement (no identifier, or a
// truncated one, in its causale) to the current version of a flow the
// operator picked: from then on the movement counts as that flow's credit.
// The movement and both flows are queued for reclassification; the caller
// audits and schedules it.
func (l *Ledger) LinkMovement(ctx context.Context, tx *store.Tx, movementID, iuf, actor string) (Link, error) {
	k := Link{MovementID: movementID, IUF: iuf, LinkedBy: actor, LinkedAt: store.Now()}
	var iuv string
	err := tx.QueryRowContext(ctx, "SELECT iuf, iuv, truncated FROM reconcile_movement WHERE id = $1", movementID).Scan(&k.CausaleIUF, &iuv, &k.CausaleTruncated)
	if errors.Is(err, sql.ErrNoRows) {
		return k, errs.E(errs.ENOTFOUND, "Movimento di tesoreria non trovato")
	} else if err != nil {
		return k, err
	}
	if old, err := l.LinkOf(ctx, tx, movementID); err != nil {
		return k, err
	} else if old != nil {
		return k, errs.E(errs.ECONFLICT, "Il movimento è già collegato al flusso %s: annulla prima quel collegamento", old.IUF)
	}
	var code string
	err = tx.QueryRowContext(ctx, "SELECT code FROM reconcile_item WHERE kind = $1 AND key = $2", match.KindMovement, movementID).Scan(&code)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return k, err
	}
	if iuv != "" || (code != string(match.TESNoMatch) && code != string(match.TESNoIUFOrIUV)) {
		return k, errs.E(errs.ECONFLICT, "Si collegano a mano solo i movimenti senza abbinamento (causale troncata o senza identificativo)")
	}
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM reconcile_flow WHERE iuf = $1 AND is_current = TRUE", iuf).Scan(&n); err != nil {
		return k, err
	}
	if n == 0 {
		return k, errs.E(errs.EINVALID, "Nessun flusso di rendicontazione caricato con identificativo %q", iuf)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO reconcile_link (movement_id, iuf, causale_iuf, causale_truncated, linked_by, linked_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, k.MovementID, k.IUF, k.CausaleIUF, k.CausaleTruncated, k.LinkedBy, k.LinkedAt); err != nil {
		return k, err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE reconcile_movement SET iuf = $1, truncated = FALSE WHERE id = $2", iuf, movementID); err != nil {
		return k, err
	}
	if err := l.markLink(ctx, tx, k); err != nil {
		return k, err
	}
	return k, l.emit(ctx, tx, EventMovementLinked, movementID, k)
}

// UnlinkMovement undoes a manual link: the movement gets back what its
// causale said, and is queued with both flows.
func (l *Ledger) UnlinkMovement(ctx context.Context, tx *store.Tx, movementID, actor string) (Link, error) {
	k, err := l.LinkOf(ctx, tx, movementID)
	if err != nil {
		return Link{}, err
	}
	if k == nil {
		return Link{}, errs.E(errs.ENOTFOUND, "Il movimento non è collegato a mano a nessun flusso")
	}
	if _, err := tx.ExecContext(ctx, "UPDATE reconcile_movement SET iuf = $1, truncated = $2 WHERE id = $3", k.CausaleIUF, k.CausaleTruncated, movementID); err != nil {
		return *k, err
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM reconcile_link WHERE movement_id = $1", movementID); err != nil {
		return *k, err
	}
	if err := l.markLink(ctx, tx, *k); err != nil {
		return *k, err
	}
	return *k, l.emit(ctx, tx, EventMovementUnlinked, movementID, map[string]any{"link": k, "by": actor})
}

func (l *Ledger) markLink(ctx context.Context, tx *store.Tx, k Link) error {
	if err := markDirty(ctx, tx, dirtyMov, k.MovementID); err != nil {
		return err
	}
	return markDirty(ctx, tx, dirtyIUF, k.IUF, k.CausaleIUF)
}

// LinkCandidate is a flow an operator may link a movement to.
type LinkCandidate struct {
	IUF, PSPName string
	TotalCents   int64
	Code         string
}

// LinkCandidates lists current flows not yet fully collected, those closest
// in amount to the movement first.
func (l *Ledger) LinkCandidates(ctx context.Context, amountCents int64, limit int) ([]LinkCandidate, error) {
	rows, err := l.DB.QueryContext(ctx, `SELECT f.iuf, f.psp_name, f.total_cents, i.code FROM reconcile_flow f
		JOIN reconcile_item i ON i.kind = $1 AND i.key = f.iuf
		WHERE f.is_current = TRUE AND i.code IN ($2, $3)
		ORDER BY ABS(f.total_cents - $4), f.iuf LIMIT $5`, match.KindFlow, string(match.IUFNoTES), string(match.IUFTESDivImp), amountCents, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []LinkCandidate
	for rows.Next() {
		var c LinkCandidate
		if err := rows.Scan(&c.IUF, &c.PSPName, &c.TotalCents, &c.Code); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
