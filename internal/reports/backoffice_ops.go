package reports

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/arengo-pa/arengo/internal/audit"
	"github.com/arengo-pa/arengo/internal/errs"
	"github.com/arengo-pa/arengo/internal/store"
)

// Triage is the assignment an operator sets on a report.
type Triage struct {
	Priority int // 1 high, 2 normal, 3 low
	Office   string
	Operator string
	Deadline time.Time
}

// SetTriage changes priority, office, operator and deadline.
func (s *Service) SetTriage(ctx context.Context, number string, t Triage) (*Report, error) {
	if t.Priority < 1 || t.Priority > 3 {
		return nil, errs.Field("priority", "priorità non valida: 1 alta, 2 normale, 3 bassa")
	}
	r, err := s.Get(ctx, number)
	if err != nil {
		return nil, err
	}
	if t.Deadline.IsZero() {
		t.Deadline = r.DeadlineAt
	}
	if t.Deadline.Before(r.CreatedAt) {
		return nil, errs.Field("deadline", "la scadenza non può precedere la data della segnalazione")
	}
	before := summary(r)
	err = s.db.Transact(ctx, func(tx *store.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE reports_report SET priority=$1, office=$2, operator=$3, deadline_at=$4, updated_at=$5,
			version=version+1 WHERE id=$6`, t.Priority, strings.TrimSpace(t.Office), strings.TrimSpace(t.Operator), t.Deadline, s.now(), r.ID); err != nil {
			return fmt.Errorf("triage: %w", err)
		}
		r.Priority, r.Office, r.Operator, r.DeadlineAt = t.Priority, strings.TrimSpace(t.Office), strings.TrimSpace(t.Operator), t.Deadline
		r.Version++
		if err := s.event(ctx, tx, "triaged", r, map[string]any{"number": r.Number, "priority": r.Priority, "office": r.Office}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "reports.triage", ObjectType: "report", ObjectID: r.Number, Before: before, After: summary(r)})
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// Moderate replaces the public title and details (to remove a sentence)
// and hides the chosen photos; the original text stays in the audit log.
func (s *Service) Moderate(ctx context.Context, number, title, details string, hideMedia []string, reason string) (*Report, error) {
	r, err := s.Get(ctx, number)
	if err != nil {
		return nil, err
	}
	title, details, reason = strings.TrimSpace(title), strings.TrimSpace(details), strings.TrimSpace(reason)
	switch {
	case title == "" || utf8.RuneCountInString(title) > MaxTitle:
		return nil, errs.Field("title", "il titolo è obbligatorio e non supera %d caratteri", MaxTitle)
	case details == "":
		return nil, errs.Field("details", "i dettagli non possono restare vuoti")
	case reason == "":
		return nil, errs.Field("reason", "indicare il motivo della moderazione")
	}
	media, err := s.Media(ctx, r.ID, true)
	if err != nil {
		return nil, err
	}
	hide := map[string]bool{}
	for _, id := range hideMedia {
		hide[id] = true
	}
	before := map[string]any{"title": r.Title, "details": r.Details}
	err = s.db.Transact(ctx, func(tx *store.Tx) error {
		for i, m := range media {
			if hide[m.ID] && !m.Hidden {
				if _, err := tx.ExecContext(ctx, `UPDATE reports_media SET hidden = TRUE WHERE id = $1 AND report_id = $2`, m.ID, r.ID); err != nil {
					return err
				}
				media[i].Hidden = true
			}
		}
		r.MediaURL = ""
		if p := firstPhoto(media); p != nil {
			r.MediaURL = mediaPath(p.ID)
		}
		r.Title, r.Details = title, details
		if _, err := tx.ExecContext(ctx, `UPDATE reports_report SET title=$1, details=$2, media_url=$3, updated_at=$4, version=version+1 WHERE id=$5`,
			r.Title, r.Details, r.MediaURL, s.now(), r.ID); err != nil {
			return fmt.Errorf("moderate: %w", err)
		}
		r.Version++
		if err := s.addUpdate(ctx, tx, Update{ReportID: r.ID, Kind: KindModeration, Public: false, Text: reason}); err != nil {
			return err
		}
		if err := s.event(ctx, tx, "moderated", r, map[string]any{"number": r.Number, "hidden_media": hideMedia}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "reports.moderate", ObjectType: "report", ObjectID: r.Number,
			Before: before, After: map[string]any{"title": title, "details": details, "hidden_media": hideMedia, "reason": reason}})
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// Rating is the C.SE.1.7 questionnaire at the end of the journey.
type Rating struct {
	Stars   int
	Answers []string
	Comment string
}

// Rate stores the citizen's rating of the service on their report.
func (s *Service) Rate(ctx context.Context, number string, owner Reporter, rt Rating) error {
	if rt.Stars < 1 || rt.Stars > 5 {
		return errs.Field("rating", "scegliere da 1 a 5 stelle")
	}
	r, err := s.Get(ctx, number)
	if err != nil {
		return err
	}
	if supporterKey(r.Reporter) == "" || supporterKey(r.Reporter) != supporterKey(owner) {
		return errs.E(errs.EFORBIDDEN, "solo chi ha inviato la segnalazione può valutare il servizio")
	}
	answers := strings.Join(append(rt.Answers, rt.Comment), " | ")
	return s.db.Transact(ctx, func(tx *store.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE reports_report SET rating=$1, rating_answers=$2 WHERE id=$3`, rt.Stars, answers, r.ID); err != nil {
			return fmt.Errorf("rate: %w", err)
		}
		return s.event(ctx, tx, "rated", r, map[string]any{"number": r.Number, "stars": rt.Stars})
	})
}
