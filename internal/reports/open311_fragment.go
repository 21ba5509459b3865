package reports

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/arengo-pa/arengo/internal/reports/open311"
	"github.com/arengo-pa/arengo/internal/reports/workflow"
	"github.com/arengo-pa/arengo/internal/store"
)

// Each report keeps its Open311 representation pre-rendered (columns
// o311_json and o311_xml, see open311.Fragment), rewritten in the
// transaction of every change: s.event, which every report change calls,
// re-renders it from the row as the change left it. Labels of states and
// categories are not in it; the listing reads them fresh for each page.

// fragmentCols are the public columns a fragment is made of: no reporter
// field, so none can reach an answer.
const fragmentCols = `number, state_type, title, details, office, created_at, updated_at, deadline_at,
	address, address_id, zipcode, lat, lon, media_url`

// Open311Fragment renders the public part of r as Open311 JSON and XML.
// The benchmark's generator uses it to fill the columns the way the module does.
func Open311Fragment(r *Report) (open311.Fragment, error) {
	return open311.NewFragment(open311.Request{
		ServiceRequestID:  r.Number,
		Status:            r.StateType.Open311Status(),
		Description:       open311.Text(r.Title + "\n" + r.Details),
		AgencyResponsible: open311.Text(r.Office),
		RequestedDatetime: open311.At(r.CreatedAt), UpdatedDatetime: open311.At(r.UpdatedAt), ExpectedDatetime: open311.At(r.DeadlineAt),
		Address: open311.Text(r.Address), AddressID: open311.Text(r.AddressID), Zipcode: open311.Text(r.Zipcode),
		Lat: r.Lat.Float64, Long: r.Lon.Float64, MediaURL: open311.Text(r.MediaURL),
	})
}

// loadFragment renders the fragment of report id from its row.
func loadFragment(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, id string) (open311.Fragment, error) {
	var r Report
	var typ string
	err := q.QueryRowContext(ctx, `SELECT `+fragmentCols+` FROM reports_report WHERE id = $1`, id).Scan(&r.Number, &typ,
		&r.Title, &r.Details, &r.Office, &r.CreatedAt, &r.UpdatedAt, &r.DeadlineAt, &r.Address, &r.AddressID, &r.Zipcode,
		&r.Lat, &r.Lon, &r.MediaURL)
	if err != nil {
		return open311.Fragment{}, fmt.Errorf("open311 fragment of %s: %w", id, err)
	}
	r.StateType = workflow.Type(typ)
	return Open311Fragment(&r)
}

// refreshFragment re-renders report id's fragment inside tx, after the
// change tx made to it.
func refreshFragment(ctx context.Context, tx *store.Tx, id string) error {
	frag, err := loadFragment(ctx, tx, id)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE reports_report SET o311_json = $1, o311_xml = $2, o311_rev = o311_rev + 1 WHERE id = $3`,
		frag.JSON, frag.XML, id); err != nil {
		return fmt.Errorf("open311 fragment of %s: %w", id, err)
	}
	return nil
}

// open311Shared are the encoded labels of one page: read for every page,
// so a renamed state or category, or a category made private, shows at once.
type open311Shared struct {
	fills  open311.Fills
	cats   map[string]sharedCategory // by id
	states map[string]string         // state code → status_notes fill
	public []string                  // ids of public categories
	byCode map[string]string         // code → id, public only
}

type sharedCategory struct{ service, notice string }

// fillMemo keeps encoded labels by their text: the labels are read from
// the tables for every page, but encoding them again is wasted work.
type fillMemo struct {
	mu sync.Mutex
	m  map[fillKey]string
}

type fillKey struct {
	f    open311.Format
	kind byte
	a, b string
}

func (m *fillMemo) get(k fillKey, encode func() (string, error)) (string, error) {
	m.mu.Lock()
	v, ok := m.m[k]
	m.mu.Unlock()
	if ok {
		return v, nil
	}
	v, err := encode()
	if err != nil {
		return "", err
	}
	m.mu.Lock()
	if m.m == nil || len(m.m) >= 4096 {
		m.m = map[fillKey]string{}
	}
	m.m[k] = v
	m.mu.Unlock()
	return v, nil
}

func (s *Service) loadOpen311Shared(ctx context.Context, f open311.Format, baseURL string) (*open311Shared, error) {
	fills, err := open311.NewFills(f, baseURL)
	if err != nil {
		return nil, err
	}
	sh := &open311Shared{fills: fills, cats: map[string]sharedCategory{}, states: map[string]string{}, byCode: map[string]string{}}
	rows, err := s.db.QueryContext(ctx, `SELECT 'c', id, code, name, deadline_days, private FROM reports_category
		UNION ALL SELECT 's', code, '', label, 0, FALSE FROM reports_state`)
	if err != nil {
		return nil, fmt.Errorf("open311 labels: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind, id, code, name string
		var days int
		var private bool
		if err := rows.Scan(&kind, &id, &code, &name, &days, &private); err != nil {
			return nil, err
		}
		if kind == "s" {
			if sh.states[id], err = s.fills.get(fillKey{f, 's', name, ""}, func() (string, error) { return fills.StateFill(open311.Text(name)) }); err != nil {
				return nil, err
			}
			continue
		}
		if private {
			continue
		}
		var c sharedCategory
		if c.service, err = s.fills.get(fillKey{f, 'c', name, code}, func() (string, error) { return fills.ServiceFill(name, code) }); err != nil {
			return nil, err
		}
		notice := fmt.Sprintf("Risposta prevista entro %d giorni", days)
		if c.notice, err = s.fills.get(fillKey{f, 'n', notice, ""}, func() (string, error) { return fills.NoticeFill(open311.Text(notice)) }); err != nil {
			return nil, err
		}
		sh.cats[id], sh.byCode[code] = c, id
		sh.public = append(sh.public, id)
	}
	return sh, rows.Err()
}

// Open311Page answers GET /requests already encoded in format f: the same
// reports, order and bytes as Encode(f, Open311Requests(…)), assembled from
// the stored fragments.
func (s *Service) Open311Page(ctx context.Context, q open311.Query, f open311.Format, baseURL string) ([]byte, error) {
	sh, err := s.loadOpen311Shared(ctx, f, baseURL)
	if err != nil {
		return nil, err
	}
	var conds []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	in := func(col string, vals []string) string {
		ph := make([]string, len(vals))
		for i, v := range vals {
			ph[i] = arg(v)
		}
		return col + " IN (" + strings.Join(ph, ",") + ")"
	}
	cats := sh.public
	if len(q.IDs) > 0 {
		conds = append(conds, in("r.number", q.IDs))
	} else {
		conds = append(conds, "r.created_at >= "+arg(q.Start), "r.created_at <= "+arg(q.End))
		if len(q.ServiceCodes) > 0 {
			cats = nil
			for _, code := range q.ServiceCodes {
				if id, ok := sh.byCode[code]; ok {
					cats = append(cats, id)
				}
			}
		}
		if len(q.Statuses) == 1 {
			if q.Statuses[0] == open311.Open {
				conds = append(conds, "r.state_type = 'open'")
			} else {
				conds = append(conds, "r.state_type IN ('fixed','closed')")
			}
		}
		if !q.UpdatedAfter.IsZero() {
			conds = append(conds, "r.updated_at > "+arg(q.UpdatedAfter))
		}
		if !q.UpdatedBefore.IsZero() {
			conds = append(conds, "r.updated_at < "+arg(q.UpdatedBefore))
		}
	}
	page := open311.NewPage(sh.fills, 600*q.PageSize)
	if len(cats) == 0 {
		return page.Bytes(), nil
	}
	// Only public categories, on the report's own column so that the
	// listing index filters it.
	conds = append(conds, in("r.category_id", cats))
	// With most fragments remembered, the page reads only the listing
	// index and takes fragments from memory; otherwise (a new process, or
	// the last page was mostly elsewhere) it reads them in the same query
	// and remembers them.
	memo := s.frags.of(f)
	warm := memo.isWarm()
	cols := "r.category_id, r.state, r.id, r.o311_rev"
	if !warm {
		cols += ", r.o311_json"
		if f == open311.XML {
			cols = "r.category_id, r.state, r.id, r.o311_rev, r.o311_xml"
		}
	}
	if q.Extensions {
		// The filing note carries the creation time.
		cols += ", r.created_at"
	}
	query := `SELECT ` + cols + ` FROM reports_report r WHERE r.state_type <> 'hidden' AND ` +
		strings.Join(conds, " AND ") + ` ORDER BY r.created_at DESC, r.id DESC LIMIT ` + arg(q.PageSize) + ` OFFSET ` + arg(q.Offset())
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("open311 requests: %w", err)
	}
	defer rows.Close()
	type item struct {
		state, service, notice string // fills
		id                     string // for fragments not remembered, and notes
		rev                    int64
		parts                  open311.Parts
		created                time.Time
	}
	items := make([]item, 0, min(q.PageSize, 1000))
	var cat, state, id, frag sql.RawBytes
	var rev int64
	var created time.Time
	dest := []any{&cat, &state, &id, &rev}
	if !warm {
		dest = append(dest, &frag)
	}
	if q.Extensions {
		dest = append(dest, &created)
	}
	var misses []int
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		c, okc := sh.cats[string(cat)]
		st, oks := sh.states[string(state)]
		if !okc || !oks {
			// A state or category newer than the labels read above.
			rows.Close()
			return s.open311PageSlow(ctx, q, f, baseURL)
		}
		it := item{state: st, service: c.service, notice: c.notice, rev: rev, created: created}
		switch pt, ok := memo.get(string(id), rev); {
		case ok:
			it.parts = pt
			if q.Extensions {
				it.id = string(id)
			}
		case warm:
			it.id = string(id)
			misses = append(misses, len(items))
		default:
			if len(frag) == 0 {
				// Written before fragments existed (migration 002).
				rows.Close()
				return s.open311PageSlow(ctx, q, f, baseURL)
			}
			it.id = string(id)
			if it.parts, err = open311.SplitFragment(string(frag)); err != nil {
				return nil, err
			}
			memo.put(it.id, rev, it.parts)
		}
		items = append(items, it)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	memo.observe(len(items)-len(misses), len(items))
	// Fragments not remembered (or changed since) are read by id.
	for len(misses) > 0 {
		chunk := misses[:min(len(misses), 100)]
		misses = misses[len(chunk):]
		ids := make([]string, len(chunk))
		for i, k := range chunk {
			ids[i] = items[k].id
		}
		got, err := s.readFragments(ctx, f, ids)
		if err != nil {
			return nil, err
		}
		for _, k := range chunk {
			fr, ok := got[items[k].id]
			if !ok || fr.rev != items[k].rev || fr.frag == "" {
				// Changed between the two reads, or written before
				// fragments existed (migration 002): render from the rows.
				return s.open311PageSlow(ctx, q, f, baseURL)
			}
			if items[k].parts, err = open311.SplitFragment(fr.frag); err != nil {
				return nil, err
			}
			memo.put(items[k].id, fr.rev, items[k].parts)
		}
	}
	var notes map[string][]open311.Note
	if q.Extensions && len(items) > 0 {
		ids := make([]string, len(items))
		for i, it := range items {
			ids[i] = it.id
		}
		if notes, err = s.publicNotes(ctx, ids); err != nil {
			return nil, err
		}
	}
	for i := range items {
		it := &items[i]
		var enc []byte
		if q.Extensions {
			all := append([]open311.Note{{Datetime: open311.At(it.created), Description: filedText, Type: KindCreated}}, notes[it.id]...)
			if enc, err = open311.EncodeNotes(f, all); err != nil {
				return nil, err
			}
		}
		page.AddParts(&it.parts, it.state, it.service, it.notice, enc)
	}
	return page.Bytes(), nil
}

// readFragments reads the stored fragments of the given reports.
func (s *Service) readFragments(ctx context.Context, f open311.Format, ids []string) (map[string]storedFrag, error) {
	col := "o311_json"
	if f == open311.XML {
		col = "o311_xml"
	}
	ph := make([]string, len(ids))
	args := make([]any, len(ids))
	for i, id := range ids {
		ph[i], args[i] = "$"+strconv.Itoa(i+1), id
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, o311_rev, `+col+` FROM reports_report WHERE id IN (`+strings.Join(ph, ",")+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("open311 fragments: %w", err)
	}
	defer rows.Close()
	out := make(map[string]storedFrag, len(ids))
	for rows.Next() {
		var id string
		var m storedFrag
		if err := rows.Scan(&id, &m.rev, &m.frag); err != nil {
			return nil, err
		}
		out[id] = m
	}
	return out, rows.Err()
}

type storedFrag struct {
	rev  int64
	frag string
}

// fragMemo remembers fragments in this process by report id and revision
// (o311_rev, bumped by every rewrite and read from the listing index with
// every page), so a remembered fragment is used only while it is still the
// stored one: no staleness, whichever process changed the report.
type fragMemo struct {
	json, xml fragTable
}

type fragTable struct {
	mu sync.RWMutex
	m  map[string]memoFrag
	// warm: the last page found at least half of its fragments here.
	warm atomic.Bool
}

type memoFrag struct {
	rev   int64
	parts open311.Parts
}

// maxMemoFrags bounds each format's memo (about 30 MB of fragments).
const maxMemoFrags = 50_000

func (m *fragMemo) of(f open311.Format) *fragTable {
	if f == open311.XML {
		return &m.xml
	}
	return &m.json
}

func (t *fragTable) isWarm() bool { return t.warm.Load() }

// observe records how many of a page's fragments were remembered.
func (t *fragTable) observe(hits, total int) {
	t.warm.Store(total == 0 || 2*hits >= total)
}

func (t *fragTable) get(id string, rev int64) (open311.Parts, bool) {
	t.mu.RLock()
	e, ok := t.m[id]
	t.mu.RUnlock()
	if !ok || e.rev != rev {
		return open311.Parts{}, false
	}
	return e.parts, true
}

func (t *fragTable) put(id string, rev int64, parts open311.Parts) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.m == nil {
		t.m = map[string]memoFrag{}
	}
	if len(t.m) >= maxMemoFrags {
		// Forget a tenth, whichever the map yields first.
		n := maxMemoFrags / 10
		for k := range t.m {
			delete(t.m, k)
			if n--; n == 0 {
				break
			}
		}
	}
	t.m[id] = memoFrag{rev: rev, parts: parts}
}

// ForgetOpen311Fragments empties this process's fragment memo: the
// benchmark uses it to measure pages whose fragments all come from the
// database.
func (s *Service) ForgetOpen311Fragments() {
	for _, t := range []*fragTable{&s.frags.json, &s.frags.xml} {
		t.mu.Lock()
		t.m = nil
		t.mu.Unlock()
		t.warm.Store(false)
	}
}

// open311PageSlow renders every report of the page from its row.
func (s *Service) open311PageSlow(ctx context.Context, q open311.Query, f open311.Format, baseURL string) ([]byte, error) {
	list, err := s.Open311Requests(ctx, q, baseURL)
	if err != nil {
		return nil, err
	}
	return open311.Encode(f, list)
}
