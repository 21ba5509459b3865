package web

import (
	"net/url"
	"strings"
	"testing"
)

func TestLocalPath(t *testing.T) {
	for next, want := range map[string]string{
		"":                       "/def",
		"/segnalazioni/42?x=1":   "/segnalazioni/42?x=1",
		"/area-personale#avvisi": "/area-personale#avvisi",
		"https://evil.example/":  "/def",
		"//evil.example":         "/def",
		"/\\evil.example":        "/def",
		"/ok\r\nSet-Cookie: x":   "/def",
		"javascript:alert(1)":    "/def",
		"segnalazioni":           "/def",
	} {
		if got := LocalPath(next, "/def"); got != want {
			t.Errorf("LocalPath(%q) = %q, want %q", next, got, want)
		}
	}
}

func FuzzLocalPath(f *testing.F) {
	for _, s := range []string{"/", "/a?b=c", "//x", "/\\x", "http://x", "/%2F%2Fx", "/\x00", "/a/../../b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, next string) {
		got := LocalPath(next, "/def")
		if got == "/def" {
			return
		}
		u, err := url.Parse(got)
		if err != nil || u.Host != "" || u.Scheme != "" || !strings.HasPrefix(got, "/") || strings.HasPrefix(got, "//") ||
			strings.Contains(got, "\\") {
			t.Fatalf("LocalPath(%q) = %q leaves the site", next, got)
		}
		// Browsers resolve it against our origin: it must stay there.
		base, _ := url.Parse("https://comune.example.it/x")
		if r := base.ResolveReference(u); r.Host != "comune.example.it" {
			t.Fatalf("LocalPath(%q) = %q resolves to %s", next, got, r)
		}
	})
}
