package plan

// Costs of one application for its chosen (or candidate) strategy, in euro
// cents per cloud-migration.md §8. Cloud recurring cost may be unknown
// (nil): then the workshop's savings priors (§7) estimate it from the
// on-prem cost, and the result says so.
type Costs struct {
	OnPremYear  int64  // current on-prem cost per year (direct + indirect share)
	Initial     int64  // one-off: migration, data transfer, integration, consulting
	CloudYear   *int64 // recurring cloud cost per year
	Termination int64  // exit: data extraction, lock-in, switch-off
	Intangible  int64  // valued intangible benefits over the horizon
}

// TCO is the cost-benefit result over the horizon.
type TCO struct {
	Years       int
	Initial     int64
	Recurring   int64
	Termination int64
	Total       int64 // Initial + Recurring + Termination
	Benefits    int64 // avoided on-prem cost + intangible benefits
	ROI         float64
	ROIKnown    bool // false when Total is 0 or the strategy moves nothing
	Estimated   bool // cloud cost came from the §7 prior
}

// DefaultYears is the manual's typical horizon.
const DefaultYears = 5

// savingsPrior are the upper figures quoted in Workshop 2 (Gartner/NTT Data):
// defaults only, overridden as soon as a real estimate is entered.
var savingsPrior = map[Strategy]float64{Rehost: 0.30, Replatform: 0.45, Rearchitect: 0.53}

// ComputeTCO applies TCO = initial + Σ recurring + termination and
// ROI = (benefits − TCO) / TCO. Tangible benefits are the on-prem costs the
// move avoids: the manual's "on-prem − cloud" differential would subtract
// the cloud cost twice, since TCO already contains it.
func ComputeTCO(s Strategy, c Costs, years int) TCO {
	if years <= 0 {
		years = DefaultYears
	}
	t := TCO{Years: years, Initial: c.Initial, Termination: c.Termination}
	y := int64(years)
	switch {
	case s == Retain:
		t.Recurring = c.OnPremYear * y
	case s == Retire:
		// switched off: nothing recurs
	case c.CloudYear != nil:
		t.Recurring = *c.CloudYear * y
	default:
		t.Estimated = true
		t.Recurring = int64(float64(c.OnPremYear)*(1-savingsPrior[s])) * y
	}
	t.Total = t.Initial + t.Recurring + t.Termination
	if s != Retain {
		t.Benefits = c.OnPremYear*y + c.Intangible
	}
	if s != Retain && t.Total > 0 {
		t.ROI = float64(t.Benefits-t.Total) / float64(t.Total)
		t.ROIKnown = true
	}
	return t
}

// Add sums plan totals; ROI is recomputed on the sums.
func (t TCO) Add(o TCO) TCO {
	r := TCO{Years: max(t.Years, o.Years), Initial: t.Initial + o.Initial, Recurring: t.Recurring + o.Recurring,
		Termination: t.Termination + o.Termination, Benefits: t.Benefits + o.Benefits, Estimated: t.Estimated || o.Estimated}
	r.Total = r.Initial + r.Recurring + r.Termination
	if r.Total > 0 {
		r.ROI = float64(r.Benefits-r.Total) / float64(r.Total)
		r.ROIKnown = true
	}
	return r
}
