package match

import "time"

// Notification is the ente's statement that the dovuto behind an IUV was paid.
type Notification struct {
	IUD         string
	AmountCents int64
	Date        time.Time
}

// Receipt is one receipt (RT) for the IUV.
type Receipt struct {
	ID          string
	IUR         string
	AmountCents int64 // total paid for the notice
	PaymentDate time.Time
	DebtType    string
	// NeedsNotification: the ente's systems notify payments of this debt type,
	// so a receipt without a notification is an anomaly (RT_NO_IUD).
	NeedsNotification bool
	Transfers         []ReceiptTransfer
}

// ReceiptTransfer is one transfer of a receipt.
type ReceiptTransfer struct {
	Index       int
	AmountCents int64
	// Stamp marks a digital marca da bollo: never reported in an FdR, so it is
	// left out of the reported/collected expectations.
	Stamp bool
}

// FlowRow is one row of the current version of a reporting flow.
type FlowRow struct {
	ID            string // stable id of the row (flow version + position)
	IUF           string
	TransferIndex int
	AmountCents   int64
	IUR           string
	Outcome       string
	Date          time.Time
}

// FlowState is what a payment needs to know about the flow that reported it.
type FlowState struct {
	IUF           string
	TotalCents    int64 // sum of the rows of the current version
	TreasuryCents int64 // sum of the treasury movements carrying the IUF
	TreasuryCount int
	MovementIDs   []string
}

// Collected reports whether the treasury received exactly the flow's total.
func (f FlowState) Collected() bool { return f.TreasuryCount > 0 && f.TreasuryCents == f.TotalCents }

// Credit is a treasury movement that names this IUV (/RFB/, /RFS/).
type Credit struct {
	MovementID  string
	AmountCents int64
}

// PaymentEvidence is everything known about one IUV.
type PaymentEvidence struct {
	IUV           string
	Notifications []Notification
	Receipts      []Receipt
	Rows          []FlowRow            // rows of current flow versions naming this IUV
	Flows         map[string]FlowState // by IUF, for every flow in Rows
	Credits       []Credit
}

// FlowEvidence is everything known about one flow id (its current version).
type FlowEvidence struct {
	IUF            string
	VersionID      string
	TotalCents     int64
	Movements      []Credit // treasury movements carrying the IUF
	RegulationDate time.Time
}

// MovementEvidence is one treasury movement and what its causale points to.
type MovementEvidence struct {
	ID          string
	AmountCents int64
	Date        time.Time
	IUF         string // from the causale, "" when none
	IUV         string // from the causale, "" when none
	Truncated   bool   // the causale names a pagoPA flow but the id is cut short
	// For an IUF: the flow, if one was loaded, and the sum of every movement with that IUF.
	Flow *FlowEvidence
	// For an IUV: total of the receipts and of every credit naming the IUV.
	ReceiptCents int64
	HasReceipt   bool
	CreditCents  int64
}
