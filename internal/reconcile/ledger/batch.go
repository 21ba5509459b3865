package ledger

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/arengo-pa/arengo/internal/store"
)

// maxParams bounds the parameters of one multi-row statement: long ones
// save round trips, within what each engine accepts.
func maxParams(e store.Engine) int {
	if e == store.SQLite {
		return 3000
	}
	return 6000
}

// params writes n placeholders numbered from from. SQLite looks "$N"
// parameters up by name in a list, a cost that grows with the square of their
// number, so long lists use its positional "?" — the one place this module
// leaves the shared SQL. A "?" after "$1" takes position 2, and so on.
func params(e store.Engine, from, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		if e == store.SQLite {
			b.WriteByte('?')
		} else {
			fmt.Fprintf(&b, "$%d", from+i)
		}
	}
	return b.String()
}

// inserter accumulates rows and writes them with one multi-row statement of
// the full batch size (prepared once per transaction on SQLite).
type inserter struct {
	ctx     context.Context
	tx      *store.Tx
	head    string // "INSERT INTO t (a, b)"
	tail    string // "ON CONFLICT … DO …" or ""
	cols    int
	batch   int // rows per full statement
	args    []any
	full    *sql.Stmt   // SQLite: the full batch, prepared for the transaction
	fullSQL string      // PostgreSQL: its text, left to the driver's statement cache
	cached  *statements // prepared for a whole run, if any
	rows    int
	counts  int64 // rows the database reports as written (conflicts skipped excluded)

	// With arrays set (PostgreSQL only: the SQL type of each column), a batch
	// is sent as one array per column and unnested by the server: one
	// statement text for every batch size, and a parameter per column to bind
	// instead of one per value.
	arrays []string

	// With behind set, full batches are written by a goroutine while the
	// caller goes on parsing the next ones: a file's import takes about the
	// longer of parsing and writing instead of their sum. At most two batches
	// wait, so memory stays bounded. Only the writer uses the transaction until
	// flush or close returns.
	behind bool
	work   chan []any
	free   chan []any
	done   chan struct{}
	werr   error // the writer's first error, read after done
}

func newInserter(ctx context.Context, tx *store.Tx, head, tail string, cols int) *inserter {
	batch := max(1, maxParams(tx.Engine)/cols)
	return &inserter{ctx: ctx, tx: tx, head: head, tail: tail, cols: cols, batch: batch}
}

// background makes the inserter write full batches behind the caller.
func (in *inserter) background() *inserter {
	in.behind = true
	return in
}

// arrayRows is how many rows one array statement carries: its parameters no
// longer bound the batch, memory does.
const arrayRows = 5000

// asArrays makes the inserter send its batches on PostgreSQL as one array per
// column, of the given SQL types; SQLite keeps the multi-row VALUES. Values
// must be string, int64 or time.Time.
func (in *inserter) asArrays(types ...string) *inserter {
	if in.tx.Engine == store.Postgres {
		in.arrays, in.batch = types, arrayRows
	}
	return in
}

func (in *inserter) sql(rows int) string {
	if in.arrays != nil {
		var b strings.Builder
		b.WriteString(in.head)
		b.WriteString(" SELECT * FROM unnest(")
		for c, typ := range in.arrays {
			if c > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, "$%d::%s[]", c+1, typ)
		}
		b.WriteString(") ")
		b.WriteString(in.tail)
		return b.String()
	}
	return insertSQL(in.tx.Engine, in.head, in.tail, in.cols, rows)
}

// bind gives the statement's parameters for queued rows (row after row in
// args): the values themselves, or with arrays one slice per column.
func (in *inserter) bind(args []any) []any {
	if in.arrays == nil {
		return args
	}
	n := len(args) / in.cols
	cols := make([]any, in.cols)
	for c := range cols {
		switch args[c].(type) {
		case int64:
			cols[c] = column[int64](args, c, in.cols, n)
		case time.Time:
			cols[c] = column[time.Time](args, c, in.cols, n)
		default:
			cols[c] = column[string](args, c, in.cols, n)
		}
	}
	return cols
}

// column is column c of n rows of width values each.
func column[T any](args []any, c, width, n int) []T {
	col := make([]T, n)
	for r := range col {
		col[r] = args[r*width+c].(T)
	}
	return col
}

func insertSQL(e store.Engine, head, tail string, cols, rows int) string {
	var b strings.Builder
	b.WriteString(head)
	b.WriteString(" VALUES ")
	for r := 0; r < rows; r++ {
		if r > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('(')
		b.WriteString(params(e, 1+r*cols, cols))
		b.WriteByte(')')
	}
	b.WriteByte(' ')
	b.WriteString(tail)
	return b.String()
}

// statements are an inserter's statements prepared on the database once for
// a run of many transactions: the full batch and, for what is left over,
// smaller fixed sizes. SQLite compiles a statement of 3000 parameters in
// milliseconds, which every transaction paid twice (full and last batch).
type statements struct {
	sizes []int // descending, ending with 1
	stmts map[int]*sql.Stmt
}

// prepareInserter prepares an inserter's statements outside any transaction
// (on SQLite the single writer connection would otherwise be held by one).
func prepareInserter(ctx context.Context, db *store.DB, head, tail string, cols int) (*statements, error) {
	s := &statements{stmts: map[int]*sql.Stmt{}}
	for size := max(1, maxParams(db.Engine)/cols); ; size = max(1, size/4) {
		st, err := db.Writer().PrepareContext(ctx, insertSQL(db.Engine, head, tail, cols, size))
		if err != nil {
			s.close()
			return nil, fmt.Errorf("%s: %w", head, err)
		}
		s.sizes = append(s.sizes, size)
		s.stmts[size] = st
		if size == 1 {
			return s, nil
		}
	}
}

func (s *statements) close() {
	for _, st := range s.stmts {
		st.Close()
	}
}

// use makes the inserter run statements prepared beforehand.
func (in *inserter) use(s *statements) *inserter {
	in.cached = s
	return in
}

// add queues one row; vals must have cols values.
func (in *inserter) add(vals ...any) error {
	in.args = append(in.args, vals...)
	in.rows++
	if in.rows < in.batch {
		return nil
	}
	if !in.behind {
		return in.flush()
	}
	return in.handOff()
}

// handOff gives a full batch to the writer goroutine, starting it if needed.
func (in *inserter) handOff() error {
	if in.work == nil {
		if err := in.prepare(); err != nil {
			return err
		}
		in.work, in.free, in.done, in.werr = make(chan []any, 1), make(chan []any, 3), make(chan struct{}), nil
		go in.writer()
	}
	select {
	case <-in.done: // the writer stopped on an error
		return in.wait()
	case in.work <- in.args:
	}
	in.rows = 0
	select {
	case in.args = <-in.free:
	default:
		in.args = make([]any, 0, in.batch*in.cols)
	}
	return nil
}

func (in *inserter) writer() {
	defer close(in.done)
	for args := range in.work {
		res, err := in.execFull(args)
		if err != nil {
			in.werr = fmt.Errorf("%s: %w", in.head, err)
			return
		}
		if n, err := res.RowsAffected(); err == nil {
			in.counts += n
		}
		clear(args)
		select {
		case in.free <- args[:0]:
		default:
		}
	}
}

// wait stops the writer goroutine, if any, once it has written what it holds.
func (in *inserter) wait() error {
	if in.work == nil {
		return nil
	}
	select {
	case <-in.done:
	default:
		close(in.work)
		<-in.done
	}
	in.work = nil
	return in.werr
}

func (in *inserter) prepare() error {
	if in.full != nil || in.fullSQL != "" {
		return nil
	}
	if in.cached != nil {
		in.full = in.tx.StmtContext(in.ctx, in.cached.stmts[in.batch])
		return nil
	}
	// pgx keeps a prepared statement per connection and SQL text, reused by
	// every later transaction: after a few runs the server keeps its plan. A
	// statement prepared here would be parsed again for each file and planned
	// afresh on each of its few executions (a 750-row VALUES list, a few
	// milliseconds a file on PostgreSQL).
	if in.tx.Engine == store.Postgres {
		in.fullSQL = in.sql(in.batch)
		return nil
	}
	var err error
	if in.full, err = in.tx.PrepareContext(in.ctx, in.sql(in.batch)); err != nil {
		return fmt.Errorf("%s: %w", in.head, err)
	}
	return nil
}

// flush writes every queued row before returning, so the caller may use the
// transaction again.
func (in *inserter) flush() error {
	if err := in.wait(); err != nil {
		return err
	}
	if in.rows == 0 {
		return nil
	}
	var err error
	var res sql.Result
	if in.rows == in.batch {
		if err = in.prepare(); err != nil {
			return err
		}
		res, err = in.execFull(in.args)
	} else if in.cached != nil {
		return in.flushCached()
	} else {
		res, err = in.tx.ExecContext(in.ctx, in.sql(in.rows), in.bind(in.args)...)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", in.head, err)
	}
	if n, err := res.RowsAffected(); err == nil {
		in.counts += n
	}
	in.rows = 0
	in.args = in.args[:0]
	return nil
}

// execFull writes one full batch.
func (in *inserter) execFull(args []any) (sql.Result, error) {
	if in.full == nil {
		return in.tx.ExecContext(in.ctx, in.fullSQL, in.bind(args)...)
	}
	return in.full.ExecContext(in.ctx, in.bind(args)...)
}

// flushCached writes a partial batch as runs of the prepared sizes.
func (in *inserter) flushCached() error {
	off := 0
	for _, size := range in.cached.sizes {
		for in.rows-off >= size {
			st := in.tx.StmtContext(in.ctx, in.cached.stmts[size])
			res, err := st.ExecContext(in.ctx, in.args[off*in.cols:(off+size)*in.cols]...)
			st.Close()
			if err != nil {
				return fmt.Errorf("%s: %w", in.head, err)
			}
			if n, err := res.RowsAffected(); err == nil {
				in.counts += n
			}
			off += size
		}
	}
	in.rows = 0
	in.args = in.args[:0]
	return nil
}

// close flushes what is left and releases the prepared statement.
func (in *inserter) close() error {
	err := in.flush()
	if in.full != nil {
		in.full.Close()
	}
	return err
}
