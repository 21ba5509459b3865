package reconcile

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"unicode"

	"github.com/arengo-pa/arengo/internal/audit"
	"github.com/arengo-pa/arengo/internal/auth"
	"github.com/arengo-pa/arengo/internal/errs"
	"github.com/arengo-pa/arengo/internal/reconcile/ledger"
	"github.com/arengo-pa/arengo/internal/reconcile/match"
	"github.com/arengo-pa/arengo/internal/store"
	"github.com/arengo-pa/arengo/internal/web"
)

// splitCandidate is a flow still waiting for its money, smaller than the
// credit: one of the parts a split credit may pay.
type splitCandidate struct {
	IUF, PSPName string
	TotalCents   int64
}

func (m *Module) splitCandidates(ctx context.Context, creditCents int64, limit int) ([]splitCandidate, error) {
	rows, err := m.deps.DB.QueryContext(ctx, `SELECT f.iuf, f.psp_name, f.total_cents FROM reconcile_flow f
		JOIN reconcile_item i ON i.kind = $1 AND i.key = f.iuf
		WHERE f.is_current = TRUE AND i.code = $2 AND f.total_cents < $3 ORDER BY f.total_cents DESC, f.iuf LIMIT $4`,
		match.KindFlow, string(match.IUFNoTES), creditCents, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []splitCandidate
	for rows.Next() {
		var c splitCandidate
		if err := rows.Scan(&c.IUF, &c.PSPName, &c.TotalCents); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// itemSplit tells a movement's detail page its split, or offers one when the
// credit has no IUV, no manual link and no flow of its exact amount.
func (m *Module) itemSplit(ctx context.Context, it itemRow, data map[string]any) error {
	s, err := m.ledger.SplitOf(ctx, m.deps.DB, it.Key)
	if err != nil || s != nil {
		if s != nil {
			// Until the reclassification runs the old code would still offer a link.
			data["Split"] = s
			delete(data, "Linkable")
		}
		return err
	}
	if data["Link"] != nil || it.IUV != "" || !slices.Contains([]string{string(match.TESNoMatch), string(match.TESNoIUFOrIUV), string(match.IUFTESDivImp)}, it.Code) {
		return nil
	}
	c, err := m.splitCandidates(ctx, it.AmountCents, 30)
	data["Splittable"], data["SplitCandidates"] = true, c
	return err
}

// movementSplit splits a credit by hand over the flows the operator ticked
// or typed; undone by movementUnsplit.
func (m *Module) movementSplit(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := r.FormValue("movimento")
	if err := r.ParseForm(); err != nil {
		m.deps.Web.Error(w, r, errs.Field("iuf", "Modulo non leggibile"))
		return
	}
	iufs := append([]string{}, r.PostForm["iuf"]...)
	iufs = append(iufs, strings.FieldsFunc(r.FormValue("iuf_elenco"), func(c rune) bool { return c == ',' || c == ';' || unicode.IsSpace(c) })...)
	_, err := m.splitMovement(ctx, id, iufs)
	m.afterLink(w, r, id, "ripartito", err)
}

// movementUnsplit undoes a split.
func (m *Module) movementUnsplit(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := r.FormValue("movimento")
	_, err := m.unsplitMovement(ctx, id)
	m.afterLink(w, r, id, "non-ripartito", err)
}

// The page and the API share these: each change is audited in the ledger's
// transaction (whose events go to the outbox), and the reclassification is
// scheduled once it is committed.

// linkMovement links a movement by hand to one flow; a split credit must be
// unsplit first.
func (m *Module) linkMovement(ctx context.Context, id, iuf string) (ledger.Link, error) {
	var k ledger.Link
	err := m.deps.DB.Transact(ctx, func(tx *store.Tx) error {
		if s, err := m.ledger.SplitOf(ctx, tx, id); err != nil {
			return err
		} else if s != nil {
			return errs.E(errs.ECONFLICT, "Il movimento è ripartito su più flussi: annulla prima la ripartizione")
		}
		var err error
		if k, err = m.ledger.LinkMovement(ctx, tx, id, iuf, auth.FromContext(ctx).Name); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "reconcile.link", ObjectType: "reconcile_movement", ObjectID: id,
			Before: map[string]any{"iuf": k.CausaleIUF, "truncated": k.CausaleTruncated}, After: map[string]any{"iuf": k.IUF}})
	})
	return k, m.afterChange(ctx, err)
}

// unlinkMovement undoes a manual link and returns the link undone.
func (m *Module) unlinkMovement(ctx context.Context, id string) (ledger.Link, error) {
	var k ledger.Link
	err := m.deps.DB.Transact(ctx, func(tx *store.Tx) error {
		var err error
		if k, err = m.ledger.UnlinkMovement(ctx, tx, id, auth.FromContext(ctx).Name); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "reconcile.unlink", ObjectType: "reconcile_movement", ObjectID: id,
			Before: map[string]any{"iuf": k.IUF, "linked_by": k.LinkedBy}, After: map[string]any{"iuf": k.CausaleIUF, "truncated": k.CausaleTruncated}})
	})
	return k, m.afterChange(ctx, err)
}

// splitMovement splits a credit over the flows given; a choice that does not
// add up is refused naming both sums and the difference in euro.
func (m *Module) splitMovement(ctx context.Context, id string, iufs []string) (ledger.Split, error) {
	var s ledger.Split
	err := m.deps.DB.Transact(ctx, func(tx *store.Tx) error {
		var err error
		if s, err = m.ledger.SplitMovement(ctx, tx, id, iufs, auth.FromContext(ctx).Name); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "reconcile.split", ObjectType: "reconcile_movement", ObjectID: id,
			Before: map[string]any{"iuf": s.CausaleIUF, "truncated": s.CausaleTruncated}, After: map[string]any{"parts": s.Parts}})
	})
	var sum *ledger.SplitSumError
	if errors.As(err, &sum) {
		diff, more := sum.FlowsCents-sum.CreditCents, "in più"
		if diff < 0 {
			diff, more = -diff, "in meno"
		}
		err = errs.E(errs.EINVALID, "I flussi scelti sommano %s, l'accredito è di %s: %s %s. Scegli flussi che diano esattamente l'importo dell'accredito",
			web.Euro(sum.FlowsCents), web.Euro(sum.CreditCents), web.Euro(diff), more)
	}
	return s, m.afterChange(ctx, err)
}

// unsplitMovement undoes a split and returns the split undone.
func (m *Module) unsplitMovement(ctx context.Context, id string) (ledger.Split, error) {
	var s ledger.Split
	err := m.deps.DB.Transact(ctx, func(tx *store.Tx) error {
		var err error
		if s, err = m.ledger.UnsplitMovement(ctx, tx, id, auth.FromContext(ctx).Name); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "reconcile.unsplit", ObjectType: "reconcile_movement", ObjectID: id,
			Before: map[string]any{"parts": s.Parts, "linked_by": s.LinkedBy}, After: map[string]any{"iuf": s.CausaleIUF, "truncated": s.CausaleTruncated}})
	})
	return s, m.afterChange(ctx, err)
}

// afterChange schedules the reclassification of a committed link or split.
func (m *Module) afterChange(ctx context.Context, err error) error {
	if err != nil {
		return err
	}
	return m.scheduleClassify(ctx)
}
