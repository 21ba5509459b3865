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
		n := slices.MinFunc(e.Notifications, func(a, b Notification) int { return cmp.Compare(a.ID, b.ID) })
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
			Why: Why{Notification: notif.ID, Movements: creditIDs, Text: "Pagamento notificato dall'ente (IUD " + notif.IUD + ") senza ricevuta né rendicontazione"}}}
	}
	for _, idx := range indexes {
		it := Item{Kind: KindPayment, Key: e.IUV + "/" + strconv.Itoa(idx), IUV: e.IUV}
		t, hasT := transfers[idx]
		rs := rowsBy[idx]
		if notif != nil {
			it.Why.Notification = notif.ID
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
		it.Why.Text = fmt.Sprintf("Versamento %d rendicontato %d volte", t.Index, len(rs))
		return
	case notif != nil && notif.AmountCents != rcpt.AmountCents:
		it.Code = IUDNoRT
		it.Why.Compared, it.Why.Expected, it.Why.Found = "notifica/ricevuta", notif.AmountCents, rcpt.AmountCents
		it.Why.Text = "Importo notificato dall'ente " + euro(notif.AmountCents) + " diverso dall'importo pagato " + euro(rcpt.AmountCents)
		return
	case t.Stamp && len(rs) == 0:
		// A marca da bollo is never reported: the receipt alone is the whole evidence.
		it.Code = RTIUF
		if notif != nil {
			it.Code = IUDRTIUF
		}
		it.Why.Text = "Marca da bollo digitale: non prevista nei flussi di rendicontazione"
		return
	case len(rs) == 0:
		if len(creditIDs) > 0 && credits == rcpt.AmountCents {
			it.Why.Movements = creditIDs
			if rcpt.NeedsNotification && notif == nil {
				it.Code = RTNoIUD
				it.Why.Text = "Incassato con bonifico puntuale ma non notificato dall'ente"
				return
			}
			it.Code = RTTES
			it.Why.Text = "Incassato con bonifico puntuale (causale con IUV)"
			return
		}
		it.Code = RTNoIUF
		it.Why.Text = "Pagato ma non ancora rendicontato da nessun flusso"
		if len(creditIDs) > 0 {
			it.Why.Movements = creditIDs
			it.Why.Compared, it.Why.Expected, it.Why.Found = "ricevuta/tesoreria", rcpt.AmountCents, credits
			it.Why.Text = "Bonifico puntuale di " + euro(credits) + " diverso dall'importo pagato " + euro(rcpt.AmountCents)
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
		it.Why.Text = "Importo rendicontato nel flusso " + r.IUF + " (" + euro(r.AmountCents) + ") diverso dalla ricevuta (" + euro(t.AmountCents) + ")"
	case rcpt.NeedsNotification && notif == nil:
		it.Code = RTNoIUD
		it.Why.Text = "Pagato e rendicontato ma non notificato dall'ente"
	case flow.Collected():
		it.Code = RTIUFTES
		if notif != nil {
			it.Code = IUDRTIUFTES
		}
		it.Why.Text = "Rendicontato nel flusso " + r.IUF + " e riversato in tesoreria"
	default:
		it.Code = RTIUF
		if notif != nil {
			it.Code = IUDRTIUF
		}
		it.Why.Text = "Rendicontato nel flusso " + r.IUF + ", riversamento in tesoreria non ancora trovato"
		if flow.TreasuryCount > 0 {
			it.Why.Compared, it.Why.Expected, it.Why.Found = "FdR/tesoreria", flow.TotalCents, flow.TreasuryCents
			it.Why.Text = "Rendicontato nel flusso " + r.IUF + ", riversato con importo diverso dal totale del flusso"
		}
	}
}

func classifyWithoutReceipt(it *Item, rs []FlowRow, otherTransfers bool) {
	switch {
	case len(rs) >= 2:
		it.Code = Doppi
		it.Why.Text = fmt.Sprintf("Rendicontato %d volte senza ricevuta", len(rs))
	case rs[0].Outcome == "3":
		// Revoked payments are "currently not used" by pagoPA: nothing applies.
		it.Code = Unknown
		it.Why.Text = "Rendicontazione di un pagamento revocato (esito 3)"
	default:
		it.Code = IUVNoRT
		it.Why.Text = "Rendicontato nel flusso " + rs[0].IUF + " senza ricevuta"
		if otherTransfers {
			it.Why.Text = "Rendicontato nel flusso " + rs[0].IUF + " un versamento che la ricevuta non contiene"
		}
		if rs[0].Outcome != "0" {
			it.Why.Text += " (esito " + rs[0].Outcome + ": pagato senza RPT o in stand-in, richiedere la ricevuta)"
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
		it.Why.Text = "Nessun movimento di tesoreria con questo flusso in causale"
	case sum != f.TotalCents:
		it.Code = IUFTESDivImp
		it.Why.Compared, it.Why.Expected, it.Why.Found = "FdR/tesoreria", f.TotalCents, sum
		it.Why.Text = "Totale del flusso " + euro(f.TotalCents) + ", riversato in tesoreria " + euro(sum)
	default:
		it.Code = RTIUFTES
		it.Why.Text = fmt.Sprintf("Riversato in tesoreria con %d movimenti per il totale del flusso", len(f.Movements))
	}
	return it
}

// ClassifyMovement says what a treasury credit pays for.
func ClassifyMovement(m MovementEvidence) Item {
	it := Item{Kind: KindMovement, Key: m.ID, AmountCents: m.AmountCents, Day: m.Date, IUF: m.IUF, IUV: m.IUV, Why: Why{Movements: []string{m.ID}}}
	switch {
	case m.Truncated || (m.IUF == "" && m.IUV == ""):
		it.Code = TESNoMatch
		it.Why.Text = "Causale senza identificativo di flusso o IUV riconoscibile"
		if m.Truncated {
			it.Why.Text = "Identificativo di flusso troncato nella causale: collegare a mano"
		}
	case m.IUF != "" && m.Flow == nil:
		it.Code = TESNoIUFOrIUV
		it.Why.Text = "Il flusso " + m.IUF + " indicato in causale non è stato ricevuto"
	case m.IUF != "":
		var sum int64
		for _, c := range m.Flow.Movements {
			sum += c.AmountCents
		}
		if sum == m.Flow.TotalCents {
			it.Code = RTIUFTES
			it.Why.Text = "Riversamento del flusso " + m.IUF
		} else {
			it.Code = IUFTESDivImp
			it.Why.Compared, it.Why.Expected, it.Why.Found = "FdR/tesoreria", m.Flow.TotalCents, sum
			it.Why.Text = "Totale del flusso " + euro(m.Flow.TotalCents) + ", riversato in tesoreria " + euro(sum)
		}
	case !m.HasReceipt:
		it.Code = TESNoIUFOrIUV
		it.Why.Text = "Bonifico per lo IUV " + m.IUV + " senza ricevuta"
	case m.CreditCents != m.ReceiptCents:
		it.Code = TESNoIUFOrIUV
		it.Why.Compared, it.Why.Expected, it.Why.Found = "ricevuta/tesoreria", m.ReceiptCents, m.CreditCents
		it.Why.Text = "Bonifico per lo IUV " + m.IUV + " di importo diverso dalla ricevuta"
	default:
		it.Code = RTTES
		it.Why.Text = "Bonifico puntuale per lo IUV " + m.IUV
	}
	return it
}

func uniqueSorted(s []int) []int {
	slices.Sort(s)
	return slices.Compact(s)
}
