package reports

import (
	"database/sql"
	"time"

	"github.com/arengo-pa/arengo/internal/reports/open311"
	"github.com/arengo-pa/arengo/internal/reports/workflow"
)

// Category is a kind of problem a citizen can report — an Open311 service.
type Category struct {
	ID               string
	Code             string // Open311 service_code
	Name             string
	Group            string
	Description      string
	Hint             string // shown when the citizen picks the category
	Keywords         string
	RadiusM          int // duplicates lookup radius; 0 disables it
	DeadlineDays     int // maximum days to a solution (scheda servizio, C.SE.1.10)
	AnonymousAllowed bool
	Private          bool // reports never public (FixMyStreet's "private" keyword)
	Active           bool
	Order            int
	Attributes       []open311.Attribute
}

// Definition is the category as an Open311 service definition.
func (c Category) Definition() open311.ServiceDefinition {
	return open311.ServiceDefinition{ServiceCode: c.Code, Attributes: c.Attributes}
}

// Report is a segnalazione with everything the office sees. Public views use
// PublicReport, which has no reporter fields.
type Report struct {
	ID           string
	Number       string // request number shown to the citizen and as Open311 id
	Token        string
	CategoryID   string
	CategoryCode string
	CategoryName string
	State        string
	StateLabel   string
	StateType    workflow.Type
	Title        string
	Details      string
	Lat, Lon     sql.NullFloat64
	Address      string
	AddressID    string
	Zipcode      string
	AreaID       sql.NullString
	AreaName     string
	Priority     int
	Office       string
	Operator     string
	Channel      string
	Reporter     Reporter
	Answers      map[string][]string
	MediaURL     string
	DuplicateOf  string
	Supporters   int
	Rating       int
	CreatedAt    time.Time
	UpdatedAt    time.Time
	TakenAt      sql.NullTime
	FixedAt      sql.NullTime
	ClosedAt     sql.NullTime
	DeadlineAt   time.Time
	Version      int64
}

// Overdue tells whether the report is still open past its deadline.
func (r Report) Overdue(now time.Time) bool {
	return r.StateType == workflow.Open && now.After(r.DeadlineAt)
}

// Reporter is who made the report: personal data, never public.
type Reporter struct {
	Kind       string // citizen, anonymous, staff, api
	FiscalCode string
	Name       string
	Email      string
	Phone      string
	Account    string
	Device     string
	Lang       string // "it" or "en": the language they filed in
}

// Reporter kinds.
const (
	ByCitizen   = "citizen"
	ByAnonymous = "anonymous"
	ByStaff     = "staff"
	ByAPI       = "api"
)

// Media is a photo or document attached to a report.
type Media struct {
	ID          string
	ReportID    string
	Kind        string // photo or document
	ContentType string
	BlobKey     string
	Name        string
	Width       int
	Height      int
	Hidden      bool
	CreatedAt   time.Time
}

// Update is one entry of a report's history.
type Update struct {
	ID        string
	ReportID  string
	Kind      string // created, state, answer, note, support, merge, moderation, rating
	Public    bool
	StateFrom string
	StateTo   string
	Text      string
	Hidden    bool
	Author    string // office name for staff, never a citizen's name
	CreatedAt time.Time
}

// Update kinds.
const (
	KindCreated    = "created"
	KindState      = "state"
	KindAnswer     = "answer"
	KindNote       = "note"
	KindSupport    = "support"
	KindMerge      = "merge"
	KindModeration = "moderation"
)

// Area is a part of the comune (quartiere) used for routing and filters.
type Area struct {
	ID      string
	Name    string
	Polygon [][2]float64 // lat, lon
}

// Rule routes reports of a category and/or area to an office and operator.
type Rule struct {
	ID         string
	CategoryID string // "" = any
	AreaID     string // "" = any
	Office     string
	Operator   string
	Order      int
}

// Template is a ready answer staff pick when writing to the citizen.
type Template struct {
	ID     string
	Title  string
	Text   string
	State  string // preselected for this state, "" = any
	Active bool
}

// SavedView is a named queue filter of one operator.
type SavedView struct {
	ID    string
	Name  string
	Query string
	Href  string // the queue with this view's filters
}
