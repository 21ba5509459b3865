// Package notice draws the pagoPA payment notice ("avviso di pagamento") as a PDF:
// creditor, debtor, subject, amount and due date, where to pay, and one payment
// section per option (single payment or instalment) with its QR code and, when the
// comune has a postal account, the Poste Data Matrix. Barcodes are drawn as vector
// rectangles, as the notice guidelines ask, so no raster image is embedded.
package notice

import (
	"fmt"
	"time"
)

// Creditor is the comune (or office) issuing the notice.
type Creditor struct {
	FiscalCode string // 11 digits
	Name       string // ≤50 on the notice
	Office     string // sector, ≤50
	Info       string // contacts, ≤100, items separated by "·"
	CBILL      string
	// Postal account for the Bollettino Postale PA; empty when the comune has none.
	PostalAccount string
	PostalHolder  string
	PosteAuth     string // "AUT. DB/…/… DEL …"
}

// Debtor is the recipient of the notice.
type Debtor struct {
	FiscalCode string
	Name       string
	Address    string
}

// Option is one payable notice: the single payment or an instalment.
type Option struct {
	NoticeNumber string // 18 digits
	AmountCents  int64
	DueDate      time.Time
}

// Notice is everything printed on one avviso.
type Notice struct {
	Subject      string // ≤90, sentence case
	Creditor     Creditor
	Debtor       Debtor
	Single       *Option  // pay everything at once; nil when only instalments exist
	Installments []Option // zero, or two and more
	IUV          string   // names the file in a batch
}

// Validate refuses a notice that cannot be printed correctly.
func (n Notice) Validate() error {
	if n.Single == nil && len(n.Installments) == 0 {
		return fmt.Errorf("avviso senza importi da pagare")
	}
	if len(n.Installments) == 1 {
		return fmt.Errorf("un piano rateale ha almeno due rate")
	}
	if n.Subject == "" || n.Creditor.Name == "" || n.Creditor.FiscalCode == "" {
		return fmt.Errorf("avviso: oggetto, ente e codice fiscale dell'ente sono obbligatori")
	}
	return nil
}

// total is the amount printed in the "quanto e quando pagare" box.
func (n Notice) total() (int64, time.Time) {
	if n.Single != nil {
		return n.Single.AmountCents, n.Single.DueDate
	}
	var sum int64
	for _, o := range n.Installments {
		sum += o.AmountCents
	}
	return sum, n.Installments[0].DueDate
}
