package mypay

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"regexp"
	"strings"
	"time"

	"github.com/arengo-pa/arengo/internal/money"

	"github.com/arengo-pa/arengo/internal/fiscalcode"

	"github.com/arengo-pa/arengo/internal/payments/ident"
	"github.com/arengo-pa/arengo/internal/payments/iuv"
)

// MaxAmountCents is 999.999.999,99 €, the ceiling of every pagoPA amount.
const MaxAmountCents = 99_999_999_999

var (
	addressChars   = regexp.MustCompile(`^[a-zA-Z0-9 .,()/'&]*$`)
	postalCode     = regexp.MustCompile(`^[a-zA-Z0-9]{1,16}$`)
	collectionData = regexp.MustCompile(`^[0129]/\S{3,138}$`)
	taxonomy       = regexp.MustCompile(`^9/(\d{2}\d{2}\d{3}\w{2})/\S{0,129}$`)
	countryCode    = regexp.MustCompile(`^[A-Z]{2}$`)
	paymentKinds   = map[string]bool{"BBT": true, "BP": true, "AD": true, "CP": true, "PO": true, "OBEP": true}
)

// checker gathers the problems of one row.
type checker struct{ problems []Problem }

func (c *checker) fail(suffix, format string, args ...any) {
	code := "PAA_IMPORT_SINTASSI_CSV"
	if suffix != "" {
		code += "_" + suffix
	}
	c.problems = append(c.problems, Problem{code, fmt.Sprintf(format, args...)})
}

// text checks a free-text column's length (in characters) and presence.
func (c *checker) text(name, suffix, v string, max int, required bool) string {
	if required && v == "" {
		c.fail(suffix, "%s obbligatorio", name)
	}
	if n := len([]rune(v)); n > max {
		c.fail(suffix, "%s lungo %d caratteri (massimo %d)", name, n, max)
	}
	return v
}

func validate(f []string, v Version) (Dovuto, []Problem) {
	c := &checker{}
	d := Dovuto{}
	d.IUD = c.text("IUD", "IUD", f[0], 35, true)
	if strings.HasPrefix(d.IUD, "000") {
		c.fail("IUD", "IUD %q non può iniziare con 000", d.IUD)
	}
	d.IUV = f[1]
	if d.IUV != "" {
		if len(d.IUV) != 17 {
			c.fail("IUV", "codIuv %q: Arengo accetta solo IUV di 17 cifre (avviso con cifra ausiliaria 3)", d.IUV)
		} else if _, err := iuv.Parse("3" + d.IUV); err != nil {
			c.fail("IUV", "codIuv %q: %v", d.IUV, err)
		}
	}
	d.DebtorType = f[2]
	d.DebtorCF = strings.ToUpper(c.text("codiceIdentificativoUnivoco", "COD_FISC", f[3], 35, true))
	switch d.DebtorType {
	case "F":
		if err := fiscalcode.Validate(d.DebtorCF); err != nil && d.DebtorCF != "ANONIMO" && d.DebtorCF != "" {
			c.fail("COD_FISC", "%v", err)
		}
	case "G":
		if err := fiscalcode.Company(d.DebtorCF); err != nil && d.DebtorCF != "" {
			if fiscalcode.Validate(d.DebtorCF) != nil { // a legal person may also use a 16-char code
				c.fail("P_IVA", "%v", err)
			}
		}
	default:
		c.fail("ID_UNIV_FG", "tipoIdentificativoUnivoco %q: ammessi F (persona fisica) o G (persona giuridica)", d.DebtorType)
	}
	d.DebtorName = c.text("anagraficaPagatore", "ANAGRAFICA", f[4], 70, true)
	d.Address = c.address("indirizzoPagatore", "INDIRIZZO", f[5], 70)
	d.CivicNumber = c.address("civicoPagatore", "CIVICO", f[6], 16)
	d.PostalCode = f[7]
	if d.PostalCode != "" && !postalCode.MatchString(d.PostalCode) {
		c.fail("CAP", "capPagatore %q non valido", d.PostalCode)
	}
	d.City = c.text("localitaPagatore", "LOCALITA", f[8], 35, false)
	d.Country = strings.ToUpper(f[10])
	if d.Country != "" && !countryCode.MatchString(d.Country) {
		c.fail("NAZ", "nazionePagatore %q: serve il codice ISO di 2 lettere", f[10])
	}
	d.Province = c.province("provinciaPagatore", "PROV", f[9], d.Country)
	d.Email = c.text("emailPagatore", "EMAIL", f[11], 256, false)
	if d.Email != "" {
		if a, err := mail.ParseAddress(d.Email); err != nil || a.Address != d.Email {
			c.fail("EMAIL", "emailPagatore %q non è un indirizzo e-mail valido", d.Email)
		}
	}
	d.DueDate = c.date("dataScadenzaPagamento", "DATA_SCADENZA_PAGAMENTO", f[12], v == V1_0 || v == V1_1)
	d.AmountCents = c.amount("importoDovuto", "IMPORTO", f[13], true)
	if f[14] != "" {
		d.FeeCents = c.amount("commissioneCaricoPa", "COMMISSIONI_PA", f[14], false)
	}
	d.DebtType = c.text("tipoDovuto", "TIPO_DOVUTO_INESISTENTE", f[15], 64, true)
	if d.DebtType == "MARCA_BOLLO_DIGITALE" {
		c.fail("TIPO_DOVUTO_NON_VALIDO_MARCA_DA_BOLLO", "la marca da bollo digitale non si carica da file")
	}
	d.PaymentKinds = c.paymentKinds(f[16])
	maxCausale := 1024
	if v == V1_0 {
		maxCausale = 140
	}
	d.Remittance = c.text("causaleVersamento", "CAUSALE", f[17], maxCausale, true)
	d.Collection, d.Category = c.collection("datiSpecificiRiscossione", "DATI_RISCOSS", f[18], false)
	last := len(f) - 1
	if v >= V1_2 {
		d.Budget = c.budget(f[19], d.AmountCents)
	}
	if v >= V1_3 {
		d.GenerateIUV = c.boolean("flagGeneraIuv", "FLAG_GENERA_IUV", f[20])
	}
	if v == V1_4 && c.boolean("flagMultiBeneficiario", "FLAG_MULTIBENEFICIARIO", f[21]) {
		d.Secondary = c.secondary(f[22:34], d.AmountCents)
	}
	switch a := Action(f[last]); a {
	case Insert, Modify, Cancel:
		d.Action = a
	default:
		c.fail("AZIONE", "azione %q: ammesse I (inserimento), M (modifica), A (annullamento)", f[last])
	}
	return d, c.problems
}

func (c *checker) address(name, suffix, v string, max int) string {
	c.text(name, suffix, v, max, false)
	if !addressChars.MatchString(v) {
		c.fail(suffix, "%s %q contiene caratteri non ammessi", name, v)
	}
	return v
}

func (c *checker) province(name, suffix, v, country string) string {
	p := strings.ToUpper(v)
	if p == "" {
		return ""
	}
	if len(p) > 2 || (country == "IT" || country == "") && !provinces[p] {
		c.fail(suffix, "%s %q non è una sigla di provincia italiana", name, v)
	}
	return p
}

func (c *checker) date(name, suffix, v string, required bool) time.Time {
	if v == "" {
		if required {
			c.fail(suffix+"_NON_PRESENTE", "%s obbligatoria in questa versione", name)
		}
		return time.Time{}
	}
	t, err := time.Parse("2006-01-02", v)
	if err != nil || len(v) != 10 {
		c.fail(suffix, "%s %q: serve una data nel formato aaaa-mm-gg", name, v)
		return time.Time{}
	}
	return t
}

func (c *checker) amount(name, suffix, v string, nonZero bool) int64 {
	if len(v) > 15 {
		c.fail(suffix, "%s %q più lungo di 15 caratteri", name, v)
		return 0
	}
	cents, err := ParseAmount(v)
	switch {
	case err != nil:
		c.fail(suffix, "%s: %v", name, err)
	case nonZero && cents == 0:
		c.fail(suffix, "%s non può essere zero", name)
	case cents > MaxAmountCents:
		c.fail(suffix, "%s %s supera 999999999.99", name, v)
	}
	return cents
}

func (c *checker) boolean(name, suffix, v string) bool {
	switch strings.ToLower(v) {
	case "", "false":
		return false
	case "true":
		return true
	}
	c.fail(suffix, "%s %q: ammessi true o false", name, v)
	return false
}

func (c *checker) paymentKinds(v string) string {
	if v == "" || v == "ALL" {
		return "ALL"
	}
	for _, k := range strings.Split(v, "|") {
		if !paymentKinds[k] {
			c.fail("TIPO_VERS", "tipoVersamento %q: %q non è tra BBT, BP, AD, CP, PO, OBEP (o ALL da solo)", v, k)
			break
		}
	}
	return v
}

// collection checks datiSpecificiRiscossione and extracts the taxonomy code.
func (c *checker) collection(name, suffix, v string, strict bool) (string, string) {
	c.text(name, suffix, v, 140, true)
	if m := taxonomy.FindStringSubmatch(v); m != nil {
		return v, m[1]
	}
	if strict || v != "" && !collectionData.MatchString(v) {
		c.fail(suffix, "%s %q: atteso 9/<codice tassonomico>/<testo>", name, v)
	}
	return v, ""
}

// budget checks the bilancio XML: the sum of its importo elements must equal the dovuto.
func (c *checker) budget(v string, total int64) string {
	if v == "" {
		return ""
	}
	if len(v) > 4096 {
		c.fail("BILANCIO", "bilancio più lungo di 4096 caratteri")
		return v
	}
	dec := xml.NewDecoder(strings.NewReader(v))
	var sum int64
	found := false
	for {
		tok, err := dec.Token()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				c.fail("BILANCIO", "bilancio non è XML valido: %v", err)
				return v
			}
			break
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "importo" {
			var s string
			if err := dec.DecodeElement(&s, &se); err != nil {
				c.fail("BILANCIO", "bilancio: importo illeggibile: %v", err)
				return v
			}
			cents, err := ParseAmount(strings.TrimSpace(s))
			if err != nil {
				c.fail("BILANCIO", "bilancio: importo %q: %v", s, err)
				return v
			}
			sum += cents
			found = true
		}
	}
	if found && sum != total {
		c.fail("BILANCIO", "la somma degli importi del bilancio (%s) non corrisponde all'importo dovuto (%s)", money.FormatCents(sum), money.FormatCents(total))
	}
	return v
}

// secondary reads columns 23..34 of a 1.4 multi-beneficiary row.
func (c *checker) secondary(f []string, total int64) *Secondary {
	s := &Secondary{}
	s.FiscalCode = c.text("codiceFiscaleEnteSecondario", "COD_FISC_ENTE_SECONDARIO", f[0], 11, true)
	if s.FiscalCode != "" {
		if err := fiscalcode.Company(s.FiscalCode); err != nil {
			c.fail("COD_FISC_ENTE_SECONDARIO", "%v", err)
		}
	}
	s.Name = c.text("denominazioneEnteSecondario", "DENOMINAZIONE_ENTE_SECONDARIO", f[1], 70, true)
	s.IBAN = strings.ToUpper(strings.ReplaceAll(f[2], " ", ""))
	if err := ident.IBAN(s.IBAN); err != nil {
		c.fail("IBAN_ACCREDITO_ENTE_SECONDARIO", "ibanAccreditoEnteSecondario: %v", err)
	}
	s.Address = c.address("indirizzoEnteSecondario", "INDIRIZZO_ENTE_SECONDARIO", f[3], 70)
	s.CivicNumber = c.address("civicoEnteSecondario", "CIVICO_ENTE_SECONDARIO", f[4], 16)
	s.PostalCode = c.text("capEnteSecondario", "CAP_ENTE_SECONDARIO", f[5], 16, false)
	s.City = c.text("localitaEnteSecondario", "LOCALITA_ENTE_SECONDARIO", f[6], 35, false)
	s.Country = strings.ToUpper(f[8])
	s.Province = c.province("provinciaEnteSecondario", "PROV_ENTE_SECONDARIO", f[7], s.Country)
	s.Collection, s.Category = c.collection("datiSpecificiRiscossioneEnteSecondario", "DATI_RISCOSS_ENTE_SECONDARIO", f[9], true)
	s.Remittance = c.text("causaleVersamentoEnteSecondario", "CAUSALE_ENTE_SECONDARIO", f[10], 1024, false)
	s.AmountCents = c.amount("importoVersamentoEnteSecondario", "IMPORTO_VERS_ENTE_SECONDARIO", f[11], true)
	if s.AmountCents >= total && total > 0 {
		c.fail("IMPORTO_VERS_ENTE_SECONDARIO", "l'importo dell'ente secondario (%s) deve essere minore dell'importo dovuto (%s): la somma dei trasferimenti non corrisponde", money.FormatCents(s.AmountCents), money.FormatCents(total))
	}
	return s
}
