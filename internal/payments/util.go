package payments

import (
	"context"
	"strconv"

	"github.com/arengo-pa/arengo/internal/audit"
	"github.com/arengo-pa/arengo/internal/events"
	"github.com/arengo-pa/arengo/internal/kernel"
	"github.com/arengo-pa/arengo/internal/store"
)

func itoa(i int) string { return strconv.Itoa(i) }

func auditRecord(ctx context.Context, tx *store.Tx, action, id, subject string, before, after any) error {
	return audit.Record(ctx, tx, audit.Entry{Action: action, ObjectType: "position", ObjectID: id, Subject: subject, Before: before, After: after})
}

// positionEventData is the payload of position events: identifiers, state and
// amounts, no personal data beyond the debtor's fiscal code subscribers need.
type positionEventData struct {
	PositionID   string   `json:"position_id"`
	IUPD         string   `json:"iupd"`
	DebtType     string   `json:"debt_type"`
	Status       string   `json:"status"`
	DebtorCF     string   `json:"debtor_fiscal_code"`
	TotalCents   int64    `json:"total_cents"`
	NoticeNumber []string `json:"notice_numbers"`
}

func positionEvent(p *Position) positionEventData {
	e := positionEventData{PositionID: p.ID, IUPD: p.IUPD, DebtType: p.DebtType, Status: p.Status,
		DebtorCF: p.Debtor.FiscalCode, TotalCents: p.TotalCents}
	for _, o := range p.Options {
		e.NoticeNumber = append(e.NoticeNumber, o.NoticeNumber)
	}
	return e
}

func auditNow(ctx context.Context, d *kernel.Deps, action, id, subject string) error {
	return audit.RecordNow(ctx, d.DB, audit.Entry{Action: action, ObjectType: "position", ObjectID: id, Subject: subject})
}

func eventsAppendType(ctx context.Context, tx *store.Tx, t DebtType) error {
	return events.Append(ctx, tx, events.Event{Type: "payments.debt_type_created", AggregateType: "debt_type",
		AggregateID: t.Code, Data: map[string]any{"code": t.Code, "description": t.Description, "category": t.Category}})
}
