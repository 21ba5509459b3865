package reports

import (
	"context"
	"errors"
	"testing"

	"github.com/arengo-pa/arengo/internal/errs"
)

// TestCategoryCodeTaken: a second category with a code in use is refused on
// the code field, and nothing of it is saved.
func TestCategoryCodeTaken(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	before, err := e.svc.Categories(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.SaveCategory(ctx, Category{Code: "buche", Name: "Altre buche", RadiusM: 10, DeadlineDays: 5, Active: true})
	var fe *errs.Error
	if !errors.As(err, &fe) || fe.Code != errs.EINVALID || fe.Field != "code" {
		t.Fatalf("second category with code buche: %v", err)
	}
	after, err := e.svc.Categories(ctx, false)
	if err != nil || len(after) != len(before) {
		t.Fatalf("categories %d -> %d (%v)", len(before), len(after), err)
	}
}
