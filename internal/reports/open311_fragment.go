package reports

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/arengo-pa/arengo/internal/reports/open311"
	"github.com/arengo-pa/arengo/internal/reports/workflow"
	"github.com/arengo-pa/arengo/internal/store"
)

// Each report keeps its Open311 representation pre-rendered (columns
// o311_json and o311_xml, see open311.Fragment), rewritten in the
// transaction of every change: s.event, which every report change calls,
// re-renders it from the row as the change left it. Labels of states and
// categories are not in it; the listing reads them from their tables again
// after every change to them (open311Labels).

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

// open311Shared are the encoded labels of a page: read again after every
// change to them, so a renamed state or category, or a category made
// private, shows in the next page.
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

// open311Labels keeps the labels of pages (open311Shared) by format and base
// URL under the listing index's count of category and state events: a page
// takes them only while the index has applied no such event since they were
// read, so they are as fresh as the index itself.
type open311Labels struct {
	mu  sync.Mutex
	gen uint64
	m   map[labelKey]*open311Shared
}

type labelKey struct {
	f    open311.Format
	base string
}

func (s *Service) cachedOpen311Shared(ctx context.Context, f open311.Format, baseURL string, gen uint64) (*open311Shared, error) {
	c, k := &s.frags.labels, labelKey{f, baseURL}
	c.mu.Lock()
	sh, ok := c.m[k]
	ok = ok && c.gen == gen
	c.mu.Unlock()
	if ok {
		return sh, nil
	}
	sh, err := s.loadOpen311Shared(ctx, f, baseURL)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen > c.gen || c.m == nil {
		c.gen, c.m = gen, map[labelKey]*open311Shared{}
	}
	if gen == c.gen {
		c.m[k] = sh
	}
	return sh, nil
}

// errSlowPage sends a page to open311PageSlow: a state newer than the
// labels read, a fragment rewritten between two reads, or rows written
// before fragments existed (migration 002).
var errSlowPage = errors.New("open311 page from the rows")

// pageItem is one report of a page.
type pageItem struct {
	id                     [16]byte
	state, service, notice string // fills
	rev                    int64
	created                int64 // UnixNano, for the filing note
	parts                  open311.Parts
}

// Open311Page answers GET /requests already encoded in format f: the same
// reports, order and bytes as Encode(f, Open311Requests(…)), assembled from
// the stored fragments. The reports of a page come from the listing index
// (listindex.go), or for service_request_id from the table by number; their
// fragments from this process's memo, or one query by id.
func (s *Service) Open311Page(ctx context.Context, q open311.Query, f open311.Format, baseURL string) ([]byte, error) {
	body, release, err := s.open311PageBuf(ctx, q, f, baseURL)
	if err != nil {
		return nil, err
	}
	defer release()
	return append([]byte{}, body...), nil
}

// open311PageBuf is Open311Page in a pooled buffer, which release gives back
// once body has been written.
func (s *Service) open311PageBuf(ctx context.Context, q open311.Query, f open311.Format, baseURL string) (body []byte, release func(), err error) {
	var sh *open311Shared
	var items []pageItem
	if len(q.IDs) > 0 {
		sh, items, err = s.open311ByNumber(ctx, q, f, baseURL)
	} else {
		sh, items, err = s.open311FromIndex(ctx, q, f, baseURL)
	}
	if err == nil {
		if body, release, err = s.assemble(ctx, q, f, sh, items); err == nil {
			return body, release, nil
		}
	}
	if errors.Is(err, errSlowPage) || errors.Is(err, errIndexUnfit) {
		body, err = s.open311PageSlow(ctx, q, f, baseURL)
		return body, func() {}, err
	}
	return nil, nil, err
}

func (s *Service) open311FromIndex(ctx context.Context, q open311.Query, f open311.Format, baseURL string) (*open311Shared, []pageItem, error) {
	x := &s.frags.index
	if err := x.sync(ctx, s.db); err != nil {
		return nil, nil, err
	}
	x.mu.RLock()
	gen := x.labels
	x.mu.RUnlock()
	sh, err := s.cachedOpen311Shared(ctx, f, baseURL, gen)
	if err != nil {
		return nil, nil, err
	}
	// Only public categories.
	cats := sh.public
	if len(q.ServiceCodes) > 0 {
		cats = nil
		for _, code := range q.ServiceCodes {
			if id, ok := sh.byCode[code]; ok {
				cats = append(cats, id)
			}
		}
	}
	if len(cats) == 0 {
		return sh, nil, nil
	}
	items := make([]pageItem, 0, min(q.PageSize, 1000))
	unknown := false
	x.mu.RLock()
	// The fills by the index's numbers, looked up once per page.
	catFills := make([]sharedCategory, len(x.cats.names))
	for n, id := range x.cats.names {
		catFills[n] = sh.cats[id]
	}
	stateFills := make([]*string, len(x.states.names))
	for n, code := range x.states.names {
		if st, ok := sh.states[code]; ok {
			stateFills[n] = &st
		}
	}
	x.each(newListFilter(x, q, cats), func(e *listEntry) {
		c, st := &catFills[e.cat], stateFills[e.state]
		if st == nil {
			unknown = true
			return
		}
		items = append(items, pageItem{id: e.id, state: *st, service: c.service, notice: c.notice, rev: int64(e.rev), created: e.created})
	})
	x.mu.RUnlock()
	if unknown {
		// A state the labels lack was not added through the outbox (the
		// seeding of a newer version): read the labels again next time.
		s.frags.labels.mu.Lock()
		s.frags.labels.m = nil
		s.frags.labels.mu.Unlock()
		return nil, nil, errSlowPage
	}
	return sh, items, nil
}

// open311ByNumber reads the reports of a service_request_id query from the
// table (a lookup by number: the index does not keep numbers).
func (s *Service) open311ByNumber(ctx context.Context, q open311.Query, f open311.Format, baseURL string) (*open311Shared, []pageItem, error) {
	sh, err := s.loadOpen311Shared(ctx, f, baseURL)
	if err != nil || len(sh.public) == 0 {
		return sh, nil, err
	}
	var args []any
	in := func(col string, vals []string) string {
		ph := make([]string, len(vals))
		for i, v := range vals {
			args = append(args, v)
			ph[i] = "$" + strconv.Itoa(len(args))
		}
		return col + " IN (" + strings.Join(ph, ",") + ")"
	}
	query := `SELECT r.id, r.category_id, r.state, r.o311_rev, r.created_at FROM reports_report r WHERE r.state_type <> 'hidden' AND ` +
		in("r.number", q.IDs) + ` AND ` + in("r.category_id", sh.public) + ` ORDER BY r.created_at DESC, r.id DESC`
	args = append(args, q.PageSize, q.Offset())
	query += ` LIMIT $` + strconv.Itoa(len(args)-1) + ` OFFSET $` + strconv.Itoa(len(args))
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("open311 requests: %w", err)
	}
	defer rows.Close()
	var items []pageItem
	for rows.Next() {
		var id, cat, state string
		var it pageItem
		var created time.Time
		if err := rows.Scan(&id, &cat, &state, &it.rev, &created); err != nil {
			return nil, nil, err
		}
		var ok bool
		if it.id, ok = parseID(id); !ok {
			return nil, nil, errIndexUnfit
		}
		c := sh.cats[cat]
		if it.state, ok = sh.states[state]; !ok {
			return nil, nil, errSlowPage
		}
		it.service, it.notice, it.created = c.service, c.notice, created.UnixNano()
		items = append(items, it)
	}
	return sh, items, rows.Err()
}

// pageBuffers keeps page buffers between pages: a fresh one of a page's
// size (600 KB) costs more to fault in and zero than the page to fill.
var pageBuffers = sync.Pool{New: func() any { return new([]byte) }}

// assemble concatenates the items' fragments, taken from the memo or read
// by id in one query.
func (s *Service) assemble(ctx context.Context, q open311.Query, f open311.Format, sh *open311Shared, items []pageItem) ([]byte, func(), error) {
	memo := s.frags.of(f)
	var misses []int
	memo.mu.RLock()
	for i := range items {
		if e, ok := memo.m[items[i].id]; ok && e.rev == items[i].rev {
			items[i].parts = e.parts
		} else {
			misses = append(misses, i)
		}
	}
	memo.mu.RUnlock()
	if len(misses) > 0 {
		ids := make([]string, len(misses))
		for k, i := range misses {
			ids[k] = idString(&items[i].id)
		}
		got, err := s.readFragments(ctx, f, ids)
		if err != nil {
			return nil, nil, err
		}
		for k, i := range misses {
			fr, ok := got[ids[k]]
			if !ok || fr.rev != items[i].rev || fr.frag == "" {
				// Changed since the index was read, or written before
				// fragments existed (migration 002).
				return nil, nil, errSlowPage
			}
			if items[i].parts, err = open311.SplitFragment(fr.frag); err != nil {
				return nil, nil, err
			}
		}
		memo.put(items, misses)
	}
	var notes map[string][]open311.Note
	var ids []string
	if q.Extensions && len(items) > 0 {
		ids = make([]string, len(items))
		for i := range items {
			ids[i] = idString(&items[i].id)
		}
		var err error
		if notes, err = s.publicNotes(ctx, ids); err != nil {
			return nil, nil, err
		}
	}
	buf := pageBuffers.Get().(*[]byte)
	page := open311.NewPageIn(sh.fills, *buf)
	for i := range items {
		it := &items[i]
		var enc []byte
		if q.Extensions {
			filing := open311.Note{Datetime: open311.At(time.Unix(0, it.created).UTC()), Description: filedText, Type: KindCreated}
			var err error
			if enc, err = open311.EncodeNotes(f, append([]open311.Note{filing}, notes[ids[i]]...)); err != nil {
				pageBuffers.Put(buf)
				return nil, nil, err
			}
		}
		page.AddParts(&it.parts, it.state, it.service, it.notice, enc)
	}
	out := page.Bytes()
	return out, func() {
		*buf = out[:0]
		pageBuffers.Put(buf)
	}, nil
}

// readFragments reads the stored fragments of the given reports.
func (s *Service) readFragments(ctx context.Context, f open311.Format, ids []string) (map[string]storedFrag, error) {
	col := "o311_json"
	if f == open311.XML {
		col = "o311_xml"
	}
	in, arg, err := idsIn(s.db.Engine, ids)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, o311_rev, `+col+` FROM reports_report WHERE id `+in, arg)
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

// fragMemo is what this process remembers for Open311 pages: fragments by
// report id and revision (o311_rev, bumped by every rewrite and kept by the
// listing index, or read with the page by number), so a remembered fragment
// is used only while it is still the stored one, whichever process changed
// the report; the listing index; the labels.
type fragMemo struct {
	json, xml fragTable
	index     listIndex
	labels    open311Labels
}

type fragTable struct {
	mu sync.RWMutex
	m  map[[16]byte]memoFrag
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

// put remembers the fragments of items[k] for k in which.
func (t *fragTable) put(items []pageItem, which []int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.m == nil {
		t.m = map[[16]byte]memoFrag{}
	}
	if len(t.m)+len(which) > maxMemoFrags {
		// Forget a tenth, whichever the map yields first.
		n := maxMemoFrags / 10
		for k := range t.m {
			delete(t.m, k)
			if n--; n == 0 {
				break
			}
		}
	}
	for _, k := range which {
		t.m[items[k].id] = memoFrag{rev: items[k].rev, parts: items[k].parts}
	}
}

// ForgetOpen311Fragments empties this process's fragment memo: the
// benchmark uses it to measure pages whose fragments all come from the
// database.
func (s *Service) ForgetOpen311Fragments() {
	for _, t := range []*fragTable{&s.frags.json, &s.frags.xml} {
		t.mu.Lock()
		t.m = nil
		t.mu.Unlock()
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
