package reports

import (
	"context"
	"errors"

	"github.com/arengo-pa/arengo/internal/kernel"
)

// Start builds the Open311 listing index as the process starts, so the first
// public listing does not wait for it (seconds at a million reports). Rows
// written without an event after this point are not seen: every write must
// go through s.event.
func (m *Module) Start(ctx context.Context, d *kernel.Deps) error {
	err := m.svc.frags.index.sync(ctx, m.svc.db)
	if errors.Is(err, errIndexUnfit) {
		return nil // the listing renders row by row; nothing to build
	}
	return err
}
