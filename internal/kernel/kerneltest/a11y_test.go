package kerneltest

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/chromedp/chromedp"
)

// The checker must see what it is meant to catch.
func TestBrowserAccessibilityCheckFindsViolations(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`<!DOCTYPE html><html><head><title>t</title></head><body><main>
			<img src="/x.png"><input type="text" name="q"><p style="color:#ccc;background:#fff">poco contrasto</p></main></body></html>`))
	}))
	defer srv.Close()
	b := Browser(t)
	if err := chromedp.Do(b, chromedp.Navigate(srv.URL)); err != nil {
		t.Fatal(err)
	}
	vs, err := chromedp.Run(b, Accessibility())
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	for _, v := range vs {
		found[v.ID] = true
	}
	for _, want := range []string{"image-alt", "label", "html-has-lang", "color-contrast"} {
		if !found[want] {
			t.Errorf("axe did not report %s; got %v", want, vs)
		}
	}
}
