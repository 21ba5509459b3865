package web

import (
	"net/url"
	"strings"
	"unicode"
)

// LocalPath returns next when it is a path on this site, else def: a login
// or a language switch must never send the visitor to another site (open
// redirect).
func LocalPath(next, def string) string {
	if next == "" || len(next) > 2000 || next[0] != '/' || strings.HasPrefix(next, "//") ||
		strings.ContainsAny(next, "\\") || strings.ContainsFunc(next, unicode.IsControl) {
		return def
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return def
	}
	return next
}
