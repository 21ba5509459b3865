package datasov

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/arengo-pa/arengo/internal/audit"
	"github.com/arengo-pa/arengo/internal/datasov/snapshot"
	"github.com/arengo-pa/arengo/internal/errs"
	"github.com/arengo-pa/arengo/internal/jobs"
	"github.com/arengo-pa/arengo/internal/store"
	"github.com/arengo-pa/arengo/internal/web"
)

// TableInfo is a table as the Data page lists it.
type TableInfo struct {
	snapshot.Table
	Rows int64
}

// ColumnsText lists the columns with their export types: "id (text), paid (boolean)".
func (t TableInfo) ColumnsText() string {
	parts := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		parts[i] = c.Name + " (" + string(c.Type) + ")"
	}
	return strings.Join(parts, ", ")
}

// tables lists the application's tables whose name contains q, with their row counts.
func (m *Module) tables(ctx context.Context, q string) ([]TableInfo, error) {
	all, err := snapshot.Tables(ctx, m.deps.DB, m.deps.DB.Engine)
	if err != nil {
		return nil, err
	}
	var out []TableInfo
	for _, t := range all {
		if q != "" && !strings.Contains(t.Name, strings.ToLower(q)) {
			continue
		}
		info := TableInfo{Table: t}
		if err := m.deps.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM "`+t.Name+`"`).Scan(&info.Rows); err != nil {
			return nil, err
		}
		out = append(out, info)
	}
	return out, nil
}

func (m *Module) adminPage(page *web.Page) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		q := strings.TrimSpace(r.URL.Query().Get("q"))
		tables, err := m.tables(ctx, q)
		if err != nil {
			m.deps.Web.Error(w, r, err)
			return
		}
		runs, err := m.Runs(ctx, 20)
		if err != nil {
			m.deps.Web.Error(w, r, err)
			return
		}
		m.deps.Web.Render(w, r, page, map[string]any{"Q": q, "Tables": tables, "Sinks": sinkStates(ctx, m.deps.Events, m.sinks),
			"Runs": runs, "JobID": r.URL.Query().Get("job")})
	}
}

func (m *Module) tablesCSV(w http.ResponseWriter, r *http.Request) {
	tables, err := m.tables(r.Context(), strings.TrimSpace(r.URL.Query().Get("q")))
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="tabelle.csv"`)
	cw := csv.NewWriter(w)
	cw.Write([]string{"tabella", "righe", "chiave_primaria", "colonne"})
	for _, t := range tables {
		cw.Write([]string{t.Name, strconv.FormatInt(t.Rows, 10), strings.Join(t.PrimaryKey, " "), t.ColumnsText()})
	}
	cw.Flush()
}

func (m *Module) schema(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimSuffix(r.PathValue("table"), ".schema.json")
	all, err := snapshot.Tables(r.Context(), m.deps.DB, m.deps.DB.Engine)
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	for _, t := range all {
		if t.Name == name {
			w.Header().Set("Content-Type", "application/schema+json")
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			enc.Encode(snapshot.JSONSchema(t))
			return
		}
	}
	m.deps.Web.Error(w, r, errs.E(errs.ENOTFOUND, "tabella %s inesistente", name))
}

type exportPayload struct {
	Dir string `json:"dir"`
}

func (m *Module) startExport(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	dir := filepath.Join(m.deps.Config.DataDir, "exports", time.Now().UTC().Format("20060102T150405Z"))
	var jobID string
	err := m.deps.DB.Transact(ctx, func(tx *store.Tx) error {
		var err error
		jobID, err = m.deps.Jobs.Enqueue(ctx, tx, jobExport, exportPayload{Dir: dir}, jobs.Opts{UniqueKey: "datasov.export:" + dir})
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "datasov.export", ObjectType: "job", ObjectID: jobID, After: exportPayload{Dir: dir}})
	})
	if err != nil {
		m.deps.Web.Error(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/dati?job="+jobID+"&esito="+m.deps.Web.T(web.Lang(r), "datasov.export_started"), http.StatusSeeOther)
}

func (m *Module) runExportJob(ctx context.Context, j *jobs.Job) error {
	var p exportPayload
	if err := j.Decode(&p); err != nil {
		return err
	}
	all, err := snapshot.Tables(ctx, m.deps.DB, m.deps.DB.Engine)
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	_, err = m.Export(ctx, p.Dir, func(table string, rows int64) {
		seen[table] = true
		j.Progress(ctx, int64(len(seen)), int64(len(all)), fmt.Sprintf("%s: %d righe", table, rows))
	})
	return err
}
