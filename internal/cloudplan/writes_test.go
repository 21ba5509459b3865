package cloudplan

import (
	"context"
	"errors"
	"testing"

	"github.com/arengo-pa/arengo/internal/cloudplan/plan"
	"github.com/arengo-pa/arengo/internal/errs"
	"github.com/arengo-pa/arengo/internal/kernel/kerneltest"
	"github.com/arengo-pa/arengo/internal/store"
)

// TestConstraintsBecomeFieldErrors: a second application with a name in use
// and a dependency on an application that does not exist are refused on
// their fields, with nothing saved.
func TestConstraintsBecomeFieldErrors(t *testing.T) {
	m := New()
	kerneltest.New(t, m)
	ctx := context.Background()
	insert := func(name string) (string, error) {
		a := &App{App: plan.App{ID: store.NewID(), Name: name}}
		return a.ID, m.deps.DB.Transact(ctx, func(tx *store.Tx) error { return insertApp(ctx, tx, a) })
	}
	field := func(err error) string {
		var fe *errs.Error
		if !errors.As(err, &fe) || fe.Code != errs.EINVALID {
			t.Fatalf("not a field error: %v", err)
		}
		return fe.Field
	}
	id, err := insert("Anagrafe 3.1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := insert("Anagrafe 3.1"); field(err) != "name" {
		t.Fatalf("same name: %v", err)
	}
	if err := m.setDependencies(ctx, id, []string{"inesistente"}); field(err) != "depends_on" {
		t.Fatalf("unknown dependency: %v", err)
	}
	var apps, deps int
	if err := m.deps.DB.QueryRowContext(ctx, "SELECT (SELECT COUNT(*) FROM cloudplan_app), (SELECT COUNT(*) FROM cloudplan_dependency)").Scan(&apps, &deps); err != nil {
		t.Fatal(err)
	}
	if apps != 1 || deps != 0 {
		t.Fatalf("saved %d applications and %d dependencies", apps, deps)
	}
}
