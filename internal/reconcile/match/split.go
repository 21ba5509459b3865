package match

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
	it := Item{Kind: KindMovement, Key: m.ID, AmountCents: m.AmountCents, Day: m.Date, Why: Why{Movements: []string{m.ID}, SplitBy: by}}
	it.Why.Shares = make([]Share, len(parts))
	for i, p := range parts {
		it.Why.Shares[i] = Share{IUF: p.IUF, Cents: p.AmountCents}
	}
	it.Code, it.Why.Msg = RTIUFTES, MsgSplit
	for _, p := range parts {
		if p.Flow == nil {
			it.Code, it.Why.Msg, it.Why.Flow = TESNoIUFOrIUV, MsgSplitGone, p.IUF
			return it
		}
		var sum int64
		for _, c := range p.Flow.Movements {
			sum += c.AmountCents
		}
		if sum != p.Flow.TotalCents {
			it.Code, it.Why.Msg, it.Why.Flow = IUFTESDivImp, MsgSplitAmount, p.IUF
			it.Why.Compared, it.Why.Expected, it.Why.Found = "FdR/tesoreria", p.Flow.TotalCents, sum
			return it
		}
	}
	return it
}
