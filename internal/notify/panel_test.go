package notify_test

import (
	"strings"
	"testing"
	"time"

	"github.com/arengo-pa/arengo/internal/kernel"
	"github.com/arengo-pa/arengo/internal/kernel/kerneltest"
	"github.com/arengo-pa/arengo/internal/notify"
	"github.com/arengo-pa/arengo/internal/portal"
)

func TestAreaPersonalePanel(t *testing.T) {
	m := notify.New(notify.Config{PollDelay: 50 * time.Millisecond})
	app := kerneltest.New(t, portal.New(), m, reportsStub{})
	if _, err := send(t, app, kernel.Notification{FiscalCode: mario, Template: "reports.state_changed", Data: map[string]any{"number": "4", "state": "chiusa"}}); err != nil {
		t.Fatal(err)
	}
	c := app.Client(t)
	app.LoginCitizen(t, c, mario)
	st, body := get(t, c, app.URL+"/area-personale")
	if st != 200 || !strings.Contains(body, "La segnalazione 4 è chiusa") || !strings.Contains(body, "messaggi da leggere") {
		t.Fatalf("Area personale %d without the messages panel:\n%s", st, body)
	}
}
