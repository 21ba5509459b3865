package reports

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/arengo-pa/arengo/internal/audit"
	"github.com/arengo-pa/arengo/internal/errs"
	"github.com/arengo-pa/arengo/internal/reports/upload"
	"github.com/arengo-pa/arengo/internal/store"
)

// Partial redaction of a photo. The public copy of a redacted photo is a
// new blob with the rectangles filled; reports_media.blob_key points to it,
// so every public path (page, Open311 media_url, map) serves it unchanged.
// The original stays where it was stored, at the key the redacted one's
// name is derived from, served only to staff (audited). Undo points
// blob_key back at the original and deletes the copy. Each redaction
// applies to the current public copy, so rectangles add up.

// redactedMark separates the original key from the redaction's own id:
// "reports/R/M.jpg" → "reports/R/M.redacted-<id>.jpg".
const redactedMark = ".redacted-"

func redactedKey(original, ext string) string {
	return strings.TrimSuffix(original, path.Ext(original)) + redactedMark + store.NewID() + ext
}

// originalKey is the key of the photo as filed; ok is false when key is
// not a redacted copy.
func originalKey(key string) (orig string, ok bool) {
	i := strings.LastIndex(key, redactedMark)
	if i < 0 {
		return key, false
	}
	return key[:i] + path.Ext(key), true
}

// IsRedacted tells whether the public copy of a photo is redacted.
func IsRedacted(m Media) bool {
	_, ok := originalKey(m.BlobKey)
	return ok
}

// redaction is what staff see of a redacted photo: the rectangles covered
// on its public copy (none listed for a redaction made before they were
// recorded).
type redaction struct{ Rects []upload.Rect }

// redactions gives, for each redacted photo among media, its rectangles.
func (s *Service) redactions(ctx context.Context, reportID string, media []Media) (map[string]*redaction, error) {
	out := map[string]*redaction{}
	for _, md := range media {
		if IsRedacted(md) {
			out[md.ID] = &redaction{}
		}
	}
	if len(out) == 0 {
		return out, nil
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, redactions FROM reports_media WHERE report_id = $1 AND redactions <> ''`, reportID)
	if err != nil {
		return nil, fmt.Errorf("redactions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, raw string
		if err := rows.Scan(&id, &raw); err != nil {
			return nil, err
		}
		if red, ok := out[id]; ok {
			if err := json.Unmarshal([]byte(raw), &red.Rects); err != nil {
				return nil, fmt.Errorf("redactions of %s: %w", id, err)
			}
		}
	}
	return out, rows.Err()
}

// photoOf loads a photo of the report with the given number.
func (s *Service) photoOf(ctx context.Context, number, mediaID string) (*Report, Media, error) {
	md, r, err := s.MediaByID(ctx, mediaID)
	if err != nil {
		return nil, Media{}, err
	}
	if r.Number != number || md.Kind != string(upload.Photo) {
		return nil, Media{}, errs.E(errs.ENOTFOUND, "foto inesistente")
	}
	return r, md, nil
}

// RedactPhoto covers rect on the public copy of a photo. The reason is
// required; the original stays for staff, the audit log keeps who, why and
// where.
func (s *Service) RedactPhoto(ctx context.Context, number, mediaID string, rect upload.Rect, reason string) (*Report, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return nil, errs.Field("reason", "indicare il motivo dell'oscuramento")
	}
	r, md, err := s.photoOf(ctx, number, mediaID)
	if err != nil {
		return nil, err
	}
	rc, _, err := s.blob.Get(ctx, md.BlobKey)
	if err != nil {
		return nil, fmt.Errorf("redact %s: %w", md.ID, err)
	}
	data, err := io.ReadAll(rc)
	rc.Close()
	if err != nil {
		return nil, fmt.Errorf("redact %s: %w", md.ID, err)
	}
	f, err := upload.Redact(data, rect)
	if upload.IsRefused(err) {
		return nil, errs.Field("rect", "%s", err.Error())
	}
	if err != nil {
		return nil, err
	}
	orig, _ := originalKey(md.BlobKey)
	key := redactedKey(orig, path.Ext(orig))
	if _, err := s.blob.Put(ctx, key, bytesReader(f.Data), f.ContentType); err != nil {
		return nil, fmt.Errorf("redact %s: %w", md.ID, err)
	}
	// The rectangles of the copy this one replaces, plus rect.
	reds, err := s.redactions(ctx, r.ID, []Media{md})
	if err != nil {
		_ = s.blob.Delete(context.WithoutCancel(ctx), key)
		return nil, err
	}
	var rects []upload.Rect
	if red := reds[md.ID]; red != nil {
		rects = red.Rects
	}
	list, _ := json.Marshal(append(rects, rect))
	err = s.swapPhoto(ctx, r, md, key, string(list), "media_redacted", "reports.redact_photo", reason, map[string]any{"rect": rect, "area": rect.String()})
	if err != nil {
		_ = s.blob.Delete(context.WithoutCancel(ctx), key)
		return nil, err
	}
	if md.BlobKey != orig { // the previous redacted copy is superseded
		_ = s.blob.Delete(context.WithoutCancel(ctx), md.BlobKey)
	}
	return r, nil
}

// UnredactPhoto makes the original photo public again.
func (s *Service) UnredactPhoto(ctx context.Context, number, mediaID, reason string) (*Report, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return nil, errs.Field("reason", "indicare il motivo per cui si annulla l'oscuramento")
	}
	r, md, err := s.photoOf(ctx, number, mediaID)
	if err != nil {
		return nil, err
	}
	orig, ok := originalKey(md.BlobKey)
	if !ok {
		return nil, errs.E(errs.ECONFLICT, "la foto non è oscurata")
	}
	if err := s.swapPhoto(ctx, r, md, orig, "", "media_unredacted", "reports.unredact_photo", reason, nil); err != nil {
		return nil, err
	}
	_ = s.blob.Delete(context.WithoutCancel(ctx), md.BlobKey)
	return r, nil
}

// swapPhoto points the photo at key, with the rectangles covered on it, in
// one transaction with the history note (internal), the event and the audit
// entry; it fails with a conflict when someone else changed the photo
// meanwhile (so rects always extend the copy they were read with).
func (s *Service) swapPhoto(ctx context.Context, r *Report, md Media, key, rects, event, action, reason string, detail map[string]any) error {
	now := s.now()
	return s.db.Transact(ctx, func(tx *store.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE reports_media SET blob_key = $1, redactions = $4 WHERE id = $2 AND blob_key = $3`, key, md.ID, md.BlobKey, rects)
		if err != nil {
			return fmt.Errorf("%s: %w", event, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.E(errs.ECONFLICT, "la foto è stata modificata da un altro operatore: ricaricare la pagina")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE reports_report SET updated_at=$1, version=version+1 WHERE id=$2`, now, r.ID); err != nil {
			return err
		}
		r.Version++
		note := "Foto «" + md.Name + "» oscurata in parte: " + reason
		if event == "media_unredacted" {
			note = "Oscuramento della foto «" + md.Name + "» annullato: " + reason
		}
		if err := s.addUpdate(ctx, tx, Update{ReportID: r.ID, Kind: KindModeration, Public: false, Text: note}); err != nil {
			return err
		}
		data := map[string]any{"number": r.Number, "media": md.ID}
		after := map[string]any{"media": md.ID, "public_key": key, "reason": reason}
		for k, v := range detail {
			data[k], after[k] = v, v
		}
		if err := s.event(ctx, tx, event, r, data); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: action, ObjectType: "report", ObjectID: r.Number,
			Before: map[string]any{"media": md.ID, "public_key": md.BlobKey}, After: after})
	})
}
