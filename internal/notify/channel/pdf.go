package channel

import (
	"bytes"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"

	"github.com/arengo-pa/arengo/internal/notify/markdown"
)

// ActPDF lays the message out as the act attached to a SEND notification.
func ActPDF(m Message, sender string) ([]byte, error) {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCreator("Arengo", true)
	pdf.SetTitle(m.Subject, true)
	tr := pdf.UnicodeTranslatorFromDescriptor("") // cp1252: accented Italian letters
	pdf.AddPage()
	pdf.SetFont("Helvetica", "B", 14)
	pdf.MultiCell(0, 7, tr(sender), "", "L", false)
	pdf.Ln(4)
	pdf.SetFont("Helvetica", "", 10)
	pdf.MultiCell(0, 5, tr("Destinatario: "+m.FiscalCode+"   Protocollo: "+m.Protocol+"   Data: "+time.Now().UTC().Format("02/01/2006")), "", "L", false)
	pdf.Ln(4)
	pdf.SetFont("Helvetica", "B", 12)
	pdf.MultiCell(0, 6, tr(m.Subject), "", "L", false)
	pdf.Ln(2)
	pdf.SetFont("Helvetica", "", 11)
	text := strings.NewReplacer("**", "", "__", "", "# ", "").Replace(markdown.Text(m.Markdown))
	pdf.MultiCell(0, 5.5, tr(text), "", "L", false)
	var b bytes.Buffer
	if err := pdf.Output(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
