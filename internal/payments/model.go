package payments

import (
	"strings"
	"time"

	"github.com/arengo-pa/arengo/internal/payments/gpd"
)

// Position is a debt position ("dovuto") in the GPD shape: one debtor, one or
// more payment options (the single payment and/or instalments), each with up to
// five transfers.
type Position struct {
	ID          string
	IUPD        string
	DebtType    string
	Debtor      Debtor
	Description string
	Status      string // GPD status, see gpd.Status*
	GPDSync     string // P pending create, U pending update, D pending invalidate, S synced, E error
	Source      string // form, import, api, demo
	ImportIUD   string
	TotalCents  int64
	PaidCents   int64
	Version     int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
	PaidAt      *time.Time
	// ValidityDate, when set, is when a published position becomes payable
	// (PUBLISHED → VALID); SwitchToExpired makes unpaid options expire after
	// their due date (GPD's validityDate and switchToExpired).
	ValidityDate    *time.Time
	SwitchToExpired bool
	Options         []Option
}

// Debtor is the person or company that owes the amount.
type Debtor struct {
	Type       string // F natural person, G legal person
	FiscalCode string
	Name       string
	Street     string
	Civic      string
	PostalCode string
	City       string
	Province   string
	Country    string
	Email      string
}

// Option is one payable notice of a position.
type Option struct {
	ID           string
	IUV          string
	NoticeNumber string
	AmountCents  int64
	Description  string
	DueDate      time.Time
	IsPartial    bool // an instalment of a plan
	Instalment   int  // 0 for the single payment, 1..n for instalments
	Status       string
	PaidAt       *time.Time
	ReceiptID    string
	Transfers    []Transfer
}

// Transfer is the share of an option credited to one beneficiary.
type Transfer struct {
	Index       int
	AmountCents int64
	CreditorCF  string
	CompanyName string
	IBAN        string
	PostalIBAN  string
	Remittance  string
	Category    string
}

// DebtType is a kind of dovuto the comune collects (TARI, MENSA, …).
type DebtType struct {
	Code            string
	Description     string
	Category        string // pagoPA taxonomy code
	IBAN            string
	PostalAccount   string
	DueDateRequired bool
	Active          bool
}

// Payable tells whether an option can be paid now.
func (p Position) Payable(o Option) bool { return p.PayableAt(o, time.Now()) }

// PayableAt tells whether an option can be paid at a given time. An option past
// its due date with switchToExpired is not payable even before the lifecycle job
// has marked it expired.
func (p Position) PayableAt(o Option, now time.Time) bool {
	if o.Status != gpd.OptionUnpaid || (p.Status != gpd.StatusValid && p.Status != gpd.StatusPartiallyPaid) {
		return false
	}
	return !p.expiredAt(o, now)
}

// expiredAt tells whether an unpaid option is past its due date with
// switchToExpired: GPD's scheduler expires after the due date, so the whole due
// day stays payable (due dates are dates, stored at midnight UTC).
func (p Position) expiredAt(o Option, now time.Time) bool {
	return p.SwitchToExpired && o.Status == gpd.OptionUnpaid && !now.Before(o.DueDate.AddDate(0, 0, 1))
}

// statusLabels are the Italian names of GPD statuses shown to people.
var statusLabels = map[string]string{
	gpd.StatusDraft:         "Bozza",
	gpd.StatusPublished:     "Pubblicata",
	gpd.StatusValid:         "Da pagare",
	gpd.StatusInvalid:       "Annullata",
	gpd.StatusExpired:       "Scaduta",
	gpd.StatusPartiallyPaid: "Pagata in parte",
	gpd.StatusPaid:          "Pagata",
	gpd.StatusReported:      "Pagata e rendicontata",
}

// StatusLabel is the Italian label of a status (of a position, or of an option
// in the history rows that record an option's expiry).
func StatusLabel(s string) string {
	if l, ok := statusLabels[s]; ok {
		return l
	}
	if l, ok := optionLabels[s]; ok {
		return "avviso " + strings.ToLower(l)
	}
	return s
}

var optionLabels = map[string]string{
	gpd.OptionUnpaid:            "Da pagare",
	gpd.OptionPaid:              "Pagato",
	gpd.OptionPartiallyReported: "Pagato, rendicontato in parte",
	gpd.OptionReported:          "Pagato e rendicontato",
	gpd.OptionExpired:           "Scaduto",
}

var syncLabels = map[string]string{
	"P": "da inviare a GPD", "U": "modifica da inviare a GPD", "D": "annullamento da inviare a GPD",
	"S": "allineata con GPD", "E": "errore di invio a GPD",
}

// OptionLabel and SyncLabel are the Italian labels of option and GPD sync states.
func OptionLabel(s string) string { return labelOr(optionLabels, s) }

func SyncLabel(s string) string { return labelOr(syncLabels, s) }

func labelOr(m map[string]string, s string) string {
	if l, ok := m[s]; ok {
		return l
	}
	return s
}
