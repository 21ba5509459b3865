package reports

import (
	"bytes"
	"context"
	"fmt"

	"github.com/arengo-pa/arengo/internal/errs"
	"github.com/arengo-pa/arengo/internal/reports/upload"
	"github.com/arengo-pa/arengo/internal/store"
)

// AddMedia attaches more photos or documents to a report (Open311 media
// extension, photos on updates), within the per-report limits.
func (s *Service) AddMedia(ctx context.Context, number string, files []NamedFile) (*Report, error) {
	r, err := s.Get(ctx, number)
	if err != nil {
		return nil, err
	}
	existing, err := s.Media(ctx, r.ID, true)
	if err != nil {
		return nil, err
	}
	photos, docs := 0, 0
	for _, m := range append(existing, filesAsMedia(files)...) {
		if m.Kind == string(upload.Photo) {
			photos++
		} else {
			docs++
		}
	}
	if photos > MaxPhotos || docs > MaxDocuments {
		return nil, errs.Field("media", "una segnalazione ha al massimo %d foto e %d documenti", MaxPhotos, MaxDocuments)
	}
	now := s.now()
	media, err := s.storeFiles(ctx, r.ID, files, now)
	if err != nil {
		return nil, err
	}
	err = s.db.Transact(ctx, func(tx *store.Tx) error {
		for _, m := range media {
			if _, err := tx.ExecContext(ctx, `INSERT INTO reports_media (id, report_id, kind, content_type, blob_key, name, width, height, hidden, created_at)
				VALUES ($1,$2,$3,$4,$5,$6,$7,$8,FALSE,$9)`, m.ID, r.ID, m.Kind, m.ContentType, m.BlobKey, m.Name, m.Width, m.Height, now); err != nil {
				return fmt.Errorf("insert media: %w", err)
			}
		}
		if p := firstPhoto(append(existing, media...)); p != nil {
			r.MediaURL = mediaPath(p.ID)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE reports_report SET media_url=$1, updated_at=$2, version=version+1 WHERE id=$3`, r.MediaURL, now, r.ID); err != nil {
			return err
		}
		r.Version++
		return s.event(ctx, tx, "media_added", r, map[string]any{"number": r.Number, "count": len(media)})
	})
	if err != nil {
		s.dropFiles(context.WithoutCancel(ctx), media)
		return nil, err
	}
	return r, nil
}

func filesAsMedia(files []NamedFile) []Media {
	out := make([]Media, len(files))
	for i, f := range files {
		out[i] = Media{Kind: string(f.Kind)}
	}
	return out
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }
