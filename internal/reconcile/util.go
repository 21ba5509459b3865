package reconcile

import (
	"net/url"
	"strconv"
)

func urlQuery(s string) string { return url.QueryEscape(s) }

func placeholdersFrom(from, n int) string {
	s := ""
	for i := 0; i < n; i++ {
		if i > 0 {
			s += ","
		}
		s += "$" + strconv.Itoa(from+i)
	}
	return s
}

func anys(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}
