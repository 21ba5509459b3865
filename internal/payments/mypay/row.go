package mypay

import "time"

// Action is the last column of a row: insert, modify or cancel (annulla).
type Action string

const (
	Insert Action = "I"
	Modify Action = "M"
	Cancel Action = "A"
)

// Dovuto is one validated row of an import file.
type Dovuto struct {
	IUD          string
	IUV          string // empty: Arengo generates it
	DebtorType   string // F natural person, G legal person
	DebtorCF     string
	DebtorName   string
	Address      string
	CivicNumber  string
	PostalCode   string
	City         string
	Province     string
	Country      string
	Email        string
	DueDate      time.Time // zero when the column is empty (allowed from 1.2)
	AmountCents  int64
	FeeCents     int64  // commissioneCaricoPa
	DebtType     string // tipoDovuto
	PaymentKinds string // tipoVersamento
	Remittance   string // causaleVersamento
	Collection   string // datiSpecificiRiscossione
	Category     string // taxonomy code read from Collection, empty if it carries none
	Budget       string // bilancio XML
	GenerateIUV  bool
	Secondary    *Secondary // 1.4 with flagMultiBeneficiario=true
	Action       Action
}

// Secondary is the second beneficiary of a 1.4 multi-beneficiary row. Its amount
// is part of AmountCents: the comune's own transfer is the difference.
type Secondary struct {
	FiscalCode  string
	Name        string
	IBAN        string
	Address     string
	CivicNumber string
	PostalCode  string
	City        string
	Province    string
	Country     string
	Collection  string
	Category    string
	Remittance  string
	AmountCents int64
}

// Problem is one reason a row is rejected. Code follows MyPay's error codes.
type Problem struct {
	Code        string
	Description string
}

// Row is one data line of the file: Line is its 1-based line number in the file
// (the header is line 1), Fields are the raw values as read.
type Row struct {
	Line     int
	Fields   []string
	Dovuto   Dovuto
	Problems []Problem
}

// OK reports whether the row can be loaded.
func (r *Row) OK() bool { return len(r.Problems) == 0 }
