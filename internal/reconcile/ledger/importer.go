package ledger

import (
	"bufio"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/arengo-pa/arengo/internal/reconcile/causale"
	"github.com/arengo-pa/arengo/internal/reconcile/flows"
	"github.com/arengo-pa/arengo/internal/store"
)

// ImportResult describes a loaded file.
type ImportResult struct {
	FileID   string          `json:"file_id"`
	Kind     string          `json:"kind"`
	Name     string          `json:"name"`
	SHA256   string          `json:"sha256"`
	Rows     int64           `json:"rows"`
	Skipped  int64           `json:"skipped"`
	Problems []flows.Problem `json:"problems"`
}

// DuplicateError says the very same file was loaded before.
type DuplicateError struct {
	FileID, Name string
	ImportedAt   time.Time
}

func (e *DuplicateError) Error() string {
	return fmt.Sprintf("file già caricato il %s come %q: non viene caricato una seconda volta", e.ImportedAt.Format("02/01/2006 15:04"), e.Name)
}

// InvalidError is a file the ledger refuses: malformed, unknown format, or for another ente.
type InvalidError struct{ Err error }

func (e *InvalidError) Error() string { return e.Err.Error() }
func (e *InvalidError) Unwrap() error { return e.Err }

var contentTypes = map[string]string{flows.KindFdRXML: "application/xml", flows.KindOPI: "application/xml", flows.KindFdRJSON: "application/json",
	flows.KindReceipt: "application/x-ndjson", flows.KindGdCCSV: "text/csv", flows.KindMyPay: "text/csv", flows.KindNotify: "text/csv"}

// ImportOptions say where a file came from and who loaded it.
type ImportOptions struct {
	Source   string // "upload", "api", "cli", "inbox", "demo"
	Actor    string
	Progress func(done, total int64) // bytes parsed of the file's size
}

// Import loads one file in a single transaction: all of it or nothing. The raw
// bytes are archived under their SHA-256, which also recognises a file loaded twice.
func (l *Ledger) Import(ctx context.Context, name string, r io.Reader, o ImportOptions) (ImportResult, error) {
	res := ImportResult{Name: filepath.Base(name)}
	src, size, sum, release, err := spool(r)
	if err != nil {
		return res, fmt.Errorf("lettura di %s: %w", res.Name, err)
	}
	defer release()
	res.SHA256 = sum
	var dup DuplicateError
	err = l.DB.QueryRowContext(ctx, "SELECT id, name, imported_at FROM reconcile_file WHERE sha256 = $1", res.SHA256).Scan(&dup.FileID, &dup.Name, &dup.ImportedAt)
	if err == nil {
		return res, &dup
	} else if !errors.Is(err, sql.ErrNoRows) {
		return res, err
	}
	head := make([]byte, 4096)
	n, _ := src.ReadAt(head, 0)
	res.Kind = flows.Detect(head[:n])
	if res.Kind == "" {
		return res, &InvalidError{fmt.Errorf("%s: formato non riconosciuto (attesi FdR XML o JSON, giornale di cassa OPI o CSV, export MyPay, notifiche, ricevute)", res.Name)}
	}
	var flowRows *statements
	if (res.Kind == flows.KindFdRXML || res.Kind == flows.KindFdRJSON) && l.DB.Engine == store.SQLite {
		if flowRows, err = l.flowRowStatements(ctx); err != nil {
			return res, err
		}
	}
	key := "reconcile/files/" + res.SHA256[:2] + "/" + res.SHA256
	// The archive is written while the rows load; the transaction commits
	// only once the raw file is safely stored.
	archived := make(chan error, 1)
	if l.Archive != nil {
		go func() { archived <- l.Archive(ctx, key, io.NewSectionReader(src, 0, size), contentTypes[res.Kind]) }()
	} else {
		archived <- nil
	}
	res.FileID = store.NewID()
	waited := false
	err = l.DB.Transact(ctx, func(tx *store.Tx) error {
		// A retried transaction (PostgreSQL deadlock, serialization) counts afresh.
		res.Rows, res.Skipped, res.Problems = 0, 0, nil
		if _, err := tx.ExecContext(ctx, `INSERT INTO reconcile_file (id, kind, name, sha256, blob_key, size_bytes, rows_read, rows_skipped, problems, source, imported_by, imported_at)
			VALUES ($1, $2, $3, $4, $5, $6, 0, 0, '[]', $7, $8, $9)`, res.FileID, res.Kind, res.Name, res.SHA256, key, size, o.Source, o.Actor, store.Now()); err != nil {
			return err
		}
		br := bufio.NewReaderSize(&progressReader{r: io.NewSectionReader(src, 0, size), total: size, report: o.Progress}, 256<<10)
		var err error
		switch res.Kind {
		case flows.KindFdRXML, flows.KindFdRJSON:
			err = l.importFlow(ctx, tx, &res, br, flowRows)
		case flows.KindOPI, flows.KindGdCCSV:
			err = l.importJournal(ctx, tx, &res, br)
		case flows.KindReceipt, flows.KindMyPay:
			err = l.importReceipts(ctx, tx, &res, br)
		case flows.KindNotify:
			err = l.importNotifications(ctx, tx, &res, br)
		}
		if err != nil {
			return err
		}
		if res.Problems == nil {
			res.Problems = []flows.Problem{}
		}
		problems, _ := json.Marshal(res.Problems)
		if _, err := tx.ExecContext(ctx, "UPDATE reconcile_file SET rows_read = $1, rows_skipped = $2, problems = $3 WHERE id = $4",
			res.Rows, res.Skipped, string(problems), res.FileID); err != nil {
			return err
		}
		if err := l.emit(ctx, tx, EventFileImported, res.FileID, res); err != nil {
			return err
		}
		if !waited {
			waited = true
			if err := <-archived; err != nil {
				return fmt.Errorf("archiviazione di %s: %w", res.Name, err)
			}
		}
		return nil
	})
	if !waited {
		<-archived
	}
	if err != nil {
		if l.Unarchive != nil {
			l.Unarchive(context.WithoutCancel(ctx), key)
		}
		var pe *flows.ParseError
		if errors.As(err, &pe) {
			return res, &InvalidError{fmt.Errorf("%s: %w", res.Name, err)}
		}
		return res, err
	}
	return res, nil
}

// spool gives random access to the file and its SHA-256: a regular file is
// read in place, anything else (an upload, a blob) is copied to a temp file.
func spool(r io.Reader) (src *os.File, size int64, sum string, release func(), err error) {
	h := sha256.New()
	if f, ok := r.(*os.File); ok {
		if st, serr := f.Stat(); serr == nil && st.Mode().IsRegular() {
			if size, err = io.Copy(h, io.NewSectionReader(f, 0, st.Size())); err != nil {
				return nil, 0, "", nil, err
			}
			return f, size, hex.EncodeToString(h.Sum(nil)), func() {}, nil
		}
	}
	tmp, err := os.CreateTemp("", "reconcile-import-*")
	if err != nil {
		return nil, 0, "", nil, err
	}
	release = func() { tmp.Close(); os.Remove(tmp.Name()) }
	if size, err = io.Copy(io.MultiWriter(tmp, h), r); err != nil {
		release()
		return nil, 0, "", nil, err
	}
	return tmp, size, hex.EncodeToString(h.Sum(nil)), release, nil
}

// flowRowInsert writes an FdR's rows.
const flowRowInsert = "INSERT INTO reconcile_flow_row (flow_id, idx, iuv, iur, transfer_index, amount_cents, outcome, pay_date)"

// flowRowStatements are the flow rows' insert statements on SQLite, prepared
// on the ledger's first FdR and kept for the next ones. An FdR holds a few
// hundred to a few thousand rows: prepared per file, the full batch's
// 3000-parameter statement and the last, partial one were compiled for every
// file, about 1 ms each (1,038 files at a million payments).
func (l *Ledger) flowRowStatements(ctx context.Context) (*statements, error) {
	l.flowRowsMu.Lock()
	defer l.flowRowsMu.Unlock()
	if l.flowRows == nil {
		s, err := prepareInserter(ctx, l.DB, flowRowInsert, "", 8)
		if err != nil {
			return nil, err
		}
		l.flowRows = s
	}
	return l.flowRows, nil
}

// importFlow loads an FdR; prepared are its rows' statements, if any (SQLite).
func (l *Ledger) importFlow(ctx context.Context, tx *store.Tx, res *ImportResult, r io.Reader, prepared *statements) error {
	flowID := store.NewID()
	// The heading of an FdR 3 document may follow its payments, so the flow
	// record is written first and completed once the whole file is read.
	if _, err := tx.ExecContext(ctx, `INSERT INTO reconcile_flow (id, file_id, iuf, psp_id, psp_name, ec_fiscal_code, revision, flow_time, regulation,
		regulation_date, declared_count, declared_total, row_count, total_cents, is_current) VALUES ($1, $2, $3, '', '', '', 0, $4, '', $4, 0, 0, 0, 0, FALSE)`,
		flowID, res.FileID, "pending-"+flowID, time.Unix(0, 0).UTC()); err != nil {
		return err
	}
	rows := newInserter(ctx, tx, flowRowInsert, "", 8).use(prepared).background()
	defer rows.wait() // on an early return, the writer stops before the transaction ends
	read := flows.ReadFdRXML
	if res.Kind == flows.KindFdRJSON {
		read = flows.ReadFdRJSON
	}
	sum, err := read(r, func(fr flows.FlowRow) error {
		return rows.add(flowID, fr.Index, fr.IUV, fr.IUR, fr.TransferIndex, fr.AmountCents, fr.Outcome, fr.Date)
	})
	if err != nil {
		return err
	}
	if err := rows.close(); err != nil {
		return err
	}
	h := sum.Header
	if l.EC != "" && h.ECFiscalCode != l.EC {
		return &InvalidError{fmt.Errorf("%s: il flusso %s è destinato all'ente %s, non a questo ente (%s): non caricato", res.Name, h.IUF, h.ECFiscalCode, l.EC)}
	}
	var existing string
	err = tx.QueryRowContext(ctx, `SELECT id FROM reconcile_flow WHERE ec_fiscal_code = $1 AND psp_id = $2 AND iuf = $3 AND revision = $4 AND flow_time = $5`,
		h.ECFiscalCode, h.PSPID, h.IUF, h.Revision, h.FlowTime).Scan(&existing)
	if err == nil {
		return &InvalidError{fmt.Errorf("%s: il flusso %s (revisione %d del %s) è già stato caricato da un altro file", res.Name, h.IUF, h.Revision, h.FlowTime.Format("02/01/2006 15:04"))}
	} else if !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	// The newest version (revision, then flow time) is the one that counts.
	var curID string
	var curRev int64
	var curTime time.Time
	err = tx.QueryRowContext(ctx, `SELECT id, revision, flow_time FROM reconcile_flow WHERE iuf = $1 AND ec_fiscal_code = $2 AND is_current = TRUE`,
		h.IUF, h.ECFiscalCode).Scan(&curID, &curRev, &curTime)
	newer := errors.Is(err, sql.ErrNoRows)
	if err != nil && !newer {
		return err
	}
	if !newer && (h.Revision > curRev || (h.Revision == curRev && h.FlowTime.After(curTime))) {
		newer = true
		if _, err := tx.ExecContext(ctx, "UPDATE reconcile_flow SET is_current = FALSE WHERE id = $1", curID); err != nil {
			return err
		}
		if err := markDirty(ctx, tx, dirtyRows, curID); err != nil {
			return err
		}
		res.Problems = append(res.Problems, flows.Problem{Code: "FLUSSO_SOSTITUITO", Msg: "sostituisce la versione precedente dello stesso flusso"})
	} else if !newer {
		res.Problems = append(res.Problems, flows.Problem{Code: "FLUSSO_OBSOLETO", Msg: "è già presente una versione più recente dello stesso flusso: questa non viene usata"})
	}
	if _, err := tx.ExecContext(ctx, `UPDATE reconcile_flow SET iuf = $1, psp_id = $2, psp_name = $3, ec_fiscal_code = $4, revision = $5, flow_time = $6,
		regulation = $7, regulation_date = $8, declared_count = $9, declared_total = $10, row_count = $11, total_cents = $12, is_current = $13 WHERE id = $14`,
		h.IUF, h.PSPID, h.PSPName, h.ECFiscalCode, h.Revision, h.FlowTime, h.Regulation, h.RegulationDate, h.DeclaredCount, h.DeclaredTotal,
		sum.Count, sum.Total, newer, flowID); err != nil {
		return err
	}
	res.Rows = sum.Count
	res.Problems = append(res.Problems, sum.Problems...)
	if !newer {
		return nil
	}
	if err := markDirty(ctx, tx, dirtyRows, flowID); err != nil {
		return err
	}
	return markDirty(ctx, tx, dirtyIUF, h.IUF)
}

func (l *Ledger) importJournal(ctx context.Context, tx *store.Tx, res *ImportResult, r io.Reader) error {
	ins := newInserter(ctx, tx, `INSERT INTO reconcile_movement (id, source, file_id, year, bill, op_date, value_date, amount_cents, causale, payer,
		end_to_end_id, sospeso, iuf, iuv, truncated, regularized)`, "ON CONFLICT (id) DO NOTHING", 16).background()
	defer ins.wait() // on an early return, the writer stops before the transaction ends
	ops := newJournalOps(ctx, tx, res, ins)
	apply := func(m flows.Movement) error {
		res.Rows++
		if m.Op != "ESEGUITO" {
			return ops.add(m)
		}
		if ops.pending(m.Key) { // executed again after an operation on it
			if err := ops.apply(); err != nil {
				return err
			}
		}
		p := causale.Parse(m.Causale)
		return ins.add(m.Key, m.Source, res.FileID, m.Year, m.Bill, m.Date, m.ValueDate, m.AmountCents, m.Causale, m.Payer, m.EndToEndID, m.Sospeso,
			p.IUF, p.IUV, p.Truncated, false)
	}
	var err error
	var sum flows.JournalSummary
	if res.Kind == flows.KindOPI {
		sum, err = flows.ReadOPI(r, apply)
	} else {
		sum, err = flows.ReadGdCCSV(r, apply)
	}
	if err != nil {
		return err
	}
	if l.EC != "" && sum.EC != "" && sum.EC != l.EC {
		return &InvalidError{fmt.Errorf("%s: il giornale di cassa %s è destinato all'ente %s, non a questo ente (%s): non caricato", res.Name, sum.FlowID, sum.EC, l.EC)}
	}
	if err := ops.close(); err != nil {
		return err
	}
	if err := ins.close(); err != nil {
		return err
	}
	res.Skipped = sum.Skipped
	res.Problems = append(res.Problems, sum.Problems...)
	for kind, q := range map[string]string{
		dirtyMov: "SELECT id FROM reconcile_movement WHERE file_id = $1",
		dirtyIUF: "SELECT DISTINCT iuf FROM reconcile_movement WHERE file_id = $1 AND iuf <> ''",
		dirtyIUV: "SELECT DISTINCT iuv FROM reconcile_movement WHERE file_id = $1 AND iuv <> ''",
	} {
		if err := markDirtySelect(ctx, tx, kind, q, res.FileID); err != nil {
			return err
		}
	}
	return nil
}

func receiptInserter(ctx context.Context, tx *store.Tx) *inserter {
	return newInserter(ctx, tx, `INSERT INTO reconcile_receipt (id, source, iuv, iur, ec_fiscal_code, iud, iupd, amount_cents, payment_date, psp_id, psp_name,
		debt_type, transfers, file_id)`, "ON CONFLICT (id) DO NOTHING", 14)
}

func addReceipt(in *inserter, r flows.Receipt, fileID any) error {
	transfers, err := json.Marshal(r.Transfers)
	if err != nil {
		return err
	}
	return in.add(r.ReceiptID, r.Source, r.IUV, r.IUR, r.ECFiscalCode, r.IUD, r.IUPD, r.AmountCents, r.PaymentDate, r.PSPID, r.PSPName, r.DebtType, string(transfers), fileID)
}

func (l *Ledger) importReceipts(ctx context.Context, tx *store.Tx, res *ImportResult, r io.Reader) error {
	ins := receiptInserter(ctx, tx).background()
	defer ins.wait() // on an early return, the writer stops before the transaction ends
	marks := newFileMarks(ctx, tx, dirtyReceipts, res.FileID)
	defer marks.wait()
	add := func(rc flows.Receipt) error {
		res.Rows++
		if err := marks.add(rc.IUV); err != nil {
			return err
		}
		return addReceipt(ins, rc, res.FileID)
	}
	var err error
	if res.Kind == flows.KindMyPay {
		_, res.Skipped, err = flows.ReadMyPayExport(r, add)
	} else {
		_, err = flows.ReadReceiptsJSONL(r, add)
	}
	if err != nil {
		return err
	}
	if err := ins.close(); err != nil {
		return err
	}
	if dup := res.Rows - ins.counts; dup > 0 {
		res.Problems = append(res.Problems, flows.Problem{Code: "RICEVUTE_GIA_PRESENTI", Msg: fmt.Sprintf("%d ricevute erano già presenti", dup)})
	}
	return marks.close()
}

func (l *Ledger) importNotifications(ctx context.Context, tx *store.Tx, res *ImportResult, r io.Reader) error {
	ins := newInserter(ctx, tx, "INSERT INTO reconcile_notification (iud, iuv, amount_cents, pay_date, debt_type, file_id)", "ON CONFLICT (iud) DO NOTHING", 6).background()
	defer ins.wait() // on an early return, the writer stops before the transaction ends
	marks := newFileMarks(ctx, tx, dirtyNotifications, res.FileID)
	defer marks.wait()
	if _, err := flows.ReadNotifications(r, func(n flows.Notification) error {
		res.Rows++
		if err := marks.add(n.IUV); err != nil {
			return err
		}
		return ins.add(n.IUD, n.IUV, n.AmountCents, n.Date, n.DebtType, res.FileID)
	}); err != nil {
		return err
	}
	if err := ins.close(); err != nil {
		return err
	}
	return marks.close()
}

// RecordReceipt stores one receipt that arrived as an event (idempotent on the
// receipt id) and queues its IUV.
func (l *Ledger) RecordReceipt(ctx context.Context, r flows.Receipt, eventID string) error {
	return l.DB.Transact(ctx, func(tx *store.Tx) error {
		ins := receiptInserter(ctx, tx)
		if err := addReceipt(ins, r, nil); err != nil {
			return err
		}
		if err := ins.close(); err != nil {
			return err
		}
		if ins.counts == 0 {
			return nil
		}
		if err := markDirty(ctx, tx, dirtyIUV, r.IUV); err != nil {
			return err
		}
		return l.emit(ctx, tx, EventReceiptRecorded, r.ReceiptID, map[string]any{"receipt_id": r.ReceiptID, "iuv": r.IUV, "amount_cents": r.AmountCents, "event_id": eventID})
	})
}

// progressReader reports bytes read, at most once per MiB.
type progressReader struct {
	r           io.Reader
	done, total int64
	last        int64
	report      func(done, total int64)
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.done += int64(n)
	if p.report != nil && (p.done-p.last >= 1<<20 || err == io.EOF) {
		p.last = p.done
		p.report(p.done, p.total)
	}
	return n, err
}
