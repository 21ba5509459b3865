package reports

import (
	"context"
	"encoding/json"
	"image/color"
	"math"
	"net/url"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"github.com/arengo-pa/arengo/internal/kernel/kerneltest"
)

// TestBrowserRedactPhoto: an operator drags a rectangle on a photo in the
// back office, the four fields follow, and after sending the public photo
// is covered there.
func TestBrowserRedactPhoto(t *testing.T) {
	e := fullEnv(t)
	c := e.app.Client(t)
	e.app.LoginCitizen(t, c, mario)
	number := fileReport(t, e, c, url.Values{"category": {"rifiuti"}, "title": {"Sacchi e targa"}, "details": {"Si vede una targa"},
		"address": {"Via Roma 5"}}, part{"photos", "sacchi.png", plainPNG(t, 400, 300, color.NRGBA{90, 160, 60, 255})})
	rep, err := e.svc.Get(context.Background(), number)
	if err != nil {
		t.Fatal(err)
	}
	media, _ := e.svc.Media(context.Background(), rep.ID, true)
	photo := media[0]
	ctx := kerneltest.Browser(t)
	shots := kerneltest.ScreenshotDir(t)
	staff := e.app.StaffSession(t, "moderatrice", PermManage)
	stage := "#foto-" + photo.ID + " .reports-redact-img"
	kerneltest.Do(t, ctx, "open the report",
		e.app.SetSession(staff),
		chromedp.Navigate(e.app.URL+"/admin/segnalazioni/r/"+number),
		chromedp.WaitVisible(chromedp.CSS(stage)),
		chromedp.ScrollIntoView(chromedp.CSS(stage)),
	)
	tctx, cancel := contextWithTimeout(ctx, 90*time.Second)
	defer cancel()
	raw, err := chromedp.Run(tctx, chromedp.Evaluate[string](`(function(){var r=document.querySelector(`+strconv.Quote(stage)+
		`).getBoundingClientRect();return JSON.stringify({x:r.left,y:r.top,w:r.width,h:r.height});})()`))
	if err != nil {
		t.Fatal(err)
	}
	var box struct{ X, Y, W, H float64 }
	if err := json.Unmarshal([]byte(raw), &box); err != nil || box.W == 0 {
		t.Fatalf("image box %q: %v", raw, err)
	}
	at := func(px, py float64) (float64, float64) { return box.X + box.W*px/100, box.Y + box.H*py/100 }
	held := func(p *input.DispatchMouseEventParams) { p.Button, p.Buttons = input.MouseButtonLeft, 1 }
	x0, y0 := at(20, 20)
	x1, y1 := at(45, 45)
	x2, y2 := at(60, 70)
	kerneltest.Do(t, ctx, "drag",
		chromedp.MouseEvent(input.DispatchMouseEventTypeMousePressed, x0, y0, held, func(p *input.DispatchMouseEventParams) { p.ClickCount = 1 }),
		chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, x1, y1, held),
		chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, x2, y2, held),
		chromedp.MouseEvent(input.DispatchMouseEventTypeMouseReleased, x2, y2, held, func(p *input.DispatchMouseEventParams) { p.ClickCount = 1 }),
	)
	for field, want := range map[string]float64{"x": 20, "y": 20, "w": 40, "h": 50} {
		v, err := chromedp.Run(tctx, chromedp.Value(chromedp.CSS("#r"+field+"-"+photo.ID)))
		if err != nil {
			t.Fatal(err)
		}
		got, err := strconv.ParseFloat(v, 64)
		if err != nil || math.Abs(got-want) > 1.5 {
			t.Errorf("field %s = %q after the drag, want about %v", field, v, want)
		}
	}
	kerneltest.Do(t, ctx, "send",
		chromedp.SendKeys(chromedp.CSS("#rr-"+photo.ID), "si legge la targa"),
		kerneltest.Screenshot(filepath.Join(shots, "reports-redact-1-drawn.png")),
		chromedp.Submit(chromedp.CSS("#rr-"+photo.ID)),
		chromedp.WaitVisible(chromedp.CSS(".alert-success")),
		chromedp.WaitVisible(chromedp.CSS("#ru-"+photo.ID)),
		chromedp.ScrollIntoView(chromedp.CSS(stage)),
		kerneltest.Screenshot(filepath.Join(shots, "reports-redact-2-done.png")),
	)
	// The page shows the redacted copy at once (no stale browser cache).
	pixel, err := chromedp.Run(tctx, chromedp.Evaluate[string](`(function(){var i=document.querySelector(`+strconv.Quote(stage)+
		`);var c=document.createElement("canvas");c.width=i.naturalWidth;c.height=i.naturalHeight;var g=c.getContext("2d");g.drawImage(i,0,0);`+
		`var d=g.getImageData(Math.floor(c.width*0.3),Math.floor(c.height*0.3),1,1).data;return d[0]+","+d[1]+","+d[2];})()`))
	if err != nil || pixel != "48,48,48" {
		t.Errorf("the back office shows %q at 30%%,30%% after the redaction (err %v), want the fill 48,48,48", pixel, err)
	}
	kerneltest.AssertAccessible(t, ctx, "back office report with photo redaction")
	// Opened, the staff-only box shows the original with the area outlined
	// where the drag put it.
	summary := "#foto-" + photo.ID + " .reports-redact-areas summary"
	kerneltest.Do(t, ctx, "outlined areas",
		chromedp.ScrollIntoView(chromedp.CSS(summary)),
		chromedp.Click(chromedp.CSS(summary)),
		chromedp.WaitVisible(chromedp.CSS("#foto-"+photo.ID+" .reports-redact-outlines rect")),
	)
	if _, err := chromedp.Run(tctx, chromedp.Poll[bool](`document.querySelector("#foto-`+photo.ID+` .reports-redact-original img").naturalWidth > 0`)); err != nil {
		t.Fatalf("original not loaded: %v", err)
	}
	kerneltest.Do(t, ctx, "outlined screenshot",
		chromedp.ScrollIntoView(chromedp.CSS("#foto-"+photo.ID+" .reports-redact-original")),
		kerneltest.Screenshot(filepath.Join(shots, "reports-redact-3-outlined.png")),
	)
	outline, err := chromedp.Run(tctx, chromedp.Evaluate[string](`(function(){var i=document.querySelector("#foto-`+photo.ID+
		` .reports-redact-original img").getBoundingClientRect();var r=document.querySelector("#foto-`+photo.ID+
		` .reports-redact-outlines rect").getBoundingClientRect();return JSON.stringify([(r.left-i.left)/i.width*100,(r.top-i.top)/i.height*100,r.width/i.width*100,r.height/i.height*100]);})()`))
	var pct [4]float64
	if err != nil || json.Unmarshal([]byte(outline), &pct) != nil {
		t.Fatalf("outline box %q: %v", outline, err)
	}
	for i, want := range []float64{20, 20, 40, 50} {
		if math.Abs(pct[i]-want) > 2 {
			t.Errorf("outline drawn at %v%% of the original, want about 20,20,40,50", pct)
			break
		}
	}
	kerneltest.AssertAccessible(t, ctx, "back office report with the outlined original")
	if got := covered(t, e.app.Client(t), e.app.URL+"/segnalazioni-foto/"+photo.ID, [2]int{30, 30}, [2]int{55, 65}, [2]int{10, 10}, [2]int{80, 80}); !equalBools(got, true, true, false, false) {
		t.Errorf("public photo after the drawn redaction: %v", got)
	}
}
