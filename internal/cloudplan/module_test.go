package cloudplan_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/arengo-pa/arengo/internal/cloudplan"
	"github.com/arengo-pa/arengo/internal/cloudplan/kit"
	"github.com/arengo-pa/arengo/internal/kernel/kerneltest"
)

func upload(t *testing.T, app *kerneltest.App, c *http.Client, kind, filename string, data []byte) string {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("kind", kind)
	fw, _ := mw.CreateFormFile("file", filename)
	_, _ = fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, app.URL+"/admin/cloud/importa", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload %s: status %d", filename, res.StatusCode)
	}
	return res.Header.Get("Location")
}

// waitImport polls the status page until the job has finished and returns it.
func waitImport(t *testing.T, app *kerneltest.App, c *http.Client, loc string) string {
	t.Helper()
	var page string
	kerneltest.Eventually(t, 15*time.Second, "import finished", func() bool {
		page = get(t, app, c, loc, http.StatusOK)
		return !strings.Contains(page, `id="import-status">in corso`)
	})
	return page
}

func get(t *testing.T, app *kerneltest.App, c *http.Client, path string, want int) string {
	t.Helper()
	res, err := c.Get(app.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		t.Fatalf("GET %s: %d, want %d\n%s", path, res.StatusCode, want, b)
	}
	return string(b)
}

func post(t *testing.T, app *kerneltest.App, c *http.Client, path string, form url.Values) *http.Response {
	t.Helper()
	res, err := c.PostForm(app.URL+path, form)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res
}

func appList(t *testing.T, apps ...kit.Application) []byte {
	var buf bytes.Buffer
	if err := kit.WriteAppListXLSX(&buf, apps); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestImportPlanAndChooseStrategy(t *testing.T) {
	app := kerneltest.New(t, cloudplan.New())
	c := app.Client(t)
	app.LoginStaff(t, c, "ced", cloudplan.PermManage)

	// A wrong rating is refused with sheet, cell and expected values; nothing is saved.
	bad := appList(t, kit.Application{Name: "Anagrafe 3.1", Risk: "Basso"}, kit.Application{Name: "Tributi 2.0", Ease: "Facile"})
	page := waitImport(t, app, c, upload(t, app, c, cloudplan.KindAppList, "lista.xlsx", bad))
	if !strings.Contains(page, "cella G5") || !strings.Contains(page, "Facile") || !strings.Contains(page, "Alto, Medio, Basso") {
		t.Fatalf("no per-cell error:\n%s", page)
	}
	if list := get(t, app, c, "/admin/cloud/applicativi", http.StatusOK); strings.Contains(list, "Anagrafe 3.1") {
		t.Fatal("half of a bad file was saved")
	}

	good := appList(t, kit.Application{Name: "Anagrafe 3.1", Risk: "Basso"}, kit.Application{Name: "Portale 1.0", Opportunity: "Alto"})
	page = waitImport(t, app, c, upload(t, app, c, cloudplan.KindAppList, "lista.xlsx", good))
	if !strings.Contains(page, "2 applicativi nuovi, 0 aggiornati") {
		t.Fatalf("import result:\n%s", page)
	}
	// Importing the same file again changes nothing.
	page = waitImport(t, app, c, upload(t, app, c, cloudplan.KindAppList, "lista.xlsx", good))
	if !strings.Contains(page, "0 applicativi nuovi, 0 aggiornati") {
		t.Fatalf("re-import not idempotent:\n%s", page)
	}

	// Assessment sheets in CSV: the portal depends on the registry.
	var csvBuf bytes.Buffer
	_ = kit.WriteAssessmentsCSV(&csvBuf, []kit.Assessment{
		{Name: "Anagrafe 3.1", Modifiability: "No", Connectivity: "Internet", HardwareDependency: "macchine virtuali"},
		{Name: "Portale 1.0", Modifiability: "Completa", Connectivity: "Internet", HardwareDependency: "container", OnPremDependencies: []string{"Anagrafe 3.1", "LDAP"}},
	})
	page = waitImport(t, app, c, upload(t, app, c, cloudplan.KindAssessment, "schede.csv", csvBuf.Bytes()))
	if !strings.Contains(page, "2 schede importate (0 applicativi nuovi), 1 dipendenze aggiunte") {
		t.Fatalf("assessment import:\n%s", page)
	}
	// One assessment sheet as the kit's xlsx, for an application not yet listed.
	var sheet bytes.Buffer
	_ = kit.WriteAssessmentXLSX(&sheet, kit.Assessment{Name: "Tributi 2.0", Stack: "COBOL su mainframe"})
	page = waitImport(t, app, c, upload(t, app, c, cloudplan.KindAssessment, "scheda.xlsx", sheet.Bytes()))
	if !strings.Contains(page, "1 schede importate (1 applicativi nuovi)") {
		t.Fatalf("assessment xlsx import:\n%s", page)
	}
	var skills bytes.Buffer
	_ = kit.WriteSkillsXLSX(&skills, []kit.Skill{{Name: "FINOPS", Team: 1, Required: [5]int{2, 3, 3, 3, 0}}})
	page = waitImport(t, app, c, upload(t, app, c, cloudplan.KindSkills, "competenze.xlsx", skills.Bytes()))
	if !strings.Contains(page, "1 competenze importate") {
		t.Fatalf("skills import:\n%s", page)
	}
	if s := get(t, app, c, "/admin/cloud/competenze", http.StatusOK); !strings.Contains(s, "FINOPS: richiesto 3, team 1, gap <strong>2</strong>") {
		t.Fatalf("skills gap not shown:\n%s", s)
	}
	if s := get(t, app, c, "/admin/cloud/applicativi?strategia=-", http.StatusOK); !strings.Contains(s, "Tributi 2.0") || strings.Contains(s, ">Anagrafe 3.1<") {
		t.Fatal("filter on applications without a strategy")
	}
	servers := "VM;CPUs;Memory (GB);Disks;Guest OS;Cluster;Applicativo\nsrv-ana-01;4;16;100;Debian 12;CL-A;Anagrafe 3.1\nsrv-web-01;2;8;50;Debian 12;CL-A;Portale 1.0\nsrv-old;1;2;20;CentOS 7;CL-B;\n"
	page = waitImport(t, app, c, upload(t, app, c, cloudplan.KindServers, "vm.csv", []byte(servers)))
	if !strings.Contains(page, "3 server nuovi, 0 aggiornati, 0 applicativi aggiunti") {
		t.Fatalf("server import:\n%s", page)
	}
	if s := get(t, app, c, "/admin/cloud/server?applicativo=-", http.StatusOK); !strings.Contains(s, "srv-old") || strings.Contains(s, "srv-ana-01") {
		t.Fatal("unlinked server filter")
	}
	var oldID string
	_ = app.Deps.DB.QueryRowContext(context.Background(), `SELECT id FROM cloudplan_server WHERE name = 'srv-old'`).Scan(&oldID)
	if res := post(t, app, c, "/admin/cloud/server/"+oldID+"/dati", url.Values{"vcpu": {"2"}, "memory": {"4 GB"}, "disks": {"20 GB; 10 GB"}, "os": {"Debian 12"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("server edit: %d", res.StatusCode)
	}
	if res := post(t, app, c, "/admin/cloud/server/"+oldID+"/dati", url.Values{"memory": {"tanta"}}); res.StatusCode < 400 {
		t.Fatalf("bad memory accepted: %d", res.StatusCode)
	}
	if s := get(t, app, c, "/admin/cloud/server/"+oldID, http.StatusOK); !strings.Contains(s, `value="4096"`) || !strings.Contains(s, "30 GB di disco") {
		t.Fatal("server edit not saved")
	}

	// Rules suggest Re-host for the closed registry; with capacity 1 server
	// the portal moves in a later wave than what it depends on.
	post(t, app, c, "/admin/cloud/impostazioni", url.Values{"capacity": {"1"}, "measure": {"servers"}})
	key := app.APIKey(t, cloudplan.PermManage)
	var list struct {
		Items []struct {
			ID, Name, Strategy string
			Wave               int
			Suggested          bool
		}
		Total int
	}
	apiGet(t, app, key, "/api/v1/cloudplan/apps", &list)
	ids := map[string]string{}
	waves := map[string]int{}
	for _, it := range list.Items {
		ids[it.Name], waves[it.Name] = it.ID, it.Wave
		if it.Name == "Anagrafe 3.1" && (it.Strategy != "rehost" || !it.Suggested) {
			t.Errorf("registry: %+v", it)
		}
	}
	if list.Total != 3 || waves["Anagrafe 3.1"] != 1 || waves["Portale 1.0"] != 2 {
		t.Fatalf("waves %v (%+v)", waves, list)
	}

	// Choosing a strategy needs a reason; the choice records who and why.
	res := post(t, app, c, "/admin/cloud/applicativi/"+ids["Portale 1.0"]+"/strategia", url.Values{"strategy": {"rearchitect"}})
	if res.StatusCode != http.StatusUnprocessableEntity && res.StatusCode != http.StatusBadRequest {
		t.Fatalf("choice without reason: %d", res.StatusCode)
	}
	res = post(t, app, c, "/admin/cloud/applicativi/"+ids["Portale 1.0"]+"/strategia", url.Values{"strategy": {"rearchitect"}, "reason": {"centrale per la strategia digitale"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("choice: %d", res.StatusCode)
	}
	detail := get(t, app, c, "/admin/cloud/applicativi/"+ids["Portale 1.0"], http.StatusOK)
	if !strings.Contains(detail, "Strategia scelta da <strong>Utente ced</strong>") || !strings.Contains(detail, "centrale per la strategia digitale") {
		t.Fatalf("choice not shown:\n%s", detail)
	}
	var n int
	if err := app.Deps.DB.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM kernel_audit WHERE action = 'cloudplan.strategy_chosen' AND object_id = $1`, ids["Portale 1.0"]).Scan(&n); err != nil || n != 1 {
		t.Fatalf("audit entries: %d, %v", n, err)
	}

	// A destination not allowed for the class is flagged.
	post(t, app, c, "/admin/cloud/applicativi/"+ids["Anagrafe 3.1"], url.Values{"name": {"Anagrafe 3.1"}, "class": {"critico"}, "model": {"pubblico_qualificato"}, "risk": {"Basso"}})
	if d := get(t, app, c, "/admin/cloud/applicativi/"+ids["Anagrafe 3.1"], http.StatusOK); !strings.Contains(d, "non è ammesso per un servizio critico") {
		t.Fatal("no ACN warning")
	}

	// Tracking: the whole first wave is migrated, then the wave reads as completed.
	if res := post(t, app, c, "/admin/cloud/ondate/1/stato", url.Values{"state": {"migrato"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("wave state: %d", res.StatusCode)
	}
	if w := get(t, app, c, "/admin/cloud/ondate", http.StatusOK); !strings.Contains(w, "Ondata 1 · 1 server · Completata") || !strings.Contains(w, "Ondata 2 · 1 server · Da avviare") {
		t.Fatalf("wave states not shown:\n%s", w)
	}
	if res := post(t, app, c, "/admin/cloud/ondate/1/stato", url.Values{"state": {"finito"}}); res.StatusCode < 400 {
		t.Fatalf("unknown state accepted: %d", res.StatusCode)
	}

	// Pages and exports.
	if w := get(t, app, c, "/admin/cloud/ondate", http.StatusOK); !strings.Contains(w, "<svg") || !strings.Contains(w, "Ondata 2") {
		t.Fatal("waves page lacks the graph")
	}
	for path, ctype := range map[string]string{
		"/admin/cloud/piano.xlsx": "spreadsheetml", "/admin/cloud/piano.csv": "text/csv", "/admin/cloud/piano.pdf": "application/pdf",
		"/admin/cloud/applicativi.csv?q=portale": "text/csv", "/admin/cloud/server.csv": "text/csv", "/admin/cloud/costi.csv": "text/csv",
		"/admin/cloud/lista.xlsx": "spreadsheetml", "/admin/cloud/competenze.xlsx": "spreadsheetml",
	} {
		res, err := c.Get(app.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || !strings.Contains(res.Header.Get("Content-Type"), ctype) || len(b) < 50 {
			t.Errorf("%s: %d %s %d bytes", path, res.StatusCode, res.Header.Get("Content-Type"), len(b))
		}
		if path == "/admin/cloud/lista.xlsx" {
			back, err := kit.ReadAppListXLSX(bytes.NewReader(b))
			if err != nil || len(back) != 3 {
				t.Errorf("exported list does not import back: %v", err)
			}
		}
	}
	for _, p := range []string{"/admin/cloud", "/admin/cloud/costi", "/admin/cloud/competenze", "/admin/cloud/importa", "/admin/cloud/server"} {
		get(t, app, c, p, http.StatusOK)
	}
}

func apiGet(t *testing.T, app *kerneltest.App, key, path string, v any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, app.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", path, res.StatusCode, b)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatal(err)
	}
}

func TestAPIStrategyNeedsReason(t *testing.T) {
	app := kerneltest.New(t, cloudplan.New())
	c := app.Client(t)
	app.LoginStaff(t, c, "ced", cloudplan.PermManage)
	post(t, app, c, "/admin/cloud/applicativi", url.Values{"name": {"Protocollo 4"}})
	key := app.APIKey(t, cloudplan.PermManage)
	var list struct{ Items []struct{ ID string } }
	apiGet(t, app, key, "/api/v1/cloudplan/apps", &list)
	put := func(body string) int {
		req, _ := http.NewRequest(http.MethodPut, app.URL+"/api/v1/cloudplan/apps/"+list.Items[0].ID+"/strategy", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+key)
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	// Editing the sheet in the UI validates like an import and feeds the rules.
	sheet := "/admin/cloud/applicativi/" + list.Items[0].ID + "/scheda"
	if res := post(t, app, c, sheet, url.Values{"c21": {"WiFi"}}); res.StatusCode < 400 {
		t.Fatalf("bad connectivity accepted: %d", res.StatusCode)
	}
	if res := post(t, app, c, sheet, url.Values{"c19": {"No"}, "c21": {"internet"}, "c9": {"nessuno"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sheet edit: %d", res.StatusCode)
	}
	var one struct {
		Strategy    string
		Suggested   bool
		Suggestions []struct {
			Strategy   string
			Applicable bool
			Reasons    []string
		}
	}
	apiGet(t, app, key, "/api/v1/cloudplan/apps/"+list.Items[0].ID, &one)
	if one.Strategy != "rehost" || !one.Suggested || len(one.Suggestions) != 6 || len(one.Suggestions[0].Reasons) == 0 {
		t.Fatalf("after the sheet edit: %+v", one)
	}
	if s := put(`{"strategy":"rehost","reason":""}`); s != 422 {
		t.Fatalf("no reason: %d", s)
	}
	if s := put(`{"strategy":"lift","reason":"x"}`); s != 422 {
		t.Fatalf("unknown strategy: %d", s)
	}
	if s := put(`{"strategy":"rehost","reason":"fornitore senza roadmap cloud"}`); s != 200 {
		t.Fatalf("choice: %d", s)
	}
	req, _ := http.NewRequest(http.MethodGet, app.URL+"/api/v1/cloudplan/waves", nil)
	if res, _ := http.DefaultClient.Do(req); res.StatusCode != 401 && res.StatusCode != 403 {
		t.Fatalf("anonymous API call: %d", res.StatusCode)
	}
}

func TestAccessNeedsPermission(t *testing.T) {
	app := kerneltest.New(t, cloudplan.New())
	c := app.Client(t)
	app.LoginStaff(t, c, "altro")
	res, err := c.Get(app.URL + "/admin/cloud/applicativi")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("staff without permission: %d", res.StatusCode)
	}
	anon := app.Client(t)
	res, _ = anon.Get(app.URL + "/admin/cloud")
	res.Body.Close()
	if res.StatusCode == http.StatusOK {
		t.Fatal("anonymous reached the planner")
	}
}

func TestDemoSeedIsIdempotent(t *testing.T) {
	m := cloudplan.New()
	app := kerneltest.New(t, m)
	ctx := context.Background()
	for i := 0; i < 2; i++ {
		if err := m.SeedDemo(ctx, app.Deps); err != nil {
			t.Fatal(err)
		}
	}
	var apps, servers int
	_ = app.Deps.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM cloudplan_app`).Scan(&apps)
	_ = app.Deps.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM cloudplan_server`).Scan(&servers)
	if apps != 250 || servers != 300 {
		t.Fatalf("%d apps, %d servers", apps, servers)
	}
	c := app.Client(t)
	app.LoginStaff(t, c, "ced", cloudplan.PermManage)
	start := time.Now()
	page := get(t, app, c, "/admin/cloud/ondate", http.StatusOK)
	if !strings.Contains(page, "Ondata 1") {
		t.Fatal("no waves for the demo portfolio")
	}
	t.Logf("waves page for 250 applications: %s", time.Since(start))
}
