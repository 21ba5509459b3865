package reports

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/arengo-pa/arengo/internal/events"
	"github.com/arengo-pa/arengo/internal/reports/open311"
	"github.com/arengo-pa/arengo/internal/reports/workflow"
	"github.com/arengo-pa/arengo/internal/store"
)

// listIndex is this process's copy of what the Open311 listing filters and
// sorts on: 40 bytes per report, ordered like the listing (created_at, id),
// so a page is a binary search and a short backward walk instead of an
// index range scan that reads about four entries per listed report.
//
// It is exactly as fresh as a SQL query. Every write to reports_report
// appends a reports.* event naming the report in the same transaction
// (s.event and appendEvent; the filing included), and outbox seq order is
// commit order; so before each page the index reads the outbox head and, if
// it is behind, re-reads the index columns of the reports named by the
// events since, in the database's current state. The page then reflects
// every write committed before it began, whichever process or server made
// it. A new process builds the index from the table on its first page, so
// rows written without events before that (the benchmark's generator) are
// in it; such writes after that point are not seen, which is why every
// change must go through s.event.
//
// created_at never changes after the filing (no statement writes it), so a
// report keeps its place and an event moves nothing, it rewrites in place.
type listIndex struct {
	// catchUp lets one request at a time apply events; the others that
	// need them wait for it, those already served by seq go on reading.
	catchUp sync.Mutex
	mu      sync.RWMutex
	loaded  bool
	// unfit: the data holds what the index cannot (errIndexUnfit); pages
	// are rendered from the rows until the process restarts.
	unfit bool
	seq   int64 // outbox position the index reflects
	// labels counts the category and state events applied (and loads): the
	// labels a page reads are cached under it (open311LabelCache).
	labels uint64
	rows   []listEntry
	cats   interner // category ids
	states interner // state codes
	types  interner // state types
}

// listEntry is one report. Ids are the canonical text of a UUID (store.NewID),
// kept as its 16 bytes: the byte order is the text order, so (created, id)
// sorts as the SQL listing does.
type listEntry struct {
	id      [16]byte
	created int64 // UnixNano
	updated int64 // UnixNano
	rev     int32 // o311_rev
	cat     uint16
	state   uint8
	typ     uint8
}

func compareEntries(a, b listEntry) int {
	return cmp.Or(cmp.Compare(a.created, b.created), slices.Compare(a.id[:], b.id[:]))
}

// interner numbers the few distinct strings of a column.
type interner struct {
	names []string
	of    map[string]int
}

func (in *interner) number(name string, max int) (int, error) {
	if n, ok := in.of[name]; ok {
		return n, nil
	}
	if len(in.names) > max {
		return 0, errIndexUnfit
	}
	if in.of == nil {
		in.of = map[string]int{}
	}
	in.of[name] = len(in.names)
	in.names = append(in.names, name)
	return len(in.names) - 1, nil
}

// errIndexUnfit: data the index cannot hold (an id that is not a canonical
// UUID, more categories or states than it numbers). The page is then
// rendered from the rows.
var errIndexUnfit = errors.New("listing index: data it cannot hold")

// indexCols are the columns of a listEntry.
const indexCols = `id, created_at, updated_at, o311_rev, category_id, state, state_type`

// indexRow is a listEntry as read, before its strings are numbered.
type indexRow struct {
	id                  [16]byte
	created, updated    time.Time
	rev                 int64
	cat, state, typ, ID string
}

type rowScanner interface{ Scan(...any) error }

func scanIndexRow(rows rowScanner) (indexRow, error) {
	var r indexRow
	if err := rows.Scan(&r.ID, &r.created, &r.updated, &r.rev, &r.cat, &r.state, &r.typ); err != nil {
		return r, err
	}
	var ok bool
	if r.id, ok = parseID(r.ID); !ok {
		return r, errIndexUnfit
	}
	return r, nil
}

// entry numbers r's strings; under x.mu.
func (x *listIndex) entry(r *indexRow) (listEntry, error) {
	cat, err := x.cats.number(r.cat, 1<<16-1)
	if err != nil {
		return listEntry{}, err
	}
	state, err := x.states.number(r.state, 1<<8-1)
	if err != nil {
		return listEntry{}, err
	}
	typ, err := x.types.number(r.typ, 1<<8-1)
	if err != nil {
		return listEntry{}, err
	}
	return listEntry{id: r.id, created: r.created.UnixNano(), updated: r.updated.UnixNano(), rev: int32(r.rev),
		cat: uint16(cat), state: uint8(state), typ: uint8(typ)}, nil
}

// catchUpBatch bounds the events read, and so the reports re-read, at once.
const catchUpBatch = 500

// reloadBehind: an index this many events behind (a process that served no
// listing for long) is rebuilt from the table rather than caught up.
const reloadBehind = 200_000

// sync brings the index up to the outbox head read now: after it returns,
// the index reflects every write committed before the call.
func (x *listIndex) sync(ctx context.Context, db *store.DB) error {
	head, err := events.Head(ctx, db)
	if err != nil {
		return err
	}
	x.mu.RLock()
	done := x.loaded && x.seq >= head
	x.mu.RUnlock()
	if done {
		return nil
	}
	x.catchUp.Lock()
	defer x.catchUp.Unlock()
	// seq, loaded and unfit change only under catchUp: read them without mu.
	if x.unfit {
		return errIndexUnfit
	}
	if err := x.advance(ctx, db, head); err != nil {
		if errors.Is(err, errIndexUnfit) {
			x.mu.Lock()
			x.unfit, x.loaded, x.rows = true, false, nil
			x.mu.Unlock()
		}
		return err
	}
	return nil
}

// advance loads the index or applies the events up to head; under catchUp.
func (x *listIndex) advance(ctx context.Context, db *store.DB, head int64) error {
	if !x.loaded || head-x.seq > reloadBehind {
		return x.load(ctx, db)
	}
	for x.seq < head {
		evs, err := events.After(ctx, db, x.seq, "reports.", catchUpBatch)
		if err != nil {
			return err
		}
		next := head
		if len(evs) == catchUpBatch {
			next = evs[len(evs)-1].Seq
		} else if len(evs) > 0 {
			next = max(head, evs[len(evs)-1].Seq)
		}
		var ids []string
		seen := map[string]bool{}
		labels := false
		for _, e := range evs {
			switch e.AggregateType {
			case "report":
				if !seen[e.AggregateID] {
					seen[e.AggregateID] = true
					ids = append(ids, e.AggregateID)
				}
			case "category", "state":
				labels = true
			}
		}
		rows, err := readIndexRows(ctx, db, ids)
		if err != nil {
			return err
		}
		if err := x.apply(ids, rows, next, labels); err != nil {
			return err
		}
	}
	return nil
}

// load builds the index from the table. The head is read first: the rows
// read after it include every write up to it (and maybe later ones, whose
// events will rewrite the same entries).
func (x *listIndex) load(ctx context.Context, db *store.DB) error {
	head, err := events.Head(ctx, db)
	if err != nil {
		return err
	}
	var n int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM reports_report`).Scan(&n); err != nil {
		return fmt.Errorf("listing index: %w", err)
	}
	rows, err := db.QueryContext(ctx, `SELECT `+indexCols+` FROM reports_report`)
	if err != nil {
		return fmt.Errorf("listing index: %w", err)
	}
	defer rows.Close()
	// Built aside, so pages already served by this index go on meanwhile.
	var fresh listIndex
	// Room for some growth without copying the whole index soon.
	fresh.rows = make([]listEntry, 0, n+n/16+64)
	for rows.Next() {
		r, err := scanIndexRow(rows)
		if err != nil {
			return err
		}
		e, err := fresh.entry(&r)
		if err != nil {
			return err
		}
		fresh.rows = append(fresh.rows, e)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if !slices.IsSortedFunc(fresh.rows, compareEntries) {
		slices.SortFunc(fresh.rows, compareEntries)
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	x.rows, x.cats, x.states, x.types = fresh.rows, fresh.cats, fresh.states, fresh.types
	x.seq, x.loaded = head, true
	x.labels++
	return nil
}

// readIndexRows reads the index columns of the given reports.
func readIndexRows(ctx context.Context, db *store.DB, ids []string) ([]indexRow, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	in, arg, err := idsIn(db.Engine, ids)
	if err != nil {
		return nil, err
	}
	rows, err := db.QueryContext(ctx, `SELECT `+indexCols+` FROM reports_report WHERE id `+in, arg)
	if err != nil {
		return nil, fmt.Errorf("listing index: %w", err)
	}
	defer rows.Close()
	var out []indexRow
	for rows.Next() {
		r, err := scanIndexRow(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// idsIn is "IN (…)" over ids passed as one parameter, a JSON array: with
// one numbered parameter per id, SQLite takes time quadratic in their
// number to parse and bind the statement (hundreds of ids: longer than the
// reads themselves).
func idsIn(e store.Engine, ids []string) (string, string, error) {
	list, err := json.Marshal(ids)
	if err != nil {
		return "", "", err
	}
	if e == store.Postgres {
		return "IN (SELECT json_array_elements_text($1::json))", string(list), nil
	}
	return "IN (SELECT value FROM json_each($1))", string(list), nil
}

// apply writes the re-read rows into the index and moves it to seq next;
// reports named by events but no longer in the table are dropped.
func (x *listIndex) apply(ids []string, rows []indexRow, next int64, labels bool) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	found := make(map[string]bool, len(rows))
	for i := range rows {
		found[rows[i].ID] = true
		e, err := x.entry(&rows[i])
		if err != nil {
			return err
		}
		at, ok := slices.BinarySearchFunc(x.rows, e, compareEntries)
		if ok {
			x.rows[at] = e
		} else {
			x.rows = slices.Insert(x.rows, at, e)
		}
	}
	for _, id := range ids {
		if found[id] {
			continue
		}
		if uid, ok := parseID(id); ok {
			x.rows = slices.DeleteFunc(x.rows, func(e listEntry) bool { return e.id == uid })
		}
	}
	x.seq = next
	if labels {
		x.labels++
	}
	return nil
}

// listFilter is a GET /requests query over the index (not by id).
type listFilter struct {
	start, end          int64  // created, inclusive
	cats                []bool // by category number
	open, done          bool   // status open; status closed (fixed or closed types)
	after, before       int64  // updated, exclusive, when set
	hasAfter, hasBefore bool
	offset, limit       int
}

func newListFilter(x *listIndex, q open311.Query, public []string) listFilter {
	f := listFilter{start: q.Start.UnixNano(), end: q.End.UnixNano(), offset: q.Offset(), limit: q.PageSize,
		cats: make([]bool, len(x.cats.names))}
	for _, id := range public {
		if n, ok := x.cats.of[id]; ok {
			f.cats[n] = true
		}
	}
	if len(q.Statuses) == 1 {
		f.open, f.done = q.Statuses[0] == open311.Open, q.Statuses[0] != open311.Open
	}
	f.hasAfter, f.after = !q.UpdatedAfter.IsZero(), q.UpdatedAfter.UnixNano()
	f.hasBefore, f.before = !q.UpdatedBefore.IsZero(), q.UpdatedBefore.UnixNano()
	return f
}

// each calls fn for the reports of the page, newest first; under x.mu.RLock.
func (x *listIndex) each(f listFilter, fn func(e *listEntry)) {
	if f.offset < 0 || f.limit <= 0 {
		return
	}
	typeOK := make([]bool, len(x.types.names))
	for n, t := range x.types.names {
		switch workflow.Type(t) {
		case workflow.Hidden:
		case workflow.Open:
			typeOK[n] = !f.done
		case workflow.Fixed, workflow.Closed:
			typeOK[n] = !f.open
		default:
			typeOK[n] = !f.open && !f.done
		}
	}
	rows := x.rows
	// The first report created after the window.
	hi, _ := slices.BinarySearchFunc(rows, f.end, func(e listEntry, end int64) int {
		if e.created > end {
			return 1
		}
		return -1
	})
	skip, n := f.offset, 0
	for i := hi - 1; i >= 0 && n < f.limit; i-- {
		e := &rows[i]
		if e.created < f.start {
			break
		}
		if !f.cats[e.cat] || !typeOK[e.typ] || (f.hasAfter && e.updated <= f.after) || (f.hasBefore && e.updated >= f.before) {
			continue
		}
		if skip > 0 {
			skip--
			continue
		}
		fn(e)
		n++
	}
}

// parseID reads the canonical text of a UUID (lowercase, hyphenated).
func parseID(s string) (id [16]byte, ok bool) {
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return id, false
	}
	for k, at := range idDigits {
		hi, ok1 := fromHex(s[at])
		lo, ok2 := fromHex(s[at+1])
		if !ok1 || !ok2 {
			return id, false
		}
		id[k] = hi<<4 | lo
	}
	return id, true
}

// idDigits are where each byte's two hex digits start in the text.
var idDigits = [16]int{0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34}

func fromHex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	}
	return 0, false
}

// formatID writes the canonical text of id into dst.
func formatID(dst *[36]byte, id *[16]byte) {
	const hex = "0123456789abcdef"
	dst[8], dst[13], dst[18], dst[23] = '-', '-', '-', '-'
	for k, at := range idDigits {
		dst[at], dst[at+1] = hex[id[k]>>4], hex[id[k]&15]
	}
}

func idString(id *[16]byte) string {
	var b [36]byte
	formatID(&b, id)
	return string(b[:])
}
