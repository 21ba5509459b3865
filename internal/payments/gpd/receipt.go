package gpd

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// SendRTRequest is paSendRTReq (specs/pagopa/paForNode.xsd) as JSON: the receipt
// pagoPA pushes to the creditor's station after a payment.
type SendRTRequest struct {
	IDPA       string  `json:"idPA"`
	IDBrokerPA string  `json:"idBrokerPA"`
	IDStation  string  `json:"idStation"`
	Receipt    Receipt `json:"receipt"`
}

// Receipt is ctReceipt. Amounts are the SOAP decimal strings ("125.50").
type Receipt struct {
	ReceiptID           string            `json:"receiptId"`
	NoticeNumber        string            `json:"noticeNumber"`
	FiscalCode          string            `json:"fiscalCode"`
	Outcome             string            `json:"outcome"` // OK | KO
	CreditorReferenceID string            `json:"creditorReferenceId"`
	PaymentAmount       string            `json:"paymentAmount"`
	Description         string            `json:"description"`
	CompanyName         string            `json:"companyName"`
	OfficeName          string            `json:"officeName,omitempty"`
	Debtor              Subject           `json:"debtor"`
	TransferList        []ReceiptTransfer `json:"transferList"`
	IDPSP               string            `json:"idPSP"`
	PSPFiscalCode       string            `json:"pspFiscalCode,omitempty"`
	PSPCompanyName      string            `json:"PSPCompanyName"`
	IDChannel           string            `json:"idChannel"`
	ChannelDescription  string            `json:"channelDescription"`
	Payer               *Subject          `json:"payer,omitempty"`
	PaymentMethod       string            `json:"paymentMethod,omitempty"`
	Fee                 string            `json:"fee,omitempty"`
	PaymentDateTime     time.Time         `json:"paymentDateTime"`
	ApplicationDate     string            `json:"applicationDate,omitempty"` // yyyy-mm-dd
	TransferDate        string            `json:"transferDate,omitempty"`
	StandIn             bool              `json:"standIn,omitempty"`
}

// Subject is ctSubject.
type Subject struct {
	EntityType  string `json:"entityUniqueIdentifierType"` // F | G
	EntityValue string `json:"entityUniqueIdentifierValue"`
	FullName    string `json:"fullName"`
	StreetName  string `json:"streetName,omitempty"`
	CivicNumber string `json:"civicNumber,omitempty"`
	PostalCode  string `json:"postalCode,omitempty"`
	City        string `json:"city,omitempty"`
	Province    string `json:"stateProvinceRegion,omitempty"`
	Country     string `json:"country,omitempty"`
	Email       string `json:"e-mail,omitempty"`
}

// ReceiptTransfer is ctTransferPA of a receipt.
type ReceiptTransfer struct {
	IDTransfer            int    `json:"idTransfer"`
	TransferAmount        string `json:"transferAmount"`
	FiscalCodePA          string `json:"fiscalCodePA"`
	IBAN                  string `json:"IBAN"`
	RemittanceInformation string `json:"remittanceInformation"`
	TransferCategory      string `json:"transferCategory"`
}

// SendRTResponse is paSendRTRes.
type SendRTResponse struct {
	Outcome string `json:"outcome"` // OK | KO
	Fault   *Fault `json:"fault,omitempty"`
}

// Fault is ctFaultBean.
type Fault struct {
	FaultCode   string `json:"faultCode"`
	FaultString string `json:"faultString"`
	ID          string `json:"id"`
	Description string `json:"description,omitempty"`
}

// Decimal writes cents as the SOAP decimal "\d+\.\d{2}".
func Decimal(cents int64) string { return fmt.Sprintf("%d.%02d", cents/100, cents%100) }

// ParseDecimal reads "\d+\.\d{2}" into cents, exactly.
func ParseDecimal(s string) (int64, error) {
	whole, frac, ok := strings.Cut(s, ".")
	if !ok || len(frac) != 2 || whole == "" || len(whole) > 9 {
		return 0, fmt.Errorf("importo %q: atteso il formato 123.45", s)
	}
	w, err1 := strconv.ParseUint(whole, 10, 64)
	f, err2 := strconv.ParseUint(frac, 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("importo %q: atteso il formato 123.45", s)
	}
	return int64(w*100 + f), nil
}
