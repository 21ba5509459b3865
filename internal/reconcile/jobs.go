package reconcile

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/arengo-pa/arengo/internal/blob"
	"github.com/arengo-pa/arengo/internal/events"
	"github.com/arengo-pa/arengo/internal/jobs"
	"github.com/arengo-pa/arengo/internal/reconcile/flows"
	"github.com/arengo-pa/arengo/internal/reconcile/ledger"
)

const (
	jobImport   = "reconcile.import"
	jobClassify = "reconcile.classify"
)

// importJob is an uploaded file waiting in the blob store to be loaded.
type importJob struct {
	BlobKey string `json:"blob_key"`
	Name    string `json:"name"`
	Source  string `json:"source"`
	Actor   string `json:"actor"`
}

// runImport loads the uploaded file, then reclassifies what it touched. A file
// refused for its content is a final answer, not something to retry.
func (m *Module) runImport(ctx context.Context, j *jobs.Job) error {
	var p importJob
	if err := j.Decode(&p); err != nil {
		return err
	}
	rc, info, err := m.deps.Blob.Get(ctx, p.BlobKey)
	if errors.Is(err, blob.ErrNotFound) {
		return nil // already imported by an earlier attempt
	}
	if err != nil {
		return err
	}
	defer rc.Close()
	// The import holds the write transaction (on SQLite the only writer), so
	// progress is published from beside it and lands as soon as it can.
	var read atomic.Int64
	stop := make(chan struct{})
	published := make(chan struct{})
	go func() {
		defer close(published)
		t := time.NewTicker(500 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				j.Progress(ctx, read.Load(), info.Size*2, "Lettura di "+p.Name)
			}
		}
	}()
	res, err := m.ledger.Import(ctx, p.Name, rc, ledger.ImportOptions{Source: p.Source, Actor: p.Actor, Progress: func(done, total int64) { read.Store(done) }})
	close(stop)
	<-published
	var dup *ledger.DuplicateError
	var inv *ledger.InvalidError
	switch {
	case errors.As(err, &dup), errors.As(err, &inv):
		m.deps.Blob.Delete(ctx, p.BlobKey)
		j.Progress(ctx, 1, 1, err.Error())
		return nil
	case err != nil:
		return err
	}
	m.deps.Blob.Delete(ctx, p.BlobKey)
	_, err = m.ledger.Reclassify(ctx, func(done, total int64) {
		j.Progress(ctx, info.Size+info.Size*done/max(total, 1), info.Size*2, "Classificazione")
	})
	if err != nil {
		return err
	}
	msg := fmt.Sprintf("Caricato %s: %d righe", res.Name, res.Rows)
	for _, pr := range res.Problems {
		msg += "; " + pr.Msg
	}
	return j.Progress(ctx, 1, 1, msg)
}

func (m *Module) runClassify(ctx context.Context, j *jobs.Job) error {
	_, err := m.ledger.Reclassify(ctx, func(done, total int64) { j.Progress(ctx, done, total, "Classificazione") })
	return err
}

// scheduleClassify asks for a reclassification shortly; calls within the same
// ten seconds share one job, so a burst of receipts is classified once.
func (m *Module) scheduleClassify(ctx context.Context) error {
	slot := time.Now().UTC().Truncate(10 * time.Second)
	_, err := m.deps.Jobs.Enqueue(ctx, nil, jobClassify, struct{}{}, jobs.Opts{RunAt: slot.Add(10 * time.Second), UniqueKey: jobClassify + ":" + slot.Format(time.RFC3339)})
	return err
}

// onReceipt records a receipt published by the payments module. A payload this
// module cannot read is logged and skipped: retrying would never fix it.
func (m *Module) onReceipt(ctx context.Context, e events.Event) error {
	r, err := flows.DecodeReceiptEvent(e.Payload)
	if err != nil {
		m.deps.Log.Warn("reconcile: receipt event not readable", "event", e.ID, "err", err)
		return nil
	}
	if err := m.ledger.RecordReceipt(ctx, r, e.ID); err != nil {
		return err
	}
	return m.scheduleClassify(ctx)
}
