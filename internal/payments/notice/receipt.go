package notice

import (
	"io"
	"time"

	"github.com/go-pdf/fpdf"

	"github.com/arengo-pa/arengo/internal/payments/iuv"
)

// Receipt is what the citizen's proof of payment shows (from the paSendRT).
type Receipt struct {
	CreditorName, CreditorCF string
	DebtorName, DebtorCF     string
	Subject                  string
	NoticeNumber, IUV        string
	AmountCents, FeeCents    int64
	PaidAt                   time.Time
	PSPName, ReceiptID       string
}

// WriteReceipt draws a one-page "ricevuta di pagamento".
func WriteReceipt(w io.Writer, r Receipt) error {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetMargins(margin, margin, margin)
	pdf.SetTitle("Ricevuta di pagamento "+r.ReceiptID, true)
	pdf.SetCreationDate(time.Unix(0, 0).UTC())
	tr := pdf.UnicodeTranslatorFromDescriptor("")
	pdf.AddPage()
	pdf.SetFont("Helvetica", "B", 18)
	pdf.Text(margin, 22, tr("RICEVUTA DI PAGAMENTO pagoPA"))
	pdf.SetFont("Helvetica", "", 10)
	pdf.Text(margin, 30, tr("Esito: pagamento eseguito"))
	rows := [][2]string{
		{"Ente creditore", r.CreditorName + " (" + r.CreditorCF + ")"},
		{"Debitore", r.DebtorName + " (" + r.DebtorCF + ")"},
		{"Oggetto", r.Subject},
		{"Codice avviso", iuv.Format(r.NoticeNumber)},
		{"IUV", r.IUV},
		{"Importo pagato", euro(r.AmountCents) + " Euro"},
		{"Commissione del prestatore", euro(r.FeeCents) + " Euro"},
		{"Data e ora del pagamento", r.PaidAt.Format("02/01/2006 15:04") + " UTC"},
		{"Prestatore (PSP)", r.PSPName},
		{"Identificativo ricevuta", r.ReceiptID},
	}
	y := 44.0
	for _, row := range rows {
		pdf.SetFont("Helvetica", "", 9)
		pdf.Text(margin, y, tr(row[0]))
		pdf.SetFont("Helvetica", "B", 10)
		pdf.Text(margin+60, y, tr(clip(row[1], 90)))
		y += 9
	}
	return pdf.Output(w)
}
