package pagopasim

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/arengo-pa/arengo/internal/payments/gpd"
)

// The simulator applies GPD's date rules: PUBLISHED until validityDate, then
// VALID; with switchToExpired an option past its due date cannot be paid, and a
// position whose last due date is past with nothing paid reads EXPIRED.
func TestSimulatorDates(t *testing.T) {
	ctx := context.Background()
	var mu sync.Mutex
	now := time.Date(2030, 1, 10, 9, 0, 0, 0, time.UTC)
	set := func(t time.Time) { mu.Lock(); now = t; mu.Unlock() }
	s, err := New(Config{Now: func() time.Time { mu.Lock(); defer mu.Unlock(); return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	from := time.Date(2030, 2, 1, 0, 0, 0, 0, time.UTC)
	later := position("IUPD-LATER", 1, 1, false)
	later.ValidityDate = &from
	if _, err := s.create(org, later, true); err != nil {
		t.Fatal(err)
	}
	if p, _ := s.Position(org, "IUPD-LATER"); p.Status != gpd.StatusPublished {
		t.Fatalf("before validityDate: %s", p.Status)
	}
	if _, err := s.Pay(ctx, org, later.PaymentOption[0].NAV, PSPs[0].ID); err == nil || !strings.Contains(err.Error(), "non ancora pagabile") {
		t.Errorf("paying before validityDate: %v", err)
	}
	early := position("IUPD-BAD", 5, 1, false)
	early.ValidityDate = &from
	early.PaymentOption[0].DueDate = from.AddDate(0, 0, -1)
	if _, err := s.create(org, early, true); err == nil || !strings.Contains(err.Error(), "validityDate") {
		t.Errorf("dueDate before validityDate accepted: %v", err)
	}

	expiring := position("IUPD-EXP", 10, 2, true) // two instalments, both due 2030-06-30
	expiring.SwitchToExpired = true
	expiring.PaymentOption[1].DueDate = time.Date(2030, 7, 31, 23, 59, 59, 0, time.UTC)
	if _, err := s.create(org, expiring, true); err != nil {
		t.Fatal(err)
	}
	set(from)
	if p, _ := s.Position(org, "IUPD-LATER"); p.Status != gpd.StatusValid {
		t.Errorf("at validityDate: %s", p.Status)
	}
	set(time.Date(2030, 7, 1, 9, 0, 0, 0, time.UTC))
	n, err := s.Lookup(org, expiring.PaymentOption[0].NAV)
	if err != nil || n.Payable || !strings.Contains(n.Reason, "scaduto") {
		t.Errorf("first instalment after its due date: %+v %v", n, err)
	}
	if _, err := s.Pay(ctx, org, expiring.PaymentOption[0].NAV, PSPs[0].ID); err == nil || !strings.Contains(err.Error(), "scaduto") {
		t.Errorf("paying an expired option: %v", err)
	}
	if p, _ := s.Position(org, "IUPD-EXP"); p.Status != gpd.StatusValid {
		t.Errorf("one instalment still open: %s", p.Status)
	}
	if _, err := s.Pay(ctx, org, expiring.PaymentOption[1].NAV, PSPs[0].ID); err != nil {
		t.Errorf("second instalment, not yet due: %v", err)
	}
	if p, _ := s.Position(org, "IUPD-LATER"); p.Status != gpd.StatusValid {
		t.Errorf("without switchToExpired nothing expires: %s", p.Status)
	}

	gone := position("IUPD-GONE", 20, 1, false)
	gone.SwitchToExpired = true
	gone.PaymentOption[0].DueDate = time.Date(2030, 7, 2, 23, 59, 59, 0, time.UTC)
	if _, err := s.create(org, gone, true); err != nil {
		t.Fatal(err)
	}
	set(time.Date(2030, 7, 3, 0, 0, 0, 0, time.UTC))
	if p, _ := s.Position(org, "IUPD-GONE"); p.Status != gpd.StatusExpired {
		t.Errorf("last due date past, nothing paid: %s", p.Status)
	}
}
