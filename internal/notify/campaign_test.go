package notify_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/arengo-pa/arengo/internal/errs"
	"github.com/arengo-pa/arengo/internal/kernel/kerneltest"
	"github.com/arengo-pa/arengo/internal/notify"
)

var campaignData = map[string]any{"titolo": "Avviso TARI 2026", "testo": "È disponibile l'avviso di pagamento della TARI 2026: puoi pagarlo con pagoPA dall'Area personale."}

func campaignDone(t *testing.T, app *kerneltest.App, id string) (status string, done int) {
	t.Helper()
	app.Deps.DB.QueryRowContext(context.Background(), `SELECT status, done FROM notify_campaigns WHERE id = $1`, id).Scan(&status, &done)
	return
}

func TestCampaignRunsPausesAndResumes(t *testing.T) {
	app, m := newApp(t)
	ctx := context.Background()
	list := strings.Join([]string{mario, laura, giuseppe, stefania, mario}, "\n") // Mario twice: once is enough
	c, err := m.CreateCampaign(ctx, notify.NewCampaign{Name: "TARI 2026", Template: notify.TemplateNotice, Data: campaignData,
		FiscalCodes: list, RatePerMinute: 120}, "operatore")
	if err != nil {
		t.Fatal(err)
	}
	if c.Total != 4 {
		t.Fatalf("total %d, want 4 (duplicates dropped)", c.Total)
	}
	if err := m.SetCampaignStatus(ctx, c.ID, notify.CampaignPaused); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1500 * time.Millisecond) // at 2 per second, a running campaign would be done by now
	if st, done := campaignDone(t, app, c.ID); st != notify.CampaignPaused || done >= 4 {
		t.Fatalf("paused campaign: %s, %d done", st, done)
	}
	if err := m.SetCampaignStatus(ctx, c.ID, notify.CampaignRunning); err != nil {
		t.Fatal(err)
	}
	kerneltest.Eventually(t, 15*time.Second, "campaign done", func() bool {
		st, done := campaignDone(t, app, c.ID)
		return st == notify.CampaignDone && done == 4
	})
	rows, total, err := m.Search(ctx, notify.Filter{CampaignID: c.ID})
	if err != nil || total != 4 {
		t.Fatalf("campaign messages %d %v", total, err)
	}
	if rows[0].Subject != "Avviso TARI 2026" {
		t.Errorf("subject %q", rows[0].Subject)
	}
}

func TestCampaignRefusesBadList(t *testing.T) {
	_, m := newApp(t)
	_, err := m.CreateCampaign(context.Background(), notify.NewCampaign{Name: "x", Template: notify.TemplateNotice, Data: campaignData,
		FiscalCodes: mario + "\nRSSMRA80A01H501X\n", RatePerMinute: 10}, "operatore")
	if errs.CodeOf(err) != errs.EINVALID || !strings.Contains(errs.MessageOf(err), "riga 2") {
		t.Fatalf("err = %v", err)
	}
}

func TestCampaignAdminPage(t *testing.T) {
	app, _ := newApp(t)
	c := app.Client(t)
	app.LoginStaff(t, c, "ufficio-tributi", notify.PermManage, notify.PermRead)
	if st, body := get(t, c, app.URL+"/admin/notifiche/campagne"); st != 200 || !strings.Contains(body, "Nuova campagna") {
		t.Fatalf("campaigns page %d", st)
	}
	form := url.Values{"name": {"TARI"}, "template": {notify.TemplateNotice}, "data": {`{"titolo":"Avviso TARI 2026","testo":"` + campaignData["testo"].(string) + `"}`},
		"fiscal_codes": {mario + "\n" + laura}, "rate_per_minute": {"6000"}}
	st, _, loc := post(t, c, app.URL+"/admin/notifiche/campagne", form)
	if st != 303 || !strings.Contains(loc, "avviata") {
		t.Fatalf("create: %d %s", st, loc)
	}
	form.Set("fiscal_codes", "NONVALIDO")
	if st, body, _ := post(t, c, app.URL+"/admin/notifiche/campagne", form); st != 422 || !strings.Contains(body, "riga 1") {
		t.Errorf("bad list: %d", st)
	}
}
