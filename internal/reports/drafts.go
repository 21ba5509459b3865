package reports

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/arengo-pa/arengo/internal/errs"
	"github.com/arengo-pa/arengo/internal/reports/upload"
	"github.com/arengo-pa/arengo/internal/store"
)

// Draft is a report being written (C.SE.1.6: save and resume at any step).
type Draft struct {
	ID       string              `json:"-"`
	Owner    string              `json:"-"`
	Privacy  bool                `json:"privacy"`
	Category string              `json:"category"`
	Title    string              `json:"title"`
	Details  string              `json:"details"`
	Address  string              `json:"address"`
	Lat      string              `json:"lat"`
	Lon      string              `json:"lon"`
	Email    string              `json:"email"`
	Phone    string              `json:"phone"`
	Answers  map[string][]string `json:"answers"`
	Files    []DraftFile         `json:"files"`
	// SeenNearby is set once the citizen has been shown nearby reports and
	// chose to go on with a new one.
	SeenNearby bool `json:"seen_nearby"`
}

// DraftFile is an attachment already sanitized and stored with the draft.
type DraftFile struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Kind        string `json:"kind"`
	ContentType string `json:"content_type"`
	Ext         string `json:"ext"`
	Key         string `json:"key"`
	Width       int    `json:"width"`
	Height      int    `json:"height"`
}

func (d Draft) count(kind upload.Kind) int {
	n := 0
	for _, f := range d.Files {
		if f.Kind == string(kind) {
			n++
		}
	}
	return n
}

// Draft loads a draft that belongs to owner.
func (s *Service) Draft(ctx context.Context, id, owner string) (*Draft, error) {
	var data string
	err := s.db.QueryRowContext(ctx, `SELECT data FROM reports_draft WHERE id = $1 AND owner = $2`, id, owner).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.E(errs.ENOTFOUND, "bozza inesistente o di un altro utente")
	}
	if err != nil {
		return nil, fmt.Errorf("draft: %w", err)
	}
	d := &Draft{ID: id, Owner: owner}
	if err := json.Unmarshal([]byte(data), d); err != nil {
		return nil, fmt.Errorf("draft %s: %w", id, err)
	}
	return d, nil
}

// Drafts lists an owner's drafts, most recent first.
func (s *Service) Drafts(ctx context.Context, owner string) ([]Draft, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, data FROM reports_draft WHERE owner = $1 ORDER BY updated_at DESC LIMIT 20`, owner)
	if err != nil {
		return nil, fmt.Errorf("drafts: %w", err)
	}
	defer rows.Close()
	var out []Draft
	for rows.Next() {
		var d Draft
		var data string
		if err := rows.Scan(&d.ID, &data); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(data), &d); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// SaveDraft stores the draft (creating it when it has no id).
func (s *Service) SaveDraft(ctx context.Context, d *Draft) error {
	data, err := json.Marshal(d)
	if err != nil {
		return err
	}
	if d.ID == "" {
		d.ID = store.NewID()
	}
	return s.db.Transact(ctx, func(tx *store.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO reports_draft (id, owner, data, updated_at) VALUES ($1,$2,$3,$4)
			ON CONFLICT (id) DO UPDATE SET data = $3, updated_at = $4`, d.ID, d.Owner, string(data), s.now()); err != nil {
			return fmt.Errorf("save draft: %w", err)
		}
		return s.simpleEvent(ctx, tx, "draft_saved", "draft", d.ID, map[string]string{"draft": d.ID})
	})
}

// AttachToDraft stores a sanitized file with the draft.
func (s *Service) AttachToDraft(ctx context.Context, d *Draft, f NamedFile) error {
	if f.Kind == upload.Photo && d.count(upload.Photo) >= MaxPhotos {
		return errs.Field("photos", "si possono allegare al massimo %d foto", MaxPhotos)
	}
	if f.Kind == upload.Document && d.count(upload.Document) >= MaxDocuments {
		return errs.Field("documents", "si possono allegare al massimo %d documenti PDF", MaxDocuments)
	}
	df := DraftFile{ID: store.NewID(), Name: f.Name, Kind: string(f.Kind), ContentType: f.ContentType, Ext: f.Ext, Width: f.Width, Height: f.Height}
	df.Key = "reports/drafts/" + d.ID + "/" + df.ID + f.Ext
	if _, err := s.blob.Put(ctx, df.Key, bytesReader(f.Data), f.ContentType); err != nil {
		return fmt.Errorf("store draft file: %w", err)
	}
	d.Files = append(d.Files, df)
	return nil
}

// RemoveDraftFile drops one attachment from the draft.
func (s *Service) RemoveDraftFile(ctx context.Context, d *Draft, fileID string) {
	for i, f := range d.Files {
		if f.ID == fileID {
			_ = s.blob.Delete(ctx, f.Key)
			d.Files = append(d.Files[:i], d.Files[i+1:]...)
			return
		}
	}
}

// draftFiles reads the draft's attachments back for Create.
func (s *Service) draftFiles(ctx context.Context, d *Draft) ([]NamedFile, error) {
	var out []NamedFile
	for _, f := range d.Files {
		rc, _, err := s.blob.Get(ctx, f.Key)
		if err != nil {
			return nil, fmt.Errorf("draft file %s: %w", f.Name, err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return nil, err
		}
		out = append(out, NamedFile{Name: f.Name, File: upload.File{Kind: upload.Kind(f.Kind), ContentType: f.ContentType, Ext: f.Ext,
			Data: data, Width: f.Width, Height: f.Height}})
	}
	return out, nil
}

// DeleteDraft removes a submitted draft and its files.
func (s *Service) DeleteDraft(ctx context.Context, d *Draft) error {
	for _, f := range d.Files {
		_ = s.blob.Delete(ctx, f.Key)
	}
	return s.db.Transact(ctx, func(tx *store.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM reports_draft WHERE id = $1`, d.ID); err != nil {
			return err
		}
		return s.simpleEvent(ctx, tx, "draft_deleted", "draft", d.ID, map[string]string{"draft": d.ID})
	})
}
