package gpd

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // dates without a zone are read in Europe/Rome on any host
	"unicode/utf8"
)

// SOAP namespaces of paSendRT (specs/pagopa/paForNode.xsd). The schema has no
// elementFormDefault, so only paSendRTReq/paSendRTRes are qualified; their
// children are unqualified (the parser accepts them qualified too).
const (
	NSSOAP11    = "http://schemas.xmlsoap.org/soap/envelope/"
	NSSOAP12    = "http://www.w3.org/2003/05/soap-envelope"
	NSPaForNode = "http://pagopa-api.pagopa.gov.it/pa/paForNode.xsd"
)

// MaxSOAPBytes bounds a paSendRT request: a receipt with five transfers and
// full metadata is a few kilobytes.
const MaxSOAPBytes = 256 << 10

// FieldError is a receipt that does not follow the schema; Field is the path
// of the offending element (e.g. "receipt/paymentAmount").
type FieldError struct {
	Field, Msg string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Msg }

var rome = func() *time.Location {
	l, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		return time.FixedZone("CET", 3600)
	}
	return l
}()

type xmlEnvelope struct {
	XMLName xml.Name
	Body    *struct {
		XMLName xml.Name
		Req     *xmlSendRTReq `xml:"paSendRTReq"`
	} `xml:"Body"`
}

type xmlSendRTReq struct {
	XMLName    xml.Name
	IDPA       string      `xml:"idPA"`
	IDBrokerPA string      `xml:"idBrokerPA"`
	IDStation  string      `xml:"idStation"`
	Receipt    *xmlReceipt `xml:"receipt"`
}

type xmlReceipt struct {
	ReceiptID           string        `xml:"receiptId"`
	NoticeNumber        string        `xml:"noticeNumber"`
	FiscalCode          string        `xml:"fiscalCode"`
	Outcome             string        `xml:"outcome"`
	CreditorReferenceID string        `xml:"creditorReferenceId"`
	PaymentAmount       string        `xml:"paymentAmount"`
	Description         string        `xml:"description"`
	CompanyName         string        `xml:"companyName"`
	OfficeName          string        `xml:"officeName,omitempty"`
	Debtor              *xmlSubject   `xml:"debtor"`
	TransferList        *xmlTransfers `xml:"transferList"`
	IDPSP               string        `xml:"idPSP"`
	PSPFiscalCode       string        `xml:"pspFiscalCode,omitempty"`
	PSPPartitaIVA       string        `xml:"pspPartitaIVA,omitempty"`
	PSPCompanyName      string        `xml:"PSPCompanyName"`
	IDChannel           string        `xml:"idChannel"`
	ChannelDescription  string        `xml:"channelDescription"`
	Payer               *xmlSubject   `xml:"payer,omitempty"`
	PaymentMethod       string        `xml:"paymentMethod,omitempty"`
	Fee                 string        `xml:"fee,omitempty"`
	PaymentDateTime     string        `xml:"paymentDateTime,omitempty"`
	ApplicationDate     string        `xml:"applicationDate,omitempty"`
	TransferDate        string        `xml:"transferDate,omitempty"`
	StandIn             string        `xml:"standIn,omitempty"`
}

type xmlSubject struct {
	UniqueIdentifier struct {
		Type  string `xml:"entityUniqueIdentifierType"`
		Value string `xml:"entityUniqueIdentifierValue"`
	} `xml:"uniqueIdentifier"`
	FullName    string `xml:"fullName"`
	StreetName  string `xml:"streetName,omitempty"`
	CivicNumber string `xml:"civicNumber,omitempty"`
	PostalCode  string `xml:"postalCode,omitempty"`
	City        string `xml:"city,omitempty"`
	Province    string `xml:"stateProvinceRegion,omitempty"`
	Country     string `xml:"country,omitempty"`
	Email       string `xml:"e-mail,omitempty"`
}

type xmlTransfers struct {
	Transfer []xmlTransfer `xml:"transfer"`
}

type xmlTransfer struct {
	IDTransfer            string `xml:"idTransfer"`
	TransferAmount        string `xml:"transferAmount"`
	FiscalCodePA          string `xml:"fiscalCodePA"`
	IBAN                  string `xml:"IBAN"`
	RemittanceInformation string `xml:"remittanceInformation"`
	TransferCategory      string `xml:"transferCategory"`
}

// ParseSendRT reads a SOAP envelope holding paSendRTReq and checks it against
// the schema's rules (required elements, lengths, patterns). Semantic checks
// (check digits, the creditor, sums) are the caller's. Errors are *FieldError.
func ParseSendRT(data []byte) (SendRTRequest, error) {
	var out SendRTRequest
	if len(data) > MaxSOAPBytes {
		return out, &FieldError{"Envelope", fmt.Sprintf("richiesta oltre %d byte", MaxSOAPBytes)}
	}
	if !utf8.Valid(data) {
		return out, &FieldError{"Envelope", "il messaggio non è UTF-8"}
	}
	var env xmlEnvelope
	dec := xml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&env); err != nil {
		return out, &FieldError{"Envelope", "XML non valido: " + err.Error()}
	}
	if env.XMLName.Local != "Envelope" || (env.XMLName.Space != NSSOAP11 && env.XMLName.Space != NSSOAP12) {
		return out, &FieldError{"Envelope", fmt.Sprintf("atteso soap:Envelope, trovato %s", name(env.XMLName))}
	}
	if env.Body == nil || env.Body.XMLName.Space != env.XMLName.Space {
		return out, &FieldError{"Body", "soap:Body mancante"}
	}
	req := env.Body.Req
	if req == nil {
		return out, &FieldError{"paSendRTReq", "elemento paSendRTReq mancante nel soap:Body"}
	}
	if req.XMLName.Space != NSPaForNode {
		return out, &FieldError{"paSendRTReq", fmt.Sprintf("namespace %q, atteso %q", req.XMLName.Space, NSPaForNode)}
	}
	c := checker{}
	out.IDPA = c.text("idPA", req.IDPA, 1, 35)
	out.IDBrokerPA = c.text("idBrokerPA", req.IDBrokerPA, 1, 35)
	out.IDStation = c.text("idStation", req.IDStation, 1, 35)
	if c.err != nil {
		return out, c.err
	}
	if req.Receipt == nil {
		return out, &FieldError{"receipt", "elemento obbligatorio mancante"}
	}
	r := req.Receipt
	rt := &out.Receipt
	c.prefix = "receipt/"
	rt.ReceiptID = c.text("receiptId", r.ReceiptID, 1, 35)
	rt.NoticeNumber = c.pattern("noticeNumber", r.NoticeNumber, 18, 18, isDigits)
	rt.FiscalCode = c.pattern("fiscalCode", r.FiscalCode, 11, 11, isDigits)
	rt.Outcome = c.oneOf("outcome", r.Outcome, "OK", "KO")
	rt.CreditorReferenceID = c.text("creditorReferenceId", r.CreditorReferenceID, 1, 35)
	rt.PaymentAmount = c.amount("paymentAmount", r.PaymentAmount, true)
	rt.Description = c.text("description", r.Description, 1, 140)
	rt.CompanyName = c.text("companyName", r.CompanyName, 1, 140)
	rt.OfficeName = c.optText("officeName", r.OfficeName, 140)
	if r.Debtor == nil {
		c.fail("debtor", "elemento obbligatorio mancante")
	} else {
		rt.Debtor = c.subject("debtor/", r.Debtor)
	}
	if r.TransferList == nil || len(r.TransferList.Transfer) == 0 {
		c.fail("transferList", "almeno un transfer")
	} else if len(r.TransferList.Transfer) > 5 {
		c.fail("transferList", "al massimo 5 transfer")
	} else {
		for i, t := range r.TransferList.Transfer {
			p := fmt.Sprintf("transferList/transfer[%d]/", i+1)
			id, err := strconv.Atoi(strings.TrimSpace(t.IDTransfer))
			if err != nil || id < 1 || id > 5 {
				c.fail(p+"idTransfer", fmt.Sprintf("%q: atteso un numero da 1 a 5", t.IDTransfer))
			}
			rt.TransferList = append(rt.TransferList, ReceiptTransfer{IDTransfer: id,
				TransferAmount:        c.amount(p+"transferAmount", t.TransferAmount, true),
				FiscalCodePA:          c.pattern(p+"fiscalCodePA", t.FiscalCodePA, 11, 11, isDigits),
				IBAN:                  c.pattern(p+"IBAN", t.IBAN, 1, 35, isAlnum),
				RemittanceInformation: c.text(p+"remittanceInformation", t.RemittanceInformation, 1, 140),
				TransferCategory:      c.text(p+"transferCategory", t.TransferCategory, 1, 140)})
		}
	}
	rt.IDPSP = c.text("idPSP", r.IDPSP, 1, 35)
	rt.PSPFiscalCode = c.optText("pspFiscalCode", r.PSPFiscalCode, 70)
	rt.PSPCompanyName = c.text("PSPCompanyName", r.PSPCompanyName, 1, 70)
	rt.IDChannel = c.text("idChannel", r.IDChannel, 1, 35)
	rt.ChannelDescription = c.text("channelDescription", r.ChannelDescription, 1, 35)
	if r.Payer != nil {
		s := c.subject("payer/", r.Payer)
		rt.Payer = &s
	}
	rt.PaymentMethod = c.optText("paymentMethod", r.PaymentMethod, 35)
	if r.Fee != "" {
		rt.Fee = c.amount("fee", r.Fee, false)
	}
	if v := strings.TrimSpace(r.PaymentDateTime); v != "" {
		t, err := parseDateTime(v)
		if err != nil {
			c.fail("paymentDateTime", fmt.Sprintf("%q non è una data e ora ISO 8601", v))
		}
		rt.PaymentDateTime = t
	}
	rt.ApplicationDate = c.date("applicationDate", r.ApplicationDate)
	rt.TransferDate = c.date("transferDate", r.TransferDate)
	switch strings.TrimSpace(r.StandIn) {
	case "", "false", "0":
	case "true", "1":
		rt.StandIn = true
	default:
		c.fail("standIn", fmt.Sprintf("%q: atteso true o false", r.StandIn))
	}
	return out, c.err
}

// checker keeps the first schema violation, naming its element.
type checker struct {
	prefix string
	err    error
}

func (c *checker) fail(field, msg string) {
	if c.err == nil {
		c.err = &FieldError{c.prefix + field, msg}
	}
}

func (c *checker) text(field, v string, min, max int) string {
	v = strings.TrimSpace(v)
	n := utf8.RuneCountInString(v)
	switch {
	case n == 0 && min > 0:
		c.fail(field, "elemento obbligatorio mancante o vuoto")
	case n < min || n > max:
		c.fail(field, fmt.Sprintf("lunghezza %d, ammessa da %d a %d caratteri", n, min, max))
	}
	return v
}

func (c *checker) optText(field, v string, max int) string {
	if strings.TrimSpace(v) == "" {
		return ""
	}
	return c.text(field, v, 1, max)
}

func (c *checker) pattern(field, v string, min, max int, ok func(string) bool) string {
	v = c.text(field, v, min, max)
	if v != "" && !ok(v) {
		c.fail(field, fmt.Sprintf("%q contiene caratteri non ammessi", v))
	}
	return v
}

func (c *checker) oneOf(field, v string, allowed ...string) string {
	v = strings.TrimSpace(v)
	for _, a := range allowed {
		if v == a {
			return v
		}
	}
	c.fail(field, fmt.Sprintf("%q: ammessi %s", v, strings.Join(allowed, ", ")))
	return v
}

func (c *checker) amount(field, v string, notZero bool) string {
	v = strings.TrimSpace(v)
	cents, err := ParseDecimal(v)
	switch {
	case v == "":
		c.fail(field, "elemento obbligatorio mancante o vuoto")
	case err != nil:
		c.fail(field, fmt.Sprintf("importo %q: atteso il formato 123.45", v))
	case notZero && cents == 0:
		c.fail(field, "importo zero non ammesso")
	}
	return v
}

func (c *checker) date(field, v string) string {
	v = strings.TrimSpace(v)
	if v == "" {
		return ""
	}
	if _, err := time.Parse("2006-01-02", strings.TrimSuffix(v, "Z")); err != nil {
		c.fail(field, fmt.Sprintf("%q: attesa una data AAAA-MM-GG", v))
	}
	return v
}

func (c *checker) subject(prefix string, s *xmlSubject) Subject {
	out := Subject{
		EntityType:  c.oneOf(prefix+"uniqueIdentifier/entityUniqueIdentifierType", s.UniqueIdentifier.Type, "F", "G"),
		EntityValue: c.text(prefix+"uniqueIdentifier/entityUniqueIdentifierValue", s.UniqueIdentifier.Value, 1, 35),
		FullName:    c.text(prefix+"fullName", s.FullName, 1, 70),
		StreetName:  c.optText(prefix+"streetName", s.StreetName, 70),
		CivicNumber: c.optText(prefix+"civicNumber", s.CivicNumber, 16),
		PostalCode:  c.optText(prefix+"postalCode", s.PostalCode, 16),
		City:        c.optText(prefix+"city", s.City, 35),
		Province:    c.optText(prefix+"stateProvinceRegion", s.Province, 35),
		Country:     c.optText(prefix+"country", s.Country, 2),
		Email:       c.optText(prefix+"e-mail", s.Email, 256),
	}
	return out
}

// parseDateTime reads xsd:dateTime; without a zone it is the time in Italy.
func parseDateTime(v string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t.UTC(), nil
	}
	t, err := time.ParseInLocation("2006-01-02T15:04:05", v, rome)
	if err != nil {
		return time.Time{}, err
	}
	return t.UTC(), nil
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func isAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		b := s[i]
		if !(b >= '0' && b <= '9' || b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z') {
			return false
		}
	}
	return true
}

func name(n xml.Name) string {
	if n.Space == "" {
		return n.Local
	}
	return "{" + n.Space + "}" + n.Local
}

// MarshalSendRT writes req as a SOAP 1.1 envelope (what the Nodo sends).
func MarshalSendRT(req SendRTRequest) ([]byte, error) {
	rt := req.Receipt
	x := xmlReceipt{ReceiptID: rt.ReceiptID, NoticeNumber: rt.NoticeNumber, FiscalCode: rt.FiscalCode, Outcome: rt.Outcome,
		CreditorReferenceID: rt.CreditorReferenceID, PaymentAmount: rt.PaymentAmount, Description: rt.Description,
		CompanyName: rt.CompanyName, OfficeName: rt.OfficeName, Debtor: toXMLSubject(rt.Debtor), IDPSP: rt.IDPSP,
		PSPFiscalCode: rt.PSPFiscalCode, PSPCompanyName: rt.PSPCompanyName, IDChannel: rt.IDChannel,
		ChannelDescription: rt.ChannelDescription, PaymentMethod: rt.PaymentMethod, Fee: rt.Fee,
		ApplicationDate: rt.ApplicationDate, TransferDate: rt.TransferDate, TransferList: &xmlTransfers{}}
	if rt.Payer != nil {
		x.Payer = toXMLSubject(*rt.Payer)
	}
	if !rt.PaymentDateTime.IsZero() {
		x.PaymentDateTime = rt.PaymentDateTime.UTC().Format(time.RFC3339)
	}
	if rt.StandIn {
		x.StandIn = "true"
	}
	for _, t := range rt.TransferList {
		x.TransferList.Transfer = append(x.TransferList.Transfer, xmlTransfer{IDTransfer: strconv.Itoa(t.IDTransfer),
			TransferAmount: t.TransferAmount, FiscalCodePA: t.FiscalCodePA, IBAN: t.IBAN,
			RemittanceInformation: t.RemittanceInformation, TransferCategory: t.TransferCategory})
	}
	body := struct {
		XMLName    xml.Name    `xml:"pafn:paSendRTReq"`
		IDPA       string      `xml:"idPA"`
		IDBrokerPA string      `xml:"idBrokerPA"`
		IDStation  string      `xml:"idStation"`
		Receipt    *xmlReceipt `xml:"receipt"`
	}{IDPA: req.IDPA, IDBrokerPA: req.IDBrokerPA, IDStation: req.IDStation, Receipt: &x}
	return envelope(body)
}

func toXMLSubject(s Subject) *xmlSubject {
	x := &xmlSubject{FullName: s.FullName, StreetName: s.StreetName, CivicNumber: s.CivicNumber, PostalCode: s.PostalCode,
		City: s.City, Province: s.Province, Country: s.Country, Email: s.Email}
	x.UniqueIdentifier.Type, x.UniqueIdentifier.Value = s.EntityType, s.EntityValue
	return x
}

type xmlFault struct {
	FaultCode   string `xml:"faultCode"`
	FaultString string `xml:"faultString"`
	ID          string `xml:"id"`
	Description string `xml:"description,omitempty"`
}

// MarshalSendRTResponse writes paSendRTRes in a SOAP 1.1 envelope.
func MarshalSendRTResponse(res SendRTResponse) []byte {
	body := struct {
		XMLName xml.Name  `xml:"pafn:paSendRTRes"`
		Outcome string    `xml:"outcome"`
		Fault   *xmlFault `xml:"fault,omitempty"`
	}{Outcome: res.Outcome}
	if f := res.Fault; f != nil {
		body.Fault = &xmlFault{FaultCode: f.FaultCode, FaultString: f.FaultString, ID: f.ID, Description: f.Description}
	}
	out, err := envelope(body)
	if err != nil { // only strings: cannot fail
		panic(err)
	}
	return out
}

func envelope(body any) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	b.WriteString(`<soapenv:Envelope xmlns:soapenv="` + NSSOAP11 + `" xmlns:pafn="` + NSPaForNode + `"><soapenv:Header/><soapenv:Body>`)
	if err := xml.NewEncoder(&b).Encode(body); err != nil {
		return nil, err
	}
	b.WriteString(`</soapenv:Body></soapenv:Envelope>`)
	return b.Bytes(), nil
}

// ParseSendRTResponse reads paSendRTRes from a SOAP envelope.
func ParseSendRTResponse(data []byte) (SendRTResponse, error) {
	var env struct {
		Body struct {
			Res *struct {
				Outcome string    `xml:"outcome"`
				Fault   *xmlFault `xml:"fault"`
			} `xml:"paSendRTRes"`
		} `xml:"Body"`
	}
	if err := xml.Unmarshal(data, &env); err != nil {
		return SendRTResponse{}, fmt.Errorf("paSendRTRes illeggibile: %w", err)
	}
	if env.Body.Res == nil {
		return SendRTResponse{}, fmt.Errorf("paSendRTRes mancante nella risposta")
	}
	res := SendRTResponse{Outcome: env.Body.Res.Outcome}
	if f := env.Body.Res.Fault; f != nil {
		res.Fault = &Fault{FaultCode: f.FaultCode, FaultString: f.FaultString, ID: f.ID, Description: f.Description}
	}
	return res, nil
}
