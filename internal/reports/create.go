package reports

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
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
		return errs.Field("category", "la categoria «%s» non accetta più segnalazioni", c.Name)
	case n.Reporter.Kind == ByAnonymous && !c.AnonymousAllowed:
		return errs.Field("category", "per la categoria «%s» serve accedere con SPID o CIE", c.Name)
	case n.Reporter.Kind == ByAnonymous && n.Reporter.Email == "":
		return errs.Field("email", "indicare un indirizzo e-mail per confermare la segnalazione")
	case n.Title == "":
		return errs.Field("title", "il titolo è obbligatorio")
	case utf8.RuneCountInString(n.Title) > MaxTitle:
		return errs.Field("title", "il titolo supera %d caratteri", MaxTitle)
	case n.Details == "":
		return errs.Field("details", "i dettagli sono obbligatori")
	case utf8.RuneCountInString(n.Details) > open311.MaxDescription:
		return errs.Field("details", "i dettagli superano %d caratteri", open311.MaxDescription)
	case !n.HasPoint && n.Address == "" && n.AddressID == "":
		return errs.Field("place", "indicare il luogo: un punto sulla mappa, le coordinate o l'indirizzo")
	case n.HasPoint && !(geo.Point{Lat: n.Lat, Lon: n.Lon}).Valid():
		return errs.Field("place", "coordinate non valide")
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
		return errs.Field("photos", "si possono allegare al massimo %d foto", MaxPhotos)
	}
	if docs > MaxDocuments {
		return errs.Field("documents", "si possono allegare al massimo %d documenti PDF", MaxDocuments)
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
		return nil, errs.Field("category", "categoria %q inesistente", n.CategoryCode)
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
// group (a round trip each), on SQLite the rows go one by one through the
// prepared insert (no round trips to save there).
func (s *Service) file(ctx context.Context, tx *store.Tx, group []*filing, st *filingStmts) error {
	if err := reserveNumbers(ctx, tx, group, st); err != nil {
		return err
	}
	var rows, media []any
	nmedia := 0
	for _, f := range group {
		r := f.r
		row := []any{r.ID, r.Number, r.Token, r.CategoryID, r.State, string(r.StateType), r.Title, r.Details, r.Lat, r.Lon, r.Address,
			r.AddressID, r.Zipcode, r.AreaID, r.Priority, r.Office, r.Operator, r.Channel, r.Reporter.Kind, r.Reporter.FiscalCode,
			r.Reporter.Name, r.Reporter.Email, r.Reporter.Phone, r.Reporter.Account, r.Reporter.Device, f.answers, r.MediaURL,
			f.confirm, r.CreatedAt, r.DeadlineAt, f.jsonHead + r.Number + f.jsonTail, f.xmlHead + r.Number + f.xmlTail}
		if st != nil {
			if _, err := tx.StmtContext(ctx, st.insert).ExecContext(ctx, row...); err != nil {
				return fmt.Errorf("insert report: %w", err)
			}
		} else {
			rows = append(rows, row...)
		}
		for _, m := range f.media {
			media = append(media, m.ID, r.ID, m.Kind, m.ContentType, m.BlobKey, m.Name, m.Width, m.Height, r.CreatedAt)
			nmedia++
		}
	}
	if st == nil {
		if _, err := tx.ExecContext(ctx, insertReportHead+multiRow(reportTuple, reportWidth, len(group)), rows...); err != nil {
			return fmt.Errorf("insert report: %w", err)
		}
	}
	if nmedia > 0 {
		if _, err := tx.ExecContext(ctx, insertMediaHead+multiRow(mediaTuple, mediaWidth, nmedia), media...); err != nil {
			return fmt.Errorf("insert media: %w", err)
		}
	}
	evs := make([]events.Event, 0, len(group))
	for _, f := range group {
		r := f.r
		evs = append(evs, reportEvent("created", r, map[string]any{"number": r.Number, "category": f.category, "state": r.State,
			"channel": r.Channel, "office": r.Office, "anonymous": r.Reporter.Kind == ByAnonymous}))
		if f.confirm != "" {
			// The e-mail with the link is sent by whoever handles this event,
			// reading address and code from the report: neither the personal
			// address nor the secret code goes into the event log.
			evs = append(evs, reportEvent("confirmation_requested", r, map[string]any{"number": r.Number}))
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

// reserveNumbers gives the filings of group their request numbers, in
// order, with one counter update per year (a group straddles New Year at
// most). A transaction that fails gives its numbers back with its update.
func reserveNumbers(ctx context.Context, tx *store.Tx, group []*filing, st *filingStmts) error {
	byYear := map[int][]*filing{}
	var years []int
	for _, f := range group {
		y := f.r.CreatedAt.In(rome).Year()
		if _, ok := byYear[y]; !ok {
			years = append(years, y)
		}
		byYear[y] = append(byYear[y], f)
	}
	for _, y := range years {
		fs := byYear[y]
		var row *sql.Row
		if st != nil {
			row = tx.StmtContext(ctx, st.numbers).QueryRowContext(ctx, y, len(fs))
		} else {
			row = tx.QueryRowContext(ctx, reserveNumbersSQL, y, len(fs))
		}
		var last int64
		if err := row.Scan(&last); err != nil {
			return fmt.Errorf("request number: %w", err)
		}
		for i, f := range fs {
			f.r.Number = formatNumber(y, last-int64(len(fs)-1-i))
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

// insertReportSQL stores a new report with its Open311 fragment;
// insertReportHead followed by several reportTuple stores several.
const (
	insertReportHead = `INSERT INTO reports_report (id, number, token, category_id, state, state_type, title, details,
	lat, lon, address, address_id, zipcode, area_id, priority, office, operator, channel, reporter_kind, reporter_fc,
	reporter_name, reporter_email, reporter_phone, reporter_account, reporter_device, answers, media_url, confirm_code,
	created_at, updated_at, deadline_at, version, o311_json, o311_xml)
	VALUES `
	reportTuple     = `($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24,$25,$26,$27,$28,$29,$29,$30,1,$31,$32)`
	reportWidth     = 32
	insertReportSQL = insertReportHead + reportTuple

	insertMediaHead = `INSERT INTO reports_media (id, report_id, kind, content_type, blob_key, name, width, height, hidden, created_at)
	VALUES `
	mediaTuple = `($1,$2,$3,$4,$5,$6,$7,$8,FALSE,$9)`
	mediaWidth = 9
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
		if isUnique(err) {
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
