// Package sendsim is a SEND (Piattaforma Notifiche Digitali) simulator over
// real HTTP following the B2B contract the send client uses: preload, upload
// to a presigned URL with secret and SHA-256, notification request (202, 409
// on a repeated paProtocolNumber/idempotenceToken), acceptance polling
// (WAITING → ACCEPTED with IUN, or REFUSED with errors) and the sent
// notification's status history and timeline. Requests are journaled so a
// restarted simulator still refuses duplicates.
package sendsim

import (
	"crypto/rand"
	"fmt"
	"sync"
	"time"

	"github.com/arengo-pa/arengo/internal/notify/send"
	"github.com/arengo-pa/arengo/internal/notify/simjournal"
)

// Operation names accepted by Inject.
const (
	OpPreload = "preload"
	OpUpload  = "upload"
	OpRequest = "request"
	OpStatus  = "status"
)

type upload struct {
	Secret      string
	ContentType string
	Sha256      string
	Version     string // set once the bytes arrived with the right checksum
}

type request struct {
	ID       string
	Req      send.NewNotificationRequest
	IUN      string
	Polls    int // polls still answering WAITING
	Refusals []send.ProblemError
	Accepted time.Time
}

// entry is one journal line: a registered request or an absorbed duplicate.
type entry struct {
	Request   *request `json:"request,omitempty"`
	Duplicate bool     `json:"duplicate,omitempty"`
}

type injection struct {
	op        string
	status    int
	remaining int
}

// Sim is the simulator; an http.Handler serving SEND's paths at its root.
type Sim struct {
	mu           sync.Mutex
	apiKeys      map[string]bool
	uploads      map[string]*upload
	requests     map[string]*request
	byProtocol   map[string]string // paProtocolNumber|idempotenceToken → request id
	byIUN        map[string]string
	refuseTaxIDs map[string]string // recipient tax id → refusal detail
	injected     []injection
	duplicates   int
	// WaitingPolls is how many status polls answer WAITING before the verdict.
	WaitingPolls int
	journal      *simjournal.Journal[entry]
}

// New returns a simulator accepting apiKey; with journalPath it remembers
// requests across restarts.
func New(apiKey, journalPath string) (*Sim, error) {
	s := &Sim{
		apiKeys: map[string]bool{apiKey: true}, uploads: map[string]*upload{}, requests: map[string]*request{},
		byProtocol: map[string]string{}, byIUN: map[string]string{}, refuseTaxIDs: map[string]string{}, WaitingPolls: 1,
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

// Refuse makes validation refuse notifications to this recipient.
func (s *Sim) Refuse(taxID, detail string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuseTaxIDs[taxID] = detail
}

// Inject makes the next `times` calls of op answer status.
func (s *Sim) Inject(op string, status, times int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.injected = append(s.injected, injection{op: op, status: status, remaining: times})
}

// Stats returns how many distinct notifications were requested and how many
// repeated requests were refused as duplicates.
func (s *Sim) Stats() (requests, duplicates int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.requests), s.duplicates
}

func (s *Sim) replay(e entry) {
	if e.Duplicate {
		s.duplicates++
		return
	}
	r := e.Request
	r.Polls = 0
	s.requests[r.ID] = r
	s.byProtocol[r.Req.PaProtocolNumber+"|"+r.Req.IdempotenceToken] = r.ID
	if r.IUN != "" {
		s.byIUN[r.IUN] = r.ID
	}
}

func (s *Sim) takeInjection(op string) int {
	for i := range s.injected {
		if s.injected[i].op == op && s.injected[i].remaining > 0 {
			s.injected[i].remaining--
			return s.injected[i].status
		}
	}
	return 0
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%x", b)
}

// newIUN builds an IUN: AAAA-BBBB-CCCC-YYYYMM-L-D.
func newIUN(now time.Time) string {
	b := make([]byte, 14)
	_, _ = rand.Read(b)
	l := func(i int) byte { return 'A' + b[i]%26 }
	return fmt.Sprintf("%c%c%c%c-%c%c%c%c-%c%c%c%c-%s-%c-%d",
		l(0), l(1), l(2), l(3), l(4), l(5), l(6), l(7), l(8), l(9), l(10), l(11),
		now.UTC().Format("200601"), l(12), b[13]%10)
}

func newRequestID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]) // 36 characters
}
