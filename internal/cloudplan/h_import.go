package cloudplan

import (
	"bytes"
	"errors"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/arengo-pa/arengo/internal/auth"
	"github.com/arengo-pa/arengo/internal/blob"
	"github.com/arengo-pa/arengo/internal/errs"
	"github.com/arengo-pa/arengo/internal/jobs"
	"github.com/arengo-pa/arengo/internal/store"
)

const maxUpload = 20 << 20

type importRow struct {
	ID, Kind, Filename, Status, Message, By, JobID string
	StatusLabel                                    string
	CreatedAt                                      time.Time
}

func (m *Module) recentImports(r *http.Request, id string) ([]importRow, error) {
	q := `SELECT id, kind, filename, status, message, created_by, job_id, created_at FROM cloudplan_import`
	args := []any{}
	if id != "" {
		q += ` WHERE id = $1`
		args = append(args, id)
	}
	rows, err := m.deps.DB.QueryContext(r.Context(), q+` ORDER BY created_at DESC LIMIT 20`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []importRow
	for rows.Next() {
		var x importRow
		if err := rows.Scan(&x.ID, &x.Kind, &x.Filename, &x.Status, &x.Message, &x.By, &x.JobID, &x.CreatedAt); err != nil {
			return nil, err
		}
		x.StatusLabel = map[string]string{"in_coda": "in corso", "errore": "non importato", "completato": "completato"}[x.Status]
		out = append(out, x)
	}
	return out, rows.Err()
}

func (m *Module) importForm(w http.ResponseWriter, r *http.Request) {
	recent, err := m.recentImports(r, "")
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	m.deps.Web.Render(w, r, m.pages.imports, map[string]any{"Kinds": importKinds, "Recent": recent})
}

// importPost stores the upload and queues the import job; the status page
// shows its progress.
func (m *Module) importPost(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxUpload+1<<20)
	kind := r.FormValue("kind")
	if !slices.ContainsFunc(importKinds, func(k struct{ Kind, Label string }) bool { return k.Kind == kind }) {
		m.deps.Web.Error(w, r, errs.Field("kind", "scegliere il tipo di file"))
		return
	}
	f, hdr, err := r.FormFile("file")
	if err != nil {
		m.deps.Web.Error(w, r, errs.Field("file", "scegliere il file da importare"))
		return
	}
	defer f.Close()
	name := filepath.Base(hdr.Filename)
	ext := strings.ToLower(filepath.Ext(name))
	if ext != ".csv" && ext != ".xlsx" || (kind == KindServers && ext != ".csv") {
		m.deps.Web.Error(w, r, errs.Field("file", "formato non ammesso: %s (sono accettati .xlsx del kit e .csv)", ext))
		return
	}
	data, _, err := blob.Sniff(f, maxUpload, "application/zip", "text/plain", "application/octet-stream")
	var rej *blob.RejectedError
	if errors.As(err, &rej) {
		m.deps.Web.Error(w, r, errs.Field("file", "%s", rej.Message))
		return
	}
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	id := store.NewID()
	key := "cloudplan/import/" + id + ext
	ct := "text/csv"
	if ext == ".xlsx" {
		ct = xlsxType
	}
	if _, err := m.deps.Blob.Put(r.Context(), key, bytes.NewReader(data), ct); err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	by := ""
	if p := auth.FromContext(r.Context()); p != nil {
		by = p.Name
	}
	err = m.deps.DB.Transact(r.Context(), func(tx *store.Tx) error {
		jobID, err := m.deps.Jobs.Enqueue(r.Context(), tx, importJob, importPayload{ImportID: id}, jobs.Opts{})
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(r.Context(), `INSERT INTO cloudplan_import (id, kind, filename, blob_key, job_id, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, id, kind, name, key, jobID, by, store.Now()); err != nil {
			return err
		}
		return changed(r.Context(), tx, "import_queued", "import", id, 0, nil, map[string]string{"kind": kind, "file": name})
	})
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	redirect(w, r, "/admin/cloud/importa/"+id)
}

func (m *Module) importStatus(w http.ResponseWriter, r *http.Request) {
	rows, err := m.recentImports(r, r.PathValue("id"))
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	if len(rows) == 0 {
		m.deps.Web.Error(w, r, errs.E(errs.ENOTFOUND, "importazione inesistente"))
		return
	}
	m.deps.Web.Render(w, r, m.pages.importStatus, map[string]any{"Import": rows[0], "Lines": strings.Split(rows[0].Message, "\n")})
}
