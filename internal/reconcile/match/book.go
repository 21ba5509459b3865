package match

import (
	"cmp"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/arengo-pa/arengo/internal/reconcile/causale"
	"github.com/arengo-pa/arengo/internal/reconcile/flows"
)

// Book is the whole reconciliation held in memory: evidence in, classified
// items out, reclassifying only the keys that new evidence touches. The module
// does the same against the database; Book is the reference the generator's
// answers are checked against and the model of what "incremental" means.
type Book struct {
	ec            string // the ente's fiscal code: transfers to other beneficiaries are theirs to reconcile
	notifications map[string][]Notification
	receipts      map[string][]Receipt
	versions      map[string][]flowVersion // by IUF, oldest first
	movements     map[string]movement
	byIUF         map[string]map[string]bool // IUF → movement ids
	byIUV         map[string]map[string]bool // IUV → movement ids (credits)
	flowsOfIUV    map[string]map[string]bool // IUV → IUFs that ever reported it

	dirtyIUV, dirtyIUF, dirtyMov map[string]bool
	payments                     map[string][]Item // by IUV
	flowItems, movItems          map[string]Item
}

type flowVersion struct {
	id       string
	revision int64
	flowTime time.Time
	regDate  time.Time
	rows     map[string][]FlowRow // by IUV
	total    int64
}

type movement struct {
	flows.Movement
	parsed causale.Result
}

// NewBook returns an empty book for the ente with fiscal code ec.
func NewBook(ec string) *Book {
	return &Book{ec: ec,
		notifications: map[string][]Notification{}, receipts: map[string][]Receipt{}, versions: map[string][]flowVersion{},
		movements: map[string]movement{}, flowsOfIUV: map[string]map[string]bool{}, byIUF: map[string]map[string]bool{}, byIUV: map[string]map[string]bool{},
		dirtyIUV: map[string]bool{}, dirtyIUF: map[string]bool{}, dirtyMov: map[string]bool{},
		payments: map[string][]Item{}, flowItems: map[string]Item{}, movItems: map[string]Item{},
	}
}

// AddNotification records an ente notification (idempotent on IUD).
func (b *Book) AddNotification(n flows.Notification) {
	for _, old := range b.notifications[n.IUV] {
		if old.IUD == n.IUD {
			return
		}
	}
	b.notifications[n.IUV] = append(b.notifications[n.IUV], Notification{IUD: n.IUD, AmountCents: n.AmountCents, Date: n.Date})
	b.dirtyIUV[n.IUV] = true
}

// AddReceipt records a receipt (idempotent on its id).
func (b *Book) AddReceipt(r flows.Receipt, needsNotification bool) {
	for _, old := range b.receipts[r.IUV] {
		if old.ID == r.ReceiptID {
			return
		}
	}
	rc := Receipt{ID: r.ReceiptID, IUR: r.IUR, AmountCents: r.AmountCents, PaymentDate: r.PaymentDate, DebtType: r.DebtType, NeedsNotification: needsNotification}
	for _, t := range r.Transfers {
		if t.FiscalCodePA != "" && t.FiscalCodePA != b.ec {
			continue
		}
		rc.Transfers = append(rc.Transfers, ReceiptTransfer{Index: t.Index, AmountCents: t.AmountCents, Stamp: t.Stamp})
	}
	b.receipts[r.IUV] = append(b.receipts[r.IUV], rc)
	b.dirtyIUV[r.IUV] = true
}

// AddFlow records one version of a flow. The newest version (highest revision,
// then latest flow time) is the current one; older versions stop counting.
func (b *Book) AddFlow(versionID string, h flows.FlowHeader, rows []flows.FlowRow) {
	for _, v := range b.versions[h.IUF] {
		if v.id == versionID {
			return
		}
		for iuv := range v.rows {
			b.dirtyIUV[iuv] = true
		}
	}
	v := flowVersion{id: versionID, revision: h.Revision, flowTime: h.FlowTime, regDate: h.RegulationDate, rows: map[string][]FlowRow{}}
	for _, r := range rows {
		v.rows[r.IUV] = append(v.rows[r.IUV], FlowRow{ID: versionID + "#" + strconv.FormatInt(r.Index, 10), IUF: h.IUF, TransferIndex: r.TransferIndex,
			AmountCents: r.AmountCents, IUR: r.IUR, Outcome: r.Outcome, Date: r.Date})
		v.total += r.AmountCents
		b.dirtyIUV[r.IUV] = true
		add(b.flowsOfIUV, r.IUV, h.IUF)
	}
	vs := append(b.versions[h.IUF], v)
	slices.SortStableFunc(vs, func(a, b flowVersion) int {
		return cmp.Or(cmp.Compare(a.revision, b.revision), a.flowTime.Compare(b.flowTime), cmp.Compare(a.id, b.id))
	})
	b.versions[h.IUF] = vs
	b.dirtyIUF[h.IUF] = true
}

// ApplyMovement inserts an executed movement and deletes a reversed one.
func (b *Book) ApplyMovement(m flows.Movement) {
	if old, ok := b.movements[m.Key]; ok {
		b.touchMovement(old)
		delete(b.byIUF[old.parsed.IUF], m.Key)
		delete(b.byIUV[old.parsed.IUV], m.Key)
		delete(b.movements, m.Key)
		delete(b.movItems, m.Key)
	}
	switch m.Op {
	case "STORNATO":
		return
	case "ESEGUITO":
	default:
		// Regularisation changes the accounting state, not what the money pays for.
		return
	}
	mv := movement{Movement: m, parsed: causale.Parse(m.Causale)}
	b.movements[m.Key] = mv
	if mv.parsed.IUF != "" && !mv.parsed.Truncated {
		add(b.byIUF, mv.parsed.IUF, m.Key)
	}
	if mv.parsed.IUV != "" {
		add(b.byIUV, mv.parsed.IUV, m.Key)
	}
	b.touchMovement(mv)
}

func (b *Book) touchMovement(m movement) {
	b.dirtyMov[m.Key] = true
	if m.parsed.IUF != "" && !m.parsed.Truncated {
		b.dirtyIUF[m.parsed.IUF] = true
	}
	if m.parsed.IUV != "" {
		b.dirtyIUV[m.parsed.IUV] = true
	}
}

func add(m map[string]map[string]bool, k, v string) {
	if m[k] == nil {
		m[k] = map[string]bool{}
	}
	m[k][v] = true
}

func (b *Book) current(iuf string) *flowVersion {
	vs := b.versions[iuf]
	if len(vs) == 0 {
		return nil
	}
	return &vs[len(vs)-1]
}

func (b *Book) flowEvidence(iuf string) *FlowEvidence {
	v := b.current(iuf)
	if v == nil {
		return nil
	}
	f := &FlowEvidence{IUF: iuf, VersionID: v.id, TotalCents: v.total, RegulationDate: v.regDate}
	for _, id := range slices.Sorted(maps.Keys(b.byIUF[iuf])) {
		f.Movements = append(f.Movements, Credit{MovementID: id, AmountCents: b.movements[id].AmountCents})
	}
	return f
}

// Reclassify classifies every key touched since the last call and returns how
// many items changed (0 on a second call with no new evidence).
func (b *Book) Reclassify() int {
	changed := 0
	for iuf := range b.dirtyIUF {
		f := b.flowEvidence(iuf)
		for id := range b.byIUF[iuf] {
			b.dirtyMov[id] = true
		}
		if f == nil {
			continue
		}
		for iuv := range b.current(iuf).rows {
			b.dirtyIUV[iuv] = true
		}
		it := ClassifyFlow(*f)
		if old, ok := b.flowItems[iuf]; !ok || !sameItem(old, it) {
			b.flowItems[iuf] = it
			changed++
		}
	}
	for iuv := range b.dirtyIUV {
		for id := range b.byIUV[iuv] {
			b.dirtyMov[id] = true
		}
		items := ClassifyPayment(b.paymentEvidence(iuv))
		if !slices.EqualFunc(items, b.payments[iuv], sameItem) {
			changed += len(items)
			b.payments[iuv] = items
		}
	}
	for id := range b.dirtyMov {
		m, ok := b.movements[id]
		if !ok {
			continue
		}
		it := ClassifyMovement(b.movementEvidence(m))
		if old, ok := b.movItems[id]; !ok || !sameItem(old, it) {
			b.movItems[id] = it
			changed++
		}
	}
	clear(b.dirtyIUF)
	clear(b.dirtyIUV)
	clear(b.dirtyMov)
	return changed
}

func (b *Book) paymentEvidence(iuv string) PaymentEvidence {
	e := PaymentEvidence{IUV: iuv, Notifications: b.notifications[iuv], Receipts: b.receipts[iuv], Flows: map[string]FlowState{}}
	for iuf := range b.flowsOfIUV[iuv] {
		for _, r := range b.current(iuf).rows[iuv] {
			e.Rows = append(e.Rows, r)
			if _, ok := e.Flows[iuf]; !ok {
				f := b.flowEvidence(iuf)
				st := FlowState{IUF: iuf, TotalCents: f.TotalCents}
				for _, m := range f.Movements {
					st.TreasuryCents += m.AmountCents
					st.TreasuryCount++
					st.MovementIDs = append(st.MovementIDs, m.MovementID)
				}
				e.Flows[iuf] = st
			}
		}
	}
	for _, id := range slices.Sorted(maps.Keys(b.byIUV[iuv])) {
		e.Credits = append(e.Credits, Credit{MovementID: id, AmountCents: b.movements[id].AmountCents})
	}
	return e
}

func (b *Book) movementEvidence(m movement) MovementEvidence {
	me := MovementEvidence{ID: m.Key, AmountCents: m.AmountCents, Date: m.Date, IUF: m.parsed.IUF, IUV: m.parsed.IUV, Truncated: m.parsed.Truncated}
	if me.IUF != "" && !me.Truncated {
		me.Flow = b.flowEvidence(me.IUF)
	}
	if me.IUV != "" {
		if rs := b.receipts[me.IUV]; len(rs) > 0 {
			first := slices.MinFunc(rs, func(a, b Receipt) int { return cmp.Compare(a.ID, b.ID) })
			me.ReceiptCents, me.HasReceipt = first.AmountCents, true
		}
		for id := range b.byIUV[me.IUV] {
			me.CreditCents += b.movements[id].AmountCents
		}
	}
	return me
}

// Items returns every current item, ordered by kind and key.
func (b *Book) Items() []Item {
	var out []Item
	for _, its := range b.payments {
		out = append(out, its...)
	}
	out = slices.AppendSeq(out, maps.Values(b.flowItems))
	out = slices.AppendSeq(out, maps.Values(b.movItems))
	slices.SortFunc(out, func(a, b Item) int { return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Key, b.Key)) })
	return out
}

func sameItem(a, b Item) bool {
	return a.Kind == b.Kind && a.Key == b.Key && a.Code == b.Code && a.AmountCents == b.AmountCents && a.Day.Equal(b.Day) &&
		a.IUV == b.IUV && a.IUF == b.IUF && a.DebtType == b.DebtType && sameWhy(a.Why, b.Why)
}

// sameWhy compares the evidence and the message with its arguments: together
// with the item's columns they decide the explanation an operator reads.
func sameWhy(a, b Why) bool {
	return a.Msg == b.Msg && a.Receipt == b.Receipt && a.Notification == b.Notification && slices.Equal(a.FlowRows, b.FlowRows) &&
		slices.Equal(a.Movements, b.Movements) && a.Compared == b.Compared && a.Expected == b.Expected && a.Found == b.Found &&
		a.Outcome == b.Outcome && a.LinkedBy == b.LinkedBy && a.SplitBy == b.SplitBy && slices.Equal(a.Shares, b.Shares) && a.Flow == b.Flow
}
