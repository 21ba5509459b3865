// Package gpd speaks pagoPA's "Gestione Posizioni Debitorie" REST API (v1, with
// the v2 bulk create) and carries the receipt pagoPA pushes back (paSendRT).
// Field names follow specs/pagopa/gpd_openapi_external_v1.json.
package gpd

import "time"

// Position statuses (DebtPositionStatus).
const (
	StatusDraft         = "DRAFT"
	StatusPublished     = "PUBLISHED"
	StatusValid         = "VALID"
	StatusInvalid       = "INVALID"
	StatusExpired       = "EXPIRED"
	StatusPartiallyPaid = "PARTIALLY_PAID"
	StatusPaid          = "PAID"
	StatusReported      = "REPORTED"
)

// Option statuses.
const (
	OptionUnpaid            = "PO_UNPAID"
	OptionPaid              = "PO_PAID"
	OptionPartiallyReported = "PO_PARTIALLY_REPORTED"
	OptionReported          = "PO_REPORTED"
	// OptionExpired is not a GPD v1 option status: it is GPD v3's installment
	// status EXPIRED (an unpaid option past its due date with switchToExpired),
	// kept on the option so it can no longer be paid.
	OptionExpired = "PO_EXPIRED"
)

// OptionPaidStatus tells whether an option status means the option was paid.
func OptionPaidStatus(s string) bool {
	return s == OptionPaid || s == OptionPartiallyReported || s == OptionReported
}

// Position is PaymentPositionModel.
type Position struct {
	IUPD            string     `json:"iupd"`
	Type            string     `json:"type"` // F or G
	PayStandIn      bool       `json:"payStandIn"`
	FiscalCode      string     `json:"fiscalCode"`
	FullName        string     `json:"fullName"`
	StreetName      string     `json:"streetName,omitempty"`
	CivicNumber     string     `json:"civicNumber,omitempty"`
	PostalCode      string     `json:"postalCode,omitempty"`
	City            string     `json:"city,omitempty"`
	Province        string     `json:"province,omitempty"`
	Region          string     `json:"region,omitempty"`
	Country         string     `json:"country,omitempty"`
	Email           string     `json:"email,omitempty"`
	Phone           string     `json:"phone,omitempty"`
	SwitchToExpired bool       `json:"switchToExpired"`
	CompanyName     string     `json:"companyName"`
	OfficeName      string     `json:"officeName,omitempty"`
	ValidityDate    *time.Time `json:"validityDate,omitempty"`
	PaymentDate     *time.Time `json:"paymentDate,omitempty"`
	Status          string     `json:"status,omitempty"`
	PaymentOption   []Option   `json:"paymentOption"`
}

// Option is PaymentOptionModel (with the read-only fields of the response).
type Option struct {
	NAV              string     `json:"nav,omitempty"`
	IUV              string     `json:"iuv"`
	Amount           int64      `json:"amount"`
	Description      string     `json:"description"`
	IsPartialPayment bool       `json:"isPartialPayment"`
	DueDate          time.Time  `json:"dueDate"`
	RetentionDate    *time.Time `json:"retentionDate,omitempty"`
	Fee              int64      `json:"fee,omitempty"`
	PaymentDate      *time.Time `json:"paymentDate,omitempty"`
	IDReceipt        string     `json:"idReceipt,omitempty"`
	Status           string     `json:"status,omitempty"`
	Transfer         []Transfer `json:"transfer"`
	Metadata         []KeyValue `json:"paymentOptionMetadata,omitempty"`
}

// Transfer is TransferModel. Exactly one of IBAN and Stamp; Arengo sends IBANs.
type Transfer struct {
	IDTransfer             string     `json:"idTransfer"`
	Amount                 int64      `json:"amount"`
	OrganizationFiscalCode string     `json:"organizationFiscalCode,omitempty"`
	CompanyName            string     `json:"companyName,omitempty"`
	RemittanceInformation  string     `json:"remittanceInformation"`
	Category               string     `json:"category"`
	IBAN                   string     `json:"iban,omitempty"`
	PostalIBAN             string     `json:"postalIban,omitempty"`
	Status                 string     `json:"status,omitempty"`
	Metadata               []KeyValue `json:"transferMetadata,omitempty"`
}

// KeyValue is the metadata entry of options and transfers.
type KeyValue struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Problem is GPD's ProblemJson error body.
type Problem struct {
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
}
