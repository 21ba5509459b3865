package cloudplan

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/arengo-pa/arengo/internal/cloudplan/kit"
	"github.com/arengo-pa/arengo/internal/jobs"
	"github.com/arengo-pa/arengo/internal/store"
)

// Import kinds: which kit file an upload is.
const (
	KindAppList    = "lista"
	KindAssessment = "assessment"
	KindSkills     = "competenze"
	KindServers    = "server"
)

var importKinds = []struct{ Kind, Label string }{
	{KindAppList, "Lista degli applicativi (xlsx o CSV)"},
	{KindAssessment, "Scheda di assessment (xlsx, una per applicativo, o CSV con più applicativi)"},
	{KindSkills, "Valutazione competenze (xlsx o CSV)"},
	{KindServers, "Inventario server della piattaforma di virtualizzazione (CSV)"},
}

const importJob = "cloudplan.import"

type importPayload struct {
	ImportID string `json:"import_id"`
}

// parsed holds what one file contributes; exactly one field is set.
type parsed struct {
	apps        []kit.Application
	assessments []kit.Assessment
	skills      []kit.Skill
	servers     []kit.Server
}

// parseFile reads an upload with the kit parser for its kind and format.
func parseFile(kind, filename string, data []byte) (parsed, error) {
	var p parsed
	var err error
	isCSV := strings.HasSuffix(strings.ToLower(filename), ".csv")
	r := bytes.NewReader(data)
	switch {
	case kind == KindAppList && isCSV:
		p.apps, err = kit.ReadAppListCSV(r)
	case kind == KindAppList:
		p.apps, err = kit.ReadAppListXLSX(r)
	case kind == KindAssessment && isCSV:
		p.assessments, err = kit.ReadAssessmentsCSV(r)
	case kind == KindAssessment:
		var a kit.Assessment
		a, err = kit.ReadAssessmentXLSX(r)
		p.assessments = []kit.Assessment{a}
	case kind == KindSkills && isCSV:
		p.skills, err = kit.ReadSkillsCSV(r)
	case kind == KindSkills:
		p.skills, err = kit.ReadSkillsXLSX(r)
	case kind == KindServers:
		p.servers, err = kit.ReadServersCSV(r)
	default:
		err = fmt.Errorf("tipo di importazione sconosciuto")
	}
	return p, err
}

// runImport is the job: parse, then store everything in one transaction so
// a bad file changes nothing. Parse errors end the import (no retry): the
// file, not the system, must be fixed.
func (m *Module) runImport(ctx context.Context, j *jobs.Job) error {
	var pl importPayload
	if err := j.Decode(&pl); err != nil {
		return err
	}
	var kind, filename, key, by string
	if err := m.deps.DB.QueryRowContext(ctx, `SELECT kind, filename, blob_key, created_by FROM cloudplan_import WHERE id = $1`, pl.ImportID).
		Scan(&kind, &filename, &key, &by); err != nil {
		return err
	}
	_ = j.Progress(ctx, 0, 3, "lettura del file")
	rc, _, err := m.deps.Blob.Get(ctx, key)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	_, err = buf.ReadFrom(rc)
	rc.Close()
	if err != nil {
		return err
	}
	p, perr := parseFile(kind, filename, buf.Bytes())
	if perr != nil {
		return m.finishImport(ctx, pl.ImportID, "errore", perr.Error())
	}
	_ = j.Progress(ctx, 1, 3, "salvataggio")
	var summary string
	err = m.deps.DB.Transact(ctx, func(tx *store.Tx) error {
		var err error
		summary, err = storeParsed(ctx, tx, p)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE cloudplan_import SET status = 'completato', message = $2, finished_at = $3 WHERE id = $1`,
			pl.ImportID, summary, store.Now()); err != nil {
			return err
		}
		return changed(ctx, tx, "imported", "import", pl.ImportID, 0, nil, map[string]string{"kind": kind, "file": filename, "by": by, "result": summary})
	})
	if err != nil {
		if msg := userMessage(err); msg != "" {
			return m.finishImport(ctx, pl.ImportID, "errore", msg)
		}
		return err
	}
	_ = j.Progress(ctx, 3, 3, summary)
	return nil
}

func (m *Module) finishImport(ctx context.Context, id, status, msg string) error {
	return m.deps.DB.Transact(ctx, func(tx *store.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE cloudplan_import SET status = $2, message = $3, finished_at = $4 WHERE id = $1`,
			id, status, msg, store.Now()); err != nil {
			return err
		}
		return changed(ctx, tx, "import_failed", "import", id, 0, nil, msg)
	})
}
