package portal

import (
	"context"
	"strings"

	"github.com/arengo-pa/arengo/internal/auth"
	"github.com/arengo-pa/arengo/internal/kernel"
	"github.com/arengo-pa/arengo/internal/store"
)

// DemoCitizen is a fictitious citizen of the demo (fiscal codes are valid
// in form and belong to nobody known).
type DemoCitizen struct{ FiscalCode, Name, Email string }

// DemoCitizens are offered on the demo login page.
var DemoCitizens = []DemoCitizen{
	{"RSSMRA80A01H501U", "Mario Rossi", "mario.rossi@example.it"},
	{"BNCLRA85M41G224B", "Laura Bianchi", "laura.bianchi@example.it"},
	{"VRDGPP70T10G224J", "Giuseppe Verdi", "giuseppe.verdi@example.it"},
	{"FRRSFN92C55G224U", "Stefania Ferri", "stefania.ferri@example.it"},
}

// DemoPassword is the password of every demo staff account.
const DemoPassword = "demo-arengo"

// DemoAPIKey is printed by `arengo demo`; it carries every scope.
const DemoAPIKey = "ak_demo01_EsempioChiaveDimostrativaNonUsareInProduzione"

// DemoStaff lists the demo staff accounts: one per declared role, the
// username being the role's name.
func DemoStaff(ctx context.Context, d *kernel.Deps) ([]string, error) {
	roles, err := d.Auth.RoleNames(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, r := range roles {
		if !strings.HasPrefix(r, "test-") { // roles that kerneltest makes
			out = append(out, r)
		}
	}
	return out, nil
}

// SeedDemo creates one staff account per role, the demo citizens and the
// demo API key; running it again changes nothing.
func (m *Module) SeedDemo(ctx context.Context, d *kernel.Deps) error {
	roles, err := DemoStaff(ctx, d)
	if err != nil {
		return err
	}
	return d.DB.Transact(ctx, func(tx *store.Tx) error {
		for _, role := range roles {
			var label string
			if err := tx.QueryRowContext(ctx, `SELECT label FROM kernel_roles WHERE name = $1`, role).Scan(&label); err != nil {
				return err
			}
			if _, err := d.Auth.CreateUser(ctx, tx, role, label+" (demo)", role+"@comune.esempio.it", DemoPassword, []string{role}); err != nil {
				return err
			}
		}
		for _, c := range DemoCitizens {
			if _, err := d.Auth.UpsertCitizen(ctx, tx, auth.CitizenInfo{FiscalCode: c.FiscalCode, Name: c.Name, Email: c.Email}); err != nil {
				return err
			}
		}
		return d.Auth.EnsureAPIKey(ctx, tx, "Chiave dimostrativa", DemoAPIKey, []string{auth.AllPermissions})
	})
}
