package match

import "time"

// Kinds of classified item.
const (
	KindPayment  = "payment"  // one transfer of one IUV (key "IUV/index"), or a notification alone ("IUV/N")
	KindFlow     = "flow"     // one reporting flow (key IUF)
	KindMovement = "movement" // one treasury movement (key = movement id)
)

// Item is one classified thing with the evidence that decided its code.
type Item struct {
	Kind        string
	Key         string
	Code        Code
	AmountCents int64
	Day         time.Time // payment date, flow regulation date or movement date
	IUV         string
	IUF         string
	DebtType    string
	Why         Why
}

// Why records which evidence the engine used, and which amounts differed.
type Why struct {
	Notification string   `json:"notification,omitempty"`
	Receipt      string   `json:"receipt,omitempty"`
	FlowRows     []string `json:"flow_rows,omitempty"`
	Movements    []string `json:"movements,omitempty"`
	// Compared names the amounts that differed, e.g. "ricevuta/FdR".
	Compared string `json:"compared,omitempty"`
	Expected int64  `json:"expected_cents,omitempty"`
	Found    int64  `json:"found_cents,omitempty"`
	Text     string `json:"text"`
}
