package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/arengo-pa/arengo/internal/config"
	"github.com/arengo-pa/arengo/internal/fiscalcode"
	"github.com/arengo-pa/arengo/internal/kernel"
	"github.com/arengo-pa/arengo/internal/notify"
	"github.com/arengo-pa/arengo/internal/store"
)

const batch = 500

var data = map[string]any{
	"titolo": "Avviso TARI 2026: prima rata",
	"testo":  "È disponibile l'avviso di pagamento della **TARI 2026**. Puoi pagarlo con pagoPA dall'Area personale entro la scadenza indicata.",
}

// citizen returns the i-th synthetic fiscal code: six letters from i, a
// fixed birth date and place, and the right check character.
func citizen(i int) string {
	var b [6]byte
	for k := 5; k >= 0; k-- {
		b[k] = byte('A' + i%26)
		i /= 26
	}
	first := string(b[:]) + "80A01G224"
	return first + string(fiscalcode.CheckChar(first))
}

func key(i int) string { return fmt.Sprintf("bench:%d", i) }

// runHub starts the whole kernel with the notify module on dir, queues
// messages 0..n-1 (skipping what an earlier run of the same dir already
// queued) and returns once every IO and e-mail delivery left "queued".
func runHub(ctx context.Context, dir string, n int, leaseFor *time.Duration) error {
	if err := os.MkdirAll(filepath.Join(dir, "sims"), 0o755); err != nil {
		return err
	}
	env := map[string]string{"ARENGO_DB": filepath.Join(dir, "arengo.db"), "ARENGO_DATA_DIR": dir, "ARENGO_ADDR": "127.0.0.1:0",
		"ARENGO_LOG_FORMAT": "text", "ARENGO_SHUTDOWN_TIMEOUT": "5s"}
	cfg, err := config.Load(nil, func(k string) string { return env[k] })
	if err != nil {
		return err
	}
	nc := notify.Config{SimDir: filepath.Join(dir, "sims"), PollDelay: 2 * time.Second}
	if leaseFor != nil {
		nc.DeliveryLease = *leaseFor
	}
	hub := notify.New(nc)
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	app, err := kernel.New(ctx, cfg, []kernel.Module{hub}, kernel.Options{Version: "bench", Log: log, Migrate: true})
	if err != nil {
		return err
	}
	defer app.Close()
	d := app.Deps
	d.Jobs.PollInterval = 100 * time.Millisecond
	if leaseFor != nil {
		d.Jobs.LeaseFor = *leaseFor
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- app.Run(runCtx, ln) }()
	defer func() { stop(); <-done }()

	var queued int
	if err := d.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM notify_messages`).Scan(&queued); err != nil {
		return err
	}
	// Batches commit in order, so the first `queued` messages exist; the
	// idempotency keys make any overlap harmless.
	for start := queued / batch * batch; start < n; start += batch {
		end := min(start+batch, n)
		err := d.DB.Transact(ctx, func(tx *store.Tx) error {
			for i := start; i < end; i++ {
				cf := citizen(i)
				if _, err := tx.ExecContext(ctx, `INSERT INTO notify_preferences (fiscal_code, io, email, email_address, lang, updated_at)
					VALUES ($1, TRUE, TRUE, $2, 'it', $3) ON CONFLICT (fiscal_code) DO NOTHING`, cf, strings.ToLower(cf)+"@example.org", store.Now()); err != nil {
					return err
				}
				if _, err := d.Notifier.Notify(ctx, tx, kernel.Notification{FiscalCode: cf, Template: notify.TemplateNotice, Data: data, IdempotencyKey: key(i)}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("queue %d–%d: %w", start, end, err)
		}
	}
	for {
		var left int
		if err := d.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM notify_deliveries WHERE status = 'queued'`).Scan(&left); err != nil {
			return err
		}
		if left == 0 {
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// peakRSS is the process's peak resident memory in bytes.
func peakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			var kb int64
			fmt.Sscanf(strings.TrimSpace(strings.TrimPrefix(line, "VmHWM:")), "%d", &kb)
			return kb << 10
		}
	}
	return 0
}
