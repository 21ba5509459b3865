package reports

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/arengo-pa/arengo/internal/errs"
	"github.com/arengo-pa/arengo/internal/reports/geo"
	"github.com/arengo-pa/arengo/internal/reports/workflow"
)

const reportCols = `r.id, r.number, r.token, r.category_id, c.code, c.name, r.state, s.label, r.state_type, r.title, r.details,
	r.lat, r.lon, r.address, r.address_id, r.zipcode, r.area_id, COALESCE(a.name, ''), r.priority, r.office, r.operator, r.channel,
	r.reporter_kind, r.reporter_fc, r.reporter_name, r.reporter_email, r.reporter_phone, r.reporter_account, r.reporter_device, r.reporter_lang,
	r.answers, r.media_url, r.duplicate_of, r.support_count, r.rating, r.created_at, r.updated_at, r.taken_at, r.fixed_at,
	r.closed_at, r.deadline_at, r.version`

const reportFrom = ` FROM reports_report r JOIN reports_category c ON c.id = r.category_id
	JOIN reports_state s ON s.code = r.state LEFT JOIN reports_area a ON a.id = r.area_id`

func scanReport(row interface{ Scan(...any) error }) (*Report, error) {
	var r Report
	var typ, answers string
	err := row.Scan(&r.ID, &r.Number, &r.Token, &r.CategoryID, &r.CategoryCode, &r.CategoryName, &r.State, &r.StateLabel, &typ,
		&r.Title, &r.Details, &r.Lat, &r.Lon, &r.Address, &r.AddressID, &r.Zipcode, &r.AreaID, &r.AreaName, &r.Priority,
		&r.Office, &r.Operator, &r.Channel, &r.Reporter.Kind, &r.Reporter.FiscalCode, &r.Reporter.Name, &r.Reporter.Email,
		&r.Reporter.Phone, &r.Reporter.Account, &r.Reporter.Device, &r.Reporter.Lang, &answers, &r.MediaURL, &r.DuplicateOf, &r.Supporters,
		&r.Rating, &r.CreatedAt, &r.UpdatedAt, &r.TakenAt, &r.FixedAt, &r.ClosedAt, &r.DeadlineAt, &r.Version)
	if err != nil {
		return nil, err
	}
	r.StateType = workflow.Type(typ)
	if err := json.Unmarshal([]byte(answers), &r.Answers); err != nil {
		return nil, fmt.Errorf("report %s answers: %w", r.Number, err)
	}
	return &r, nil
}

// Get loads a report by its request number (or id), with personal data:
// callers decide who may see what.
func (s *Service) Get(ctx context.Context, number string) (*Report, error) {
	r, err := scanReport(s.db.QueryRowContext(ctx, `SELECT `+reportCols+reportFrom+` WHERE r.number = $1 OR r.id = $1`, number))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.E(errs.ENOTFOUND, "segnalazione %s inesistente", number)
	}
	if err != nil {
		return nil, fmt.Errorf("report %s: %w", number, err)
	}
	return r, nil
}

// Filter selects reports in lists (public, back office, Area personale).
type Filter struct {
	Public     bool // only what the public may see
	Category   string
	State      string
	StateType  string
	AreaID     string
	Office     string
	Text       string
	From, To   time.Time
	Overdue    bool
	Reporter   string // fiscal code: "Le mie segnalazioni"
	Page, Size int
}

// where builds the SQL condition and its arguments.
func (f Filter) where(now time.Time) (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		conds = append(conds, strings.ReplaceAll(cond, "?", "$"+strconv.Itoa(len(args))))
	}
	if f.Public {
		conds = append(conds, "r.state_type <> 'hidden'", "c.private = FALSE")
	}
	if f.Category != "" {
		add("c.code = ?", f.Category)
	}
	if f.State != "" {
		add("r.state = ?", f.State)
	}
	if f.StateType != "" {
		add("r.state_type = ?", f.StateType)
	}
	if f.AreaID != "" {
		add("r.area_id = ?", f.AreaID)
	}
	if f.Office != "" {
		add("r.office = ?", f.Office)
	}
	if f.Text != "" {
		args = append(args, "%"+strings.ToLower(f.Text)+"%", f.Text)
		conds = append(conds, fmt.Sprintf("(LOWER(r.title) LIKE $%[1]d OR LOWER(r.details) LIKE $%[1]d OR LOWER(r.address) LIKE $%[1]d OR r.number = $%[2]d)",
			len(args)-1, len(args)))
	}
	if !f.From.IsZero() {
		add("r.created_at >= ?", f.From)
	}
	if !f.To.IsZero() {
		add("r.created_at < ?", f.To)
	}
	if f.Overdue {
		add("r.state_type = 'open' AND r.deadline_at < ?", now)
	}
	if f.Reporter != "" {
		add("r.reporter_fc = ?", f.Reporter)
	}
	if len(conds) == 0 {
		return "", args
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// List returns one page of reports, newest first, and the total.
func (s *Service) List(ctx context.Context, f Filter) ([]*Report, int, error) {
	if f.Size <= 0 || f.Size > 1000 {
		f.Size = 50
	}
	if f.Page < 1 {
		f.Page = 1
	}
	where, args := f.where(s.now())
	var total int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*)`+reportFrom+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count reports: %w", err)
	}
	args = append(args, f.Size, (f.Page-1)*f.Size)
	rows, err := s.db.QueryContext(ctx, `SELECT `+reportCols+reportFrom+where+
		fmt.Sprintf(` ORDER BY r.created_at DESC, r.id DESC LIMIT $%d OFFSET $%d`, len(args)-1, len(args)), args...)
	if err != nil {
		return nil, 0, fmt.Errorf("list reports: %w", err)
	}
	defer rows.Close()
	var out []*Report
	for rows.Next() {
		r, err := scanReport(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, r)
	}
	return out, total, rows.Err()
}

// Nearby finds open public reports of the category within the category's
// radius, closest first, at most five (FixMyStreet's defaults). The
// bounding box lets the (category, state, lat, lon) index do the work.
func (s *Service) Nearby(ctx context.Context, categoryCode string, p geo.Point) ([]geo.Near[*Report], error) {
	c, err := s.Category(ctx, categoryCode)
	if err != nil {
		return nil, err
	}
	// Reports of private categories are never shown to other citizens.
	if c.RadiusM == 0 || c.Private || !p.Valid() {
		return nil, nil
	}
	return s.nearby(ctx, c.ID, p, float64(c.RadiusM), 5)
}

func (s *Service) nearby(ctx context.Context, categoryID string, p geo.Point, radius float64, limit int) ([]geo.Near[*Report], error) {
	b := geo.BoxAround(p, radius)
	rows, err := s.db.QueryContext(ctx, `SELECT `+reportCols+reportFrom+`
		WHERE r.category_id = $1 AND r.state_type = 'open' AND r.lat BETWEEN $2 AND $3 AND r.lon BETWEEN $4 AND $5
		ORDER BY r.created_at DESC LIMIT 200`, categoryID, b.MinLat, b.MaxLat, b.MinLon, b.MaxLon)
	if err != nil {
		return nil, fmt.Errorf("nearby: %w", err)
	}
	defer rows.Close()
	var cands []*Report
	for rows.Next() {
		r, err := scanReport(rows)
		if err != nil {
			return nil, err
		}
		cands = append(cands, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return geo.Nearest(p, radius, limit, cands, func(r *Report) geo.Point { return geo.Point{Lat: r.Lat.Float64, Lon: r.Lon.Float64} }), nil
}

// Updates lists a report's history, oldest first. The first entry, the
// filing itself, is not stored: it is the report's own creation time and
// state, which spares every new report a row and its index entries.
func (s *Service) Updates(ctx context.Context, r *Report, publicOnly bool) ([]Update, error) {
	reportID := r.ID
	q := `SELECT id, report_id, kind, public, state_from, state_to, text, hidden, author, created_at FROM reports_update WHERE report_id = $1`
	if publicOnly {
		q += ` AND public = TRUE AND hidden = FALSE`
	}
	rows, err := s.db.QueryContext(ctx, q+` ORDER BY created_at, id`, reportID)
	if err != nil {
		return nil, fmt.Errorf("updates: %w", err)
	}
	defer rows.Close()
	out := []Update{filed(r)}
	for rows.Next() {
		var u Update
		if err := rows.Scan(&u.ID, &u.ReportID, &u.Kind, &u.Public, &u.StateFrom, &u.StateTo, &u.Text, &u.Hidden, &u.Author, &u.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// Media lists a report's attachments; hidden ones only for staff.
func (s *Service) Media(ctx context.Context, reportID string, withHidden bool) ([]Media, error) {
	q := `SELECT id, report_id, kind, content_type, blob_key, name, width, height, hidden, created_at FROM reports_media WHERE report_id = $1`
	if !withHidden {
		q += ` AND hidden = FALSE`
	}
	rows, err := s.db.QueryContext(ctx, q+` ORDER BY created_at, id`, reportID)
	if err != nil {
		return nil, fmt.Errorf("media: %w", err)
	}
	defer rows.Close()
	var out []Media
	for rows.Next() {
		var m Media
		if err := rows.Scan(&m.ID, &m.ReportID, &m.Kind, &m.ContentType, &m.BlobKey, &m.Name, &m.Width, &m.Height, &m.Hidden, &m.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// MediaByID finds one attachment with the report's visibility.
func (s *Service) MediaByID(ctx context.Context, id string) (Media, *Report, error) {
	var m Media
	err := s.db.QueryRowContext(ctx, `SELECT id, report_id, kind, content_type, blob_key, name, width, height, hidden, created_at
		FROM reports_media WHERE id = $1`, id).Scan(&m.ID, &m.ReportID, &m.Kind, &m.ContentType, &m.BlobKey, &m.Name, &m.Width, &m.Height, &m.Hidden, &m.CreatedAt)
	if err != nil {
		return Media{}, nil, errs.E(errs.ENOTFOUND, "allegato inesistente")
	}
	r, err := s.Get(ctx, m.ReportID)
	return m, r, err
}

// filed is the history entry of the filing.
func filed(r *Report) Update {
	state := workflow.Confirmed
	if r.Reporter.Kind == ByAnonymous {
		state = workflow.Unconfirmed
	}
	return Update{ReportID: r.ID, Kind: KindCreated, Public: true, StateTo: state, Text: filedText, CreatedAt: r.CreatedAt}
}

const filedText = "Segnalazione registrata"
