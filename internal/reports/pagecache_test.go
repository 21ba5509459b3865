package reports

import (
	"strings"
	"testing"
)

// A page is kept from the second time its query is asked: one-off queries
// neither copy their page nor push out the polled ones.
func TestPageCacheAdmitsOnSecondAsk(t *testing.T) {
	e := newEnv(t)
	c := e.app.Client(t)
	u := e.app.URL + "/open311/v2/requests.json?service_code=rifiuti"
	for i, want := range []int{0, 1, 1} {
		if st, body, _ := get(t, c, u); st != 200 || !strings.HasPrefix(body, "[") {
			t.Fatalf("GET %d: %d %s", i, st, body)
		}
		e.mod.pages311.mu.Lock()
		n := len(e.mod.pages311.entries)
		e.mod.pages311.mu.Unlock()
		if n != want {
			t.Fatalf("after GET %d: %d pages kept, want %d", i+1, n, want)
		}
	}
	var pc pageCache
	for i := 0; i < 4*maxCachedPages; i++ {
		pc.admit(strings.Repeat("x", i))
	}
	if len(pc.asked) > 4*maxCachedPages {
		t.Errorf("%d queries remembered", len(pc.asked))
	}
}
