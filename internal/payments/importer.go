package payments

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
	"time"

	"github.com/arengo-pa/arengo/internal/errs"
	"github.com/arengo-pa/arengo/internal/events"
	"github.com/arengo-pa/arengo/internal/jobs"
	"github.com/arengo-pa/arengo/internal/payments/gpd"
	"github.com/arengo-pa/arengo/internal/payments/mypay"
	"github.com/arengo-pa/arengo/internal/store"
)

const (
	jobImport = "payments.import"
	// importBatch rows are written per transaction: a crash loses at most one
	// batch, which the next run loads again (rows already loaded are skipped).
	importBatch = 1000
)

// Import is one upload of a MyPay file.
type Import struct {
	ID, FileName, FlowID, Version, Status, Error, JobID, RejectionsKey string
	Total, Loaded, Unchanged, Rejected                                 int
	CreatedAt                                                          time.Time
	FinishedAt                                                         *time.Time
}

// Progress is told how far an import is (bytes of CSV read out of the total).
type Progress func(done, total int64, rows int)

// StartImport stores an uploaded package and creates its import record; the
// caller runs it (RunImport) or queues the job (EnqueueImport).
func (s *Service) StartImport(ctx context.Context, fileName string, r io.Reader) (*Import, error) {
	name, err := mypay.ParseFileName(fileName)
	if err != nil {
		return nil, errs.Field("file", "%v", err)
	}
	if !strings.EqualFold(name.IPA, s.cfg.IPA) {
		return nil, errs.Field("file", "PAA_IMPORT_ENTE_ERR: il file è dell'ente %q, non di %q", name.IPA, s.cfg.IPA)
	}
	imp := &Import{ID: store.NewID(), FileName: path.Base(fileName), FlowID: name.FlowID, Version: string(name.Version), Status: "in_coda"}
	key := "payments/imports/" + imp.ID + "/" + imp.FileName
	if _, err := s.d.Blob.Put(ctx, key, r, "application/octet-stream"); err != nil {
		return nil, err
	}
	err = s.d.DB.Transact(ctx, func(tx *store.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO payments_import (id, file_name, flow_id, version, blob_key, status,
			actor, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, imp.ID, imp.FileName, imp.FlowID, imp.Version,
			key, imp.Status, actorOf(ctx), store.Now()); err != nil {
			return err
		}
		if err := auditRecord(ctx, tx, "payments.import_upload", imp.ID, "", nil, map[string]string{"file": imp.FileName}); err != nil {
			return err
		}
		return events.Append(ctx, tx, events.Event{Type: "payments.import_started", AggregateType: "import",
			AggregateID: imp.ID, Data: map[string]string{"import_id": imp.ID, "file": imp.FileName}})
	})
	return imp, err
}

// EnqueueImport runs an import in the background and remembers the job.
func (s *Service) EnqueueImport(ctx context.Context, id string) (string, error) {
	var jobID string
	err := s.d.DB.Transact(ctx, func(tx *store.Tx) error {
		var err error
		jobID, err = s.d.Jobs.Enqueue(ctx, tx, jobImport, map[string]string{"import_id": id}, jobs.Opts{UniqueKey: "payments-import-" + id})
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE payments_import SET job_id = $1 WHERE id = $2`, jobID, id)
		return err
	})
	return jobID, err
}

func (s *Service) importJob(ctx context.Context, j *jobs.Job) error {
	var p struct {
		ImportID string `json:"import_id"`
	}
	if err := j.Decode(&p); err != nil {
		return err
	}
	_, err := s.RunImport(ctx, p.ImportID, func(done, total int64, rows int) {
		j.Progress(ctx, done, total, fmt.Sprintf("%d righe elaborate", rows))
	})
	return err
}

// RunImport loads (or loads again) an uploaded file row by row. Each row is
// inserted, modified, cancelled, left unchanged (already loaded: reloading a
// file changes nothing) or rejected with a line in the rejection file.
func (s *Service) RunImport(ctx context.Context, id string, progress Progress) (*Import, error) {
	imp, key, err := s.importRecord(ctx, id)
	if err != nil {
		return nil, err
	}
	res, runErr := s.runImport(ctx, imp, key, progress)
	status, msg := "completata", ""
	if runErr != nil {
		status, msg = "errore", errs.MessageOf(runErr)
		if errs.CodeOf(runErr) == errs.EINTERNAL {
			msg = runErr.Error()
		}
	}
	err = s.d.DB.Transact(ctx, func(tx *store.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE payments_import SET status = $1, error = $2, total_rows = $3, loaded = $4,
			unchanged = $5, rejected = $6, rejections_key = $7, finished_at = $8 WHERE id = $9`, status, msg, res.Total,
			res.Loaded, res.Unchanged, res.Rejected, res.RejectionsKey, store.Now(), id); err != nil {
			return err
		}
		if err := s.wakeSync(ctx, tx); err != nil {
			return err
		}
		return events.Append(ctx, tx, events.Event{Type: "payments.import_finished", AggregateType: "import", AggregateID: id,
			Data: map[string]any{"import_id": id, "status": status, "total": res.Total, "loaded": res.Loaded,
				"unchanged": res.Unchanged, "rejected": res.Rejected}})
	})
	if err != nil {
		return nil, err
	}
	if runErr != nil {
		return nil, runErr
	}
	return s.ImportByID(ctx, id)
}

func (s *Service) importRecord(ctx context.Context, id string) (*Import, string, error) {
	imp := &Import{ID: id}
	var key string
	err := s.d.DB.QueryRowContext(ctx, `SELECT file_name, flow_id, version, blob_key FROM payments_import WHERE id = $1`, id).
		Scan(&imp.FileName, &imp.FlowID, &imp.Version, &key)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", errs.E(errs.ENOTFOUND, "importazione non trovata")
	}
	return imp, key, err
}

// countingReader tells progress in bytes of CSV read.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// openCSV gives the CSV of an uploaded file and its size: a zip is spooled to a
// temporary file (zip needs random access), never held in memory.
func (s *Service) openCSV(ctx context.Context, key string, name mypay.FileName) (io.ReadCloser, int64, func(), error) {
	rc, info, err := s.d.Blob.Get(ctx, key)
	if err != nil {
		return nil, 0, nil, err
	}
	if strings.HasSuffix(strings.ToLower(key), ".csv") {
		return rc, info.Size, func() {}, nil
	}
	defer rc.Close()
	tmp, err := os.CreateTemp("", "arengo-import-*.zip")
	if err != nil {
		return nil, 0, nil, err
	}
	cleanup := func() { tmp.Close(); os.Remove(tmp.Name()) }
	size, err := io.Copy(tmp, rc)
	if err != nil {
		cleanup()
		return nil, 0, nil, err
	}
	zr, err := zip.NewReader(tmp, size)
	if err != nil {
		cleanup()
		return nil, 0, nil, errs.Field("file", "PAA_IMPORT_ERROR: il file non è uno zip valido")
	}
	csv, err := mypay.OpenZip(zr, name)
	if err != nil {
		cleanup()
		return nil, 0, nil, errs.Field("file", "%v", err)
	}
	var total int64
	for _, f := range zr.File {
		if strings.EqualFold(path.Base(f.Name), name.Base()+".csv") {
			total = int64(f.UncompressedSize64)
		}
	}
	return csv, total, cleanup, nil
}

func (s *Service) runImport(ctx context.Context, imp *Import, key string, progress Progress) (*Import, error) {
	res := &Import{}
	name, err := mypay.ParseFileName(imp.FileName)
	if err != nil {
		return res, errs.Field("file", "%v", err)
	}
	csv, total, cleanup, err := s.openCSV(ctx, key, name)
	if err != nil {
		return res, err
	}
	defer cleanup()
	defer csv.Close()
	counter := &countingReader{r: csv}
	reader, err := mypay.NewReader(counter, name.Version)
	if err != nil {
		return res, err
	}
	rejFile, err := os.CreateTemp("", "arengo-scarti-*.csv")
	if err != nil {
		return res, err
	}
	defer func() { rejFile.Close(); os.Remove(rejFile.Name()) }()
	rej := mypay.NewRejectionWriter(rejFile)
	types, err := s.debtTypeMap(ctx)
	if err != nil {
		return res, err
	}
	flush := func(batch []*mypay.Row, read int64) error {
		if len(batch) == 0 {
			return nil
		}
		out, err := s.importBatch(ctx, imp, batch, types)
		if err != nil {
			return err
		}
		for _, r := range batch {
			switch o := out[r.Line]; {
			case len(r.Problems) > 0:
				res.Rejected++
				if err := rej.Write(r.Line, r.Problems); err != nil {
					return err
				}
			case o == "unchanged":
				res.Unchanged++
			default:
				res.Loaded++
			}
		}
		res.Total += len(batch)
		if progress != nil {
			progress(read, total, res.Total)
		}
		return nil
	}
	// Reading (inflate, split, validate) runs one batch ahead of the writes, on
	// its own goroutine: with a second core free the two overlap.
	type parsed struct {
		rows []*mypay.Row
		read int64
		err  error
	}
	batches := make(chan parsed, 1)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		defer close(batches)
		send := func(b parsed) bool {
			select {
			case batches <- b:
				return true
			case <-stop:
				return false
			}
		}
		batch := make([]*mypay.Row, 0, importBatch)
		for {
			row, err := reader.Next()
			if err == io.EOF {
				send(parsed{rows: batch, read: counter.n})
				return
			}
			if err != nil {
				send(parsed{err: errs.Field("file", "%v", err)})
				return
			}
			batch = append(batch, row)
			if len(batch) == importBatch {
				if !send(parsed{rows: batch, read: counter.n}) {
					return
				}
				batch = make([]*mypay.Row, 0, importBatch)
			}
		}
	}()
	for b := range batches {
		if b.err != nil {
			return res, b.err
		}
		if err := flush(b.rows, b.read); err != nil {
			return res, err
		}
	}
	if err := ctx.Err(); err != nil {
		return res, err
	}
	if err := rej.Flush(); err != nil {
		return res, err
	}
	if _, err := rejFile.Seek(0, io.SeekStart); err != nil {
		return res, err
	}
	res.RejectionsKey = "payments/imports/" + imp.ID + "/" + name.Base() + "_SCARTI.csv"
	if _, err := s.d.Blob.Put(ctx, res.RejectionsKey, rejFile, "text/csv"); err != nil {
		return res, err
	}
	if progress != nil {
		progress(total, total, res.Total)
	}
	return res, nil
}

func (s *Service) debtTypeMap(ctx context.Context) (map[string]DebtType, error) {
	list, err := s.DebtTypes(ctx)
	if err != nil {
		return nil, err
	}
	m := map[string]DebtType{}
	for _, dt := range list {
		m[dt.Code] = dt
	}
	return m, nil
}

// existing is what the database knows about an IUD already imported.
type existing struct {
	id, hash, status string
}

// importBatch applies one batch of rows in one transaction. It returns, per
// line, "unchanged" for rows already in that state; rows it refuses get
// problems appended.
func (s *Service) importBatch(ctx context.Context, imp *Import, batch []*mypay.Row, types map[string]DebtType) (map[int]string, error) {
	out := map[int]string{}
	// Problems found inside the transaction must not survive a retry of it.
	initial := make([]int, len(batch))
	for i, r := range batch {
		initial[i] = len(r.Problems)
	}
	err := s.d.DB.Transact(ctx, func(tx *store.Tx) error {
		clear(out)
		for i, r := range batch {
			r.Problems = r.Problems[:initial[i]]
		}
		known, err := s.knownIUDs(ctx, tx, batch)
		if err != nil {
			return err
		}
		usedIUV, err := s.usedIUVs(ctx, tx, batch)
		if err != nil {
			return err
		}
		var created []*Position
		var refs []*importRef
		for _, r := range batch {
			if !r.OK() {
				continue
			}
			d := &r.Dovuto
			hash := rowHash(r)
			old, found := known[d.IUD]
			reject := func(code, format string, args ...any) {
				r.Problems = append(r.Problems, mypay.Problem{Code: code, Description: fmt.Sprintf(format, args...)})
			}
			switch d.Action {
			case mypay.Insert:
				if found {
					if old.hash == hash {
						out[r.Line] = "unchanged"
					} else {
						reject("PAA_IMPORT_IUD_DUPLICATO", "IUD %s già caricato con dati diversi: per cambiarlo usare l'azione M", d.IUD)
					}
					continue
				}
				p, ref, problem := s.fromDovuto(r, types, imp, hash, usedIUV)
				if problem != nil {
					r.Problems = append(r.Problems, *problem)
					continue
				}
				known[d.IUD] = existing{id: p.ID, hash: hash, status: p.Status}
				created, refs = append(created, p), append(refs, ref)
			case mypay.Modify:
				if !found {
					reject("PAA_IMPORT_IUD_NON_TROVATO", "IUD %s da modificare non trovato", d.IUD)
					continue
				}
				if old.hash == hash {
					out[r.Line] = "unchanged"
					continue
				}
				if problem := s.modifyFromDovuto(ctx, tx, old, r, types, hash); problem != nil {
					r.Problems = append(r.Problems, *problem)
				}
			case mypay.Cancel:
				if !found {
					reject("PAA_IMPORT_IUD_NON_TROVATO", "IUD %s da annullare non trovato", d.IUD)
					continue
				}
				if old.status == gpd.StatusInvalid {
					out[r.Line] = "unchanged"
					continue
				}
				if !allowed("cancel", old.status) {
					reject("PAA_IMPORT_STATO_NON_ANNULLABILE", "IUD %s: posizione %q, non annullabile", d.IUD, StatusLabel(old.status))
					continue
				}
				p, err := s.position(ctx, tx, old.id)
				if err != nil {
					return err
				}
				if err := s.setStatus(ctx, tx, p, gpd.StatusInvalid, "annullamento da flusso "+imp.FlowID); err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, `UPDATE payments_position SET gpd_sync = 'D' WHERE id = $1`, p.ID); err != nil {
					return err
				}
				known[d.IUD] = existing{id: old.id, hash: old.hash, status: gpd.StatusInvalid}
			}
		}
		if len(created) > 0 {
			if err := s.assignNotices(ctx, tx, created); err != nil {
				return err
			}
			var w rows
			ids := make([]string, len(created))
			for i, p := range created {
				w.add(p, refs[i])
				ids[i] = p.ID
			}
			if err := w.flush(ctx, tx, s.d.DB.Engine); err != nil {
				return err
			}
			for _, p := range created {
				if err := s.notifyNew(ctx, tx, p); err != nil {
					return err
				}
			}
			if err := events.Append(ctx, tx, events.Event{Type: "payments.positions_imported", AggregateType: "import",
				AggregateID: imp.ID, Data: map[string]any{"import_id": imp.ID, "flow_id": imp.FlowID, "position_ids": ids}}); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// rowHash identifies a row's content, whatever its action, so that loading the
// same data again is recognised.
func rowHash(r *mypay.Row) string {
	h := sha256.New()
	for _, f := range r.Fields[:len(r.Fields)-1] {
		io.WriteString(h, f)
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

func (s *Service) knownIUDs(ctx context.Context, tx *store.Tx, batch []*mypay.Row) (map[string]existing, error) {
	var iuds []any
	for _, r := range batch {
		if r.OK() {
			iuds = append(iuds, r.Dovuto.IUD)
		}
	}
	known := map[string]existing{}
	if len(iuds) == 0 {
		return known, nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT import_iud, id, content_hash, status FROM payments_position
		WHERE import_iud IN (`+placeholders(s.d.DB.Engine, len(iuds))+`)`, iuds...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var iud string
		var e existing
		if err := rows.Scan(&iud, &e.id, &e.hash, &e.status); err != nil {
			return nil, err
		}
		known[iud] = e
	}
	return known, rows.Err()
}

// usedIUVs finds which IUVs given in the batch already belong to a position.
func (s *Service) usedIUVs(ctx context.Context, tx *store.Tx, batch []*mypay.Row) (map[string]bool, error) {
	var iuvs []any
	for _, r := range batch {
		if r.OK() && r.Dovuto.IUV != "" {
			iuvs = append(iuvs, r.Dovuto.IUV)
		}
	}
	used := map[string]bool{}
	if len(iuvs) == 0 {
		return used, nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT iuv FROM payments_option WHERE iuv IN (`+placeholders(s.d.DB.Engine, len(iuvs))+`)`, iuvs...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		used[v] = true
	}
	return used, rows.Err()
}

// placeholders lists n parameters for an IN (…); "?" on SQLite for the reason
// given at insertMany.
func placeholders(engine store.Engine, n int) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		if i > 1 {
			b.WriteByte(',')
		}
		if engine == store.SQLite {
			b.WriteByte('?')
		} else {
			b.WriteString("$" + itoa(i))
		}
	}
	return b.String()
}

// newPositionFrom maps a dovuto to a creation request.
func newPositionFrom(d *mypay.Dovuto, dt DebtType) NewPosition {
	due := d.DueDate
	if due.IsZero() {
		now := time.Now().UTC()
		due = time.Date(now.Year(), 12, 31, 0, 0, 0, 0, time.UTC)
	}
	in := NewPosition{DebtType: d.DebtType, Description: clip(d.Remittance, 140), AmountCents: d.AmountCents, DueDate: due,
		Publish: true, Source: "import",
		Debtor: Debtor{Type: d.DebtorType, FiscalCode: d.DebtorCF, Name: d.DebtorName, Street: d.Address, Civic: d.CivicNumber,
			PostalCode: d.PostalCode, City: d.City, Province: d.Province, Country: d.Country, Email: d.Email}}
	if sec := d.Secondary; sec != nil {
		in.Secondary = &Beneficiary{FiscalCode: sec.FiscalCode, Name: sec.Name, IBAN: sec.IBAN, Category: sec.Category,
			Remittance: sec.Remittance, AmountCents: sec.AmountCents}
	}
	return in
}

// fromDovuto builds a new position for an insert row, or says why it cannot.
func (s *Service) fromDovuto(r *mypay.Row, types map[string]DebtType, imp *Import, hash string, usedIUV map[string]bool) (*Position, *importRef, *mypay.Problem) {
	d := &r.Dovuto
	dt, problem := s.checkDebtType(d, types)
	if problem != nil {
		return nil, nil, problem
	}
	p, err := s.build(newPositionFrom(d, dt), dt)
	if err != nil {
		return nil, nil, &mypay.Problem{Code: "PAA_IMPORT_SINTASSI_CSV", Description: errs.MessageOf(err)}
	}
	if d.IUV != "" {
		if problem := s.checkGivenIUV(d.IUV, usedIUV); problem != nil {
			return nil, nil, problem
		}
		usedIUV[d.IUV] = true
		p.Options[0].IUV, p.Options[0].NoticeNumber = d.IUV, "3"+d.IUV
	}
	category := d.Category
	if category != "" {
		p.Options[0].Transfers[0].Category = category
	}
	ref := &importRef{ImportID: imp.ID, IUD: d.IUD, Hash: hash, Line: r.Line, Collection: d.Collection, Budget: d.Budget}
	return p, ref, nil
}

func (s *Service) checkDebtType(d *mypay.Dovuto, types map[string]DebtType) (DebtType, *mypay.Problem) {
	dt, ok := types[d.DebtType]
	switch {
	case !ok:
		return dt, &mypay.Problem{Code: "PAA_IMPORT_SINTASSI_CSV_TIPO_DOVUTO_INESISTENTE", Description: fmt.Sprintf("tipo dovuto %q inesistente", d.DebtType)}
	case !dt.Active:
		return dt, &mypay.Problem{Code: "PAA_IMPORT_SINTASSI_CSV_TIPO_DOVUTO_NON_ATTIVO_PER_ENTE", Description: fmt.Sprintf("tipo dovuto %q non attivo", d.DebtType)}
	case d.DueDate.IsZero() && dt.DueDateRequired:
		return dt, &mypay.Problem{Code: "PAA_IMPORT_SINTASSI_CSV_DATA_SCADENZA_PAGAMENTO_NON_PRESENTE", Description: fmt.Sprintf("il tipo dovuto %s richiede la data di scadenza", dt.Code)}
	}
	return dt, nil
}

// checkGivenIUV accepts an IUV supplied by the file only under the comune's
// segregation code and outside the range Arengo generates (base starting 00).
func (s *Service) checkGivenIUV(v string, used map[string]bool) *mypay.Problem {
	seg := fmt.Sprintf("%02d", s.cfg.Segregation)
	switch {
	case v[:2] != seg:
		return &mypay.Problem{Code: "PAA_IMPORT_SINTASSI_CSV_IUV", Description: fmt.Sprintf("codIuv %s: il codice di segregazione dell'ente è %s", v, seg)}
	case v[2:4] == "00":
		return &mypay.Problem{Code: "PAA_IMPORT_SINTASSI_CSV_IUV", Description: fmt.Sprintf("codIuv %s: le cifre 3-4 \"00\" sono riservate agli IUV generati da Arengo", v)}
	case used[v]:
		return &mypay.Problem{Code: "PAA_IMPORT_IUV_DUPLICATO", Description: fmt.Sprintf("codIuv %s già usato da un'altra posizione", v)}
	}
	return nil
}

// modifyFromDovuto replaces a position's data with a modify row, keeping its
// notice numbers (MyPay: "replaces all fields").
func (s *Service) modifyFromDovuto(ctx context.Context, tx *store.Tx, old existing, r *mypay.Row, types map[string]DebtType, hash string) *mypay.Problem {
	d := &r.Dovuto
	switch old.status {
	case gpd.StatusDraft, gpd.StatusPublished, gpd.StatusValid, gpd.StatusExpired:
	default:
		return &mypay.Problem{Code: "PAA_IMPORT_STATO_NON_MODIFICABILE", Description: fmt.Sprintf("IUD %s: posizione %q, non modificabile", d.IUD, StatusLabel(old.status))}
	}
	dt, problem := s.checkDebtType(d, types)
	if problem != nil {
		return problem
	}
	p, err := s.build(newPositionFrom(d, dt), dt)
	if err != nil {
		return &mypay.Problem{Code: "PAA_IMPORT_SINTASSI_CSV", Description: errs.MessageOf(err)}
	}
	cur, err := s.position(ctx, tx, old.id)
	if err != nil || len(cur.Options) != 1 {
		return &mypay.Problem{Code: "PAA_IMPORT_ERROR", Description: fmt.Sprintf("IUD %s: posizione non modificabile da flusso", d.IUD)}
	}
	if d.IUV != "" && d.IUV != cur.Options[0].IUV {
		return &mypay.Problem{Code: "PAA_IMPORT_SINTASSI_CSV_IUV", Description: fmt.Sprintf("IUD %s: lo IUV non si può cambiare (%s)", d.IUD, cur.Options[0].IUV)}
	}
	o, n := cur.Options[0], p.Options[0]
	deb := p.Debtor
	if err := s.exec(ctx, tx,
		`UPDATE payments_position SET debt_type = $1, debtor_type = $2, debtor_cf = $3, debtor_name = $4, street = $5,
		civic = $6, postal_code = $7, city = $8, province = $9, country = $10, email = $11, description = $12,
		total_cents = $13, content_hash = $14, collection = $15, budget = $16, gpd_sync = 'U', version = version + 1,
		updated_at = $17 WHERE id = $18`,
		dt.Code, deb.Type, deb.FiscalCode, deb.Name, deb.Street, deb.Civic, deb.PostalCode, deb.City, deb.Province,
		deb.Country, deb.Email, p.Description, p.TotalCents, hash, d.Collection, d.Budget, store.Now(), old.id); err != nil {
		return internalProblem(err)
	}
	if err := s.exec(ctx, tx, `UPDATE payments_option SET amount_cents = $1, description = $2, due_date = $3 WHERE id = $4`,
		n.AmountCents, n.Description, n.DueDate, o.ID); err != nil {
		return internalProblem(err)
	}
	if err := s.exec(ctx, tx, `DELETE FROM payments_transfer WHERE option_id = $1`, o.ID); err != nil {
		return internalProblem(err)
	}
	for _, t := range n.Transfers {
		if d.Category != "" && t.Index == 1 {
			t.Category = d.Category
		}
		if err := s.exec(ctx, tx, `INSERT INTO payments_transfer (option_id, idx, amount_cents, creditor_cf, company_name,
			iban, postal_iban, remittance, category) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, o.ID,
			t.Index, t.AmountCents, t.CreditorCF, t.CompanyName, t.IBAN, t.PostalIBAN, t.Remittance, t.Category); err != nil {
			return internalProblem(err)
		}
	}
	if err := events.Append(ctx, tx, events.Event{Type: "payments.position_updated", AggregateType: "position",
		AggregateID: old.id, Data: map[string]any{"position_id": old.id, "iud": d.IUD, "total_cents": p.TotalCents}}); err != nil {
		return internalProblem(err)
	}
	return nil
}

func (s *Service) exec(ctx context.Context, tx *store.Tx, q string, args ...any) error {
	_, err := tx.ExecContext(ctx, q, args...)
	return err
}

func internalProblem(err error) *mypay.Problem {
	return &mypay.Problem{Code: "PAA_IMPORT_ERROR", Description: "errore interno: " + err.Error()}
}

// Imports lists the most recent imports.
func (s *Service) Imports(ctx context.Context, limit int) ([]*Import, error) {
	rows, err := s.d.DB.QueryContext(ctx, importSelect+` ORDER BY created_at DESC LIMIT $1`, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Import
	for rows.Next() {
		imp, err := scanImport(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, imp)
	}
	return out, rows.Err()
}

// ImportByID loads one import.
func (s *Service) ImportByID(ctx context.Context, id string) (*Import, error) {
	imp, err := scanImport(s.d.DB.QueryRowContext(ctx, importSelect+` WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.E(errs.ENOTFOUND, "importazione non trovata")
	}
	return imp, err
}

const importSelect = `SELECT id, file_name, flow_id, version, status, error, job_id, rejections_key, total_rows, loaded,
	unchanged, rejected, created_at, finished_at FROM payments_import`

func scanImport(sc interface{ Scan(...any) error }) (*Import, error) {
	imp := &Import{}
	var fin sql.NullTime
	if err := sc.Scan(&imp.ID, &imp.FileName, &imp.FlowID, &imp.Version, &imp.Status, &imp.Error, &imp.JobID,
		&imp.RejectionsKey, &imp.Total, &imp.Loaded, &imp.Unchanged, &imp.Rejected, &imp.CreatedAt, &fin); err != nil {
		return nil, err
	}
	if fin.Valid {
		t := fin.Time.UTC()
		imp.FinishedAt = &t
	}
	return imp, nil
}
