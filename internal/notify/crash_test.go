package notify

import (
	"context"
	"testing"

	"github.com/arengo-pa/arengo/internal/kernel"
	"github.com/arengo-pa/arengo/internal/kernel/kerneltest"
	"github.com/arengo-pa/arengo/internal/store"
)

// TestCrashBetweenSentAndRecorded replays the window the outbox must cover:
// the channel accepted the message but the process died before committing
// "sent". The job runs again; the idempotency key makes the receiver
// recognise the resubmission, so each channel holds the message once.
func TestCrashBetweenSentAndRecorded(t *testing.T) {
	m := New(Config{})
	app := kerneltest.NewWith(t, kerneltest.Options{NoRun: true}, m)
	ctx := context.Background()
	const cf = "RSSMRA80A01H501U"
	if _, err := app.Deps.DB.ExecContext(ctx, `INSERT INTO notify_preferences (fiscal_code, io, email, email_address, lang, updated_at)
		VALUES ($1, TRUE, TRUE, 'mario@example.org', 'it', $2)`, cf, store.Now()); err != nil {
		t.Fatal(err)
	}
	data := map[string]any{"titolo": "Avviso di prova per il cittadino", "testo": "Questo è il testo dell'avviso, abbastanza lungo da rispettare i limiti di App IO per il corpo."}
	var ids []string
	err := app.Deps.DB.Transact(ctx, func(tx *store.Tx) error {
		for _, legal := range []bool{false, true} {
			id, err := m.Notify(ctx, tx, kernel.Notification{FiscalCode: cf, Template: TemplateNotice, Data: data, Legal: legal})
			if err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		ds, err := deliveriesOf(ctx, app.Deps.DB, id)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range ds {
			if d.Channel == "inbox" {
				continue
			}
			if err := m.deliverOne(ctx, d); err != nil {
				t.Fatalf("%s: %v", d.Channel, err)
			}
			first, _ := getDelivery(ctx, app.Deps.DB, d.ID)
			// The crash: "sent" never reached the database.
			if _, err := app.Deps.DB.ExecContext(ctx, `UPDATE notify_deliveries SET status = 'queued', external_id = '', next_at = $1 WHERE id = $2`, store.Now(), d.ID); err != nil {
				t.Fatal(err)
			}
			var due bool
			app.Deps.DB.QueryRowContext(ctx, `SELECT COUNT(*) = 1 FROM notify_deliveries WHERE id = $1 AND next_at <= $2 AND lease_until IS NULL`, d.ID, store.Now()).Scan(&due)
			if !due {
				t.Fatalf("%s: the delivery left queued is not due for the dispatcher", d.Channel)
			}
			again, _ := getDelivery(ctx, app.Deps.DB, d.ID)
			if err := m.deliverOne(ctx, again); err != nil {
				t.Fatalf("%s rerun: %v", d.Channel, err)
			}
			again, _ = getDelivery(ctx, app.Deps.DB, d.ID)
			if again.Status != Sent || again.ExternalID != first.ExternalID {
				t.Errorf("%s: after rerun %s/%s, first run %s", d.Channel, again.Status, again.ExternalID, first.ExternalID)
			}
		}
	}
	sims := m.Simulators()
	if n, dup := sims.IO.Stats(); n != 1 || dup != 1 {
		t.Errorf("IO: %d messages, %d duplicates; want 1, 1", n, dup)
	}
	if n, dup := sims.SMTP.Stats(); n != 1 || dup != 1 {
		t.Errorf("SMTP: %d mails, %d duplicates; want 1, 1", n, dup)
	}
	if n, dup := sims.SEND.Stats(); n != 1 || dup != 1 {
		t.Errorf("SEND: %d requests, %d duplicates; want 1, 1", n, dup)
	}
}
