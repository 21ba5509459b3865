// Package appio is a client for the App IO Services API ("IO API for Public
// Administration Services", specs/appio/io-services-openapi.yaml): profile
// check, message submission and message status, one API key per IO service.
package appio

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits declared by MessageContentBase, TimeToLiveSeconds and PaymentDataBase.
const (
	SubjectMin  = 10
	SubjectMax  = 120
	MarkdownMin = 80
	MarkdownMax = 10000
	TTLMin      = 3600
	TTLMax      = 604800
	AmountMax   = 9999999999
)

var (
	fiscalCodeShape   = regexp.MustCompile(`^[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$`)
	noticeNumberShape = regexp.MustCompile(`^[0123][0-9]{17}$`)
	orgFiscalCode     = regexp.MustCompile(`^[0-9]{11}$`)
)

// NewMessage is the body of submitMessageforUserWithFiscalCodeInBody.
type NewMessage struct {
	FiscalCode       string            `json:"fiscal_code,omitempty"`
	TimeToLive       int               `json:"time_to_live,omitempty"`
	Content          MessageContent    `json:"content"`
	DefaultAddresses *DefaultAddresses `json:"default_addresses,omitempty"`
	FeatureLevelType string            `json:"feature_level_type,omitempty"`
}

// DefaultAddresses is used by IO when the profile has no e-mail address.
type DefaultAddresses struct {
	Email string `json:"email,omitempty"`
}

// MessageContent carries subject, markdown and the optional pagoPA notice.
type MessageContent struct {
	Subject               string       `json:"subject"`
	Markdown              string       `json:"markdown"`
	PaymentData           *PaymentData `json:"payment_data,omitempty"`
	DueDate               *Timestamp   `json:"due_date,omitempty"`
	RequireSecureChannels bool         `json:"require_secure_channels,omitempty"`
}

// PaymentData is a pagoPA notice: amount in euro cents and the 18-digit notice number.
type PaymentData struct {
	Amount              int64  `json:"amount"`
	NoticeNumber        string `json:"notice_number"`
	InvalidAfterDueDate bool   `json:"invalid_after_due_date,omitempty"`
	Payee               *Payee `json:"payee,omitempty"`
}

// Payee is the creditor body (11-digit organisation fiscal code).
type Payee struct {
	FiscalCode string `json:"fiscal_code"`
}

// Timestamp marshals as ISO-8601 in UTC with milliseconds, as IO requires
// ("2018-10-13T00:00:00.000Z").
type Timestamp struct{ time.Time }

const timestampLayout = "2006-01-02T15:04:05.000Z"

func (t Timestamp) MarshalJSON() ([]byte, error) {
	return []byte(`"` + t.UTC().Format(timestampLayout) + `"`), nil
}

func (t *Timestamp) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return fmt.Errorf("due_date %q non è una data ISO-8601", s)
	}
	t.Time = v.UTC()
	return nil
}

// ValidFiscalCode reports whether cf matches the pattern IO declares.
func ValidFiscalCode(cf string) bool { return fiscalCodeShape.MatchString(cf) }

// Validate checks the message against the limits in the OpenAPI file, so a
// message the platform would refuse with 400 is refused before it is sent.
// Each problem names the field it is about.
func (m NewMessage) Validate() error {
	var errs []error
	if m.FiscalCode != "" && !ValidFiscalCode(m.FiscalCode) {
		errs = append(errs, fmt.Errorf("fiscal_code: %q non è un codice fiscale valido", m.FiscalCode))
	}
	if m.TimeToLive != 0 && (m.TimeToLive < TTLMin || m.TimeToLive > TTLMax) {
		errs = append(errs, fmt.Errorf("time_to_live: %d fuori dai limiti %d–%d secondi", m.TimeToLive, TTLMin, TTLMax))
	}
	if err := m.Content.Validate(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// Validate checks subject, markdown and payment data.
func (c MessageContent) Validate() error {
	var errs []error
	if err := CheckSubject(c.Subject); err != nil {
		errs = append(errs, err)
	}
	if err := CheckMarkdown(c.Markdown); err != nil {
		errs = append(errs, err)
	}
	if p := c.PaymentData; p != nil {
		if p.Amount < 1 || p.Amount > AmountMax {
			errs = append(errs, fmt.Errorf("payment_data.amount: %d centesimi fuori dai limiti 1–%d", p.Amount, int64(AmountMax)))
		}
		if !noticeNumberShape.MatchString(p.NoticeNumber) {
			errs = append(errs, fmt.Errorf("payment_data.notice_number: %q deve avere 18 cifre e iniziare con 0, 1, 2 o 3", p.NoticeNumber))
		}
		if p.Payee != nil && !orgFiscalCode.MatchString(p.Payee.FiscalCode) {
			errs = append(errs, fmt.Errorf("payment_data.payee.fiscal_code: %q deve avere 11 cifre", p.Payee.FiscalCode))
		}
	}
	return errors.Join(errs...)
}

// CheckSubject enforces the 10–120 character subject limit (counted in characters, not bytes).
func CheckSubject(s string) error {
	if n := utf8.RuneCountInString(s); n < SubjectMin || n > SubjectMax {
		return fmt.Errorf("subject: l'oggetto ha %d caratteri, App IO ne accetta da %d a %d", n, SubjectMin, SubjectMax)
	}
	return nil
}

// CheckMarkdown enforces the 80–10,000 character body limit.
func CheckMarkdown(s string) error {
	if n := utf8.RuneCountInString(s); n < MarkdownMin || n > MarkdownMax {
		return fmt.Errorf("markdown: il testo ha %d caratteri, App IO ne accetta da %d a %d", n, MarkdownMin, MarkdownMax)
	}
	return nil
}

// Profile is LimitedProfile.
type Profile struct {
	SenderAllowed      bool     `json:"sender_allowed"`
	PreferredLanguages []string `json:"preferred_languages,omitempty"`
}

// Problem is ProblemJson (RFC 7807).
type Problem struct {
	Type     string `json:"type,omitempty"`
	Title    string `json:"title,omitempty"`
	Status   int    `json:"status,omitempty"`
	Detail   string `json:"detail,omitempty"`
	Instance string `json:"instance,omitempty"`
}

// Message status values (MessageStatusValue).
const (
	StatusAccepted  = "ACCEPTED"
	StatusThrottled = "THROTTLED"
	StatusFailed    = "FAILED"
	StatusProcessed = "PROCESSED"
	StatusRejected  = "REJECTED"
)

// MessageResponse is ExternalMessageResponseWithContent.
type MessageResponse struct {
	Message      CreatedMessage    `json:"message"`
	Notification map[string]string `json:"notification,omitempty"`
	Status       string            `json:"status,omitempty"`
}

// CreatedMessage is ExternalCreatedMessageWithContent.
type CreatedMessage struct {
	ID               string         `json:"id"`
	FiscalCode       string         `json:"fiscal_code"`
	TimeToLive       int            `json:"time_to_live,omitempty"`
	CreatedAt        Timestamp      `json:"created_at"`
	Content          MessageContent `json:"content"`
	SenderServiceID  string         `json:"sender_service_id"`
	FeatureLevelType string         `json:"feature_level_type"`
}
