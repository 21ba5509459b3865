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
	// Answers to the category's extra questions, already in words
	// (question text, value names).
	Answers []Answer
}

// Answer is one extra question and the citizen's reply.
type Answer struct {
	Question string
	Value    string
}

var rome = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		return time.UTC
	}
	return loc
}()

// lines are the label–value rows of the receipt, in order; empty values
// are left out.
func lines(d Data) [][2]string {
	var out [][2]string
	row := func(label, value string) {
		if value != "" {
			out = append(out, [2]string{label, value})
		}
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
	for _, a := range d.Answers {
		row(a.Question, a.Value)
	}
	row("Allegati", fmt.Sprintf("%d foto, %d documenti", d.Photos, d.Documents))
	row("Autore", d.Author)
	row("Codice fiscale", d.FiscalCode)
	if !d.Deadline.IsZero() {
		row("Data massima prevista", d.Deadline.In(rome).Format("02/01/2006"))
	}
	row("Stato aggiornato", d.StatusURL)
	return out
}

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
	for _, l := range lines(d) {
		pdf.SetFont("Helvetica", "B", 11)
		pdf.CellFormat(50, 7, tr(l[0]), "", 0, "L", false, 0, "")
		pdf.SetFont("Helvetica", "", 11)
		pdf.MultiCell(0, 7, tr(l[1]), "", "L", false)
	}
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
