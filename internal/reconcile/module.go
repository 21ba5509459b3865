// Package reconcile is Arengo's riconciliazione (MyPivot-class): it proves that
// every euro paid through pagoPA reached the treasury and belongs to the right
// budget line, matching receipts, reporting flows (FdR) and the treasury
// journal, and gives the finance office a dashboard, drill-down lists, an
// anomaly queue and accounting exports.
package reconcile

import (
	"context"
	"embed"
	"io"

	"github.com/arengo-pa/arengo/internal/auth"
	"github.com/arengo-pa/arengo/internal/events"
	"github.com/arengo-pa/arengo/internal/kernel"
	"github.com/arengo-pa/arengo/internal/reconcile/ledger"
	"github.com/arengo-pa/arengo/internal/store"
	"github.com/arengo-pa/arengo/internal/web"
)

//go:embed templates
var templatesFS embed.FS

// Permissions: PermManage runs the reconciliation (uploads, annotations,
// configuration, accertamenti); PermRead lets an API key read results;
// PermReopen reopens a closed accertamento, already sent to the accounting
// system, and is in no default role.
const (
	PermManage = "reconcile.manage"
	PermRead   = "reconcile.read"
	PermReopen = "reconcile.reopen"
)

// Settings the module reads from the environment.
const (
	EnvInbox = "ARENGO_RECONCILE_INBOX" // watched folder for flow files
	EnvEC    = "ARENGO_RECONCILE_EC"    // the ente's fiscal code (flows for others are refused)
)

// Module is the reconciliation module.
type Module struct {
	deps   *kernel.Deps
	ledger *ledger.Ledger
	pages  pages
}

// New returns the module ready to plug into the kernel.
func New() *Module { return &Module{} }

func (m *Module) Name() string { return "reconcile" }

func (m *Module) Migrations() store.Migrations { return ledger.Schema }

func (m *Module) Init(d *kernel.Deps) error {
	m.deps = d
	m.ledger = NewLedger(d)
	d.Auth.DeclarePermission(PermManage, "Gestire la riconciliazione dei pagamenti")
	d.Auth.DeclarePermission(PermRead, "Leggere i risultati della riconciliazione")
	d.Auth.DeclarePermission(PermReopen, "Riaprire un accertamento chiuso")
	d.Auth.DeclareRole(auth.Role{Name: "operatore-riconciliazione", Label: "Operatore riconciliazione", Permissions: []string{PermManage, PermRead}})
	d.Jobs.Register(jobImport, m.runImport)
	d.Jobs.Register(jobClassify, m.runClassify)
	d.Events.Subscribe("reconcile.receipts", []string{"payments.receipt_received"}, m.onReceipt)
	d.Web.AddMessages(messages)
	m.pages = parsePages(d.Web)
	m.routes(d.Web)
	m.registerAPI(d)
	d.Web.AddNav(web.NavItem{Label: web.Msg{IT: "Riconciliazione", EN: "Reconciliation"}, Href: "/admin/riconciliazione", Access: web.Perm(PermManage), Order: 60})
	return nil
}

// NewLedger wires the ledger to the kernel's database, outbox and blob store.
func NewLedger(d *kernel.Deps) *ledger.Ledger {
	return &ledger.Ledger{
		DB: d.DB,
		EC: d.Config.Env(EnvEC),
		Emit: func(ctx context.Context, tx *store.Tx, typ, id string, payload any) error {
			return events.Append(ctx, tx, events.Event{Type: typ, AggregateType: "reconcile", AggregateID: id, Data: payload})
		},
		Archive: func(ctx context.Context, key string, r io.Reader, contentType string) error {
			_, err := d.Blob.Put(ctx, key, r, contentType)
			return err
		},
		Unarchive: func(ctx context.Context, key string) error { return d.Blob.Delete(ctx, key) },
	}
}
