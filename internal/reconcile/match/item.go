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
