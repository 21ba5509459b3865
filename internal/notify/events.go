package notify

import (
	"context"

	"github.com/arengo-pa/arengo/internal/events"
	"github.com/arengo-pa/arengo/internal/store"
)

func templateEvent(ctx context.Context, tx *store.Tx, key string) error {
	return events.Append(ctx, tx, events.Event{Type: "notify.template_edited", AggregateType: "template", AggregateID: key})
}
