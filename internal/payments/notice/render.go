package notice

import (
	"fmt"
	"io"
	"time"

	"github.com/go-pdf/fpdf"

	"github.com/arengo-pa/arengo/internal/payments/iuv"
)

const (
	pageW    = 210.0
	margin   = 12.0
	contentW = pageW - 2*margin
	codeSize = 25.0 // QR and Data Matrix are printed 25×25 mm
)

// Write draws one notice as a PDF to w.
func Write(w io.Writer, n Notice) error {
	pdf, err := Render(n)
	if err != nil {
		return err
	}
	return pdf.Output(w)
}

// Render lays out a notice; the caller writes it with Output.
func Render(n Notice) (*fpdf.Fpdf, error) {
	if err := n.Validate(); err != nil {
		return nil, err
	}
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetMargins(margin, margin, margin)
	pdf.SetAutoPageBreak(false, margin)
	pdf.SetTitle("Avviso di pagamento - "+n.Subject, true)
	pdf.SetCreator("Arengo", true)
	pdf.SetCreationDate(time.Unix(0, 0).UTC()) // same notice, same bytes
	r := &renderer{pdf: pdf, tr: pdf.UnicodeTranslatorFromDescriptor(""), n: n}
	pdf.AddPage()
	y := r.header()
	y = r.parties(y)
	y = r.howMuch(y)
	options := n.Installments
	if n.Single != nil {
		if err := r.option(y, "RATA UNICA", *n.Single); err != nil {
			return nil, err
		}
		y = 297 // instalments start on the next page
	}
	perPage := 2
	for i, o := range options {
		if y+r.optionHeight() > 297-margin || i > 0 && i%perPage == 0 {
			pdf.AddPage()
			// Instalment pages may be torn off: each says what it belongs to.
			r.text(margin, margin, 8, "", clip("Avviso di pagamento - "+n.Subject+" - "+n.Debtor.Name, 120))
			y = margin + 4
		}
		label := fmt.Sprintf("RATA %d di %d", i+1, len(options))
		if err := r.option(y, label, o); err != nil {
			return nil, err
		}
		y += r.optionHeight() + 4
	}
	if err := pdf.Error(); err != nil {
		return nil, err
	}
	return pdf, nil
}

type renderer struct {
	pdf *fpdf.Fpdf
	tr  func(string) string // UTF-8 → the core fonts' cp1252
	n   Notice
}

func (r *renderer) text(x, y float64, size float64, style, s string) {
	r.pdf.SetFont("Helvetica", style, size)
	r.pdf.Text(x, y, r.tr(s))
}

func (r *renderer) header() float64 {
	p := r.pdf
	r.text(margin, 20, 18, "B", "AVVISO DI PAGAMENTO")
	p.SetXY(margin, 24)
	p.SetFont("Helvetica", "", 11)
	p.MultiCell(contentW-45, 5, r.tr(clip(r.n.Subject, 90)), "", "L", false)
	// pagoPA mark: the brand name in its blue box.
	p.SetFillColor(0, 102, 204)
	p.RoundedRect(pageW-margin-38, 12, 38, 14, 2, "1234", "F")
	p.SetTextColor(255, 255, 255)
	r.text(pageW-margin-32, 21.5, 16, "B", "pagoPA")
	p.SetTextColor(0, 0, 0)
	return 38
}

func (r *renderer) parties(y float64) float64 {
	c, d := r.n.Creditor, r.n.Debtor
	col := contentW / 2
	r.label(margin, y, "ENTE CREDITORE")
	r.label(margin+col, y, "DESTINATARIO AVVISO")
	r.text(margin, y+7, 9, "", "Cod. Fiscale "+c.FiscalCode)
	r.text(margin+col, y+7, 9, "", "Cod. Fiscale "+clip(d.FiscalCode, 16))
	r.pdf.SetXY(margin, y+9)
	r.pdf.SetFont("Helvetica", "B", 11)
	r.pdf.MultiCell(col-4, 5, r.tr(clip(c.Name, 50)), "", "L", false)
	r.pdf.SetXY(margin+col, y+9)
	r.pdf.MultiCell(col-4, 5, r.tr(clip(d.Name, 70)), "", "L", false)
	r.pdf.SetFont("Helvetica", "", 9)
	r.pdf.SetXY(margin, y+20)
	r.pdf.MultiCell(col-4, 4, r.tr(clip(c.Office, 50)+"\n"+clip(c.Info, 100)), "", "L", false)
	r.pdf.SetXY(margin+col, y+20)
	r.pdf.MultiCell(col-4, 4, r.tr(clip(d.Address, 140)), "", "L", false)
	return y + 36
}

func (r *renderer) howMuch(y float64) float64 {
	p := r.pdf
	total, due := r.n.total()
	p.SetFillColor(235, 240, 245)
	p.Rect(margin, y, contentW, 44, "F")
	r.label(margin+4, y+7, "QUANTO E QUANDO PAGARE?")
	r.text(margin+4, y+16, 16, "B", euro(total)+" Euro")
	when := "entro il " + day(due)
	if r.n.Single == nil {
		when = fmt.Sprintf("in %d rate, la prima entro il %s", len(r.n.Installments), day(due))
	}
	r.text(margin+4, y+22, 10, "", when)
	p.SetXY(margin+4, y+25)
	p.SetFont("Helvetica", "", 8)
	note := "Puoi pagare con una unica rata"
	if len(r.n.Installments) > 0 && r.n.Single != nil {
		note = fmt.Sprintf("Puoi pagare con una unica rata o in %d rate", len(r.n.Installments))
	} else if r.n.Single == nil {
		note = fmt.Sprintf("Puoi pagare in %d rate", len(r.n.Installments))
	}
	note += ". L'importo è aggiornato automaticamente dal sistema e potrebbe subire variazioni per eventuali sgravi, note di credito, indennità di mora, sanzioni o interessi."
	p.MultiCell(contentW/2-8, 3.6, r.tr(note), "", "L", false)
	x := margin + contentW/2 + 2
	r.label(x, y+7, "DOVE PAGARE?")
	p.SetXY(x, y+10)
	p.SetFont("Helvetica", "B", 8.5)
	p.MultiCell(contentW/2-6, 4, r.tr("PAGA SUL SITO O CON LE APP"), "", "L", false)
	p.SetX(x)
	p.SetFont("Helvetica", "", 8)
	p.MultiCell(contentW/2-6, 3.6, r.tr("del tuo Ente Creditore, della tua Banca o degli altri canali di pagamento. Potrai pagare con carte, conto corrente, CBILL."), "", "L", false)
	p.SetX(x)
	p.SetFont("Helvetica", "B", 8.5)
	p.MultiCell(contentW/2-6, 4, r.tr("PAGA SUL TERRITORIO"), "", "L", false)
	p.SetX(x)
	p.SetFont("Helvetica", "", 8)
	p.MultiCell(contentW/2-6, 3.6, r.tr("in Banca, in Ricevitoria, dal Tabaccaio, al Bancomat, al Supermercato e negli Uffici Postali."), "", "L", false)
	return y + 50
}

func (r *renderer) label(x, y float64, s string) {
	r.pdf.SetTextColor(0, 80, 160)
	r.text(x, y, 8, "B", s)
	r.pdf.SetTextColor(0, 0, 0)
}

func (r *renderer) postal() bool { return r.n.Creditor.PostalAccount != "" }

func (r *renderer) optionHeight() float64 {
	if r.postal() {
		return 104
	}
	return 50
}

// option draws one payment section (and its postal slip when the comune has one).
func (r *renderer) option(y float64, label string, o Option) error {
	c, n := r.n.Creditor, r.n
	qrText, err := iuv.QRPayload(o.NoticeNumber, c.FiscalCode, o.AmountCents)
	if err != nil {
		return err
	}
	code, err := qrCode(qrText)
	if err != nil {
		return fmt.Errorf("QR code: %w", err)
	}
	p := r.pdf
	p.SetDrawColor(0, 80, 160)
	p.SetLineWidth(0.3)
	p.Rect(margin, y, contentW, 50, "D")
	r.label(margin+4, y+6, "BANCHE E ALTRI CANALI")
	r.text(pageW-margin-70, y+6, 9, "B", label+" entro il "+day(o.DueDate))
	drawModules(p, code, margin+4, y+11, codeSize)
	x := margin + 36
	lines := [][2]string{
		{"Destinatario", clip(n.Debtor.Name, 70)},
		{"Ente Creditore", clip(c.Name, 50)},
		{"Oggetto del pagamento", clip(n.Subject, 90)},
	}
	if c.CBILL != "" {
		lines = append(lines, [2]string{"Codice CBILL", c.CBILL})
	}
	for i, l := range lines {
		r.text(x, y+13+float64(i)*6, 7, "", l[0])
		r.text(x+34, y+13+float64(i)*6, 9, "B", l[1])
	}
	r.text(x, y+40, 7, "", "Codice Avviso")
	r.text(x, y+45, 10, "B", iuv.Format(o.NoticeNumber))
	r.text(x+60, y+40, 7, "", "Cod. Fiscale Ente Creditore")
	r.text(x+60, y+45, 10, "B", c.FiscalCode)
	r.text(pageW-margin-40, y+40, 7, "", "Euro")
	r.text(pageW-margin-40, y+46, 14, "B", euro(o.AmountCents))
	if !r.postal() {
		return nil
	}
	return r.postalSlip(y+54, o)
}

func (r *renderer) postalSlip(y float64, o Option) error {
	c, n := r.n.Creditor, r.n
	payload, err := iuv.DataMatrixPayload(iuv.PostalSlip{
		Notice: o.NoticeNumber, Account: c.PostalAccount, AmountCents: o.AmountCents,
		CreditorCF: c.FiscalCode, DebtorCF: n.Debtor.FiscalCode, DebtorName: n.Debtor.Name, Subject: n.Subject,
	})
	if err != nil {
		return err
	}
	code, err := dataMatrix(payload)
	if err != nil {
		return fmt.Errorf("Data Matrix: %w", err)
	}
	p := r.pdf
	p.Rect(margin, y, contentW, 50, "D")
	r.label(margin+4, y+6, "BOLLETTINO POSTALE PA")
	r.text(pageW-margin-70, y+6, 9, "B", "Poste Italiane - entro il "+day(o.DueDate))
	drawModules(p, code, margin+4, y+11, codeSize)
	x := margin + 36
	holder := c.PostalHolder
	if holder == "" {
		holder = c.Name
	}
	lines := [][2]string{
		{"sul C/C n.", c.PostalAccount},
		{"Intestato a", clip(holder, 50)},
		{"Destinatario", clip(n.Debtor.Name, 70)},
		{"Oggetto del pagamento", clip(n.Subject, 90)},
	}
	for i, l := range lines {
		r.text(x, y+13+float64(i)*6, 7, "", l[0])
		r.text(x+34, y+13+float64(i)*6, 9, "B", l[1])
	}
	r.text(x, y+40, 7, "", "Codice Avviso")
	r.text(x, y+45, 10, "B", iuv.Format(o.NoticeNumber))
	r.text(x+50, y+40, 7, "", "Tipo")
	r.text(x+50, y+45, 10, "B", "P1")
	r.text(x+62, y+40, 7, "", "Cod. Fiscale Ente Creditore")
	r.text(x+62, y+45, 10, "B", c.FiscalCode)
	r.text(pageW-margin-40, y+40, 7, "", "Euro")
	r.text(pageW-margin-40, y+46, 14, "B", euro(o.AmountCents))
	if c.PosteAuth != "" {
		r.text(margin+4, y+48.5, 6, "", c.PosteAuth)
	}
	return nil
}
