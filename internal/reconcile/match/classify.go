package match

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
)

func euro(c int64) string {
	s := ""
	if c < 0 {
		s, c = "-", -c
	}
	return fmt.Sprintf("%s%d,%02d €", s, c/100, c%100)
}

// ClassifyPayment gives one item per transfer of the IUV (receipt transfers and
// reported transfers), plus a notice-level item when only a notification exists.
func ClassifyPayment(e PaymentEvidence) []Item {
	receipts := slices.SortedFunc(slices.Values(e.Receipts), func(a, b Receipt) int { return cmp.Compare(a.ID, b.ID) })
	rows := slices.SortedFunc(slices.Values(e.Rows), func(a, b FlowRow) int { return cmp.Compare(a.ID, b.ID) })

	var notif *Notification
	if len(e.Notifications) > 0 {
		n := slices.MinFunc(e.Notifications, func(a, b Notification) int { return cmp.Compare(a.IUD, b.IUD) })
		notif = &n
	}
	// The first receipt decides; later receipts for the same IUV are a double
	// payment only when the PSPs also reported them twice (DOPPI on the rows).
	var rcpt *Receipt
	if len(receipts) > 0 {
		rcpt = &receipts[0]
	}
	transfers := map[int]ReceiptTransfer{}
	indexes := []int{}
	if rcpt != nil {
		for _, t := range rcpt.Transfers {
			if _, dup := transfers[t.Index]; !dup {
				transfers[t.Index] = t
				indexes = append(indexes, t.Index)
			}
		}
	}
	rowsBy := map[int][]FlowRow{}
	for _, r := range rows {
		rowsBy[r.TransferIndex] = append(rowsBy[r.TransferIndex], r)
		indexes = append(indexes, r.TransferIndex)
	}
	indexes = uniqueSorted(indexes)

	var credits int64
	var creditIDs []string
	for _, c := range e.Credits {
		credits += c.AmountCents
		creditIDs = append(creditIDs, c.MovementID)
	}
	slices.Sort(creditIDs)

	var items []Item
	if rcpt == nil && len(rows) == 0 {
		if notif == nil {
			return nil
		}
		return []Item{{Kind: KindPayment, Key: e.IUV + "/N", Code: IUDNoRT, AmountCents: notif.AmountCents, IUV: e.IUV, Day: notif.Date,
			Why: Why{Msg: MsgNotifiedOnly, Notification: notif.IUD, Movements: creditIDs}}}
	}
	for _, idx := range indexes {
		it := Item{Kind: KindPayment, Key: e.IUV + "/" + strconv.Itoa(idx), IUV: e.IUV}
		t, hasT := transfers[idx]
		rs := rowsBy[idx]
		if notif != nil {
			it.Why.Notification = notif.IUD
		}
		for _, r := range rs {
			it.Why.FlowRows = append(it.Why.FlowRows, r.ID)
		}
		if len(rs) > 0 {
			it.IUF = rs[0].IUF
			it.Day = rs[0].Date
			it.AmountCents = rs[0].AmountCents
		}
		if hasT && rcpt != nil {
			it.Why.Receipt = rcpt.ID
			it.AmountCents = t.AmountCents
			it.Day = rcpt.PaymentDate
			it.DebtType = rcpt.DebtType
			classifyWithReceipt(&it, e, *rcpt, t, rs, notif, credits, creditIDs)
		} else {
			classifyWithoutReceipt(&it, rs, rcpt != nil)
		}
		items = append(items, it)
	}
	return items
}

func classifyWithReceipt(it *Item, e PaymentEvidence, rcpt Receipt, t ReceiptTransfer, rs []FlowRow, notif *Notification, credits int64, creditIDs []string) {
	switch {
	case len(rs) >= 2:
		it.Code = Doppi
		it.Why.Msg = MsgReportedTwice
		return
	case notif != nil && notif.AmountCents != rcpt.AmountCents:
		it.Code = IUDNoRT
		it.Why.Compared, it.Why.Expected, it.Why.Found = "notifica/ricevuta", notif.AmountCents, rcpt.AmountCents
		it.Why.Msg = MsgNotifiedAmount
		return
	case t.Stamp && len(rs) == 0:
		// A marca da bollo is never reported: the receipt alone is the whole evidence.
		it.Code = RTIUF
		if notif != nil {
			it.Code = IUDRTIUF
		}
		it.Why.Msg = MsgStamp
		return
	case len(rs) == 0:
		if len(creditIDs) > 0 && credits == rcpt.AmountCents {
			it.Why.Movements = creditIDs
			if rcpt.NeedsNotification && notif == nil {
				it.Code = RTNoIUD
				it.Why.Msg = MsgCreditNotNotified
				return
			}
			it.Code = RTTES
			it.Why.Msg = MsgCredit
			return
		}
		it.Code = RTNoIUF
		it.Why.Msg = MsgNotReported
		if len(creditIDs) > 0 {
			it.Why.Movements = creditIDs
			it.Why.Compared, it.Why.Expected, it.Why.Found = "ricevuta/tesoreria", rcpt.AmountCents, credits
			it.Why.Msg = MsgCreditAmount
		}
		return
	}
	r := rs[0]
	flow := e.Flows[r.IUF]
	it.Why.Movements = slices.Clone(flow.MovementIDs)
	switch {
	case r.AmountCents != t.AmountCents:
		it.Code = RTNoIUF
		it.Why.Compared, it.Why.Expected, it.Why.Found = "ricevuta/FdR", t.AmountCents, r.AmountCents
		it.Why.Msg = MsgReportedAmount
	case rcpt.NeedsNotification && notif == nil:
		it.Code = RTNoIUD
		it.Why.Msg = MsgNotNotified
	case flow.Collected():
		it.Code = RTIUFTES
		if notif != nil {
			it.Code = IUDRTIUFTES
		}
		it.Why.Msg = MsgCollected
	default:
		it.Code = RTIUF
		if notif != nil {
			it.Code = IUDRTIUF
		}
		it.Why.Msg = MsgNotCollected
		if flow.TreasuryCount > 0 {
			it.Why.Compared, it.Why.Expected, it.Why.Found = "FdR/tesoreria", flow.TotalCents, flow.TreasuryCents
			it.Why.Msg = MsgCollectedAmount
		}
	}
}

func classifyWithoutReceipt(it *Item, rs []FlowRow, otherTransfers bool) {
	switch {
	case len(rs) >= 2:
		it.Code = Doppi
		it.Why.Msg = MsgReportedTwiceNoRT
	case rs[0].Outcome == "3":
		// Revoked payments are "currently not used" by pagoPA: nothing applies.
		it.Code = Unknown
		it.Why.Msg = MsgRevoked
	default:
		it.Code = IUVNoRT
		it.Why.Msg = MsgReportedNoRT
		if otherTransfers {
			it.Why.Msg = MsgReportedExtra
		}
		if rs[0].Outcome != "0" {
			it.Why.Outcome = rs[0].Outcome
		}
	}
}

// ClassifyFlow compares a flow's total with what the treasury received for it.
func ClassifyFlow(f FlowEvidence) Item {
	it := Item{Kind: KindFlow, Key: f.IUF, IUF: f.IUF, AmountCents: f.TotalCents, Day: f.RegulationDate}
	var sum int64
	for _, m := range f.Movements {
		sum += m.AmountCents
		it.Why.Movements = append(it.Why.Movements, m.MovementID)
	}
	slices.Sort(it.Why.Movements)
	switch {
	case len(f.Movements) == 0:
		it.Code = IUFNoTES
		it.Why.Msg = MsgFlowNoTreasury
	case sum != f.TotalCents:
		it.Code = IUFTESDivImp
		it.Why.Compared, it.Why.Expected, it.Why.Found = "FdR/tesoreria", f.TotalCents, sum
		it.Why.Msg = MsgFlowAmount
	default:
		it.Code = RTIUFTES
		it.Why.Msg = MsgFlowCollected
	}
	return it
}

// ClassifyMovement says what a treasury credit pays for.
func ClassifyMovement(m MovementEvidence) Item {
	it := Item{Kind: KindMovement, Key: m.ID, AmountCents: m.AmountCents, Day: m.Date, IUF: m.IUF, IUV: m.IUV, Why: Why{Movements: []string{m.ID}}}
	switch {
	case m.Truncated || (m.IUF == "" && m.IUV == ""):
		it.Code = TESNoMatch
		it.Why.Msg = MsgNoIdentifier
		if m.Truncated {
			it.Why.Msg = MsgTruncated
		}
	case m.IUF != "" && m.Flow == nil:
		it.Code = TESNoIUFOrIUV
		it.Why.Msg = MsgFlowMissing
	case m.IUF != "":
		var sum int64
		for _, c := range m.Flow.Movements {
			sum += c.AmountCents
		}
		if sum == m.Flow.TotalCents {
			it.Code = RTIUFTES
			it.Why.Msg = MsgFlowCredit
		} else {
			it.Code = IUFTESDivImp
			it.Why.Compared, it.Why.Expected, it.Why.Found = "FdR/tesoreria", m.Flow.TotalCents, sum
			it.Why.Msg = MsgFlowAmount
		}
	case !m.HasReceipt:
		it.Code = TESNoIUFOrIUV
		it.Why.Msg = MsgIUVNoRT
	case m.CreditCents != m.ReceiptCents:
		it.Code = TESNoIUFOrIUV
		it.Why.Compared, it.Why.Expected, it.Why.Found = "ricevuta/tesoreria", m.ReceiptCents, m.CreditCents
		it.Why.Msg = MsgIUVAmount
	default:
		it.Code = RTTES
		it.Why.Msg = MsgIUVCredit
	}
	return it
}

func uniqueSorted(s []int) []int {
	slices.Sort(s)
	return slices.Compact(s)
}
