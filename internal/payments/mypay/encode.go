package mypay

import (
	"strings"

	"github.com/arengo-pa/arengo/internal/money"
)

// Header returns the header line of an import file, with the column names PU
// expects (the reader itself ignores them).
func Header(v Version) string {
	cols := []string{"IUD", "codIuv", "tipoIdentificativoUnivoco", "codiceIdentificativoUnivoco", "anagraficaPagatore",
		"indirizzoPagatore", "civicoPagatore", "capPagatore", "localitaPagatore", "provinciaPagatore", "nazionePagatore",
		"mailPagatore", "dataEsecuzionePagamento", "importoDovuto", "commissioneCaricoPa", "tipoDovuto", "tipoVersamento",
		"causaleVersamento", "datiSpecificiRiscossione"}
	if v >= V1_2 {
		cols = append(cols, "bilancio")
	}
	if v >= V1_3 {
		cols = append(cols, "flgGeneraIuv")
	}
	if v == V1_4 {
		cols = append(cols, "flagMultiBeneficiario", "codiceFiscaleEnteSecondario", "denominazioneEnteSecondario",
			"ibanAccreditoEnteSecondario", "indirizzoEnteSecondario", "civicoEnteSecondario", "capEnteSecondario",
			"localitaEnteSecondario", "provinciaEnteSecondario", "nazioneEnteSecondario",
			"datiSpecificiRiscossioneEnteSecondario", "causaleVersamentoEnteSecondario", "importoVersamentoEnteSecondario")
	}
	return strings.Join(append(cols, "azione"), ";")
}

// EncodeRow writes a dovuto as one line of an import file of version v.
func EncodeRow(d Dovuto, v Version) string {
	r := rowBuf{}
	due := ""
	if !d.DueDate.IsZero() {
		due = d.DueDate.Format("2006-01-02")
	}
	fee := ""
	if d.FeeCents != 0 {
		fee = money.FormatCents(d.FeeCents)
	}
	for _, s := range []string{d.IUD, d.IUV, d.DebtorType, d.DebtorCF, d.DebtorName, d.Address, d.CivicNumber,
		d.PostalCode, d.City, d.Province, d.Country, d.Email, due, money.FormatCents(d.AmountCents), fee, d.DebtType,
		d.PaymentKinds, d.Remittance, d.Collection} {
		r.add(s)
	}
	if v >= V1_2 {
		r.add(d.Budget)
	}
	if v >= V1_3 {
		r.add(boolText(d.GenerateIUV))
	}
	if v == V1_4 {
		s := d.Secondary
		r.add(boolText(s != nil))
		if s == nil {
			s = &Secondary{}
		}
		amount := ""
		if s.AmountCents != 0 {
			amount = money.FormatCents(s.AmountCents)
		}
		for _, c := range []string{s.FiscalCode, s.Name, s.IBAN, s.Address, s.CivicNumber, s.PostalCode, s.City,
			s.Province, s.Country, s.Collection, s.Remittance, amount} {
			r.add(c)
		}
	}
	r.add(string(d.Action))
	return r.String()
}

func boolText(b bool) string {
	if b {
		return "true"
	}
	return "false"
}
