// Package send is a client for SEND (Piattaforma Notifiche Digitali) B2B
// API for public administrations: attachment preload, upload with SHA-256,
// notification request, acceptance polling and the notification's status and
// timeline (pagopa/pn-delivery api-external-b2b-pa.yaml).
package send

import (
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
	"unicode/utf8"
)

// Version is the request API version this client is pinned to.
const Version = "v2.4"

// Notification request statuses.
const (
	RequestWaiting  = "WAITING"
	RequestAccepted = "ACCEPTED"
	RequestRefused  = "REFUSED"
)

// PreLoadRequest asks for an upload slot for one document.
type PreLoadRequest struct {
	PreloadIdx  string `json:"preloadIdx"`
	ContentType string `json:"contentType"`
	Sha256      string `json:"sha256"`
}

// PreLoadResponse is the upload slot: PUT the bytes to URL with the secret.
type PreLoadResponse struct {
	PreloadIdx string `json:"preloadIdx"`
	Secret     string `json:"secret"`
	HTTPMethod string `json:"httpMethod"`
	URL        string `json:"url"`
	Key        string `json:"key"`
}

// NewNotificationRequest is the body of POST /delivery/{v}/requests.
type NewNotificationRequest struct {
	PaProtocolNumber          string      `json:"paProtocolNumber"`
	IdempotenceToken          string      `json:"idempotenceToken,omitempty"`
	Subject                   string      `json:"subject"`
	Abstract                  string      `json:"abstract,omitempty"`
	Recipients                []Recipient `json:"recipients"`
	Documents                 []Document  `json:"documents"`
	PhysicalCommunicationType string      `json:"physicalCommunicationType"`
	NotificationFeePolicy     string      `json:"notificationFeePolicy"`
	SenderDenomination        string      `json:"senderDenomination"`
	SenderTaxID               string      `json:"senderTaxId"`
	TaxonomyCode              string      `json:"taxonomyCode"`
	Amount                    int64       `json:"amount,omitempty"`
	PaymentExpirationDate     string      `json:"paymentExpirationDate,omitempty"`
	PaFee                     *int        `json:"paFee,omitempty"`
	Vat                       *int        `json:"vat,omitempty"`
	PagoPaIntMode             string      `json:"pagoPaIntMode,omitempty"`
}

// Recipient is a natural (PF) or legal (PG) person.
type Recipient struct {
	RecipientType   string           `json:"recipientType"`
	TaxID           string           `json:"taxId"`
	Denomination    string           `json:"denomination"`
	DigitalDomicile *DigitalDomicile `json:"digitalDomicile,omitempty"`
	PhysicalAddress *PhysicalAddress `json:"physicalAddress,omitempty"`
	Payments        []Payment        `json:"payments,omitempty"`
}

// DigitalDomicile is a PEC address.
type DigitalDomicile struct {
	Type    string `json:"type"`
	Address string `json:"address"`
}

// PhysicalAddress is where a registered letter goes if digital delivery fails.
type PhysicalAddress struct {
	Address      string `json:"address"`
	Zip          string `json:"zip,omitempty"`
	Municipality string `json:"municipality"`
	Province     string `json:"province,omitempty"`
}

// Payment is a pagoPA notice attached to the notification.
type Payment struct {
	PagoPa *PagoPaPayment `json:"pagoPa,omitempty"`
}

// PagoPaPayment identifies the notice by code and creditor.
type PagoPaPayment struct {
	NoticeCode    string `json:"noticeCode"`
	CreditorTaxID string `json:"creditorTaxId"`
	ApplyCost     bool   `json:"applyCost"`
}

// Document references an uploaded file.
type Document struct {
	Digests     Digests `json:"digests"`
	ContentType string  `json:"contentType"`
	Ref         Ref     `json:"ref"`
	Title       string  `json:"title,omitempty"`
	DocIdx      string  `json:"docIdx,omitempty"`
}

// Digests holds the Base64 SHA-256 of the file.
type Digests struct {
	Sha256 string `json:"sha256"`
}

// Ref points at the uploaded object and its version.
type Ref struct {
	Key          string `json:"key"`
	VersionToken string `json:"versionToken"`
}

// NewNotificationResponse is the 202 answer: syntactically valid, not yet accepted.
type NewNotificationResponse struct {
	NotificationRequestID string `json:"notificationRequestId"`
	PaProtocolNumber      string `json:"paProtocolNumber"`
	IdempotenceToken      string `json:"idempotenceToken,omitempty"`
}

// RequestStatus is the acceptance polling answer.
type RequestStatus struct {
	NotificationRequestID     string         `json:"notificationRequestId"`
	PaProtocolNumber          string         `json:"paProtocolNumber,omitempty"`
	IdempotenceToken          string         `json:"idempotenceToken,omitempty"`
	NotificationRequestStatus string         `json:"notificationRequestStatus"`
	RetryAfter                int            `json:"retryAfter,omitempty"`
	IUN                       string         `json:"iun,omitempty"`
	Errors                    []ProblemError `json:"errors,omitempty"`
}

// ProblemError is one reason for a refusal.
type ProblemError struct {
	Code    string `json:"code"`
	Element string `json:"element,omitempty"`
	Detail  string `json:"detail,omitempty"`
}

// SentNotification is GET /delivery/{v}/notifications/sent/{iun}, the part we keep.
type SentNotification struct {
	IUN                       string          `json:"iun"`
	PaProtocolNumber          string          `json:"paProtocolNumber"`
	Subject                   string          `json:"subject"`
	NotificationStatus        string          `json:"notificationStatus"`
	NotificationStatusHistory []StatusChange  `json:"notificationStatusHistory"`
	Timeline                  []TimelineEvent `json:"timeline"`
}

// StatusChange is one entry of notificationStatusHistory.
type StatusChange struct {
	Status     string `json:"status"`
	ActiveFrom string `json:"activeFrom"`
}

// TimelineEvent is one element of the notification's timeline.
type TimelineEvent struct {
	ElementID      string   `json:"elementId"`
	Category       string   `json:"category"`
	EventTimestamp string   `json:"eventTimestamp"`
	LegalFactsIDs  []string `json:"legalFactsIds,omitempty"`
}

// Problem is the RFC 7807 error body SEND answers with.
type Problem struct {
	Status int            `json:"status"`
	Title  string         `json:"title,omitempty"`
	Detail string         `json:"detail,omitempty"`
	Errors []ProblemError `json:"errors,omitempty"`
}

// Sha256Base64 is the digest SEND expects: Base64 of the SHA-256 (44 characters).
func Sha256Base64(data []byte) string {
	sum := sha256.Sum256(data)
	return base64.StdEncoding.EncodeToString(sum[:])
}

var (
	taxonomyShape  = regexp.MustCompile(`^[0-9]{6}[A-Z]$`)
	orgTaxIDShape  = regexp.MustCompile(`^[0-9]{11}$`)
	personTaxShape = regexp.MustCompile(`^([A-Z]{6}[0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]|[0-9]{11})$`)
	noticeShape    = regexp.MustCompile(`^[0-9]{18}$`)
	iunShape       = regexp.MustCompile(`^[A-Z]{4}-[A-Z]{4}-[A-Z]{4}-[0-9]{6}-[A-Z]-[0-9]$`)
)

// ValidIUN reports whether s has the IUN shape.
func ValidIUN(s string) bool { return iunShape.MatchString(s) }

// ValidationError is a request SEND would refuse: fix it, do not retry it.
type ValidationError struct{ Err error }

func (e *ValidationError) Error() string { return "richiesta SEND non valida: " + e.Err.Error() }
func (e *ValidationError) Unwrap() error { return e.Err }

// Validate checks the required fields and their limits, naming each field.
func (r NewNotificationRequest) Validate() error {
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	if r.PaProtocolNumber == "" || utf8.RuneCountInString(r.PaProtocolNumber) > 256 {
		bad("paProtocolNumber: obbligatorio, al massimo 256 caratteri")
	}
	if r.Subject == "" || utf8.RuneCountInString(r.Subject) > 134 {
		bad("subject: obbligatorio, al massimo 134 caratteri")
	}
	if utf8.RuneCountInString(r.Abstract) > 1024 {
		bad("abstract: al massimo 1024 caratteri")
	}
	if len(r.Recipients) == 0 {
		bad("recipients: almeno un destinatario")
	}
	for i, rc := range r.Recipients {
		if rc.RecipientType != "PF" && rc.RecipientType != "PG" {
			bad("recipients[%d].recipientType: PF o PG", i)
		}
		if !personTaxShape.MatchString(rc.TaxID) {
			bad("recipients[%d].taxId: %q non è un codice fiscale", i, rc.TaxID)
		}
		if rc.Denomination == "" {
			bad("recipients[%d].denomination: obbligatorio", i)
		}
		for j, p := range rc.Payments {
			if p.PagoPa != nil && (!noticeShape.MatchString(p.PagoPa.NoticeCode) || !orgTaxIDShape.MatchString(p.PagoPa.CreditorTaxID)) {
				bad("recipients[%d].payments[%d].pagoPa: noticeCode 18 cifre e creditorTaxId 11 cifre", i, j)
			}
		}
	}
	if len(r.Documents) == 0 {
		bad("documents: almeno un documento")
	}
	for i, d := range r.Documents {
		if len(d.Digests.Sha256) != 44 || d.Ref.Key == "" || d.Ref.VersionToken == "" {
			bad("documents[%d]: digests.sha256 (44 caratteri), ref.key e ref.versionToken obbligatori", i)
		}
	}
	switch r.PhysicalCommunicationType {
	case "AR_REGISTERED_LETTER", "REGISTERED_LETTER_890":
	default:
		bad("physicalCommunicationType: AR_REGISTERED_LETTER o REGISTERED_LETTER_890")
	}
	switch r.NotificationFeePolicy {
	case "FLAT_RATE":
	case "DELIVERY_MODE":
		if r.PaFee == nil || *r.PaFee < 0 || *r.PaFee > 100 || r.Vat == nil {
			bad("paFee (0–100 centesimi) e vat obbligatori con DELIVERY_MODE")
		}
	default:
		bad("notificationFeePolicy: FLAT_RATE o DELIVERY_MODE")
	}
	if r.SenderDenomination == "" {
		bad("senderDenomination: obbligatorio")
	}
	if !orgTaxIDShape.MatchString(r.SenderTaxID) {
		bad("senderTaxId: 11 cifre")
	}
	if !taxonomyShape.MatchString(r.TaxonomyCode) {
		bad("taxonomyCode: 6 cifre e una lettera (tassonomia SEND)")
	}
	if len(errs) > 0 {
		return &ValidationError{Err: errors.Join(errs...)}
	}
	return nil
}
