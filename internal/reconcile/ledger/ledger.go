// Package ledger keeps reconciliation in the database: it imports flow files
// (stored for good, recognised by SHA-256), receipts and treasury movements,
// marks the keys each write touches, and reclassifies only those keys with the
// pure engine of package match.
package ledger

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/arengo-pa/arengo/internal/store"
)

// Ledger is the module's database side. The module fills the hooks with the
// kernel's outbox and blob store; the benchmark fills them the same way.
type Ledger struct {
	DB *store.DB
	// EC is the ente's fiscal code; flows addressed to another ente are refused.
	EC string
	// Emit appends an outbox event in the caller's transaction. On PostgreSQL
	// the classification calls it from several goroutines at once.
	Emit func(ctx context.Context, tx *store.Tx, typ, aggregateID string, payload any) error
	// Archive stores a raw file for good; Unarchive removes one whose import failed.
	Archive   func(ctx context.Context, key string, r io.Reader, contentType string) error
	Unarchive func(ctx context.Context, key string) error

	flowRowsMu sync.Mutex
	flowRows   *statements // SQLite: see flowRowStatements
}

// Event types the ledger appends.
const (
	EventFileImported    = "reconcile.file_imported"
	EventReceiptRecorded = "reconcile.receipt_recorded"
	EventItemsClassified = "reconcile.items_classified"
	EventItemAnnotated   = "reconcile.item_annotated"
	EventDebtTypeSaved   = "reconcile.debt_type_saved"
)

// Dirty-key kinds.
const (
	dirtyIUV = "iuv"
	dirtyIUF = "iuf"
	dirtyMov = "mov"
	// A file whose payments are to be queued: its import marks this one key
	// (a flow version's id, or a receipts or notifications file's id), and the
	// classification queues the IUVs of its rows (fileBatch).
	dirtyRows          = "rows"
	dirtyReceipts      = "receipts"
	dirtyNotifications = "notifications"
	// Not a stored kind: the classification's phase that expands the three
	// above.
	dirtyFiles = "files"
)

// expansions say where the IUVs of each file kind's keys (in place of %s) are.
var expansions = map[string]string{
	dirtyRows:          "SELECT iuv FROM reconcile_flow_row WHERE flow_id IN (%s)",
	dirtyReceipts:      "SELECT iuv FROM reconcile_receipt WHERE file_id IN (%s)",
	dirtyNotifications: "SELECT iuv FROM reconcile_notification WHERE file_id IN (%s)",
}

func (l *Ledger) emit(ctx context.Context, tx *store.Tx, typ, id string, payload any) error {
	if l.Emit == nil {
		return fmt.Errorf("ledger without outbox: cannot record %s", typ)
	}
	return l.Emit(ctx, tx, typ, id, payload)
}

// onDirtyConflict, on PostgreSQL, rewrites an existing mark instead of
// skipping it: the update locks the row, so a reclassification claiming the
// key waits for this transaction and then reads what it wrote. With DO NOTHING
// the claim could run first, read the old evidence, and the new mark would be
// lost. SQLite has one writer at a time — a claim cannot overlap an import —
// so a key already queued is simply left alone, without rewriting its page
// (most marks of a bulk load are repeats: receipt, notification and FdR row
// of the same IUV).
func onDirtyConflict(e store.Engine) string {
	if e == store.SQLite {
		return "ON CONFLICT (kind, key) DO NOTHING"
	}
	// WHERE FALSE: PostgreSQL locks the conflicting row all the same ("all
	// rows will be locked when the ON CONFLICT DO UPDATE action is taken") but
	// writes no new version of it.
	return "ON CONFLICT (kind, key) DO UPDATE SET kind = excluded.kind WHERE FALSE"
}

// markDirty queues keys for the next reclassification.
func markDirty(ctx context.Context, tx *store.Tx, kind string, keys ...string) error {
	if len(keys) == 0 {
		return nil
	}
	in := dirtyInserter(ctx, tx)
	seen := make(map[string]bool, len(keys))
	for _, k := range keys {
		if k == "" || seen[k] {
			continue // one statement must not update the same row twice
		}
		seen[k] = true
		if err := in.add(kind, k); err != nil {
			return err
		}
	}
	return in.close()
}

// marker queues keys of one kind as a file streams by, rather than reading
// them back (with a DISTINCT over the whole table) from what was just written.
type marker struct {
	in   *inserter
	kind string
	seen map[string]bool // keys of the statement being filled: one statement must not touch a row twice
}

// newMarker's marks are written behind the caller, like the file's rows: the
// parser does not wait for them. The caller must wait() on an early return.
func newMarker(ctx context.Context, tx *store.Tx, kind string) *marker {
	return &marker{in: dirtyInserter(ctx, tx).background(), kind: kind, seen: map[string]bool{}}
}

// dirtyInserter writes marks. On PostgreSQL each is an insert or a row lock
// costing the server as much as a file's row (millions in a bulk load), so
// they go as text arrays: about an eighth less server time per mark than
// binding two parameters each.
func dirtyInserter(ctx context.Context, tx *store.Tx) *inserter {
	return newInserter(ctx, tx, "INSERT INTO reconcile_dirty (kind, key)", onDirtyConflict(tx.Engine), 2).asArrays("text", "text")
}

func (m *marker) add(key string) error {
	if key == "" || m.seen[key] {
		return nil
	}
	m.seen[key] = true
	if err := m.in.add(m.kind, key); err != nil {
		return err
	}
	if m.in.rows == 0 {
		clear(m.seen)
	}
	return nil
}

func (m *marker) close() error { return m.in.close() }

func (m *marker) wait() error { return m.in.wait() }

// fileMarks queue the payments of a receipts or notifications file. On
// PostgreSQL a mark written by an import is an insert or a row lock (see
// onDirtyConflict) costing the server about as much as the file's own row;
// there the file marks itself and the classification queues its IUVs in one
// statement (fileBatch), with DO NOTHING. SQLite's marks are cheap and its
// expansion would read the whole table back, so there they stream by with the
// file.
type fileMarks struct {
	ctx          context.Context
	tx           *store.Tx
	kind, fileID string
	iuvs         *marker // SQLite
}

func newFileMarks(ctx context.Context, tx *store.Tx, kind, fileID string) *fileMarks {
	f := &fileMarks{ctx: ctx, tx: tx, kind: kind, fileID: fileID}
	if tx.Engine == store.SQLite {
		f.iuvs = newMarker(ctx, tx, dirtyIUV)
	}
	return f
}

func (f *fileMarks) add(iuv string) error {
	if f.iuvs == nil {
		return nil
	}
	return f.iuvs.add(iuv)
}

func (f *fileMarks) close() error {
	if f.iuvs == nil {
		return markDirty(f.ctx, f.tx, f.kind, f.fileID)
	}
	return f.iuvs.close()
}

// wait must be called on an early return (see newMarker).
func (f *fileMarks) wait() error {
	if f.iuvs == nil {
		return nil
	}
	return f.iuvs.wait()
}

// markDirtySelect queues the keys a query returns (one text column, distinct).
func markDirtySelect(ctx context.Context, tx *store.Tx, kind, selectSQL string, args ...any) error {
	prefix := "SELECT "
	if strings.HasPrefix(selectSQL, "SELECT DISTINCT ") {
		prefix = "SELECT DISTINCT "
	}
	q := prefix + "'" + kind + "', " + strings.TrimPrefix(selectSQL, prefix)
	_, err := tx.ExecContext(ctx, "INSERT INTO reconcile_dirty (kind, key) "+q+" "+onDirtyConflict(tx.Engine), args...)
	if err != nil {
		return fmt.Errorf("mark %s dirty: %w", kind, err)
	}
	return nil
}

func anys(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// MarkDebtType queues every IUV paid with a debt type, whose mapping changed.
func (l *Ledger) MarkDebtType(ctx context.Context, tx *store.Tx, debtType string) error {
	return markDirtySelect(ctx, tx, dirtyIUV, "SELECT DISTINCT iuv FROM reconcile_receipt WHERE debt_type = $1", debtType)
}
