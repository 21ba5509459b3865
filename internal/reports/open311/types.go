package open311

import (
	"encoding/xml"
)

// Text is an optional leaf: an empty XML element, null in JSON (Spark rule 4).
type Text string

func (t Text) MarshalJSON() ([]byte, error) {
	if t == "" {
		return []byte("null"), nil
	}
	return jsonString(string(t))
}

// Service types: what POST /requests returns for that service.
const (
	Realtime = "realtime" // the request id
	Batch    = "batch"    // a token to exchange later
	Blackbox = "blackbox" // nothing
)

// Service is one entry of GET /services.
type Service struct {
	Code        string `xml:"service_code" json:"service_code"`
	Name        string `xml:"service_name" json:"service_name"`
	Description Text   `xml:"description" json:"description"`
	Metadata    bool   `xml:"metadata" json:"metadata"`
	Type        string `xml:"type" json:"type"`
	Keywords    Text   `xml:"keywords" json:"keywords"`
	Group       Text   `xml:"group" json:"group"`
}

// ServiceList is the document of GET /services.
type ServiceList []Service

func (l ServiceList) xmlRoot() any {
	return struct {
		XMLName xml.Name  `xml:"services"`
		Items   []Service `xml:"service"`
	}{Items: l}
}

func (l ServiceList) jsonValue() any { return nonNil([]Service(l)) }

// Datatypes of service definition attributes.
const (
	String          = "string"
	Number          = "number"
	Datetime        = "datetime"
	TextType        = "text"
	SingleValueList = "singlevaluelist"
	MultiValueList  = "multivaluelist"
)

// Datatypes lists every datatype the spec defines, in its order.
var Datatypes = []string{String, Number, Datetime, TextType, SingleValueList, MultiValueList}

// Value is one choice of a list attribute.
type Value struct {
	Key  string `xml:"key" json:"key"`
	Name string `xml:"name" json:"name"`
}

// Attribute is one extra question of a service.
type Attribute struct {
	Variable            bool    `xml:"variable" json:"variable"`
	Code                string  `xml:"code" json:"code"`
	Datatype            string  `xml:"datatype" json:"datatype"`
	Required            bool    `xml:"required" json:"required"`
	DatatypeDescription Text    `xml:"datatype_description" json:"datatype_description"`
	Order               int     `xml:"order" json:"order"`
	Description         string  `xml:"description" json:"description"`
	Values              []Value `xml:"values>value" json:"values"`
}

// ServiceDefinition is the document of GET /services/{code}.
type ServiceDefinition struct {
	ServiceCode string      `xml:"service_code" json:"service_code"`
	Attributes  []Attribute `xml:"attributes>attribute" json:"attributes"`
}

func (d ServiceDefinition) xmlRoot() any {
	return struct {
		XMLName xml.Name `xml:"service_definition"`
		ServiceDefinition
	}{ServiceDefinition: d}
}

func (d ServiceDefinition) jsonValue() any {
	attrs := make([]Attribute, len(d.Attributes))
	for i, a := range d.Attributes {
		a.Values = nonNil(a.Values)
		attrs[i] = a
	}
	return ServiceDefinition{ServiceCode: d.ServiceCode, Attributes: attrs}
}

// Endpoint is one API endpoint listed by discovery.
type Endpoint struct {
	Specification string   `xml:"specification" json:"specification"`
	URL           string   `xml:"url" json:"url"`
	Changeset     string   `xml:"changeset" json:"changeset"`
	Type          string   `xml:"type" json:"type"`
	Formats       []string `xml:"formats>format" json:"formats"`
}

// Discovery is the document of /discovery.
type Discovery struct {
	Changeset  string     `xml:"changeset" json:"changeset"`
	Contact    string     `xml:"contact" json:"contact"`
	KeyService string     `xml:"key_service" json:"key_service"`
	Endpoints  []Endpoint `xml:"endpoints>endpoint" json:"endpoints"`
}

func (d Discovery) xmlRoot() any {
	return struct {
		XMLName xml.Name `xml:"discovery"`
		Discovery
	}{Discovery: d}
}

func (d Discovery) jsonValue() any {
	d.Endpoints = nonNil(d.Endpoints)
	for i := range d.Endpoints {
		d.Endpoints[i].Formats = nonNil(d.Endpoints[i].Formats)
	}
	return d
}

// Note is one public entry of a request's history (the "notes" extension).
type Note struct {
	Datetime    Time   `xml:"datetime" json:"datetime"`
	Description Text   `xml:"description" json:"description"`
	Type        string `xml:"type" json:"type"`
}

// Request is a service request as GET answers it. It has no field for the
// reporter: the spec's personal inputs (email, names, phone, account_id,
// device_id) never leave the server.
type Request struct {
	ServiceRequestID  string  `xml:"service_request_id" json:"service_request_id"`
	Status            string  `xml:"status" json:"status"`
	StatusNotes       Text    `xml:"status_notes" json:"status_notes"`
	ServiceName       string  `xml:"service_name" json:"service_name"`
	ServiceCode       string  `xml:"service_code" json:"service_code"`
	Description       Text    `xml:"description" json:"description"`
	AgencyResponsible Text    `xml:"agency_responsible" json:"agency_responsible"`
	ServiceNotice     Text    `xml:"service_notice" json:"service_notice"`
	RequestedDatetime Time    `xml:"requested_datetime" json:"requested_datetime"`
	UpdatedDatetime   Time    `xml:"updated_datetime" json:"updated_datetime"`
	ExpectedDatetime  Time    `xml:"expected_datetime" json:"expected_datetime"`
	Address           Text    `xml:"address" json:"address"`
	AddressID         Text    `xml:"address_id" json:"address_id"`
	Zipcode           Text    `xml:"zipcode" json:"zipcode"`
	Lat               float64 `xml:"lat" json:"lat"`
	Long              float64 `xml:"long" json:"long"`
	MediaURL          Text    `xml:"media_url" json:"media_url"`
	// Notes is filled only when the client asks for extensions=true.
	Notes []Note `xml:"notes>note,omitempty" json:"notes,omitempty"`
}

// Status values of v2: only these two.
const (
	Open   = "open"
	Closed = "closed"
)

// RequestList is the document of GET /requests and GET /requests/{id}.
type RequestList []Request

func (l RequestList) xmlRoot() any {
	return struct {
		XMLName xml.Name  `xml:"service_requests"`
		Items   []Request `xml:"request"`
	}{Items: l}
}

func (l RequestList) jsonValue() any { return nonNil([]Request(l)) }

// Created is the answer of POST /requests and GET /tokens/{token}: a
// realtime service returns the id, a batch one the token, never both.
type Created struct {
	ServiceRequestID string `xml:"service_request_id,omitempty" json:"service_request_id,omitempty"`
	Token            string `xml:"token,omitempty" json:"token,omitempty"`
	ServiceNotice    Text   `xml:"service_notice" json:"service_notice"`
	AccountID        string `xml:"account_id,omitempty" json:"account_id,omitempty"`
}

// CreatedList wraps Created in the spec's one-element collection.
type CreatedList []Created

func (l CreatedList) xmlRoot() any {
	return struct {
		XMLName xml.Name  `xml:"service_requests"`
		Items   []Created `xml:"request"`
	}{Items: l}
}

func (l CreatedList) jsonValue() any { return nonNil([]Created(l)) }

// RequestUpdate is one entry of /servicerequestupdates (mySociety extension).
// Status is the extended, upper-case set (OPEN, INVESTIGATING, FIXED…).
type RequestUpdate struct {
	UpdateID           string `xml:"update_id" json:"update_id"`
	ServiceRequestID   string `xml:"service_request_id" json:"service_request_id"`
	Status             string `xml:"status" json:"status"`
	UpdatedDatetime    Time   `xml:"updated_datetime" json:"updated_datetime"`
	Description        Text   `xml:"description" json:"description"`
	MediaURL           Text   `xml:"media_url" json:"media_url"`
	ExternalStatusCode Text   `xml:"external_status_code" json:"external_status_code"`
}

// UpdateList is the document of GET/POST /servicerequestupdates.
type UpdateList []RequestUpdate

func (l UpdateList) xmlRoot() any {
	return struct {
		XMLName xml.Name        `xml:"service_request_updates"`
		Items   []RequestUpdate `xml:"request_update"`
	}{Items: l}
}

func (l UpdateList) jsonValue() any { return nonNil([]RequestUpdate(l)) }

// ExtendedStatuses is the mySociety status set used on servicerequestupdates.
var ExtendedStatuses = []string{
	"OPEN", "INVESTIGATING", "IN_PROGRESS", "ACTION_SCHEDULED", "FIXED", "DUPLICATE",
	"NOT_COUNCILS_RESPONSIBILITY", "NO_FURTHER_ACTION", "INTERNAL_REFERRAL", "FOR_TRIAGE",
	"CLOSED", "CANCELLED", "REOPEN",
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
