package reconcile

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"time"

	"github.com/arengo-pa/arengo/internal/errs"
	"github.com/arengo-pa/arengo/internal/kernel"
	"github.com/arengo-pa/arengo/internal/reconcile/gen"
	"github.com/arengo-pa/arengo/internal/reconcile/ledger"
)

var demoDebtTypes = []DebtType{
	{DebtType: "TARI", Description: "Tassa rifiuti", Chapter: "1010", Accertamento: "2026/101"},
	{DebtType: gen.NotifiedDebtType, Description: "Mensa scolastica", Chapter: "3050", Accertamento: "2026/305", Notified: true},
	{DebtType: "CDS", Description: "Sanzioni codice della strada", Chapter: "3020", Accertamento: "2026/302"},
	{DebtType: "IMU", Description: "Imposta municipale propria", Chapter: "1001", Accertamento: "2026/100"},
}

// SeedDemo loads a generated day once. One FdR is held back in
// <data-dir>/riconciliazione-demo: uploading it shows a late flow moving its
// payments from "paid, not reported" to fully matched.
func (m *Module) SeedDemo(ctx context.Context, d *kernel.Deps) error {
	var n int
	if err := d.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM reconcile_file WHERE source = 'demo'").Scan(&n); err != nil || n > 0 {
		return err
	}
	for _, t := range demoDebtTypes {
		if err := m.SaveDebtType(ctx, t); err != nil {
			return err
		}
	}
	dir, err := os.MkdirTemp("", "arengo-reconcile-demo-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	day := time.Now().UTC().Truncate(24 * time.Hour)
	ec := d.Config.Env(EnvEC)
	if ec == "" {
		ec = "00644060287"
	}
	// Segregation code 99, not the payments module's default 01: the notices
	// a demo user pays must not share an IUV with the generated day.
	files, err := gen.Generate(dir, gen.Config{N: 400, Seed: 2026, Day: day, EC: ec, FlowMax: 60, Segregation: "99"})
	if err != nil {
		return err
	}
	all := files.All()
	late := files.FdR[0] // the first flow closed is an ordinary collected one
	for _, p := range all {
		if p == late {
			continue
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		_, err = m.ledger.Import(ctx, filepath.Base(p), f, ledger.ImportOptions{Source: "demo", Actor: "demo"})
		f.Close()
		var dup *ledger.DuplicateError
		if err != nil && !errors.As(err, &dup) {
			return err
		}
	}
	held := filepath.Join(d.Config.DataDir, "riconciliazione-demo")
	if err := os.MkdirAll(held, 0o750); err != nil {
		return err
	}
	data, err := os.ReadFile(late)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(held, filepath.Base(late)), data, 0o640); err != nil {
		return err
	}
	d.Log.Info("reconcile: demo day loaded; a late FdR is waiting to be uploaded", "file", filepath.Join(held, filepath.Base(late)))
	if _, err := m.ledger.Reclassify(ctx, nil); err != nil {
		return err
	}
	// An accertamento still open, holding the TARI collected on the demo day.
	a, err := m.CreateAccertamento(ctx, NewAccertamento{Name: "TARI — incassi del " + day.Format("02/01/2006"), DebtType: "TARI", Chapter: "1010",
		Code: "101", Year: day.Year(), Description: "Esempio: i pagamenti TARI riscossi nel giorno dimostrativo", ForecastCents: 2_000_000})
	if err != nil {
		return err
	}
	_, err = m.AssignPeriod(ctx, a.ID, day.AddDate(0, 0, -1), day.AddDate(0, 0, 1))
	if errs.CodeOf(err) == errs.EINVALID {
		return nil // nothing collected that day: the accertamento stays empty
	}
	return err
}
