package payments

import (
	"context"
	"time"

	"github.com/arengo-pa/arengo/internal/kernel"
	"github.com/arengo-pa/arengo/internal/store"
)

// demoTypes are the dovuti the demo comune collects.
var demoTypes = []DebtType{
	{Code: "TARI", Description: "Tassa sui rifiuti", Category: "0101101IM", IBAN: "IT60X0542811101000000123456", DueDateRequired: true, Active: true},
	{Code: "MENSA", Description: "Refezione scolastica", Category: "0102108SE", IBAN: "IT60X0542811101000000123456", DueDateRequired: true, Active: true},
	{Code: "CUP", Description: "Canone unico patrimoniale", Category: "0101002IM", IBAN: "IT60X0542811101000000123456", DueDateRequired: false, Active: true},
}

// demoDebtors are the portal's demo citizens.
var demoDebtors = []Debtor{
	{Type: "F", FiscalCode: "RSSMRA80A01H501U", Name: "Mario Rossi", Street: "Via Roma", Civic: "1", PostalCode: "35121", City: "Padova", Province: "PD", Country: "IT", Email: "mario.rossi@example.it"},
	{Type: "F", FiscalCode: "BNCLRA85M41G224B", Name: "Laura Bianchi", Street: "Via Altinate", Civic: "12", PostalCode: "35121", City: "Padova", Province: "PD", Country: "IT"},
	{Type: "F", FiscalCode: "VRDGPP70T10G224J", Name: "Giuseppe Verdi", Street: "Piazza dei Signori", Civic: "3", PostalCode: "35139", City: "Padova", Province: "PD", Country: "IT"},
}

// SeedDemo creates the demo dovuti types and a few positions per demo citizen;
// it does nothing the second time.
func (m *Module) SeedDemo(ctx context.Context, d *kernel.Deps) error {
	if err := m.svc.EnsureDebtTypes(ctx, demoTypes); err != nil {
		return err
	}
	var n int
	if err := d.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM payments_position WHERE source = 'demo'`).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	year := time.Now().UTC().Year()
	due := func(month, day int) time.Time {
		t := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
		if t.Before(time.Now()) {
			t = t.AddDate(1, 0, 0)
		}
		return t
	}
	for i, debtor := range demoDebtors {
		reqs := []NewPosition{
			{DebtType: "TARI", Debtor: debtor, Description: "TARI - tassa rifiuti, saldo annuale", AmountCents: 24580 + int64(i)*1000,
				DueDate: due(12, 16), Instalments: []Instalment{{AmountCents: 12290 + int64(i)*500, DueDate: due(9, 30)}, {AmountCents: 12290 + int64(i)*500, DueDate: due(12, 16)}}},
			{DebtType: "MENSA", Debtor: debtor, Description: "Refezione scolastica - ricarica trimestrale", AmountCents: 9600, DueDate: due(10, 31)},
		}
		if i == 0 {
			reqs = append(reqs, NewPosition{DebtType: "CUP", Debtor: debtor, Description: "Canone unico - passo carrabile Via Roma 1",
				AmountCents: 4500, DueDate: due(4, 30), Secondary: &Beneficiary{FiscalCode: "80006480281", Name: "Provincia di Padova",
					IBAN: "IT60X0542811101000000123456", Category: "0201101IM", AmountCents: 500}})
		}
		for _, r := range reqs {
			r.Publish, r.Source = true, "demo"
			if _, err := m.svc.Create(ctx, r); err != nil {
				return err
			}
		}
	}
	return nil
}

// EnsureDebtTypes inserts missing dovuti types and leaves existing ones alone.
func (s *Service) EnsureDebtTypes(ctx context.Context, types []DebtType) error {
	return s.d.DB.Transact(ctx, func(tx *store.Tx) error {
		for _, t := range types {
			res, err := tx.ExecContext(ctx, `INSERT INTO payments_debt_type (code, description, category, iban, postal_account,
				due_date_required, active, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (code) DO NOTHING`,
				t.Code, t.Description, t.Category, t.IBAN, t.PostalAccount, t.DueDateRequired, t.Active, store.Now())
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				continue
			}
			if err := eventsAppendType(ctx, tx, t); err != nil {
				return err
			}
		}
		return nil
	})
}
