package reports

import (
	"context"
	"fmt"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/arengo-pa/arengo/internal/blob"
	"github.com/arengo-pa/arengo/internal/events"
	"github.com/arengo-pa/arengo/internal/store"
)

// Service holds the reports' business rules over the database; the web,
// Open311 and back-office handlers all go through it.
type Service struct {
	db     *store.DB
	blob   blob.Store
	notify notifier
	cache  routingCache
	// version counts committed writes made through this process; cached
	// public pages carry the version they were built at.
	version atomic.Uint64
	baseURL string
	now     func() time.Time
	// batch groups concurrent filings into one transaction; prepared holds
	// the filing's statements (see perf_batch.go).
	batch    batcher
	prepared stmts
	// keys remembers Open311 API keys found valid (open311_keys.go).
	keys keyCache
	// fills keeps encoded state and category labels, frags remembered
	// fragments (open311_fragment.go).
	fills fillMemo
	frags fragMemo
}

// event appends a reports.* event for the report in tx. Every change to a
// report calls it after writing the row, so this is also where the report's
// pre-rendered Open311 fragment is brought up to date, in the same
// transaction.
func (s *Service) event(ctx context.Context, tx *store.Tx, typ string, r *Report, data any) error {
	if err := refreshFragment(ctx, tx, r.ID); err != nil {
		return err
	}
	return s.appendEvent(ctx, tx, typ, r, data)
}

// appendEvent appends the event without re-rendering the fragment: for
// writes that stored a current fragment themselves (the filing).
func (s *Service) appendEvent(ctx context.Context, tx *store.Tx, typ string, r *Report, data any) error {
	s.bumpVersion(tx)
	return events.Append(ctx, tx, reportEvent(typ, r, data))
}

// reportEvent is the reports.<typ> event about r.
func reportEvent(typ string, r *Report, data any) events.Event {
	return events.Event{Type: "reports." + typ, AggregateType: "report", AggregateID: r.ID, AggregateVersion: r.Version, Data: data}
}

// simpleEvent appends an event about a non-report aggregate (category, rule…).
func (s *Service) simpleEvent(ctx context.Context, tx *store.Tx, typ, aggType, id string, data any) error {
	s.bumpVersion(tx)
	return events.Append(ctx, tx, events.Event{
		Type: "reports." + typ, AggregateType: aggType, AggregateID: id, AggregateVersion: 1, Data: data,
	})
}

// reserveNumbersSQL takes the next $2 request numbers of year $1 in the
// comune's zone and returns the last of them.
const reserveNumbersSQL = `INSERT INTO reports_counter (year, last) VALUES ($1, $2)
		ON CONFLICT (year) DO UPDATE SET last = reports_counter.last + $2 RETURNING last`

// formatNumber makes the request number n of year: SGN-<year>-<at least 6 digits>.
func formatNumber(year int, n int64) string { return fmt.Sprintf("SGN-%d-%06d", year, n) }

var rome = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		panic(err)
	}
	return loc
}()

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// bumpVersion marks the data changed once tx commits, so cached public
// pages are rebuilt.
func (s *Service) bumpVersion(tx *store.Tx) {
	tx.AfterCommit(func() { s.version.Add(1) })
}
