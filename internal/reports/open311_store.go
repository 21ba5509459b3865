package reports

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/arengo-pa/arengo/internal/reports/open311"
	"github.com/arengo-pa/arengo/internal/reports/workflow"
	"github.com/arengo-pa/arengo/internal/store"
)

// open311Cols are the public columns of a request: no reporter field is
// ever selected, so none can leak into an answer.
const open311Cols = `r.id, r.number, r.state_type, s.label, c.code, c.name, c.deadline_days, r.title, r.details, r.office,
	r.created_at, r.updated_at, r.deadline_at, r.address, r.address_id, r.zipcode, r.lat, r.lon, r.media_url`

// open311From puts reports first with CROSS JOIN, which SQLite keeps as the
// outer loop: the (created_at, id) index then serves the ORDER BY and the
// LIMIT stops the scan after one page, instead of sorting every report of the
// chosen categories. PostgreSQL plans it as an ordinary join.
const open311From = ` FROM reports_report r CROSS JOIN reports_category c CROSS JOIN reports_state s
	WHERE c.id = r.category_id AND s.code = r.state AND r.state_type <> 'hidden' AND c.private = FALSE`

// Open311Requests answers GET /requests: newest first, then by id, so
// pages are stable.
func (s *Service) Open311Requests(ctx context.Context, q open311.Query, baseURL string) (open311.RequestList, error) {
	var conds []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if len(q.IDs) > 0 {
		ph := make([]string, len(q.IDs))
		for i, id := range q.IDs {
			ph[i] = arg(id)
		}
		conds = append(conds, "r.number IN ("+strings.Join(ph, ",")+")")
	} else {
		conds = append(conds, "r.created_at >= "+arg(q.Start), "r.created_at <= "+arg(q.End))
		if len(q.ServiceCodes) > 0 {
			ids, err := s.categoryIDs(ctx, q.ServiceCodes)
			if err != nil {
				return nil, err
			}
			if len(ids) == 0 {
				return open311.RequestList{}, nil
			}
			ph := make([]string, len(ids))
			for i, id := range ids {
				ph[i] = arg(id)
			}
			// On the report's own column, so the listing index filters it.
			conds = append(conds, "r.category_id IN ("+strings.Join(ph, ",")+")")
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
	query := `SELECT ` + open311Cols + open311From + ` AND ` + strings.Join(conds, " AND ") +
		` ORDER BY r.created_at DESC, r.id DESC LIMIT ` + arg(q.PageSize) + ` OFFSET ` + arg(q.Offset())
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("open311 requests: %w", err)
	}
	defer rows.Close()
	out := make(open311.RequestList, 0, 64)
	var ids []string
	for rows.Next() {
		req, id, err := scanOpen311(rows, baseURL)
		if err != nil {
			return nil, err
		}
		out = append(out, req)
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if q.Extensions && len(ids) > 0 {
		notes, err := s.publicNotes(ctx, ids)
		if err != nil {
			return nil, err
		}
		for i := range out {
			filing := open311.Note{Datetime: out[i].RequestedDatetime, Description: filedText, Type: KindCreated}
			out[i].Notes = append([]open311.Note{filing}, notes[ids[i]]...)
		}
	}
	return out, nil
}

func scanOpen311(rows interface{ Scan(...any) error }, baseURL string) (open311.Request, string, error) {
	var req open311.Request
	var id, typ, label, title, details, office, address, addressID, zipcode, media string
	var deadlineDays int
	var created, updated, deadline time.Time
	var lat, lon sql.NullFloat64
	if err := rows.Scan(&id, &req.ServiceRequestID, &typ, &label, &req.ServiceCode, &req.ServiceName, &deadlineDays, &title, &details,
		&office, &created, &updated, &deadline, &address, &addressID, &zipcode, &lat, &lon, &media); err != nil {
		return req, "", err
	}
	req.Status = workflow.Type(typ).Open311Status()
	req.StatusNotes = open311.Text(label)
	req.Description = open311.Text(title + "\n" + details)
	req.AgencyResponsible = open311.Text(office)
	req.ServiceNotice = open311.Text(fmt.Sprintf("Risposta prevista entro %d giorni", deadlineDays))
	req.RequestedDatetime, req.UpdatedDatetime, req.ExpectedDatetime = open311.At(created), open311.At(updated), open311.At(deadline)
	req.Address, req.AddressID, req.Zipcode = open311.Text(address), open311.Text(addressID), open311.Text(zipcode)
	req.Lat, req.Long = lat.Float64, lon.Float64
	if strings.HasPrefix(media, "/") {
		media = baseURL + media
	}
	req.MediaURL = open311.Text(media)
	return req, id, nil
}

// publicNotes loads the public history of the given reports.
func (s *Service) publicNotes(ctx context.Context, ids []string) (map[string][]open311.Note, error) {
	ph := make([]string, len(ids))
	args := make([]any, len(ids))
	for i, id := range ids {
		ph[i], args[i] = "$"+strconv.Itoa(i+1), id
	}
	rows, err := s.db.QueryContext(ctx, `SELECT u.report_id, u.kind, u.text, u.created_at, COALESCE(s.label, '')
		FROM reports_update u LEFT JOIN reports_state s ON s.code = u.state_to AND u.kind = 'state'
		WHERE u.public = TRUE AND u.hidden = FALSE AND u.report_id IN (`+strings.Join(ph, ",")+`) ORDER BY u.created_at, u.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("open311 notes: %w", err)
	}
	defer rows.Close()
	out := map[string][]open311.Note{}
	for rows.Next() {
		var id, kind, text, label string
		var at time.Time
		if err := rows.Scan(&id, &kind, &text, &at, &label); err != nil {
			return nil, err
		}
		desc := text
		if label != "" {
			desc = strings.TrimSpace(label + ". " + text)
		}
		out[id] = append(out[id], open311.Note{Datetime: open311.At(at), Description: open311.Text(desc), Type: kind})
	}
	return out, rows.Err()
}

// Open311Updates answers GET /servicerequestupdates: public updates of
// public reports in the window, oldest first.
func (s *Service) Open311Updates(ctx context.Context, start, end time.Time) (open311.UpdateList, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT u.id, r.number, COALESCE(st.open311, cur.open311), u.created_at, u.text
		FROM reports_update u JOIN reports_report r ON r.id = u.report_id JOIN reports_category c ON c.id = r.category_id
		JOIN reports_state cur ON cur.code = r.state LEFT JOIN reports_state st ON st.code = u.state_to AND u.state_to <> ''
		WHERE u.public = TRUE AND u.hidden = FALSE AND r.state_type <> 'hidden' AND c.private = FALSE
		AND u.created_at >= $1 AND u.created_at <= $2 ORDER BY u.created_at, u.id LIMIT 1000`, start, end)
	if err != nil {
		return nil, fmt.Errorf("open311 updates: %w", err)
	}
	defer rows.Close()
	out := open311.UpdateList{}
	for rows.Next() {
		var u open311.RequestUpdate
		var at time.Time
		var text string
		if err := rows.Scan(&u.UpdateID, &u.ServiceRequestID, &u.Status, &at, &text); err != nil {
			return nil, err
		}
		u.UpdatedDatetime, u.Description = open311.At(at), open311.Text(text)
		out = append(out, u)
	}
	return out, rows.Err()
}

// Token resolves a token to its request number (public reports only).
func (s *Service) Token(ctx context.Context, token string) (string, error) {
	var number string
	err := s.db.QueryRowContext(ctx, `SELECT r.number`+open311From+` AND r.token = $1`, token).Scan(&number)
	return number, err
}

// stateForOpen311 maps a mySociety extended status to a state of the table:
// the first (in order) carrying that status, preferring the council's fix.
func stateForOpen311(states []workflow.State, status string) (workflow.State, bool) {
	if status == "REOPEN" {
		status = "OPEN"
		for _, st := range states {
			if st.Code == workflow.Reopened {
				return st, true
			}
		}
	}
	if status == "FIXED" {
		for _, st := range states {
			if st.Code == workflow.FixedCouncil {
				return st, true
			}
		}
	}
	for _, st := range states {
		if st.Open311 == status && st.Type != workflow.Hidden {
			return st, true
		}
	}
	return workflow.State{}, false
}

// externalUpdateID finds the id we gave to an update received from outside.
func (s *Service) externalUpdateID(ctx context.Context, external string) (string, error) {
	var id string
	err := s.db.QueryRowContext(ctx, `SELECT id FROM reports_update WHERE external_id = $1`, external).Scan(&id)
	return id, err
}

// categoryIDs resolves public service codes to category ids.
func (s *Service) categoryIDs(ctx context.Context, codes []string) ([]string, error) {
	ph := make([]string, len(codes))
	args := make([]any, len(codes))
	for i, c := range codes {
		ph[i], args[i] = "$"+strconv.Itoa(i+1), c
	}
	ids, err := store.Column[string](ctx, s.db, `SELECT id FROM reports_category WHERE private = FALSE AND code IN (`+strings.Join(ph, ",")+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("service codes: %w", err)
	}
	return ids, nil
}
