package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/arengo-pa/arengo/internal/errs"
	"github.com/arengo-pa/arengo/internal/reconcile/match"
	"github.com/arengo-pa/arengo/internal/store"
)

// A treasury credit that pays several reporting flows at once (one SCT for
// two or more IUFs) is split by hand: each flow gets the part of the credit it
// was still waiting for, the parts add up to the credit exactly, and the
// movement's own iuf is emptied while the split lasts (kept in
// reconcile_split to undo it). The engine then counts each part as a credit
// of its flow (flowCreditsSQL) and classifies the movement from all its flows
// (splitItems).

// Event types of manual splits.
const (
	EventMovementSplit   = "reconcile.movement_split"
	EventMovementUnsplit = "reconcile.movement_unsplit"
)

// flowCreditsSQL lists the credits of a flow: movements carrying its id and
// parts of split credits.
const flowCreditsSQL = `SELECT id, amount_cents FROM reconcile_movement WHERE iuf = $1 AND truncated = FALSE
	UNION ALL SELECT movement_id, amount_cents FROM reconcile_split WHERE iuf = $1 ORDER BY 1`

// SplitPart is one flow of a split credit and the part it receives.
type SplitPart struct {
	IUF         string `json:"iuf"`
	AmountCents int64  `json:"amount_cents"`
}

// Split is a credit split by hand over several flows.
type Split struct {
	MovementID       string      `json:"movement_id"`
	Parts            []SplitPart `json:"parts"`
	CausaleIUF       string      `json:"causale_iuf"`
	CausaleTruncated bool        `json:"causale_truncated"`
	LinkedBy         string      `json:"linked_by"`
	LinkedAt         time.Time   `json:"linked_at"`
}

// SplitSumError is a split whose flows do not add up to the credit.
type SplitSumError struct {
	CreditCents, FlowsCents int64
}

func (e *SplitSumError) Error() string {
	return fmt.Sprintf("i flussi scelti sommano %d centesimi, l'accredito %d: differenza %d", e.FlowsCents, e.CreditCents, e.FlowsCents-e.CreditCents)
}

// SplitOf returns the split of a movement, or nil.
func (l *Ledger) SplitOf(ctx context.Context, q store.Querier, movementID string) (*Split, error) {
	rows, err := q.QueryContext(ctx, `SELECT iuf, amount_cents, causale_iuf, causale_truncated, linked_by, linked_at FROM reconcile_split
		WHERE movement_id = $1 ORDER BY iuf`, movementID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var s *Split
	for rows.Next() {
		if s == nil {
			s = &Split{MovementID: movementID}
		}
		var p SplitPart
		if err := rows.Scan(&p.IUF, &p.AmountCents, &s.CausaleIUF, &s.CausaleTruncated, &s.LinkedBy, &s.LinkedAt); err != nil {
			return nil, err
		}
		s.Parts = append(s.Parts, p)
	}
	return s, rows.Err()
}

// splittable are the codes of a credit without IUV that may be split: no flow
// found, or a flow whose total is not what was credited (the bank kept the
// first of several ids).
var splittable = []match.Code{match.TESNoMatch, match.TESNoIUFOrIUV, match.IUFTESDivImp}

// SplitMovement splits an unmatched credit over the current versions of the
// flows given: each flow receives what it still lacks (its total less the
// credits it already has), and those amounts must add up to the credit. The
// movement and the flows are queued for reclassification; the caller audits
// and schedules it.
func (l *Ledger) SplitMovement(ctx context.Context, tx *store.Tx, movementID string, iufs []string, actor string) (Split, error) {
	s := Split{MovementID: movementID, LinkedBy: actor, LinkedAt: store.Now()}
	iufs = slices.Compact(slices.Sorted(slices.Values(iufs)))
	if len(iufs) > 0 && iufs[0] == "" {
		iufs = iufs[1:]
	}
	if len(iufs) < 2 {
		return s, errs.E(errs.EINVALID, "Per ripartire un accredito scegli almeno due flussi (per uno solo usa «Collega»)")
	}
	var iuv string
	var credit int64
	err := tx.QueryRowContext(ctx, "SELECT iuf, iuv, truncated, amount_cents FROM reconcile_movement WHERE id = $1",
		movementID).Scan(&s.CausaleIUF, &iuv, &s.CausaleTruncated, &credit)
	if errors.Is(err, sql.ErrNoRows) {
		return s, errs.E(errs.ENOTFOUND, "Movimento di tesoreria non trovato")
	} else if err != nil {
		return s, err
	}
	if old, err := l.LinkOf(ctx, tx, movementID); err != nil {
		return s, err
	} else if old != nil {
		return s, errs.E(errs.ECONFLICT, "Il movimento è collegato al flusso %s: annulla prima quel collegamento", old.IUF)
	}
	if old, err := l.SplitOf(ctx, tx, movementID); err != nil {
		return s, err
	} else if old != nil {
		return s, errs.E(errs.ECONFLICT, "Il movimento è già ripartito: annulla prima la ripartizione")
	}
	var code string
	err = tx.QueryRowContext(ctx, "SELECT code FROM reconcile_item WHERE kind = $1 AND key = $2", match.KindMovement, movementID).Scan(&code)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return s, err
	}
	if iuv != "" || !slices.Contains(splittable, match.Code(code)) {
		return s, errs.E(errs.ECONFLICT, "Si ripartiscono a mano solo gli accrediti senza IUV non abbinati o di importo diverso dal flusso")
	}
	var sum int64
	for _, iuf := range iufs {
		var total, credited int64
		err := tx.QueryRowContext(ctx, "SELECT total_cents FROM reconcile_flow WHERE iuf = $1 AND is_current = TRUE", iuf).Scan(&total)
		if errors.Is(err, sql.ErrNoRows) {
			return s, errs.E(errs.EINVALID, "Nessun flusso di rendicontazione caricato con identificativo %q", iuf)
		} else if err != nil {
			return s, err
		}
		// The movement's own credit does not count: the split replaces it.
		err = tx.QueryRowContext(ctx, "SELECT COALESCE(SUM(amount_cents), 0) FROM ("+flowCreditsSQL+") c WHERE id <> $2", iuf, movementID).Scan(&credited)
		if err != nil {
			return s, err
		}
		if total-credited <= 0 {
			return s, errs.E(errs.EINVALID, "Il flusso %s risulta già riversato per intero", iuf)
		}
		s.Parts = append(s.Parts, SplitPart{IUF: iuf, AmountCents: total - credited})
		sum += total - credited
	}
	if sum != credit {
		return s, &SplitSumError{CreditCents: credit, FlowsCents: sum}
	}
	for _, p := range s.Parts {
		if _, err := tx.ExecContext(ctx, `INSERT INTO reconcile_split (movement_id, iuf, amount_cents, causale_iuf, causale_truncated, linked_by, linked_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, movementID, p.IUF, p.AmountCents, s.CausaleIUF, s.CausaleTruncated, s.LinkedBy, s.LinkedAt); err != nil {
			return s, err
		}
	}
	if _, err := tx.ExecContext(ctx, "UPDATE reconcile_movement SET iuf = '', truncated = FALSE WHERE id = $1", movementID); err != nil {
		return s, err
	}
	if err := s.mark(ctx, tx); err != nil {
		return s, err
	}
	return s, l.emit(ctx, tx, EventMovementSplit, movementID, s)
}

// UnsplitMovement undoes a split: the movement gets back what its causale said.
func (l *Ledger) UnsplitMovement(ctx context.Context, tx *store.Tx, movementID, actor string) (Split, error) {
	s, err := l.SplitOf(ctx, tx, movementID)
	if err != nil {
		return Split{}, err
	}
	if s == nil {
		return Split{}, errs.E(errs.ENOTFOUND, "Il movimento non è ripartito su più flussi")
	}
	if _, err := tx.ExecContext(ctx, "UPDATE reconcile_movement SET iuf = $1, truncated = $2 WHERE id = $3", s.CausaleIUF, s.CausaleTruncated, movementID); err != nil {
		return *s, err
	}
	if err := dropSplits(ctx, tx, movementID); err != nil {
		return *s, err
	}
	return *s, l.emit(ctx, tx, EventMovementUnsplit, movementID, map[string]any{"split": s, "by": actor})
}

// dropSplits deletes the splits of movements (undone, or the credits reversed
// by a STORNATO) and queues those movements and their flows.
func dropSplits(ctx context.Context, tx *store.Tx, movementIDs ...string) error {
	if len(movementIDs) == 0 {
		return nil
	}
	rows, err := tx.QueryContext(ctx, "DELETE FROM reconcile_split WHERE movement_id IN ("+params(tx.Engine, 1, len(movementIDs))+") RETURNING movement_id, iuf",
		anys(movementIDs)...)
	if err != nil {
		return err
	}
	var movs, iufs []string
	for rows.Next() {
		var mov, iuf string
		if err := rows.Scan(&mov, &iuf); err != nil {
			rows.Close()
			return err
		}
		movs, iufs = append(movs, mov), append(iufs, iuf)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if err := markDirty(ctx, tx, dirtyMov, movs...); err != nil {
		return err
	}
	return markDirty(ctx, tx, dirtyIUF, iufs...)
}

func (s Split) mark(ctx context.Context, tx *store.Tx) error {
	if err := markDirty(ctx, tx, dirtyMov, s.MovementID); err != nil {
		return err
	}
	iufs := []string{s.CausaleIUF}
	for _, p := range s.Parts {
		iufs = append(iufs, p.IUF)
	}
	return markDirty(ctx, tx, dirtyIUF, iufs...)
}

// markSplitMovements queues the split credits paying part of a flow, whose
// classification follows the flow's.
func markSplitMovements(ctx context.Context, tx *store.Tx, iuf string) error {
	return markDirtySelect(ctx, tx, dirtyMov, "SELECT movement_id FROM reconcile_split WHERE iuf = $1", iuf)
}

// splitItems replaces, among the items of ms (same order), those of split
// credits with their classification over every flow they pay.
func (rn *run) splitItems(ctx context.Context, tx *store.Tx, ms []match.MovementEvidence, items []match.Item) error {
	if len(ms) == 0 {
		return nil // the keys were of movements reversed since
	}
	ids := make([]string, len(ms))
	for i, m := range ms {
		ids[i] = m.ID
	}
	rows, err := tx.QueryContext(ctx, "SELECT movement_id, iuf, amount_cents, linked_by FROM reconcile_split WHERE movement_id IN ("+
		params(tx.Engine, 1, len(ids))+") ORDER BY movement_id, iuf", anys(ids)...)
	if err != nil {
		return err
	}
	parts := map[string][]match.SplitPart{}
	by := map[string]string{}
	for rows.Next() {
		var id, who string
		var p match.SplitPart
		if err := rows.Scan(&id, &p.IUF, &p.AmountCents, &who); err != nil {
			rows.Close()
			return err
		}
		parts[id] = append(parts[id], p)
		by[id] = who
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(parts) == 0 {
		return err
	}
	for i, m := range ms {
		ps := parts[m.ID]
		if len(ps) == 0 {
			continue
		}
		for j := range ps {
			if ps[j].Flow, err = rn.flow(ctx, tx, ps[j].IUF, false); err != nil {
				return err
			}
		}
		items[i] = match.ClassifySplit(m, ps, by[m.ID])
	}
	return nil
}
