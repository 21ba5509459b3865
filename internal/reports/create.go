package reports

import (
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/arengo-pa/arengo/internal/errs"
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
		return nil, err
	}
	numberStmt, err := s.prepared.get(ctx, s.db, nextNumberSQL)
	if err != nil {
		return nil, err
	}
	insertStmt, err := s.prepared.get(ctx, s.db, insertReportSQL)
	if err != nil {
		return nil, err
	}
	pg := s.db.Engine == store.Postgres
	if pg {
		// One round trip fewer: the number is taken inside the insert.
		if insertStmt, err = s.prepared.get(ctx, s.db, insertNumberedReportPG); err != nil {
			return nil, err
		}
	}
	// The fragment around its stand-in number (the first thing in it).
	jsonHead, jsonTail, _ := strings.Cut(frag.JSON, numberStandIn)
	xmlHead, xmlTail, _ := strings.Cut(frag.XML, numberStandIn)
	// Filings arriving together share one transaction (see batcher); all
	// of this one's statements are in it.
	err = s.batch.run(ctx, s.db, func(ctx context.Context, tx *store.Tx) error {
		if pg {
			if err := tx.StmtContext(ctx, insertStmt).QueryRowContext(ctx,
				r.ID, r.Token, r.CategoryID, r.State, string(r.StateType), r.Title, r.Details, r.Lat, r.Lon, r.Address,
				r.AddressID, r.Zipcode, r.AreaID, r.Priority, r.Office, r.Operator, r.Channel, r.Reporter.Kind, r.Reporter.FiscalCode,
				r.Reporter.Name, r.Reporter.Email, r.Reporter.Phone, r.Reporter.Account, r.Reporter.Device, string(answers), r.MediaURL,
				confirm, now, r.DeadlineAt, now.In(rome).Year(), jsonHead, jsonTail, xmlHead, xmlTail, cmp.Or(r.Reporter.Lang, "it")).Scan(&r.Number); err != nil {
				return fmt.Errorf("insert report: %w", err)
			}
		} else {
			number, err := nextNumberWith(tx.StmtContext(ctx, numberStmt).QueryRowContext(ctx, now.In(rome).Year()), now)
			if err != nil {
				return err
			}
			r.Number = number
			if _, err := tx.StmtContext(ctx, insertStmt).ExecContext(ctx,
				r.ID, r.Number, r.Token, r.CategoryID, r.State, string(r.StateType), r.Title, r.Details, r.Lat, r.Lon, r.Address,
				r.AddressID, r.Zipcode, r.AreaID, r.Priority, r.Office, r.Operator, r.Channel, r.Reporter.Kind, r.Reporter.FiscalCode,
				r.Reporter.Name, r.Reporter.Email, r.Reporter.Phone, r.Reporter.Account, r.Reporter.Device, string(answers), r.MediaURL,
				confirm, now, r.DeadlineAt, jsonHead+r.Number+jsonTail, xmlHead+r.Number+xmlTail, cmp.Or(r.Reporter.Lang, "it")); err != nil {
				return fmt.Errorf("insert report: %w", err)
			}
		}
		for _, m := range media {
			if _, err := tx.ExecContext(ctx, `INSERT INTO reports_media (id, report_id, kind, content_type, blob_key, name, width, height, hidden, created_at)
				VALUES ($1,$2,$3,$4,$5,$6,$7,$8,FALSE,$9)`, m.ID, r.ID, m.Kind, m.ContentType, m.BlobKey, m.Name, m.Width, m.Height, now); err != nil {
				return fmt.Errorf("insert media: %w", err)
			}
		}
		if err := s.appendEvent(ctx, tx, "created", r, map[string]any{"number": r.Number, "category": c.Code, "state": r.State,
			"channel": r.Channel, "office": r.Office, "anonymous": r.Reporter.Kind == ByAnonymous}); err != nil {
			return err
		}
		if confirm != "" {
			// The e-mail with the link is sent by whoever handles this event,
			// reading address and code from the report: neither the personal
			// address nor the secret code goes into the event log.
			return s.appendEvent(ctx, tx, "confirmation_requested", r, map[string]any{"number": r.Number})
		}
		return s.notifyReporter(ctx, tx, r, tmplCreated, map[string]any{"number": r.Number, "title": r.Title,
			"deadline": r.DeadlineAt.In(rome).Format("02/01/2006")})
	})
	if err != nil {
		s.dropFiles(context.WithoutCancel(ctx), media)
		return nil, err
	}
	return r, nil
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

// insertReportSQL stores a new report with its Open311 fragment.
const insertReportSQL = `INSERT INTO reports_report (id, number, token, category_id, state, state_type, title, details,
	lat, lon, address, address_id, zipcode, area_id, priority, office, operator, channel, reporter_kind, reporter_fc,
	reporter_name, reporter_email, reporter_phone, reporter_account, reporter_device, answers, media_url, confirm_code,
	created_at, updated_at, deadline_at, version, o311_json, o311_xml, reporter_lang)
	VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24,$25,$26,$27,$28,$29,$29,$30,1,$31,$32,$33)`

// insertNumberedReportPG is insertReportSQL with the number taken in the
// same statement (PostgreSQL only: SQLite has no INSERT inside WITH). The
// number's format is nextNumber's: SGN-<year>-<at least 6 digits>.
const insertNumberedReportPG = `WITH n AS (
		INSERT INTO reports_counter (year, last) VALUES ($30, 1)
		ON CONFLICT (year) DO UPDATE SET last = reports_counter.last + 1 RETURNING year, last
	), num AS (
		SELECT 'SGN-' || year::text || '-' || CASE WHEN last < 1000000 THEN lpad(last::text, 6, '0') ELSE last::text END AS number FROM n
	)
	INSERT INTO reports_report (id, number, token, category_id, state, state_type, title, details,
	lat, lon, address, address_id, zipcode, area_id, priority, office, operator, channel, reporter_kind, reporter_fc,
	reporter_name, reporter_email, reporter_phone, reporter_account, reporter_device, answers, media_url, confirm_code,
	created_at, updated_at, deadline_at, version, o311_json, o311_xml, reporter_lang)
	SELECT $1, num.number, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24,
	$25, $26, $27, $28, $28, $29, 1, $31 || num.number || $32, $33 || num.number || $34, $35 FROM num
	RETURNING number`

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
