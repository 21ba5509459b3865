// Package receipt draws the PDF receipt a citizen downloads after sending a
// report (Designers Italia journey, step 4): request number, when, what and
// where, and the maximum expected date.
package receipt

import (
	"bytes"
	"fmt"
	"time"

	"github.com/go-pdf/fpdf"
)

// Data is what the receipt shows. The author's name and fiscal code are on
// it because the receipt goes only to the author.
type Data struct {
	Comune     string
	Number     string
	Submitted  time.Time
	Category   string
	Title      string
	Details    string
	Address    string
	Lat, Lon   float64
	Author     string
	FiscalCode string
	Deadline   time.Time
	Photos     int
	Documents  int
	StatusURL  string
}

var rome = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		return time.UTC
	}
	return loc
}()

// PDF renders the receipt.
func PDF(d Data) ([]byte, error) {
	pdf := fpdf.New("P", "mm", "A4", "")
	tr := pdf.UnicodeTranslatorFromDescriptor("") // cp1252: accented Italian letters
	pdf.SetTitle(tr("Ricevuta segnalazione "+d.Number), false)
	pdf.SetAuthor(tr(d.Comune), false)
	pdf.SetCreationDate(d.Submitted)
	pdf.SetModificationDate(d.Submitted)
	pdf.AddPage()
	pdf.SetFont("Helvetica", "B", 16)
	pdf.CellFormat(0, 10, tr(d.Comune), "", 1, "L", false, 0, "")
	pdf.SetFont("Helvetica", "", 13)
	pdf.CellFormat(0, 8, tr("Ricevuta di segnalazione disservizio"), "", 1, "L", false, 0, "")
	pdf.Ln(4)
	pdf.SetFont("Helvetica", "B", 14)
	pdf.CellFormat(0, 9, tr("Numero segnalazione: "+d.Number), "1", 1, "C", false, 0, "")
	pdf.Ln(4)
	row := func(label, value string) {
		if value == "" {
			return
		}
		pdf.SetFont("Helvetica", "B", 11)
		pdf.CellFormat(50, 7, tr(label), "", 0, "L", false, 0, "")
		pdf.SetFont("Helvetica", "", 11)
		pdf.MultiCell(0, 7, tr(value), "", "L", false)
	}
	row("Inviata il", d.Submitted.In(rome).Format("02/01/2006 15:04"))
	row("Categoria", d.Category)
	row("Titolo", d.Title)
	row("Dettagli", d.Details)
	place := d.Address
	if d.Lat != 0 || d.Lon != 0 {
		if place != "" {
			place += " "
		}
		place += fmt.Sprintf("(%.5f, %.5f)", d.Lat, d.Lon)
	}
	row("Luogo", place)
	row("Allegati", fmt.Sprintf("%d foto, %d documenti", d.Photos, d.Documents))
	row("Autore", d.Author)
	row("Codice fiscale", d.FiscalCode)
	if !d.Deadline.IsZero() {
		row("Data massima prevista", d.Deadline.In(rome).Format("02/01/2006"))
	}
	row("Stato aggiornato", d.StatusURL)
	pdf.Ln(6)
	pdf.SetFont("Helvetica", "I", 9)
	pdf.MultiCell(0, 5, tr("La segnalazione sarà visibile nell'elenco pubblico, senza dati personali, dopo la presa in carico. "+
		"Lo stato si segue nell'Area personale."), "", "L", false)
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("ricevuta %s: %w", d.Number, err)
	}
	return buf.Bytes(), nil
}
