package flows

import (
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/arengo-pa/arengo/internal/money"
)

// ReadFdRJSON streams an FdR 3 flow saved as one JSON document: the flow
// heading of fdr_organization.json (SingleFlowResponse: fdr, revision, fdrDate,
// sender, receiver, totPayments, sumPayments, …) plus a "payments" array of
// Payment objects, as pagoPA's paginated payments calls return them. Amounts are
// JSON numbers in euros and are read as decimal text, never as float64.
func ReadFdRJSON(r io.Reader, row func(FlowRow) error) (FlowSummary, error) {
	const format = "FdR 3 JSON"
	dec := json.NewDecoder(r)
	dec.UseNumber()
	var s FlowSummary
	s.Header.Format = "fdr-json"
	bad := func(field, msg string) error {
		return &ParseError{Format: format, Offset: dec.InputOffset(), Field: field, Msg: msg}
	}
	jsonErr := func(field string, err error) error {
		var se *json.SyntaxError
		if errors.As(err, &se) || errors.Is(err, io.ErrUnexpectedEOF) || err == io.EOF {
			return bad(field, "JSON non valido: "+err.Error())
		}
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return bad(field+"."+te.Field, "tipo non valido: atteso "+te.Type.String())
		}
		return bad(field, err.Error())
	}
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return s, bad("", "atteso un oggetto JSON con il flusso")
	}
	seen := map[string]bool{}
	h := &s.Header
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return s, jsonErr("", err)
		}
		key, _ := t.(string)
		seen[key] = true
		var str string
		var num json.Number
		switch key {
		case "payments":
			if t, err := dec.Token(); err != nil || t != json.Delim('[') {
				return s, bad("payments", "atteso un elenco di pagamenti")
			}
			for dec.More() {
				var p struct {
					Index      *int64          `json:"index"`
					IUV        string          `json:"iuv"`
					IUR        string          `json:"iur"`
					IDTransfer *int64          `json:"idTransfer"`
					Pay        json.RawMessage `json:"pay"`
					PayStatus  string          `json:"payStatus"`
					PayDate    string          `json:"payDate"`
				}
				field := "payments[" + itoa(s.Count) + "]"
				if err := dec.Decode(&p); err != nil {
					return s, jsonErr(field, err)
				}
				fr, ferr := p2row(p.Index, p.IUV, p.IUR, p.IDTransfer, p.Pay, p.PayStatus, p.PayDate)
				if ferr != nil {
					return s, bad(field+"."+ferr.field, ferr.msg)
				}
				s.Count++
				if fr.Index == 0 {
					fr.Index = s.Count
				}
				s.Total += fr.AmountCents
				if err := row(fr); err != nil {
					return s, err
				}
			}
			if _, err := dec.Token(); err != nil {
				return s, jsonErr("payments", err)
			}
			continue
		case "sender":
			var raw struct {
				ID      string `json:"id"`
				PSPID   string `json:"pspId"`
				PSPName string `json:"pspName"`
			}
			if err := dec.Decode(&raw); err != nil {
				return s, jsonErr(key, err)
			}
			h.PSPID, h.PSPName = raw.PSPID, raw.PSPName
			if h.PSPID == "" {
				h.PSPID = raw.ID
			}
			continue
		case "receiver":
			var raw struct {
				ID             string `json:"id"`
				OrganizationID string `json:"organizationId"`
			}
			if err := dec.Decode(&raw); err != nil {
				return s, jsonErr(key, err)
			}
			h.ECFiscalCode = raw.OrganizationID
			if h.ECFiscalCode == "" {
				h.ECFiscalCode = raw.ID
			}
			continue
		case "fdr", "fdrDate", "regulation", "regulationDate", "status":
			if err := dec.Decode(&str); err != nil {
				return s, jsonErr(key, err)
			}
		case "revision", "totPayments", "sumPayments":
			if err := dec.Decode(&num); err != nil {
				return s, jsonErr(key, err)
			}
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return s, jsonErr(key, err)
			}
			continue
		}
		var err2 error
		switch key {
		case "fdr":
			h.IUF, err2 = flowID(str)
		case "fdrDate":
			h.FlowTime, err2 = parseDateTime(str)
		case "regulation":
			h.Regulation = str
		case "regulationDate":
			h.RegulationDate, err2 = parseDate(str)
		case "status":
			if str != "" && str != "PUBLISHED" {
				err2 = errString("il flusso non è pubblicato (stato " + str + ")")
			}
		case "revision":
			h.Revision, err2 = num.Int64()
			if err2 == nil && h.Revision < 1 {
				err2 = errString("revisione deve essere almeno 1")
			}
		case "totPayments":
			h.DeclaredCount, err2 = num.Int64()
		case "sumPayments":
			h.DeclaredTotal, err2 = money.ParseCents(string(num), false)
		}
		if err2 != nil {
			return s, bad(key, err2.Error())
		}
	}
	if _, err := dec.Token(); err != nil {
		return s, jsonErr("", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return s, bad("", "contenuto dopo la fine del flusso")
	}
	if m := firstMissing(seen, "fdr", "revision", "fdrDate", "receiver", "sender", "totPayments", "sumPayments", "payments"); m != "" {
		return s, bad(m, "campo obbligatorio mancante")
	}
	if s.Count == 0 {
		return s, bad("payments", "il flusso non contiene pagamenti")
	}
	s.checkTotals()
	return s, nil
}

type fieldErr struct{ field, msg string }

func p2row(index *int64, iuv, iur string, idTransfer *int64, pay json.RawMessage, status, date string) (FlowRow, *fieldErr) {
	var fr FlowRow
	var err error
	if index != nil {
		if *index < 1 {
			return fr, &fieldErr{"index", "deve essere almeno 1"}
		}
		fr.Index = *index
	}
	if fr.IUV, err = text35(iuv); err != nil {
		return fr, &fieldErr{"iuv", err.Error()}
	}
	if fr.IUR, err = text35(iur); err != nil {
		return fr, &fieldErr{"iur", err.Error()}
	}
	if idTransfer == nil || *idTransfer < 1 || *idTransfer > 5 {
		return fr, &fieldErr{"idTransfer", "indice del versamento tra 1 e 5"}
	}
	fr.TransferIndex = int(*idTransfer)
	if strings.ContainsAny(string(pay), "eE") {
		return fr, &fieldErr{"pay", "importo in notazione esponenziale non ammesso"}
	}
	if fr.AmountCents, err = money.ParseCents(string(pay), false); err != nil || fr.AmountCents <= 0 {
		return fr, &fieldErr{"pay", "importo non valido: " + strconv.Quote(string(pay))}
	}
	switch status {
	case "EXECUTED":
		fr.Outcome = "0"
	case "REVOKED":
		fr.Outcome = "3"
	case "STAND_IN":
		fr.Outcome = "4"
	case "STAND_IN_NO_RPT":
		fr.Outcome = "8"
	case "NO_RPT":
		fr.Outcome = "9"
	default:
		return fr, &fieldErr{"payStatus", "stato " + strconv.Quote(status) + " sconosciuto"}
	}
	if fr.Date, err = parseDateTime(date); err != nil {
		if fr.Date, err = parseDate(date); err != nil {
			return fr, &fieldErr{"payDate", "data non valida: " + strconv.Quote(date)}
		}
	}
	return fr, nil
}
