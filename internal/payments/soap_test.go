package payments_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/arengo-pa/arengo/internal/payments"
	"github.com/arengo-pa/arengo/internal/payments/gpd"
)

// paSendRT as the Nodo sends it: a SOAP envelope, answered with paSendRTRes.
func TestReceiptSOAP(t *testing.T) {
	app, m := newApp(t, nil)
	svc := m.Service()
	ctx := context.Background()
	p, err := svc.Create(ctx, payments.NewPosition{DebtType: "TARI", Description: "TARI 2031", AmountCents: 5000, DueDate: due,
		Publish: true, Debtor: payments.Debtor{Type: "F", FiscalCode: "RSSMRA80A01H501U", Name: "Mario Rossi"}})
	if err != nil {
		t.Fatal(err)
	}
	o := p.Options[0]
	req := gpd.SendRTRequest{IDPA: "00644060287", IDBrokerPA: "00644060287", IDStation: "00644060287_01", Receipt: gpd.Receipt{
		ReceiptID: "soap-1", NoticeNumber: o.NoticeNumber, FiscalCode: "00644060287", Outcome: "OK", CreditorReferenceID: o.IUV,
		PaymentAmount: "50.00", Description: "TARI 2031", CompanyName: "Comune di Padova", IDPSP: "PSP1", PSPCompanyName: "Banca",
		IDChannel: "PSP1_01", ChannelDescription: "app", PaymentDateTime: time.Date(2031, 1, 2, 10, 0, 0, 0, time.UTC),
		Debtor: gpd.Subject{EntityType: "F", EntityValue: "RSSMRA80A01H501U", FullName: "Mario Rossi"},
		TransferList: []gpd.ReceiptTransfer{{IDTransfer: 1, TransferAmount: "50.00", FiscalCodePA: "00644060287",
			IBAN: "IT60X0542811101000000123456", RemittanceInformation: "TARI", TransferCategory: "0101101IM"}}}}
	envelope, err := gpd.MarshalSendRT(req)
	if err != nil {
		t.Fatal(err)
	}
	key := app.APIKey(t, payments.PermReceipts)
	post := func(body []byte) gpd.SendRTResponse {
		t.Helper()
		hr, _ := http.NewRequest(http.MethodPost, app.URL+"/api/v1/payments/receipts", bytes.NewReader(body))
		hr.Header.Set("Authorization", "Bearer "+key)
		hr.Header.Set("Content-Type", "text/xml; charset=utf-8")
		hr.Header.Set("SOAPAction", "paSendRT")
		resp, err := http.DefaultClient.Do(hr)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/xml") {
			t.Fatalf("status %d, %s:\n%s", resp.StatusCode, resp.Header.Get("Content-Type"), data)
		}
		res, err := gpd.ParseSendRTResponse(data)
		if err != nil {
			t.Fatalf("%v\n%s", err, data)
		}
		return res
	}
	if res := post(envelope); res.Outcome != "OK" || res.Fault != nil {
		t.Fatalf("valid envelope: %+v", res)
	}
	got, _ := svc.Position(ctx, p.ID)
	if got.Status != gpd.StatusPaid || got.Options[0].ReceiptID != "soap-1" {
		t.Errorf("position after the receipt: %s %q", got.Status, got.Options[0].ReceiptID)
	}
	// The same receipt again: OK, and nothing stored or announced twice.
	if res := post(envelope); res.Outcome != "OK" {
		t.Fatalf("duplicate: %+v", res)
	}
	var receipts, events int
	app.Deps.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM payments_receipt`).Scan(&receipts)
	app.Deps.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM kernel_outbox WHERE type = 'payments.receipt_received'`).Scan(&events)
	if receipts != 1 || events != 1 {
		t.Errorf("duplicate receipt stored %d times, %d events", receipts, events)
	}
	stored, err := svc.Receipt(ctx, o.ID)
	if err != nil || stored.Receipt.Debtor.FullName != "Mario Rossi" || stored.IDStation != "00644060287_01" {
		t.Errorf("stored receipt: %+v %v", stored, err)
	}

	for _, c := range []struct{ name, from, to, field string }{
		{"schema: amount with a comma", "<paymentAmount>50.00</paymentAmount>", "<paymentAmount>50,00</paymentAmount>", "receipt/paymentAmount"},
		{"schema: missing receiptId", "<receiptId>soap-1</receiptId>", "", "receipt/receiptId"},
		{"rule: check digits", "<noticeNumber>" + o.NoticeNumber, "<noticeNumber>" + o.NoticeNumber[:17] + "0", "receipt/noticeNumber"},
		{"rule: another creditor", "<fiscalCode>00644060287</fiscalCode>", "<fiscalCode>80008880281</fiscalCode>", "receipt/fiscalCode"},
		{"not XML", "</soapenv:Envelope>", "</soapenv:Envelope", "Envelope"},
	} {
		t.Run(c.name, func(t *testing.T) {
			bad := strings.Replace(string(envelope), c.from, c.to, 1)
			if bad == string(envelope) {
				t.Fatalf("%q not found", c.from)
			}
			if c.name == "rule: check digits" && (o.NoticeNumber[17] == '0') {
				bad = strings.Replace(string(envelope), c.from, "<noticeNumber>"+o.NoticeNumber[:17]+"1", 1)
			}
			res := post([]byte(bad))
			if res.Outcome != "KO" || res.Fault == nil || res.Fault.FaultCode != "PAA_SINTASSI_XSD" ||
				res.Fault.Description != "campo "+c.field || !strings.Contains(res.Fault.FaultString, c.field) || res.Fault.ID != "00644060287" {
				t.Errorf("fault: %+v", res.Fault)
			}
		})
	}
}
