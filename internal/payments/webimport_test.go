package payments_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/arengo-pa/arengo/internal/kernel/kerneltest"
	"github.com/arengo-pa/arengo/internal/payments"
	"github.com/arengo-pa/arengo/internal/payments/mypay"
)

// Staff upload a MyPay file; a job loads it while the page shows progress.
func TestStaffUploadsAnImport(t *testing.T) {
	app, m := newApp(t, nil)
	c := noRedirect(app.Client(t))
	app.LoginStaff(t, c, "operatore", payments.PermManage)
	name := "c_x000-MENSA2031-1_0.zip"
	d := dovuto("MENSA-1", "RSSMRA80A01H501U", 3000)
	d.DebtType = "MENSA"
	csv := mypay.Header(mypay.V1_0) + "\n" + mypay.EncodeRow(d, mypay.V1_0) + "\n" + "broken\n"
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", name)
	io.Copy(fw, zipped(name, csv))
	mw.Close()
	resp, err := c.Post(app.URL+"/admin/pagamenti/importazioni", mw.FormDataContentType(), &body)
	if err != nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: %v %v", resp.StatusCode, err)
	}
	resp.Body.Close()
	page := resp.Header.Get("Location")
	id := strings.TrimPrefix(page, "/admin/pagamenti/importazioni/")
	kerneltest.Eventually(t, 10*time.Second, "import finished", func() bool {
		imp, err := m.Service().ImportByID(context.Background(), id)
		return err == nil && imp.FinishedAt != nil
	})
	code, html := get(t, c, app.URL+page)
	if code != 200 || !strings.Contains(html, "scarti.csv") {
		t.Fatalf("import page %d:\n%s", code, html)
	}
	imp, _ := m.Service().ImportByID(context.Background(), id)
	if imp.Loaded != 1 || imp.Rejected != 1 || imp.Status != "completata" {
		t.Errorf("import: %+v", imp)
	}
	code, rej := get(t, c, app.URL+page+"/scarti.csv")
	if code != 200 || !strings.Contains(rej, "3;PAA_IMPORT_SINTASSI_CSV;") {
		t.Errorf("rejections %d:\n%s", code, rej)
	}
}

func TestAPICreatesAndInvalidates(t *testing.T) {
	app, _ := newApp(t, nil)
	key := app.APIKey(t, payments.PermManage)
	call := func(method, path, body string) (int, map[string]any) {
		req, _ := http.NewRequest(method, app.URL+"/api/v1"+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+key)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out
	}
	code, out := call("POST", "/payments/positions", `{"debt_type":"TARI","debtor_type":"F","debtor_fiscal_code":"RSSMRA80A01H501U",
		"debtor_name":"Mario Rossi","description":"TARI via API","amount_cents":1500,"due_date":"2031-06-30T00:00:00Z","publish":true}`)
	if code != http.StatusCreated || out["status"] != "VALID" {
		t.Fatalf("create: %d %v", code, out)
	}
	id := out["id"].(string)
	code, out = call("POST", "/payments/positions", `{"debt_type":"TARI","debtor_type":"F","debtor_fiscal_code":"RSSMRA80A01H501X",
		"debtor_name":"Mario Rossi","description":"x","amount_cents":1500,"due_date":"2031-06-30T00:00:00Z"}`)
	if code != http.StatusUnprocessableEntity || !strings.Contains(out["detail"].(string), "codice_fiscale") {
		t.Errorf("bad fiscal code: %d %v", code, out)
	}
	code, out = call("GET", "/payments/positions?debtor=RSSMRA80A01H501U", "")
	if code != 200 || out["total"].(float64) != 1 {
		t.Errorf("list: %d %v", code, out)
	}
	code, out = call("POST", "/payments/positions/"+id+"/invalidate", "")
	if code != 200 || out["status"] != "INVALID" {
		t.Errorf("invalidate: %d %v", code, out)
	}
	code, _ = call("POST", "/payments/positions/"+id+"/invalidate", "")
	if code != http.StatusConflict {
		t.Errorf("invalidate twice: %d", code)
	}
}
