package notify

import (
	"context"
	"testing"
	"time"

	"github.com/arengo-pa/arengo/internal/kernel"
	"github.com/arengo-pa/arengo/internal/kernel/kerneltest"
	"github.com/arengo-pa/arengo/internal/store"
)

// Two dispatchers never hold the same delivery; a lease left by a dead
// process is taken over once it runs out.
func TestLeasesKeepDispatchersApart(t *testing.T) {
	m := New(Config{})
	app := kerneltest.NewWith(t, kerneltest.Options{NoRun: true}, m)
	ctx := context.Background()
	data := map[string]any{"titolo": "Avviso di prova per il cittadino", "testo": "Questo è il testo dell'avviso, abbastanza lungo da rispettare i limiti di App IO per il corpo."}
	err := app.Deps.DB.Transact(ctx, func(tx *store.Tx) error {
		for _, cf := range []string{"RSSMRA80A01H501U", "BNCLRA85M41G224B", "VRDGPP70T10G224J"} {
			if _, err := m.Notify(ctx, tx, kernel.Notification{FiscalCode: cf, Template: TemplateNotice, Data: data}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	first, err := m.lease(ctx, m.owner, 2)
	if err != nil || len(first) != 2 {
		t.Fatalf("first dispatcher leased %d, %v", len(first), err)
	}
	// While the first dispatcher works, its leases are renewed past their
	// original end: a slow hand-over is never taken over.
	m.cfg.DeliveryLease = 300 * time.Millisecond
	if _, err := app.Deps.DB.ExecContext(ctx, `UPDATE notify_deliveries SET lease_until = $1 WHERE lease_owner = $2`,
		store.Now().Add(m.cfg.DeliveryLease), m.owner); err != nil {
		t.Fatal(err)
	}
	stop := m.heartbeat(ctx, m.owner)
	time.Sleep(time.Second)
	stop()
	other := New(Config{})
	other.deps, other.owner = m.deps, "another-process"
	second, err := other.lease(ctx, other.owner, 10)
	if err != nil || len(second) != 1 || second[0].ID == first[0].ID || second[0].ID == first[1].ID {
		t.Fatalf("second dispatcher leased %v, %v", second, err)
	}
	// The first process dies: its leases run out.
	if _, err := app.Deps.DB.ExecContext(ctx, `UPDATE notify_deliveries SET lease_until = $1 WHERE lease_owner = $2`,
		store.Now().Add(-1), m.owner); err != nil {
		t.Fatal(err)
	}
	taken, err := other.lease(ctx, other.owner, 10)
	if err != nil || len(taken) != 2 {
		t.Fatalf("expired leases not taken over: %d, %v", len(taken), err)
	}
}
