package reconcile

import (
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/arengo-pa/arengo/internal/audit"
	"github.com/arengo-pa/arengo/internal/auth"
	"github.com/arengo-pa/arengo/internal/errs"
	"github.com/arengo-pa/arengo/internal/jobs"
	"github.com/arengo-pa/arengo/internal/reconcile/flows"
	"github.com/arengo-pa/arengo/internal/store"
	"github.com/arengo-pa/arengo/internal/web"
)

var kindLabels = map[string]string{flows.KindFdRXML: "FdR XML", flows.KindFdRJSON: "FdR 3 JSON", flows.KindOPI: "Giornale di cassa OPI",
	flows.KindGdCCSV: "Giornale di cassa CSV", flows.KindMyPay: "Export pagati MyPay", flows.KindNotify: "Notifiche dell'ente", flows.KindReceipt: "Ricevute"}

// fileRow is one archived flow file.
type fileRow struct {
	ID         string          `json:"id"`
	Kind       string          `json:"kind"`
	KindLabel  string          `json:"kind_label"`
	Name       string          `json:"name"`
	SHA256     string          `json:"sha256"`
	SizeBytes  int64           `json:"size_bytes"`
	Rows       int64           `json:"rows"`
	Skipped    int64           `json:"skipped"`
	Problems   []flows.Problem `json:"problems"`
	Source     string          `json:"source"`
	ImportedBy string          `json:"imported_by"`
	ImportedAt time.Time       `json:"imported_at"`
	blobKey    string
}

const fileColumns = "id, kind, name, sha256, size_bytes, rows_read, rows_skipped, problems, source, imported_by, imported_at, blob_key"

func scanFile(sc interface{ Scan(...any) error }) (fileRow, error) {
	var f fileRow
	var problems string
	if err := sc.Scan(&f.ID, &f.Kind, &f.Name, &f.SHA256, &f.SizeBytes, &f.Rows, &f.Skipped, &problems, &f.Source, &f.ImportedBy, &f.ImportedAt, &f.blobKey); err != nil {
		return f, err
	}
	f.KindLabel = kindLabels[f.Kind]
	return f, json.Unmarshal([]byte(problems), &f.Problems)
}

// fileFilter narrows the files list: by format and by a piece of the name.
type fileFilter struct{ Kind, Search string }

func fileFilterFrom(r *http.Request) fileFilter {
	return fileFilter{Kind: r.URL.Query().Get("formato"), Search: strings.TrimSpace(r.URL.Query().Get("cerca"))}
}

func (f fileFilter) where() (string, []any) {
	var conds []string
	var args []any
	if f.Kind != "" {
		args = append(args, f.Kind)
		conds = append(conds, fmt.Sprintf("kind = $%d", len(args)))
	}
	if f.Search != "" {
		args = append(args, "%"+strings.ToLower(f.Search)+"%")
		conds = append(conds, fmt.Sprintf("LOWER(name) LIKE $%d", len(args)))
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

func (m *Module) files(ctx context.Context, f fileFilter, limit, offset int) ([]fileRow, error) {
	where, args := f.where()
	rows, err := m.deps.DB.QueryContext(ctx, fmt.Sprintf("SELECT %s FROM reconcile_file%s ORDER BY imported_at DESC, id DESC LIMIT %d OFFSET %d", fileColumns, where, limit, offset), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []fileRow
	for rows.Next() {
		f, err := scanFile(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

func (m *Module) fileCount(ctx context.Context, f fileFilter) (int, error) {
	where, args := f.where()
	var n int
	err := m.deps.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM reconcile_file"+where, args...).Scan(&n)
	return n, err
}

func (m *Module) fileList(w http.ResponseWriter, r *http.Request) {
	pager := web.NewPager(r, 50)
	f := fileFilterFrom(r)
	var err error
	if pager.Total, err = m.fileCount(r.Context(), f); err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	files, err := m.files(r.Context(), f, pager.PageSize, pager.Offset())
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	m.deps.Web.Render(w, r, m.pages.files, map[string]any{"Files": files, "Pager": pager, "Filter": f, "Kinds": kindLabels})
}

func (m *Module) filesCSV(w http.ResponseWriter, r *http.Request) {
	files, err := m.files(r.Context(), fileFilterFrom(r), exportCap, 0)
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	cw := csvResponse(w, "flussi.csv")
	cw.Write([]string{"caricato", "nome", "formato", "sha256", "byte", "righe", "scartate", "segnalazioni", "origine", "caricato_da"})
	for _, f := range files {
		msgs := ""
		for i, p := range f.Problems {
			if i > 0 {
				msgs += " | "
			}
			msgs += p.Msg
		}
		cw.Write([]string{f.ImportedAt.Format(time.RFC3339), f.Name, f.Kind, f.SHA256, strconv.FormatInt(f.SizeBytes, 10), strconv.FormatInt(f.Rows, 10),
			strconv.FormatInt(f.Skipped, 10), msgs, f.Source, f.ImportedBy})
	}
	cw.Flush()
}

// enqueueImport parks an uploaded file in the blob store and queues its import.
func (m *Module) enqueueImport(ctx context.Context, name string, body io.Reader, source string) (string, error) {
	key := "reconcile/incoming/" + store.NewID()
	if _, err := m.deps.Blob.Put(ctx, key, body, "application/octet-stream"); err != nil {
		return "", err
	}
	actor := ""
	if p := auth.FromContext(ctx); p != nil {
		actor = p.Name
	}
	return m.deps.Jobs.Enqueue(ctx, nil, jobImport, importJob{BlobKey: key, Name: filepath.Base(name), Source: source, Actor: actor}, jobs.Opts{})
}

func (m *Module) fileUpload(w http.ResponseWriter, r *http.Request) {
	if max := m.deps.Config.MaxUploadBytes; max > 0 {
		r.Body = http.MaxBytesReader(w, r.Body, max)
	}
	mr, err := r.MultipartReader()
	if err != nil {
		m.deps.Web.Error(w, r, errs.Field("flusso", "Scegliere un file da caricare"))
		return
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			m.deps.Web.Error(w, r, errs.Field("flusso", "Caricamento interrotto: %v", err))
			return
		}
		if part.FormName() != "flusso" || part.FileName() == "" {
			continue
		}
		job, err := m.enqueueImport(r.Context(), part.FileName(), part, "upload")
		if err != nil {
			var mb *http.MaxBytesError
			if errors.As(err, &mb) {
				err = errs.Field("flusso", "Il file supera la dimensione massima di %d byte", mb.Limit)
			}
			m.deps.Web.Error(w, r, err)
			return
		}
		if err := audit.RecordNow(r.Context(), m.deps.DB, audit.Entry{Action: "reconcile.upload", ObjectType: "reconcile_upload", ObjectID: job,
			After: map[string]any{"name": part.FileName()}}); err != nil {
			m.deps.Web.Error(w, r, err)
			return
		}
		http.Redirect(w, r, "/admin/riconciliazione/caricamenti/"+job+"?nome="+urlQuery(part.FileName()), http.StatusSeeOther)
		return
	}
	m.deps.Web.Error(w, r, errs.Field("flusso", "Scegliere un file da caricare"))
}

func (m *Module) uploadProgress(w http.ResponseWriter, r *http.Request) {
	st, err := m.deps.Jobs.Get(r.Context(), r.PathValue("job"))
	if err != nil || st.Kind != jobImport {
		m.deps.Web.Error(w, r, errs.E(errs.ENOTFOUND, "Caricamento non trovato"))
		return
	}
	m.deps.Web.Render(w, r, m.pages.progress, map[string]any{"JobID": st.ID, "State": st, "Name": r.URL.Query().Get("nome")})
}

func (m *Module) fileDownload(w http.ResponseWriter, r *http.Request) {
	row := m.deps.DB.QueryRowContext(r.Context(), "SELECT "+fileColumns+" FROM reconcile_file WHERE id = $1", r.PathValue("id"))
	f, err := scanFile(row)
	if errors.Is(err, sql.ErrNoRows) {
		m.deps.Web.Error(w, r, errs.E(errs.ENOTFOUND, "Flusso non trovato"))
		return
	}
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	rc, info, err := m.deps.Blob.Get(r.Context(), f.blobKey)
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	defer rc.Close()
	w.Header().Set("Content-Type", info.ContentType)
	w.Header().Set("Content-Disposition", "attachment; filename="+strconv.Quote(f.Name))
	io.Copy(w, rc)
}

func csvResponse(w http.ResponseWriter, name string) *csv.Writer {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", "attachment; filename="+strconv.Quote(name))
	w.Write([]byte("\ufeff")) // Excel reads UTF-8 only with a BOM
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	return cw
}
