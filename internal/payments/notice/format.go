package notice

import (
	"fmt"
	"strings"
	"time"
)

// euro writes cents the Italian way: 1.020,99.
func euro(cents int64) string {
	whole := fmt.Sprintf("%d", cents/100)
	var b strings.Builder
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	return fmt.Sprintf("%s,%02d", b.String(), cents%100)
}

func day(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Format("02/01/2006")
}

// clip truncates to the lengths the notice guidelines allow.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}
