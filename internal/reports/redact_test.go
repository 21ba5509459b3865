package reports

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/arengo-pa/arengo/internal/reports/upload"
)

// plainPNG is a w×h photo of one colour.
func plainPNG(t *testing.T, w, h int, c color.NRGBA) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.SetNRGBA(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// covered tells, for points given in percent, whether the photo at u is
// filled with the redaction colour there.
func covered(t *testing.T, c *http.Client, u string, points ...[2]int) []bool {
	t.Helper()
	st, body, _ := get(t, c, u)
	if st != 200 {
		t.Fatalf("%s: %d", u, st)
	}
	img, _, err := image.Decode(strings.NewReader(body))
	if err != nil {
		t.Fatalf("%s: %v", u, err)
	}
	b := img.Bounds()
	var out []bool
	for _, p := range points {
		r, g, bl, _ := img.At(b.Dx()*p[0]/100, b.Dy()*p[1]/100).RGBA()
		out = append(out, uint8(r>>8) == upload.Redacted.R && uint8(g>>8) == upload.Redacted.G && uint8(bl>>8) == upload.Redacted.B)
	}
	return out
}

func TestRedactPartOfAPhoto(t *testing.T) {
	e := fullEnv(t)
	base := e.app.URL
	c := e.app.Client(t)
	e.app.LoginCitizen(t, c, mario)
	number := fileReport(t, e, c, url.Values{"category": {"rifiuti"}, "title": {"Sacchi e targa"}, "details": {"Si vede una targa"},
		"address": {"Via Roma 5"}}, part{"photos", "sacchi.png", plainPNG(t, 200, 100, color.NRGBA{250, 250, 250, 255})},
		part{"documents", "verbale.pdf", []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")})
	rep, err := e.svc.Get(context.Background(), number)
	if err != nil {
		t.Fatal(err)
	}
	media, _ := e.svc.Media(context.Background(), rep.ID, true)
	var photo, doc Media
	for _, m := range media {
		if m.Kind == "photo" {
			photo = m
		} else {
			doc = m
		}
	}
	originalBlob := photo.BlobKey
	public := base + "/segnalazioni-foto/" + photo.ID
	staff := e.app.Client(t)
	e.app.LoginStaff(t, staff, "moderatrice", PermManage)
	redact := base + "/admin/segnalazioni/r/" + number + "/foto/" + photo.ID + "/oscura"
	undo := base + "/admin/segnalazioni/r/" + number + "/foto/" + photo.ID + "/ripristina"

	// Refusals: no reason, no area, a document, an unknown photo, undo of nothing.
	if st, body := postForm(t, staff, redact, url.Values{"x": {"0"}, "y": {"0"}, "w": {"50"}, "h": {"50"}}); st != http.StatusUnprocessableEntity || !strings.Contains(body, "motivo") {
		t.Errorf("no reason: %d", st)
	}
	if st, body := postForm(t, staff, redact, url.Values{"x": {"10"}, "y": {"abc"}, "w": {"50"}, "h": {"50"}, "reason": {"targa"}}); st != http.StatusUnprocessableEntity || !strings.Contains(body, "percentuale") {
		t.Errorf("bad area: %d", st)
	}
	if st, _ := postForm(t, staff, base+"/admin/segnalazioni/r/"+number+"/foto/"+doc.ID+"/oscura", url.Values{"x": {"0"}, "y": {"0"}, "w": {"50"}, "h": {"50"}, "reason": {"x"}}); st != 404 {
		t.Errorf("document redacted: %d", st)
	}
	if st, _ := postForm(t, staff, undo, url.Values{"reason": {"x"}}); st != http.StatusConflict {
		t.Errorf("undo without redaction: %d", st)
	}
	if st, _ := postForm(t, c, redact, url.Values{"x": {"0"}, "y": {"0"}, "w": {"50"}, "h": {"50"}, "reason": {"x"}}); st == http.StatusSeeOther {
		t.Error("a citizen redacts")
	}

	// Redact the top-left quarter: the public copy is covered there only.
	if st, body := postForm(t, staff, redact, url.Values{"x": {"0"}, "y": {"0"}, "w": {"50"}, "h": {"50"}, "reason": {"si legge la targa"}}); st != http.StatusSeeOther {
		t.Fatalf("redact: %d %s", st, truncate(body, 2000))
	}
	anon := e.app.Client(t)
	if got := covered(t, anon, public, [2]int{10, 10}, [2]int{45, 45}, [2]int{75, 75}, [2]int{75, 10}); !equalBools(got, true, true, false, false) {
		t.Errorf("public copy after the first redaction: %v", got)
	}
	if got := covered(t, staff, base+"/admin/segnalazioni/allegati/"+photo.ID+"?originale=1", [2]int{10, 10}); got[0] {
		t.Error("the original is redacted too")
	}
	var views int
	e.app.Deps.DB.QueryRow(`SELECT COUNT(*) FROM kernel_audit WHERE action = 'reports.view_media' AND after_json LIKE '%originale%'`).Scan(&views)
	if views != 1 {
		t.Errorf("%d audited views of the original, want 1", views)
	}
	var reason string
	e.app.Deps.DB.QueryRow(`SELECT after_json FROM kernel_audit WHERE action = 'reports.redact_photo'`).Scan(&reason)
	if !strings.Contains(reason, "si legge la targa") || !strings.Contains(reason, "larghezza 50.0%") {
		t.Errorf("audit of the redaction: %q", reason)
	}
	_, body, _ := get(t, staff, base+"/admin/segnalazioni/r/"+number)
	mustContain(t, body, "oscurata in parte", "/ripristina", `src="/admin/segnalazioni/allegati/`+photo.ID+`"`, "Foto «sacchi.png» oscurata in parte: si legge la targa")
	_, body, _ = get(t, anon, base+"/segnalazioni/"+number)
	mustNotContain(t, body, "si legge la targa", "oscurata")

	// A second rectangle adds up; the superseded copy is deleted.
	first, _, _ := e.svc.MediaByID(context.Background(), photo.ID)
	if st, _ := postForm(t, staff, redact, url.Values{"x": {"60"}, "y": {"60"}, "w": {"20"}, "h": {"20"}, "reason": {"un volto"}}); st != http.StatusSeeOther {
		t.Fatalf("second redaction: %d", st)
	}
	if got := covered(t, anon, public, [2]int{10, 10}, [2]int{70, 70}, [2]int{90, 90}); !equalBools(got, true, true, false) {
		t.Errorf("public copy after the second redaction: %v", got)
	}
	if rc, _, err := e.app.Deps.Blob.Get(context.Background(), first.BlobKey); err == nil {
		rc.Close()
		t.Error("the superseded redacted copy is still stored")
	}
	// Staff see both rectangles outlined over the original, in order.
	_, body, _ = get(t, staff, base+"/admin/segnalazioni/r/"+number)
	mustContain(t, body, `src="/admin/segnalazioni/allegati/`+photo.ID+`?originale=1"`, "Originale con le aree oscurate (2)",
		`<rect x="0" y="0" width="50" height="50"/><rect x="60" y="60" width="20" height="20"/>`, "<li>x 60.0%, y 60.0%, larghezza 20.0%, altezza 20.0%</li>")
	_, body, _ = get(t, anon, base+"/segnalazioni/"+number)
	mustNotContain(t, body, "<rect", "originale=1")

	// Undo: the original is public again, the copy deleted, the original kept.
	second, _, _ := e.svc.MediaByID(context.Background(), photo.ID)
	if st, _ := postForm(t, staff, undo, url.Values{"reason": {"targa già pubblica"}}); st != http.StatusSeeOther {
		t.Fatalf("undo: %d", st)
	}
	if got := covered(t, anon, public, [2]int{10, 10}, [2]int{70, 70}); !equalBools(got, false, false) {
		t.Errorf("public copy after undo: %v", got)
	}
	after, _, _ := e.svc.MediaByID(context.Background(), photo.ID)
	if after.BlobKey != originalBlob {
		t.Errorf("blob key after undo %q, want %q", after.BlobKey, originalBlob)
	}
	if rc, _, err := e.app.Deps.Blob.Get(context.Background(), second.BlobKey); err == nil {
		rc.Close()
		t.Error("the redacted copy is still stored after undo")
	}
	_, body, _ = get(t, staff, base+"/admin/segnalazioni/r/"+number)
	mustNotContain(t, body, "<rect", "Originale con le aree oscurate")
	var n int
	e.app.Deps.DB.QueryRow(`SELECT COUNT(*) FROM kernel_outbox WHERE type IN ('reports.media_redacted', 'reports.media_unredacted')`).Scan(&n)
	if n != 3 {
		t.Errorf("%d redaction events, want 3", n)
	}
}

func equalBools(got []bool, want ...bool) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if got[i] != want[i] {
			return false
		}
	}
	return true
}

func TestRedactedKeys(t *testing.T) {
	k := redactedKey("reports/r1/m1.jpg", ".jpg")
	if !strings.HasPrefix(k, "reports/r1/m1.redacted-") || !strings.HasSuffix(k, ".jpg") {
		t.Fatalf("redacted key %q", k)
	}
	if orig, ok := originalKey(k); !ok || orig != "reports/r1/m1.jpg" {
		t.Errorf("originalKey(%q) = %q, %v", k, orig, ok)
	}
	if orig, ok := originalKey("reports/r1/m1.png"); ok || orig != "reports/r1/m1.png" {
		t.Errorf("an original is taken for a redacted copy: %q %v", orig, ok)
	}
}
