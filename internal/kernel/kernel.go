// Package kernel assembles the shared services and the modules plugged into
// them. It owns nothing domain-specific.
package kernel

import (
	"context"
	"log/slog"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/arengo-pa/arengo/internal/auth"
	"github.com/arengo-pa/arengo/internal/blob"
	"github.com/arengo-pa/arengo/internal/config"
	"github.com/arengo-pa/arengo/internal/events"
	"github.com/arengo-pa/arengo/internal/jobs"
	"github.com/arengo-pa/arengo/internal/store"
	"github.com/arengo-pa/arengo/internal/web"
)

// Module is one service of Arengo.
type Module interface {
	Name() string
	Migrations() store.Migrations
	Init(d *Deps) error
}

// Seeder fills idempotent demo data for `arengo demo`.
type Seeder interface {
	SeedDemo(ctx context.Context, d *Deps) error
}

// Starter runs background work during serve and demo, until ctx ends.
type Starter interface {
	Start(ctx context.Context, d *Deps) error
}

// Commander contributes `arengo <name> …` subcommands.
type Commander interface {
	Commands() []Command
}

// Command is a module's subcommand. Run gets the assembled services (the
// database migrated) and the arguments after the command name.
type Command struct {
	Name  string
	Usage string
	// NoApp commands run without opening the database (simulators).
	NoApp bool
	Run   func(ctx context.Context, d *Deps, args []string) error
}

// Deps are the shared services a module receives.
type Deps struct {
	Config   *config.Config
	DB       *store.DB
	Blob     blob.Store
	Events   *events.Bus
	Jobs     *jobs.Queue
	Auth     *auth.Service
	Web      *web.Server
	API      huma.API
	Notifier Notifier
	Log      *slog.Logger
	Metrics  *prometheus.Registry
}

// Notifier is the notification hub as other modules see it.
type Notifier interface {
	// DefineTemplate is called from a module's Init with the default text;
	// admins may edit it later.
	DefineTemplate(t NotificationTemplate)
	// Notify queues a message in the caller's transaction: nothing is sent
	// unless tx commits. It refuses (errs.EINVALID) an unknown template,
	// missing data or an invalid fiscal code.
	Notify(ctx context.Context, tx *store.Tx, n Notification) (messageID string, err error)
}

// NotificationTemplate is a message's default text, Go text/template over
// the notification's Data, markdown in Body.
type NotificationTemplate struct {
	Key      string
	Subject  web.Msg
	Body     web.Msg
	Required []string
}

// Notification asks the hub to tell a citizen something. The recipient is
// FiscalCode or, when it is empty, Email: a person known only by an e-mail
// address (an anonymous reporter) gets the e-mail alone — no preferences,
// no App IO, no SEND, no Area personale copy.
type Notification struct {
	FiscalCode     string
	Email          string // recipient without a fiscal code; ignored when FiscalCode is set
	Lang           string // "it" (default) or "en": the Email recipient's language; a citizen's own preference wins
	Template       string
	Data           map[string]any
	DueDate        *time.Time
	Payment        *PaymentData
	IdempotencyKey string
	Legal          bool // a legal notice: goes through SEND
}

// PaymentData links a message to a pagoPA notice.
type PaymentData struct {
	NoticeNumber        string
	AmountCents         int64
	PayeeFiscalCode     string
	InvalidAfterDueDate bool
}
