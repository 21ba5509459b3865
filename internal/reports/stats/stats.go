// Package stats computes the dashboard figures (average and median times,
// share within deadline) and draws them as SVG on the server, so the
// dashboard is readable without JavaScript.
package stats

import (
	"slices"
	"time"
)

// Durations summarises a set of elapsed times.
type Durations struct {
	Count        int
	Mean, Median time.Duration
}

// Summarise returns count, mean and median of ds (zero when empty).
func Summarise(ds []time.Duration) Durations {
	if len(ds) == 0 {
		return Durations{}
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	var sum time.Duration
	for _, d := range s {
		sum += d
	}
	med := s[len(s)/2]
	if len(s)%2 == 0 {
		med = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return Durations{Count: len(s), Mean: sum / time.Duration(len(s)), Median: med}
}

// Share is a ratio with its denominator, so that small samples are visible
// as such (a lesson from FixMyStreet's league tables).
type Share struct {
	Part, Total int
}

// Percent is Part/Total in percent, 0 when Total is 0.
func (s Share) Percent() float64 {
	if s.Total == 0 {
		return 0
	}
	return 100 * float64(s.Part) / float64(s.Total)
}

// Days renders a duration as days with one decimal, the unit offices use.
func Days(d time.Duration) float64 {
	return float64(d.Round(time.Hour)/time.Hour) / 24
}
