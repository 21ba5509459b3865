package reports

import (
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/arengo-pa/arengo/internal/errs"
	"github.com/arengo-pa/arengo/internal/events"
	"github.com/arengo-pa/arengo/internal/reports/geo"
	"github.com/arengo-pa/arengo/internal/reports/open311"
	"github.com/arengo-pa/arengo/internal/reports/upload"
	"github.com/arengo-pa/arengo/internal/reports/workflow"
	"github.com/arengo-pa/arengo/internal/store"
)

// Limits of the citizen form (Designers Italia model, FixMyStreet's photos).
const (
	MaxPhotos    = 3
	MaxDocuments = 3
	MaxTitle     = 120
)

// NewReport is what a citizen, an operator or an Open311 client submits.
type NewReport struct {
	CategoryCode string
	Title        string
	Details      string
	HasPoint     bool
	Lat, Lon     float64
	Address      string
	AddressID    string
	Zipcode      string
	Answers      map[string][]string
	Reporter     Reporter
	Channel      string // web, open311, staff
	MediaURL     string
	Files        []NamedFile
}

// NamedFile is a sanitized upload with the name the citizen gave it.
type NamedFile struct {
	Name string
	upload.File
}

// validate checks everything that does not need the database, naming the
// field at fault.
func (n *NewReport) validate(c Category) error {
	n.Title, n.Details = strings.TrimSpace(n.Title), strings.TrimSpace(n.Details)
	n.Address = strings.TrimSpace(n.Address)
	switch {
	case !c.Active:
		return fieldErr("category", "reports.v.inactive", c.Name)
	case n.Reporter.Kind == ByAnonymous && !c.AnonymousAllowed:
		return fieldErr("category", "reports.v.login", c.Name)
	case n.Reporter.Kind == ByAnonymous && n.Reporter.Email == "":
		return fieldErr("email", "reports.v.email_needed")
	case n.Title == "":
		return fieldErr("title", "reports.v.title")
	case utf8.RuneCountInString(n.Title) > MaxTitle:
		return fieldErr("title", "reports.v.title_long", MaxTitle)
	case n.Details == "":
		return fieldErr("details", "reports.v.details")
	case utf8.RuneCountInString(n.Details) > open311.MaxDescription:
		return fieldErr("details", "reports.v.details_long", open311.MaxDescription)
	case !n.HasPoint && n.Address == "" && n.AddressID == "":
		return fieldErr("place", "reports.v.place")
	case n.HasPoint && !(geo.Point{Lat: n.Lat, Lon: n.Lon}).Valid():
		return fieldErr("place", "reports.v.coords")
	}
	photos, docs := 0, 0
	for _, f := range n.Files {
		if f.Kind == upload.Photo {
			photos++
		} else {
			docs++
		}
	}
	if photos > MaxPhotos {
		return fieldErr("photos", "reports.v.photos", MaxPhotos)
	}
	if docs > MaxDocuments {
		return fieldErr("documents", "reports.v.documents", MaxDocuments)
	}
	answers, err := c.Definition().Check(n.Answers)
	if err != nil {
		var f *open311.Failure
		if errors.As(err, &f) && len(f.Errors) > 0 {
			return errs.Field("attribute", "%s", f.Errors[0].Description)
		}
		return err
	}
	n.Answers = answers
	return nil
}

// Create files a report: validates it, numbers it, routes it to an office,
// stores its photos and documents, and records the event — all or nothing.
// Reports from anonymous citizens wait for e-mail confirmation.
func (s *Service) Create(ctx context.Context, n NewReport) (*Report, error) {
	c, err := s.Category(ctx, n.CategoryCode)
	if err != nil {
		return nil, fieldErr("category", "reports.v.category", n.CategoryCode)
	}
	return s.create(ctx, c, n)
}

// create files n in category c, already loaded by the caller.
func (s *Service) create(ctx context.Context, c Category, n NewReport) (*Report, error) {
	work, err := s.filingWork(ctx)
	if err != nil {
		return nil, err
	}
	f, err := s.newFiling(ctx, c, n)
	if err != nil {
		return nil, err
	}
	// Filings arriving together share one transaction (see batcher).
	if err := s.batch.run(ctx, s.db, f, work); err != nil {
		s.dropFiles(context.WithoutCancel(ctx), f.media)
		return nil, err
	}
	return f.r, nil
}

// newFiling validates n, routes it, stores its files and renders its
// Open311 fragment: all the filing's work that needs no transaction.
func (s *Service) newFiling(ctx context.Context, c Category, n NewReport) (*filing, error) {
	if err := n.validate(c); err != nil {
		return nil, err
	}
	now := s.now()
	r := &Report{
		ID: store.NewID(), Token: randomCode(), CategoryID: c.ID, CategoryCode: c.Code, CategoryName: c.Name,
		Title: n.Title, Details: n.Details, Address: n.Address, AddressID: n.AddressID, Zipcode: n.Zipcode,
		Priority: 2, Channel: n.Channel, Reporter: n.Reporter, Answers: n.Answers, CreatedAt: now, UpdatedAt: now,
		DeadlineAt: now.AddDate(0, 0, c.DeadlineDays), Version: 1, State: workflow.Confirmed, StateType: workflow.Open,
	}
	confirm := ""
	if n.Reporter.Kind == ByAnonymous {
		r.State, r.StateType, confirm = workflow.Unconfirmed, workflow.Hidden, randomCode()
	}
	if n.HasPoint {
		r.Lat.Float64, r.Lat.Valid, r.Lon.Float64, r.Lon.Valid = n.Lat, true, n.Lon, true
	}
	areas, err := s.cachedAreas(ctx)
	if err != nil {
		return nil, err
	}
	if a, ok := areaOf(areas, geo.Point{Lat: n.Lat, Lon: n.Lon}); n.HasPoint && ok {
		r.AreaID.String, r.AreaID.Valid, r.AreaName = a.ID, true, a.Name
	}
	rules, err := s.cachedRules(ctx)
	if err != nil {
		return nil, err
	}
	if rule, ok := route(rules, c.ID, r.AreaID.String); ok {
		r.Office, r.Operator = rule.Office, rule.Operator
	}
	media, err := s.storeFiles(ctx, r.ID, n.Files, now)
	if err != nil {
		return nil, err
	}
	r.MediaURL = n.MediaURL
	if p := firstPhoto(media); p != nil {
		r.MediaURL = mediaPath(p.ID)
	}
	answers, _ := json.Marshal(r.Answers)
	// The Open311 fragment is rendered before the transaction with a
	// stand-in number (plain ASCII, as numbers are, and first in the
	// fragment), replaced once the number is known.
	r.Number = numberStandIn
	frag, err := Open311Fragment(r)
	if err != nil {
		s.dropFiles(context.WithoutCancel(ctx), media)
		return nil, err
	}
	f := &filing{ctx: ctx, r: r, category: c.Code, answers: string(answers), confirm: confirm, media: media}
	// The fragment around its stand-in number (the first thing in it).
	f.jsonHead, f.jsonTail, _ = strings.Cut(frag.JSON, numberStandIn)
	f.xmlHead, f.xmlTail, _ = strings.Cut(frag.XML, numberStandIn)
	return f, nil
}

// filingWork is the batcher's work for filings: s.file with the
// statements prepared (on SQLite; see stmts, which must be called outside
// a transaction).
func (s *Service) filingWork(ctx context.Context) (groupWork, error) {
	var st *filingStmts
	if s.db.Engine == store.SQLite {
		st = &filingStmts{}
		var err error
		if st.numbers, err = s.prepared.get(ctx, s.db, reserveNumbersSQL); err != nil {
			return nil, err
		}
		if st.insert, err = s.prepared.get(ctx, s.db, insertReportSQL); err != nil {
			return nil, err
		}
	}
	return func(ctx context.Context, tx *store.Tx, group []*filing) error { return s.file(ctx, tx, group, st) }, nil
}

// filing is a report ready to be stored: everything but its number, which
// the transaction that stores it gives.
type filing struct {
	ctx      context.Context // the caller's, for the notification hub
	r        *Report
	category string // code, for the event
	answers  string // JSON
	confirm  string // anonymous reports' confirmation code
	media    []Media
	// The Open311 fragment around the number.
	jsonHead, jsonTail, xmlHead, xmlTail string
}

// filingStmts are the filing's statements prepared on the SQLite writer,
// which would parse them anew at every call; nil on PostgreSQL, whose driver
// keeps prepared statements per connection by their text.
type filingStmts struct{ numbers, insert *sql.Stmt }

// file stores group in tx: numbers, rows, media, outbox events and
// notifications. On PostgreSQL each step is one statement for the whole
// group (a round trip each; the numbers are taken inside the insert), on
// SQLite the rows go one by one through the prepared statements (no round
// trips to save there).
func (s *Service) file(ctx context.Context, tx *store.Tx, group []*filing, st *filingStmts) error {
	for _, fs := range byYear(group) {
		var err error
		if st != nil {
			err = fileRowsSQLite(ctx, tx, fs, st)
		} else {
			err = fileRowsPG(ctx, tx, fs)
		}
		if err != nil {
			return err
		}
	}
	var media []any
	nmedia := 0
	evs := make([]events.Event, 0, len(group))
	for _, f := range group {
		r := f.r
		for _, m := range f.media {
			media = append(media, m.ID, r.ID, m.Kind, m.ContentType, m.BlobKey, m.Name, m.Width, m.Height, r.CreatedAt)
			nmedia++
		}
		evs = append(evs, reportEvent("created", r, map[string]any{"number": r.Number, "category": f.category, "state": r.State,
			"channel": r.Channel, "office": r.Office, "anonymous": r.Reporter.Kind == ByAnonymous}))
		if f.confirm != "" {
			// The e-mail with the link is sent by whoever handles this event,
			// reading address and code from the report: neither the personal
			// address nor the secret code goes into the event log.
			evs = append(evs, reportEvent("confirmation_requested", r, map[string]any{"number": r.Number}))
		}
	}
	if nmedia > 0 {
		if _, err := tx.ExecContext(ctx, insertMediaHead+multiRow(mediaTuple, mediaWidth, nmedia), media...); err != nil {
			return fmt.Errorf("insert media: %w", err)
		}
	}
	s.bumpVersion(tx)
	if err := events.AppendAll(ctx, tx, evs); err != nil {
		return err
	}
	for _, f := range group {
		if f.confirm != "" {
			continue
		}
		r := f.r
		if err := s.notifyReporter(context.WithoutCancel(f.ctx), tx, r, tmplCreated, map[string]any{"number": r.Number, "title": r.Title,
			"deadline": r.DeadlineAt.In(rome).Format("02/01/2006")}); err != nil {
			return err
		}
	}
	return nil
}

// byYear splits group by the year its filings are numbered in, keeping
// their order within a year; years ascending, so that two groups lock the
// counter rows in the same order (a group straddles New Year at most).
func byYear(group []*filing) [][]*filing {
	year := func(f *filing) int { return f.r.CreatedAt.In(rome).Year() }
	first := year(group[0])
	same := true
	for _, f := range group {
		same = same && year(f) == first
	}
	if same {
		return [][]*filing{group}
	}
	m := map[int][]*filing{}
	var years []int
	for _, f := range group {
		y := year(f)
		if _, ok := m[y]; !ok {
			years = append(years, y)
		}
		m[y] = append(m[y], f)
	}
	slices.Sort(years)
	out := make([][]*filing, len(years))
	for i, y := range years {
		out[i] = m[y]
	}
	return out
}

// rowArgs are a filing's insert arguments from token to deadline_at, the
// part insertReportSQL and insertReportsPG share.
func rowArgs(f *filing) []any {
	r := f.r
	return []any{r.Token, r.CategoryID, r.State, string(r.StateType), r.Title, r.Details, r.Lat, r.Lon, r.Address,
		r.AddressID, r.Zipcode, r.AreaID, r.Priority, r.Office, r.Operator, r.Channel, r.Reporter.Kind, r.Reporter.FiscalCode,
		r.Reporter.Name, r.Reporter.Email, r.Reporter.Phone, r.Reporter.Account, r.Reporter.Device, f.answers, r.MediaURL,
		f.confirm, r.CreatedAt, r.DeadlineAt}
}

// reporterLang is the language the reporter filed in, stored for their e-mails.
func reporterLang(r *Report) string { return cmp.Or(r.Reporter.Lang, "it") }

// fileRowsSQLite numbers and inserts fs, filings of one year.
func fileRowsSQLite(ctx context.Context, tx *store.Tx, fs []*filing, st *filingStmts) error {
	year := fs[0].r.CreatedAt.In(rome).Year()
	var last int64
	if err := tx.StmtContext(ctx, st.numbers).QueryRowContext(ctx, year, len(fs)).Scan(&last); err != nil {
		return fmt.Errorf("request number: %w", err)
	}
	insert := tx.StmtContext(ctx, st.insert)
	for i, f := range fs {
		r := f.r
		r.Number = formatNumber(year, last-int64(len(fs)-1-i))
		args := append(append([]any{r.ID, r.Number}, rowArgs(f)...), f.jsonHead+r.Number+f.jsonTail, f.xmlHead+r.Number+f.xmlTail, reporterLang(r))
		if _, err := insert.ExecContext(ctx, args...); err != nil {
			return fmt.Errorf("insert report: %w", err)
		}
	}
	return nil
}

// fileRowsPG numbers and inserts fs, filings of one year, in one
// statement: one round trip.
func fileRowsPG(ctx context.Context, tx *store.Tx, fs []*filing) error {
	year := fs[0].r.CreatedAt.In(rome).Year()
	args := make([]any, 0, len(fs)*reportWidthPG+2)
	for i, f := range fs {
		// Row i takes number last - (len(fs)-1-i) of the counter's range.
		args = append(append(append(args, i+1-len(fs), f.r.ID), rowArgs(f)...), f.jsonHead, f.jsonTail, f.xmlHead, f.xmlTail, reporterLang(f.r))
	}
	args = append(args, year, len(fs))
	q := fmt.Sprintf(insertReportsPG, len(args)-1, len(args), multiRow(reportTuplePG, reportWidthPG, len(fs)))
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("insert report: %w", err)
	}
	defer rows.Close()
	numbers := make(map[string]string, len(fs))
	for rows.Next() {
		var id, number string
		if err := rows.Scan(&id, &number); err != nil {
			return fmt.Errorf("insert report: %w", err)
		}
		numbers[id] = number
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("insert report: %w", err)
	}
	for _, f := range fs {
		if f.r.Number = numbers[f.r.ID]; f.r.Number == "" {
			return fmt.Errorf("insert report %s: no number returned", f.r.ID)
		}
	}
	return nil
}

func (s *Service) storeFiles(ctx context.Context, reportID string, files []NamedFile, now time.Time) ([]Media, error) {
	var out []Media
	for _, f := range files {
		m := Media{ID: store.NewID(), ReportID: reportID, Kind: string(f.Kind), ContentType: f.ContentType, Name: f.Name,
			Width: f.Width, Height: f.Height, CreatedAt: now}
		m.BlobKey = "reports/" + reportID + "/" + m.ID + f.Ext
		if _, err := s.blob.Put(ctx, m.BlobKey, bytes.NewReader(f.Data), f.ContentType); err != nil {
			s.dropFiles(context.WithoutCancel(ctx), out)
			return nil, fmt.Errorf("store %s: %w", f.Name, err)
		}
		out = append(out, m)
	}
	return out, nil
}

func (s *Service) dropFiles(ctx context.Context, media []Media) {
	for _, m := range media {
		_ = s.blob.Delete(ctx, m.BlobKey)
	}
}

func firstPhoto(media []Media) *Media {
	for i := range media {
		if media[i].Kind == string(upload.Photo) && !media[i].Hidden {
			return &media[i]
		}
	}
	return nil
}

// mediaPath is the public URL path of a photo.
func mediaPath(id string) string { return "/segnalazioni-foto/" + id }

// insertReportSQL stores a new report with its Open311 fragment (SQLite;
// PostgreSQL stores a group's rows in one statement, insertReportsPG).
const (
	insertReportHead = `INSERT INTO reports_report (id, number, token, category_id, state, state_type, title, details,
	lat, lon, address, address_id, zipcode, area_id, priority, office, operator, channel, reporter_kind, reporter_fc,
	reporter_name, reporter_email, reporter_phone, reporter_account, reporter_device, answers, media_url, confirm_code,
	created_at, updated_at, deadline_at, version, o311_json, o311_xml, reporter_lang)
	VALUES `
	reportTuple     = `($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24,$25,$26,$27,$28,$29,$29,$30,1,$31,$32,$33)`
	insertReportSQL = insertReportHead + reportTuple

	insertMediaHead = `INSERT INTO reports_media (id, report_id, kind, content_type, blob_key, name, width, height, hidden, created_at)
	VALUES `
	mediaTuple = `($1,$2,$3,$4,$5,$6,$7,$8,FALSE,$9)`
	mediaWidth = 9
)

// insertReportsPG stores several reports of one year, numbering them from
// the counter in the same statement (PostgreSQL only: SQLite has no INSERT
// inside WITH). Its verbs are the placeholder numbers of the year and of the
// count of reports, then the rows: reportTuplePG repeated, whose $1 is the
// row's offset from the last number taken. The numbers' format is
// formatNumber's.
const (
	insertReportsPG = `WITH n AS (
		INSERT INTO reports_counter (year, last) VALUES ($%[1]d, $%[2]d)
		ON CONFLICT (year) DO UPDATE SET last = reports_counter.last + $%[2]d RETURNING year, last
	)
	` + insertReportHead + `%[3]s
	RETURNING id, number`
	numberPG      = `(SELECT 'SGN-' || year::text || '-' || CASE WHEN last + $1 < 1000000 THEN lpad((last + $1)::text, 6, '0') ELSE (last + $1)::text END FROM n)`
	reportTuplePG = `($2,` + numberPG + `,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24,$25,$26,$27,$28,$29,$29,$30,1,$31 || ` + numberPG + ` || $32,$33 || ` + numberPG + ` || $34,$35)`
	reportWidthPG = 35
)

// numberStandIn holds the place of the request number in a fragment
// rendered before the number is given.
const numberStandIn = "SGN-0000-STANDIN"

func randomCode() string {
	b := make([]byte, 15)
	_, _ = rand.Read(b)
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}

// addUpdate appends a history entry in tx.
func (s *Service) addUpdate(ctx context.Context, tx *store.Tx, u Update) error {
	if u.ID == "" {
		u.ID = store.NewID()
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO reports_update (id, report_id, kind, public, state_from, state_to, text, hidden, author, external_id, created_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,FALSE,$8,$9,$10)`, u.ID, u.ReportID, u.Kind, u.Public, u.StateFrom, u.StateTo, u.Text, u.Author,
		nullIfEmpty(externalID(ctx)), s.now())
	if err != nil {
		if store.IsUniqueViolation(err) {
			return errs.E(errs.ECONFLICT, "aggiornamento %q già ricevuto", externalID(ctx))
		}
		return fmt.Errorf("insert update: %w", err)
	}
	return nil
}

type externalIDKey struct{}

// withExternalID marks the updates written under ctx with the id an
// external system gave them (Open311 update_id), so a repeat is refused.
func withExternalID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, externalIDKey{}, id)
}

func externalID(ctx context.Context) string {
	s, _ := ctx.Value(externalIDKey{}).(string)
	return s
}
