// Package appiosim is an App IO Services API simulator over real HTTP. It
// follows specs/appio/io-services-openapi.yaml for getProfile,
// submitMessageforUser and getMessage, and can be told which fiscal codes are
// not IO users, which have blocked the service, and which answers to inject
// (400/403/404/429/500). Messages are deduplicated and counted by the
// Idempotency-Key header and optionally journaled to a file, so a test or a
// benchmark can prove exactly-once delivery across restarts.
package appiosim

import (
	"sync"
	"time"

	"github.com/arengo-pa/arengo/internal/notify/appio"
	"github.com/arengo-pa/arengo/internal/notify/simjournal"
)

// entry is one journal line: an accepted message or an absorbed duplicate.
type entry struct {
	Message   Received `json:"message,omitzero"`
	Duplicate bool     `json:"duplicate,omitempty"`
}

// Operation names accepted by Inject.
const (
	OpProfile = "getProfile"
	OpSubmit  = "submitMessage"
	OpMessage = "getMessage"
)

// Received is a message the simulator accepted.
type Received struct {
	ID             string               `json:"id"`
	IdempotencyKey string               `json:"key,omitempty"`
	ServiceID      string               `json:"service_id"`
	FiscalCode     string               `json:"fiscal_code"`
	Content        appio.MessageContent `json:"content"`
	CreatedAt      time.Time            `json:"created_at"`
	Status         string               `json:"status"`
}

type injection struct {
	op         string
	status     int
	retryAfter string
	remaining  int
}

// Sim is the simulator; it is an http.Handler rooted at "/" serving "/api/v1/…".
type Sim struct {
	mu         sync.Mutex
	services   map[string]string          // API key → service id
	notUsers   map[string]bool            // fiscal codes without an IO profile
	blocked    map[string]bool            // fiscal codes that disabled every service of ours
	restricted map[string]map[string]bool // API key → the only fiscal codes it may write to
	injected   []injection
	messages   map[string]*Received // IO id → message
	byKey      map[string]string    // idempotency key → IO id
	duplicates int                  // resubmissions absorbed by the idempotency key
	requests   map[string]int       // per operation, for assertions on retries
	journal    *simjournal.Journal[entry]
}

// New returns a simulator; with a non-empty journalPath every accepted
// message is appended to that file and replayed on the next New.
func New(journalPath string) (*Sim, error) {
	s := &Sim{
		services:   map[string]string{},
		notUsers:   map[string]bool{},
		blocked:    map[string]bool{},
		restricted: map[string]map[string]bool{},
		messages:   map[string]*Received{},
		byKey:      map[string]string{},
		requests:   map[string]int{},
	}
	if journalPath != "" {
		j, err := simjournal.Open(journalPath, s.replay)
		if err != nil {
			return nil, err
		}
		s.journal = j
	}
	return s, nil
}

// Close closes the journal.
func (s *Sim) Close() error {
	if s.journal == nil {
		return nil
	}
	return s.journal.Close()
}

// AddService registers the API key of an IO service.
func (s *Sim) AddService(key, serviceID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.services[key] = serviceID
}

// NotUser makes getProfile answer 404 for these fiscal codes.
func (s *Sim) NotUser(fiscalCodes ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, cf := range fiscalCodes {
		s.notUsers[cf] = true
	}
}

// Block makes getProfile answer sender_allowed=false for these fiscal codes.
func (s *Sim) Block(fiscalCodes ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, cf := range fiscalCodes {
		s.blocked[cf] = true
	}
}

// Restrict puts a service in IO's test mode: it may only write to the given
// fiscal codes, other recipients get 403.
func (s *Sim) Restrict(key string, fiscalCodes ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	allowed := map[string]bool{}
	for _, cf := range fiscalCodes {
		allowed[cf] = true
	}
	s.restricted[key] = allowed
}

// Inject makes the next `times` calls of op answer status (with the given
// Retry-After header when not empty) before any other processing.
func (s *Sim) Inject(op string, status, times int, retryAfter string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.injected = append(s.injected, injection{op: op, status: status, retryAfter: retryAfter, remaining: times})
}

// Requests returns how many calls of op reached the simulator.
func (s *Sim) Requests(op string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests[op]
}

// Messages returns the accepted messages in no particular order.
func (s *Sim) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Received, 0, len(s.messages))
	for _, m := range s.messages {
		out = append(out, *m)
	}
	return out
}

// Stats returns the number of distinct messages and of absorbed resubmissions.
func (s *Sim) Stats() (messages, duplicates int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.messages), s.duplicates
}

// HasKey reports whether a message with this idempotency key was accepted.
func (s *Sim) HasKey(key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.byKey[key]
	return ok
}

func (s *Sim) replay(e entry) {
	if e.Duplicate {
		s.duplicates++
		return
	}
	m := e.Message
	s.messages[m.ID] = &m
	if m.IdempotencyKey != "" {
		s.byKey[m.IdempotencyKey] = m.ID
	}
}
