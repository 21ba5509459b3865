package notify

import (
	"context"
	"time"

	"github.com/arengo-pa/arengo/internal/kernel"
	"github.com/arengo-pa/arengo/internal/store"
)

// Demo citizens the App IO simulator treats specially, so the demo shows
// each path: Giuseppe Verdi is not on IO, Stefania Ferri has blocked the
// comune's service; both fall back to e-mail.
const (
	demoNotIOUser = "VRDGPP70T10G224J"
	demoBlocked   = "FRRSFN92C55G224U"
)

// demoCitizens are the portal's demo citizens (internal/portal/demo.go);
// names and addresses come from the citizen registry when seeding.
var demoCitizens = []string{"RSSMRA80A01H501U", "BNCLRA85M41G224B", demoNotIOUser, demoBlocked}

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
		due := time.Now().UTC().AddDate(0, 1, 0).Truncate(24 * time.Hour)
		for i, cf := range demoCitizens {
			name, email := "cittadino", ""
			if c, err := d.Auth.CitizenByFiscalCode(ctx, cf); err == nil {
				name, email = c.Name, c.Email
			}
			if i == 1 && email != "" { // Laura Bianchi chose App IO and e-mail
				if err := savePreferences(ctx, tx, Preferences{FiscalCode: cf, IO: true, Email: true, EmailAddress: email, Lang: "it"}); err != nil {
					return err
				}
			}
			if _, err := m.Notify(ctx, tx, kernel.Notification{FiscalCode: cf, Template: TemplateWelcome,
				Data: map[string]any{"nome": name}, IdempotencyKey: "demo:welcome:" + cf}); err != nil {
				return err
			}
			if _, err := m.Notify(ctx, tx, kernel.Notification{FiscalCode: cf, Template: TemplateNotice, DueDate: &due,
				Data: map[string]any{"titolo": "Scadenza TARI: prima rata", "testo": "Ti ricordiamo che la **prima rata della TARI** scade il " +
					due.Format("02/01/2006") + ". Trovi l'avviso di pagamento nella tua Area personale e puoi pagarlo con pagoPA."},
				IdempotencyKey: "demo:tari:" + cf}); err != nil {
				return err
			}
		}
		return nil
	})
}
