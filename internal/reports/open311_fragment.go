package reports

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
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
	if _, err := tx.ExecContext(ctx, `UPDATE reports_report SET o311_json = $1, o311_xml = $2 WHERE id = $3`, frag.JSON, frag.XML, id); err != nil {
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
			if sh.states[id], err = fills.StateFill(open311.Text(name)); err != nil {
				return nil, err
			}
			continue
		}
		if private {
			continue
		}
		var c sharedCategory
		if c.service, err = fills.ServiceFill(name, code); err != nil {
			return nil, err
		}
		if c.notice, err = fills.NoticeFill(open311.Text(fmt.Sprintf("Risposta prevista entro %d giorni", days))); err != nil {
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
	col := "r.o311_json"
	if f == open311.XML {
		col = "r.o311_xml"
	}
	if q.Extensions {
		// The filing note carries the creation time.
		col += ", r.created_at"
	}
	query := `SELECT r.id, r.category_id, r.state, ` + col + ` FROM reports_report r WHERE r.state_type <> 'hidden' AND ` +
		strings.Join(conds, " AND ") + ` ORDER BY r.created_at DESC, r.id DESC LIMIT ` + arg(q.PageSize) + ` OFFSET ` + arg(q.Offset())
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("open311 requests: %w", err)
	}
	defer rows.Close()
	type item struct {
		id, cat, state, frag string
		created              time.Time
	}
	var items []item
	var id, cat, state string
	var frag sql.RawBytes
	var created time.Time
	dest := []any{&id, &cat, &state, &frag}
	if q.Extensions {
		dest = append(dest, &created)
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		if len(frag) == 0 {
			// A report written before fragments existed (migration 002):
			// this page is rendered from the rows.
			rows.Close()
			return s.open311PageSlow(ctx, q, f, baseURL)
		}
		if !q.Extensions {
			// The common case: straight into the page, no copy kept.
			if err := s.addToPage(page, sh, cat, state, string(frag), nil); err != nil {
				rows.Close()
				return s.open311PageSlow(ctx, q, f, baseURL)
			}
			continue
		}
		items = append(items, item{id: id, cat: cat, state: state, frag: string(frag), created: created})
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	if len(items) == 0 {
		return page.Bytes(), nil
	}
	ids := make([]string, len(items))
	for i, it := range items {
		ids[i] = it.id
	}
	notes, err := s.publicNotes(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, it := range items {
		all := append([]open311.Note{{Datetime: open311.At(it.created), Description: filedText, Type: KindCreated}}, notes[it.id]...)
		enc, err := open311.EncodeNotes(f, all)
		if err != nil {
			return nil, err
		}
		if err := s.addToPage(page, sh, it.cat, it.state, it.frag, enc); err != nil {
			return s.open311PageSlow(ctx, q, f, baseURL)
		}
	}
	return page.Bytes(), nil
}

// errUnknownLabel: a report's state or category was added after the page
// read the labels; the page is then rendered from the rows.
var errUnknownLabel = errors.New("open311: state or category newer than the page's labels")

func (s *Service) addToPage(p *open311.Page, sh *open311Shared, cat, state, frag string, notes []byte) error {
	c, ok := sh.cats[cat]
	if !ok {
		return errUnknownLabel
	}
	st, ok := sh.states[state]
	if !ok {
		return errUnknownLabel
	}
	return p.Add(frag, st, c.service, c.notice, notes)
}

// open311PageSlow renders every report of the page from its row.
func (s *Service) open311PageSlow(ctx context.Context, q open311.Query, f open311.Format, baseURL string) ([]byte, error) {
	list, err := s.Open311Requests(ctx, q, baseURL)
	if err != nil {
		return nil, err
	}
	return open311.Encode(f, list)
}
