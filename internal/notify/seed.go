package notify

import (
	"context"
	"time"

	"github.com/arengo-pa/arengo/internal/kernel"
	"github.com/arengo-pa/arengo/internal/portal"
	"github.com/arengo-pa/arengo/internal/store"
)

// Demo citizens the App IO simulator treats specially, so the demo shows
// each path: Giuseppe Verdi is not on IO, Stefania Ferri has blocked the
// comune's service; both fall back to e-mail.
const (
	demoNotIOUser = "VRDGPP70T10G224J"
	demoBlocked   = "FRRSFN92C55G224U"
)

func (m *Module) configureDemoSimulators() {
	if m.sims != nil && m.sims.IO != nil {
		m.sims.IO.NotUser(demoNotIOUser)
		m.sims.IO.Block(demoBlocked)
	}
}

// SeedDemo puts a couple of messages in each demo citizen's inbox; the
// idempotency keys make a second run change nothing.
func (m *Module) SeedDemo(ctx context.Context, d *kernel.Deps) error {
	return d.DB.Transact(ctx, func(tx *store.Tx) error {
		if err := savePreferences(ctx, tx, Preferences{FiscalCode: portal.DemoCitizens[1].FiscalCode, IO: true, Email: true,
			EmailAddress: portal.DemoCitizens[1].Email, Lang: "it"}); err != nil {
			return err
		}
		due := time.Now().UTC().AddDate(0, 1, 0).Truncate(24 * time.Hour)
		for _, c := range portal.DemoCitizens {
			if _, err := m.Notify(ctx, tx, kernel.Notification{FiscalCode: c.FiscalCode, Template: TemplateWelcome,
				Data: map[string]any{"nome": c.Name}, IdempotencyKey: "demo:welcome:" + c.FiscalCode}); err != nil {
				return err
			}
			if _, err := m.Notify(ctx, tx, kernel.Notification{FiscalCode: c.FiscalCode, Template: TemplateNotice, DueDate: &due,
				Data: map[string]any{"titolo": "Scadenza TARI: prima rata", "testo": "Ti ricordiamo che la **prima rata della TARI** scade il " +
					due.Format("02/01/2006") + ". Trovi l'avviso di pagamento nella tua Area personale e puoi pagarlo con pagoPA."},
				IdempotencyKey: "demo:tari:" + c.FiscalCode}); err != nil {
				return err
			}
		}
		return nil
	})
}
