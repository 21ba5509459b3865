package payments_test

import (
	"context"
	"testing"

	"github.com/arengo-pa/arengo/internal/kernel/kerneltest"
	"github.com/arengo-pa/arengo/internal/payments"
)

func payFilter(debtor string) payments.Filter { return payments.Filter{Debtor: debtor} }

func countRows(t *testing.T, app *kerneltest.App) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, table := range []string{"payments_position", "payments_option", "payments_transfer", "payments_status_history"} {
		var n int
		if err := app.Deps.DB.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		out[table] = n
	}
	return out
}
