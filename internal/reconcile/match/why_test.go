package match

import (
	"strings"
	"testing"
)

// TestTextKeepsTheSentences renders every message as operators read it
// before messages had codes, and checks the English text is complete.
func TestTextKeepsTheSentences(t *testing.T) {
	const iuf, iuv = "2026-11-25PSP-1", "01000000000000144"
	pay := func(w Why) Item { return Item{Kind: KindPayment, Key: iuv + "/2", IUV: iuv, IUF: iuf, Why: w} }
	mov := func(w Why) Item { return Item{Kind: KindMovement, Key: "2026/7", IUV: iuv, IUF: iuf, Why: w} }
	diff := func(m Msg) Why { return Why{Msg: m, Compared: "x/y", Expected: 123456, Found: 100} }
	rows := []string{"v1#1", "v2#1"}
	shares := []Share{{"A", 100}, {"B", 20050}}
	covered := map[Msg]bool{}
	for _, tc := range []struct {
		it   Item
		want string
	}{
		{Item{Kind: KindPayment, Key: iuv + "/N", IUV: iuv, Why: Why{Msg: MsgNotifiedOnly, Notification: "IUD7"}}, "Pagamento notificato dall'ente (IUD IUD7) senza ricevuta né rendicontazione"},
		{pay(Why{Msg: MsgReportedTwice, FlowRows: rows}), "Versamento 2 rendicontato 2 volte"},
		{pay(diff(MsgNotifiedAmount)), "Importo notificato dall'ente 1234,56 € diverso dall'importo pagato 1,00 €"},
		{pay(Why{Msg: MsgStamp}), "Marca da bollo digitale: non prevista nei flussi di rendicontazione"},
		{pay(Why{Msg: MsgCreditNotNotified}), "Incassato con bonifico puntuale ma non notificato dall'ente"},
		{pay(Why{Msg: MsgCredit}), "Incassato con bonifico puntuale (causale con IUV)"},
		{pay(Why{Msg: MsgNotReported}), "Pagato ma non ancora rendicontato da nessun flusso"},
		{pay(diff(MsgCreditAmount)), "Bonifico puntuale di 1,00 € diverso dall'importo pagato 1234,56 €"},
		{pay(diff(MsgReportedAmount)), "Importo rendicontato nel flusso 2026-11-25PSP-1 (1,00 €) diverso dalla ricevuta (1234,56 €)"},
		{pay(Why{Msg: MsgNotNotified}), "Pagato e rendicontato ma non notificato dall'ente"},
		{pay(Why{Msg: MsgCollected}), "Rendicontato nel flusso 2026-11-25PSP-1 e riversato in tesoreria"},
		{pay(Why{Msg: MsgNotCollected}), "Rendicontato nel flusso 2026-11-25PSP-1, riversamento in tesoreria non ancora trovato"},
		{pay(diff(MsgCollectedAmount)), "Rendicontato nel flusso 2026-11-25PSP-1, riversato con importo diverso dal totale del flusso"},
		{pay(Why{Msg: MsgReportedTwiceNoRT, FlowRows: rows}), "Rendicontato 2 volte senza ricevuta"},
		{pay(Why{Msg: MsgRevoked}), "Rendicontazione di un pagamento revocato (esito 3)"},
		{pay(Why{Msg: MsgReportedNoRT}), "Rendicontato nel flusso 2026-11-25PSP-1 senza ricevuta"},
		{pay(Why{Msg: MsgReportedNoRT, Outcome: "9"}), "Rendicontato nel flusso 2026-11-25PSP-1 senza ricevuta (esito 9: pagato senza RPT o in stand-in, richiedere la ricevuta)"},
		{pay(Why{Msg: MsgReportedExtra, Outcome: "4"}), "Rendicontato nel flusso 2026-11-25PSP-1 un versamento che la ricevuta non contiene (esito 4: pagato senza RPT o in stand-in, richiedere la ricevuta)"},
		{Item{Kind: KindFlow, Key: iuf, IUF: iuf, Why: Why{Msg: MsgFlowNoTreasury}}, "Nessun movimento di tesoreria con questo flusso in causale"},
		{Item{Kind: KindFlow, Key: iuf, IUF: iuf, Why: diff(MsgFlowAmount)}, "Totale del flusso 1234,56 €, riversato in tesoreria 1,00 €"},
		{Item{Kind: KindFlow, Key: iuf, IUF: iuf, Why: Why{Msg: MsgFlowCollected, Movements: []string{"a", "b", "c"}}}, "Riversato in tesoreria con 3 movimenti per il totale del flusso"},
		{mov(Why{Msg: MsgNoIdentifier}), "Causale senza identificativo di flusso o IUV riconoscibile"},
		{mov(Why{Msg: MsgTruncated}), "Identificativo di flusso troncato nella causale: collegare a mano"},
		{mov(Why{Msg: MsgFlowMissing}), "Il flusso 2026-11-25PSP-1 indicato in causale non è stato ricevuto"},
		{mov(Why{Msg: MsgFlowCredit}), "Riversamento del flusso 2026-11-25PSP-1"},
		{mov(Why{Msg: MsgFlowAmount, LinkedBy: "Rossi"}), "Totale del flusso 0,00 €, riversato in tesoreria 0,00 € Collegato a mano al flusso 2026-11-25PSP-1 da Rossi."},
		{mov(Why{Msg: MsgIUVNoRT}), "Bonifico per lo IUV 01000000000000144 senza ricevuta"},
		{mov(diff(MsgIUVAmount)), "Bonifico per lo IUV 01000000000000144 di importo diverso dalla ricevuta"},
		{mov(Why{Msg: MsgIUVCredit}), "Bonifico puntuale per lo IUV 01000000000000144"},
		{mov(Why{Msg: MsgSplit, SplitBy: "Rossi", Shares: shares}), "Ripartito a mano da Rossi sui flussi A (1,00 €), B (200,50 €), riversati per intero"},
		{mov(Why{Msg: MsgSplitGone, SplitBy: "Rossi", Shares: shares, Flow: "B"}), "Ripartito a mano da Rossi sui flussi A (1,00 €), B (200,50 €): il flusso B non è più caricato"},
		{mov(Why{Msg: MsgSplitAmount, SplitBy: "Rossi", Shares: shares, Flow: "B", Expected: 25000, Found: 20050}),
			"Ripartito a mano da Rossi sui flussi A (1,00 €), B (200,50 €): il flusso B totalizza 250,00 €, riversato in tesoreria 200,50 €"},
	} {
		covered[tc.it.Why.Msg] = true
		if got := tc.it.Text("it"); got != tc.want {
			t.Errorf("%s:\n got %q\nwant %q", tc.it.Why.Msg, got, tc.want)
		}
		if got := tc.it.Text(""); got != tc.want {
			t.Errorf("%s: no language is not Italian: %q", tc.it.Why.Msg, got)
		}
		if en := tc.it.Text("en"); en == "" || en == tc.want || strings.Contains(en, "${") {
			t.Errorf("%s: English %q", tc.it.Why.Msg, en)
		}
	}
	for m := range sentences {
		if !covered[m] {
			t.Errorf("%s not tested", m)
		}
	}
	if got := (Item{Why: Why{Msg: "gone"}}).Text("it"); got != "" {
		t.Errorf("unknown message: %q", got)
	}
}

func TestTextInEnglish(t *testing.T) {
	it := Item{Kind: KindPayment, Key: "A/1", IUV: "A", IUF: "2026-11-25PSP-1", Why: Why{Msg: MsgReportedNoRT, Outcome: "9"}}
	want := "Reported in flow 2026-11-25PSP-1 without a receipt (outcome 9: paid without an RPT or in stand-in, request the receipt)"
	if got := it.Text("en"); got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
}
