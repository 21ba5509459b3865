// Package pagopasim is a pagoPA simulator for development, tests and the demo. It
// speaks the GPD REST contract (specs/pagopa/gpd_openapi_external_v1.json) over
// real HTTP, offers a small checkout page where a citizen pays a notice, pushes
// the receipt (paSendRT fields) to the creditor's receipt endpoint, and at the end
// of a day writes the Flussi di Rendicontazione (FlussoRiversamento 1.0.4) and a
// treasury journal (OPI giornale di cassa 1.6.1) into a directory.
//
// State lives in memory and, when Config.Dir is set, in an append-only journal in
// that directory, replayed at start, so a restarted simulator still knows the
// positions it accepted.
package pagopasim

import (
	"net/http"
	"sync"
	"time"

	"github.com/arengo-pa/arengo/internal/payments/gpd"
)

// Config of a simulator.
type Config struct {
	// ReceiptURL receives each receipt as a SOAP paSendRTReq; ReceiptToken is sent
	// as "Authorization: Bearer". Empty URL: receipts are kept but not sent.
	ReceiptURL   string
	ReceiptToken string
	// SubscriptionKey, when set, must match the Ocp-Apim-Subscription-Key header.
	SubscriptionKey string
	// Dir holds the journal and receives the end-of-day files (fdr/, opi/).
	Dir string
	// FilesDir, when set, receives the end-of-day files instead, all in the
	// folder itself: the demo points it at the reconciliation's watched folder.
	FilesDir string
	// Treasury data printed in the giornale di cassa.
	TreasuryABI string // 5 digits
	EnteCode    string // SIOPE+ ente code, 6 characters [A-Z0-9]
	EnteISTAT   string // 9..15 digits
	Now         func() time.Time
	HTTP        *http.Client
}

// PSP is a payment service provider the checkout offers.
type PSP struct {
	ID, Name, FiscalCode, BIC, Channel string
}

// PSPs are the simulated providers.
var PSPs = []PSP{
	{ID: "SIMPSPIT1XXX", Name: "Banca Simulata S.p.A.", FiscalCode: "00000000001", BIC: "SIMPITM1XXX", Channel: "SIMPSPIT1XXX_01"},
	{ID: "POSTESIMXXXX", Name: "Poste Simulate S.p.A.", FiscalCode: "00000000002", BIC: "POSSITR1XXX", Channel: "POSTESIMXXXX_01"},
}

// Sim is one simulator instance. All methods are safe for concurrent use.
type Sim struct {
	cfg Config

	mu        sync.Mutex
	positions map[string]*gpd.Position // org + "/" + iupd
	navs      map[string]string        // org + "/" + nav → position key
	payments  []payment                // every transfer paid, for the end of day
	receipts  map[string]gpd.SendRTRequest
	pending   []string // receipt ids not yet acknowledged by the creditor
	seq       int64    // IUR, flow and movement numbers
	journal   *journal
}

// payment is one paid transfer, the unit of the FdR.
type payment struct {
	Org, Beneficiary, IUV, IUR, ReceiptID string
	Index                                 int
	Cents                                 int64
	PSP                                   string
	When                                  time.Time
	Reported                              bool
}

// New starts a simulator, replaying the journal in cfg.Dir if there is one.
func New(cfg Config) (*Sim, error) {
	if cfg.Now == nil {
		cfg.Now = func() time.Time { return time.Now().UTC() }
	}
	if cfg.HTTP == nil {
		cfg.HTTP = &http.Client{Timeout: 10 * time.Second}
	}
	if cfg.TreasuryABI == "" {
		cfg.TreasuryABI = "03069"
	}
	if cfg.EnteCode == "" {
		cfg.EnteCode = "ARENGO"
	}
	if cfg.EnteISTAT == "" {
		cfg.EnteISTAT = "000028060"
	}
	s := &Sim{cfg: cfg, positions: map[string]*gpd.Position{}, navs: map[string]string{}, receipts: map[string]gpd.SendRTRequest{}}
	if cfg.Dir != "" {
		j, err := openJournal(cfg.Dir, s)
		if err != nil {
			return nil, err
		}
		s.journal = j
	}
	return s, nil
}

// Close releases the journal file.
func (s *Sim) Close() error {
	if s.journal != nil {
		return s.journal.close()
	}
	return nil
}

func key(org, id string) string { return org + "/" + id }

// Position returns a copy of a position as the simulator holds it.
func (s *Sim) Position(org, iupd string) (gpd.Position, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.positions[key(org, iupd)]
	if !ok {
		return gpd.Position{}, false
	}
	applyDates(p, s.cfg.Now())
	return clone(p), true
}

func clone(p *gpd.Position) gpd.Position {
	c := *p
	c.PaymentOption = append([]gpd.Option(nil), p.PaymentOption...)
	for i := range c.PaymentOption {
		c.PaymentOption[i].Transfer = append([]gpd.Transfer(nil), p.PaymentOption[i].Transfer...)
	}
	return c
}
