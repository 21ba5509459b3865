package match

import "strings"

// SplitPart is one flow paid by a credit an operator split by hand over
// several flows (one SCT for two or more IUFs), with the part it receives.
type SplitPart struct {
	IUF         string
	AmountCents int64
	Flow        *FlowEvidence // current version, with every credit it has (this part included); nil when gone
}

// ClassifySplit says what a split credit pays: RT_IUF_TES when every flow it
// pays received exactly its total, IUF_TES_DIV_IMP naming the first that did
// not, TES_NO_IUF_OR_IUV when a flow is no longer loaded.
func ClassifySplit(m MovementEvidence, parts []SplitPart, by string) Item {
	it := Item{Kind: KindMovement, Key: m.ID, AmountCents: m.AmountCents, Day: m.Date, Why: Why{Movements: []string{m.ID}}}
	names := make([]string, len(parts))
	for i, p := range parts {
		names[i] = p.IUF + " (" + euro(p.AmountCents) + ")"
	}
	it.Code = RTIUFTES
	it.Why.Text = "Ripartito a mano da " + by + " sui flussi " + strings.Join(names, ", ") + ", riversati per intero"
	for _, p := range parts {
		if p.Flow == nil {
			it.Code = TESNoIUFOrIUV
			it.Why.Text = "Ripartito a mano da " + by + " sui flussi " + strings.Join(names, ", ") + ": il flusso " + p.IUF + " non è più caricato"
			return it
		}
		var sum int64
		for _, c := range p.Flow.Movements {
			sum += c.AmountCents
		}
		if sum != p.Flow.TotalCents {
			it.Code = IUFTESDivImp
			it.Why.Compared, it.Why.Expected, it.Why.Found = "FdR/tesoreria", p.Flow.TotalCents, sum
			it.Why.Text = "Ripartito a mano da " + by + " sui flussi " + strings.Join(names, ", ") + ": il flusso " + p.IUF +
				" totalizza " + euro(p.Flow.TotalCents) + ", riversato in tesoreria " + euro(sum)
			return it
		}
	}
	return it
}
