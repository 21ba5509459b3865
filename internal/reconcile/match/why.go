package match

import (
	"os"
	"strconv"
	"strings"
)

// Why records which evidence the engine used, which amounts differed, and the
// message that explains the code. The message is stored as a code plus the
// few arguments the item's own columns do not hold (its IUF, IUV, key, and the
// amounts in Expected and Found): items are the largest table, and the sentence
// is rendered in the reader's language by Item.Text.
type Why struct {
	Msg          Msg      `json:"m"`
	Notification string   `json:"notification,omitempty"` // the IUD of the ente's notification
	Receipt      string   `json:"receipt,omitempty"`
	FlowRows     []string `json:"flow_rows,omitempty"`
	Movements    []string `json:"movements,omitempty"`
	// Compared names the amounts that differed, e.g. "ricevuta/FdR".
	Compared string `json:"compared,omitempty"`
	Expected int64  `json:"expected_cents,omitempty"`
	Found    int64  `json:"found_cents,omitempty"`
	// Outcome is a reported payment's outcome when it is not 0 (paid normally).
	Outcome string `json:"esito,omitempty"`
	// LinkedBy is the operator who linked the movement to its flow by hand.
	LinkedBy string `json:"linked_by,omitempty"`
	// A credit split by hand: who split it, its shares, and the flow the
	// message is about when one is not paid in full.
	SplitBy string  `json:"split_by,omitempty"`
	Shares  []Share `json:"shares,omitempty"`
	Flow    string  `json:"flow,omitempty"`
}

// Share is the part of a split credit one flow receives.
type Share struct {
	IUF   string `json:"iuf"`
	Cents int64  `json:"cents"`
}

// Msg is the code of the sentence that explains an item. Codes are stored in
// every item: a sentence may be reworded, a code must never change meaning.
type Msg string

const (
	MsgNotifiedOnly      Msg = "iud_only"
	MsgReportedTwice     Msg = "doppi"
	MsgNotifiedAmount    Msg = "iud_amount"
	MsgStamp             Msg = "stamp"
	MsgCreditNotNotified Msg = "sct_no_iud"
	MsgCredit            Msg = "sct"
	MsgNotReported       Msg = "no_iuf"
	MsgCreditAmount      Msg = "sct_amount"
	MsgReportedAmount    Msg = "iuf_amount"
	MsgNotNotified       Msg = "no_iud"
	MsgCollected         Msg = "iuf_tes"
	MsgNotCollected      Msg = "iuf"
	MsgCollectedAmount   Msg = "iuf_tes_amount"
	MsgReportedTwiceNoRT Msg = "doppi_no_rt"
	MsgRevoked           Msg = "revoked"
	MsgReportedNoRT      Msg = "iuf_no_rt"
	MsgReportedExtra     Msg = "iuf_extra"
	MsgFlowNoTreasury    Msg = "flow_no_tes"
	MsgFlowAmount        Msg = "flow_amount"
	MsgFlowCollected     Msg = "flow_tes"
	MsgNoIdentifier      Msg = "mov_no_id"
	MsgTruncated         Msg = "mov_truncated"
	MsgFlowMissing       Msg = "mov_no_flow"
	MsgFlowCredit        Msg = "mov_flow"
	MsgIUVNoRT           Msg = "mov_iuv_no_rt"
	MsgIUVAmount         Msg = "mov_iuv_amount"
	MsgIUVCredit         Msg = "mov_iuv"
	MsgSplit             Msg = "split"
	MsgSplitGone         Msg = "split_gone"
	MsgSplitAmount       Msg = "split_amount"
)

// sentence is a message in Italian and English; ${name} stands for an
// argument (see Item.Text).
type sentence struct{ it, en string }

var sentences = map[Msg]sentence{
	MsgNotifiedOnly: {"Pagamento notificato dall'ente (IUD ${iud}) senza ricevuta né rendicontazione",
		"Payment notified by the authority (IUD ${iud}) with neither receipt nor report"},
	MsgReportedTwice:     {"Versamento ${transfer} rendicontato ${rows} volte", "Transfer ${transfer} reported ${rows} times"},
	MsgNotifiedAmount:    {"Importo notificato dall'ente ${expected} diverso dall'importo pagato ${found}", "Amount notified by the authority ${expected} differs from the amount paid ${found}"},
	MsgStamp:             {"Marca da bollo digitale: non prevista nei flussi di rendicontazione", "Digital revenue stamp: never included in reporting flows"},
	MsgCreditNotNotified: {"Incassato con bonifico puntuale ma non notificato dall'ente", "Collected by a single bank transfer but not notified by the authority"},
	MsgCredit:            {"Incassato con bonifico puntuale (causale con IUV)", "Collected by a single bank transfer (IUV in the remittance information)"},
	MsgNotReported:       {"Pagato ma non ancora rendicontato da nessun flusso", "Paid but not reported by any flow yet"},
	MsgCreditAmount:      {"Bonifico puntuale di ${found} diverso dall'importo pagato ${expected}", "Single bank transfer of ${found} differs from the amount paid ${expected}"},
	MsgReportedAmount:    {"Importo rendicontato nel flusso ${iuf} (${found}) diverso dalla ricevuta (${expected})", "Amount reported in flow ${iuf} (${found}) differs from the receipt (${expected})"},
	MsgNotNotified:       {"Pagato e rendicontato ma non notificato dall'ente", "Paid and reported but not notified by the authority"},
	MsgCollected:         {"Rendicontato nel flusso ${iuf} e riversato in tesoreria", "Reported in flow ${iuf} and transferred to the treasury"},
	MsgNotCollected:      {"Rendicontato nel flusso ${iuf}, riversamento in tesoreria non ancora trovato", "Reported in flow ${iuf}, transfer to the treasury not found yet"},
	MsgCollectedAmount:   {"Rendicontato nel flusso ${iuf}, riversato con importo diverso dal totale del flusso", "Reported in flow ${iuf}, transferred with an amount other than the flow's total"},
	MsgReportedTwiceNoRT: {"Rendicontato ${rows} volte senza ricevuta", "Reported ${rows} times without a receipt"},
	MsgRevoked:           {"Rendicontazione di un pagamento revocato (esito 3)", "Report of a revoked payment (outcome 3)"},
	MsgReportedNoRT:      {"Rendicontato nel flusso ${iuf} senza ricevuta", "Reported in flow ${iuf} without a receipt"},
	MsgReportedExtra:     {"Rendicontato nel flusso ${iuf} un versamento che la ricevuta non contiene", "Flow ${iuf} reports a transfer the receipt does not contain"},
	MsgFlowNoTreasury:    {"Nessun movimento di tesoreria con questo flusso in causale", "No treasury movement names this flow in its remittance information"},
	MsgFlowAmount:        {"Totale del flusso ${expected}, riversato in tesoreria ${found}", "Flow total ${expected}, transferred to the treasury ${found}"},
	MsgFlowCollected:     {"Riversato in tesoreria con ${movements} movimenti per il totale del flusso", "Transferred to the treasury in ${movements} movements for the flow's total"},
	MsgNoIdentifier:      {"Causale senza identificativo di flusso o IUV riconoscibile", "Remittance information without a recognisable flow id or IUV"},
	MsgTruncated:         {"Identificativo di flusso troncato nella causale: collegare a mano", "Flow id truncated in the remittance information: link it by hand"},
	MsgFlowMissing:       {"Il flusso ${iuf} indicato in causale non è stato ricevuto", "Flow ${iuf}, named in the remittance information, has not been received"},
	MsgFlowCredit:        {"Riversamento del flusso ${iuf}", "Transfer of flow ${iuf}"},
	MsgIUVNoRT:           {"Bonifico per lo IUV ${iuv} senza ricevuta", "Bank transfer for IUV ${iuv} without a receipt"},
	MsgIUVAmount:         {"Bonifico per lo IUV ${iuv} di importo diverso dalla ricevuta", "Bank transfer for IUV ${iuv} with an amount other than the receipt's"},
	MsgIUVCredit:         {"Bonifico puntuale per lo IUV ${iuv}", "Single bank transfer for IUV ${iuv}"},
	MsgSplit:             {"Ripartito a mano da ${split_by} sui flussi ${shares}, riversati per intero", "Split by hand by ${split_by} over flows ${shares}, each transferred in full"},
	MsgSplitGone:         {"Ripartito a mano da ${split_by} sui flussi ${shares}: il flusso ${flow} non è più caricato", "Split by hand by ${split_by} over flows ${shares}: flow ${flow} is no longer loaded"},
	MsgSplitAmount: {"Ripartito a mano da ${split_by} sui flussi ${shares}: il flusso ${flow} totalizza ${expected}, riversato in tesoreria ${found}",
		"Split by hand by ${split_by} over flows ${shares}: flow ${flow} totals ${expected}, transferred to the treasury ${found}"},
}

// Sentences added to the message when Why.Outcome or Why.LinkedBy is set.
var (
	outcomeNote = sentence{" (esito ${esito}: pagato senza RPT o in stand-in, richiedere la ricevuta)", " (outcome ${esito}: paid without an RPT or in stand-in, request the receipt)"}
	linkedNote  = sentence{" Collegato a mano al flusso ${iuf} da ${linked_by}.", " Linked by hand to flow ${iuf} by ${linked_by}."}
)

func (s sentence) in(lang string) string {
	if lang == "en" {
		return s.en
	}
	return s.it
}

// Text explains the item's code in lang ("en", else Italian); it is empty
// when Why has no known message.
func (it Item) Text(lang string) string {
	s, ok := sentences[it.Why.Msg]
	if !ok {
		return ""
	}
	w := it.Why
	arg := func(name string) string {
		switch name {
		case "iuf":
			return it.IUF
		case "iuv":
			return it.IUV
		case "transfer": // a payment's key is its IUV, "/" and the transfer index
			return strings.TrimPrefix(it.Key, it.IUV+"/")
		case "iud":
			return w.Notification
		case "expected":
			return euro(w.Expected)
		case "found":
			return euro(w.Found)
		case "rows":
			return strconv.Itoa(len(w.FlowRows))
		case "movements":
			return strconv.Itoa(len(w.Movements))
		case "esito":
			return w.Outcome
		case "linked_by":
			return w.LinkedBy
		case "split_by":
			return w.SplitBy
		case "flow":
			return w.Flow
		case "shares":
			names := make([]string, len(w.Shares))
			for i, p := range w.Shares {
				names[i] = p.IUF + " (" + euro(p.Cents) + ")"
			}
			return strings.Join(names, ", ")
		}
		return "${" + name + "}" // a misspelt argument shows (and fails the tests)
	}
	text := os.Expand(s.in(lang), arg)
	if w.Outcome != "" {
		text += os.Expand(outcomeNote.in(lang), arg)
	}
	if w.LinkedBy != "" {
		text += os.Expand(linkedNote.in(lang), arg)
	}
	return text
}
