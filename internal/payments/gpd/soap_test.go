package gpd

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

// envelope as the Nodo sends it (a paSendRTReq with every optional element).
const sampleRT = `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:pafn="http://pagopa-api.pagopa.gov.it/pa/paForNode.xsd">
  <soapenv:Header/>
  <soapenv:Body>
    <pafn:paSendRTReq>
      <idPA>00644060287</idPA>
      <idBrokerPA>00644060287</idBrokerPA>
      <idStation>00644060287_01</idStation>
      <receipt>
        <receiptId>c3f1a2b4d5e6</receiptId>
        <noticeNumber>301000000001234519</noticeNumber>
        <fiscalCode>00644060287</fiscalCode>
        <outcome>OK</outcome>
        <creditorReferenceId>01000000001234519</creditorReferenceId>
        <paymentAmount>125.50</paymentAmount>
        <description>TARI 2031</description>
        <companyName>Comune di Padova</companyName>
        <officeName>Tributi</officeName>
        <debtor>
          <uniqueIdentifier><entityUniqueIdentifierType>F</entityUniqueIdentifierType><entityUniqueIdentifierValue>RSSMRA80A01H501U</entityUniqueIdentifierValue></uniqueIdentifier>
          <fullName>Mario Rossi</fullName>
          <e-mail>mario@example.org</e-mail>
        </debtor>
        <transferList>
          <transfer><idTransfer>1</idTransfer><transferAmount>120.50</transferAmount><fiscalCodePA>00644060287</fiscalCodePA><IBAN>IT60X0542811101000000123456</IBAN><remittanceInformation>TARI</remittanceInformation><transferCategory>9/0101101IM/</transferCategory></transfer>
          <transfer><idTransfer>2</idTransfer><transferAmount>5.00</transferAmount><fiscalCodePA>80008880281</fiscalCodePA><IBAN>IT60X0542811101000000123456</IBAN><remittanceInformation>TEFA</remittanceInformation><transferCategory>9/0201109AP/</transferCategory></transfer>
        </transferList>
        <idPSP>SIMPSPIT1XXX</idPSP>
        <pspFiscalCode>00000000001</pspFiscalCode>
        <PSPCompanyName>Banca Simulata</PSPCompanyName>
        <idChannel>SIMPSPIT1XXX_01</idChannel>
        <channelDescription>app</channelDescription>
        <paymentMethod>creditCard</paymentMethod>
        <fee>1.00</fee>
        <paymentDateTime>2031-01-02T10:15:00</paymentDateTime>
        <applicationDate>2031-01-02</applicationDate>
        <transferDate>2031-01-03</transferDate>
        <standIn>false</standIn>
      </receipt>
    </pafn:paSendRTReq>
  </soapenv:Body>
</soapenv:Envelope>`

func TestParseSendRT(t *testing.T) {
	req, err := ParseSendRT([]byte(sampleRT))
	if err != nil {
		t.Fatal(err)
	}
	rt := req.Receipt
	if req.IDStation != "00644060287_01" || rt.ReceiptID != "c3f1a2b4d5e6" || rt.PaymentAmount != "125.50" ||
		rt.Debtor.EntityValue != "RSSMRA80A01H501U" || rt.Debtor.Email != "mario@example.org" || len(rt.TransferList) != 2 ||
		rt.TransferList[1].IDTransfer != 2 || rt.TransferList[1].FiscalCodePA != "80008880281" || rt.Fee != "1.00" {
		t.Errorf("parsed: %+v", req)
	}
	// No zone: the time in Italy (CET in January).
	if want := time.Date(2031, 1, 2, 9, 15, 0, 0, time.UTC); !rt.PaymentDateTime.Equal(want) {
		t.Errorf("paymentDateTime %v, want %v", rt.PaymentDateTime, want)
	}
	// What MarshalSendRT writes parses back to the same request.
	out, err := MarshalSendRT(req)
	if err != nil {
		t.Fatal(err)
	}
	again, err := ParseSendRT(out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if again.Receipt.PaymentDateTime != rt.PaymentDateTime || again.Receipt.TransferList[0] != rt.TransferList[0] ||
		again.Receipt.Debtor != rt.Debtor || again.IDPA != req.IDPA {
		t.Errorf("round trip:\n%+v\n%+v", again, req)
	}
}

func TestParseSendRTNamesTheField(t *testing.T) {
	for _, c := range []struct{ name, from, to, field string }{
		{"amount with comma", "<paymentAmount>125.50<", "<paymentAmount>125,50<", "receipt/paymentAmount"},
		{"amount missing", "<paymentAmount>125.50</paymentAmount>", "", "receipt/paymentAmount"},
		{"short notice", "<noticeNumber>301000000001234519<", "<noticeNumber>30100000000123451<", "receipt/noticeNumber"},
		{"outcome", "<outcome>OK<", "<outcome>MAYBE<", "receipt/outcome"},
		{"idTransfer", "<idTransfer>2<", "<idTransfer>6<", "receipt/transferList/transfer[2]/idTransfer"},
		{"transfer IBAN", "<IBAN>IT60X0542811101000000123456</IBAN><remittanceInformation>TEFA", "<IBAN>IT60 X054</IBAN><remittanceInformation>TEFA", "receipt/transferList/transfer[2]/IBAN"},
		{"debtor type", "<entityUniqueIdentifierType>F<", "<entityUniqueIdentifierType>X<", "receipt/debtor/uniqueIdentifier/entityUniqueIdentifierType"},
		{"date", "<paymentDateTime>2031-01-02T10:15:00<", "<paymentDateTime>02/01/2031<", "receipt/paymentDateTime"},
		{"no receipt", "<receipt>", "<ricevuta>", "receipt"},
		{"station", "<idStation>00644060287_01</idStation>", "", "idStation"},
		{"namespace", `xmlns:pafn="http://pagopa-api.pagopa.gov.it/pa/paForNode.xsd"`, `xmlns:pafn="urn:other"`, "paSendRTReq"},
		{"not SOAP", `xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"`, `xmlns:soapenv="urn:x"`, "Envelope"},
		{"broken XML", "</soapenv:Envelope>", "</soapenv:Envelop>", "Envelope"},
	} {
		t.Run(c.name, func(t *testing.T) {
			doc := strings.Replace(sampleRT, c.from, c.to, 1)
			if c.name == "no receipt" {
				doc = strings.Replace(doc, "</receipt>", "</ricevuta>", 1)
			}
			if doc == sampleRT {
				t.Fatalf("replacement %q not applied", c.from)
			}
			_, err := ParseSendRT([]byte(doc))
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != c.field {
				t.Errorf("got %v, want a fault on %s", err, c.field)
			}
		})
	}
}

func TestSendRTResponse(t *testing.T) {
	ko := SendRTResponse{Outcome: "KO", Fault: &Fault{FaultCode: "PAA_SINTASSI_XSD", FaultString: "receipt/paymentAmount: <&>", ID: "00644060287", Description: "campo receipt/paymentAmount"}}
	data := MarshalSendRTResponse(ko)
	if !bytes.Contains(data, []byte("<pafn:paSendRTRes><outcome>KO</outcome><fault><faultCode>PAA_SINTASSI_XSD</faultCode>")) {
		t.Errorf("paSendRTRes:\n%s", data)
	}
	back, err := ParseSendRTResponse(data)
	if err != nil || back.Outcome != "KO" || *back.Fault != *ko.Fault {
		t.Errorf("parsed back: %+v %v", back, err)
	}
}

// FuzzParseSendRT: any input is either refused with a FieldError or yields a
// request whose required fields are present and whose amounts parse.
func FuzzParseSendRT(f *testing.F) {
	f.Add([]byte(sampleRT))
	f.Add([]byte(strings.Replace(sampleRT, "125.50", "1e3", 1)))
	f.Add([]byte(`<Envelope xmlns="http://www.w3.org/2003/05/soap-envelope"><Body><paSendRTReq xmlns="http://pagopa-api.pagopa.gov.it/pa/paForNode.xsd"/></Body></Envelope>`))
	f.Add([]byte("<a>&unknown;</a>"))
	f.Fuzz(func(t *testing.T, data []byte) {
		req, err := ParseSendRT(data)
		if err != nil {
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field == "" {
				t.Fatalf("error without a field: %v", err)
			}
			return
		}
		rt := req.Receipt
		if rt.ReceiptID == "" || len(rt.NoticeNumber) != 18 || len(rt.TransferList) == 0 || len(rt.TransferList) > 5 {
			t.Fatalf("accepted an incomplete receipt: %+v", req)
		}
		if _, err := ParseDecimal(rt.PaymentAmount); err != nil {
			t.Fatalf("accepted amount %q", rt.PaymentAmount)
		}
		for _, tr := range rt.TransferList {
			if _, err := ParseDecimal(tr.TransferAmount); err != nil || tr.IDTransfer < 1 || tr.IDTransfer > 5 {
				t.Fatalf("accepted transfer %+v", tr)
			}
		}
		if _, err := MarshalSendRT(req); err != nil {
			t.Fatalf("cannot write back: %v", err)
		}
	})
}
