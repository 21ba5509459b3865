package match

import (
	"testing"
	"time"

	"github.com/arengo-pa/arengo/internal/reconcile/flows"
)

const ec = "00644060287"

func codeOf(b *Book, kind, key string) Code {
	for _, it := range b.Items() {
		if it.Kind == kind && it.Key == key {
			return it.Code
		}
	}
	return ""
}

func TestLateFlowAndTreasuryReclassify(t *testing.T) {
	day := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	b := NewBook(ec)
	b.AddReceipt(flows.Receipt{ReceiptID: "r1", IUV: "A", AmountCents: 1500, PaymentDate: day, Transfers: []flows.Transfer{
		{Index: 1, AmountCents: 1000, FiscalCodePA: ec, IBAN: "IT1"},
		{Index: 2, AmountCents: 500, FiscalCodePA: ec, Stamp: true},
	}}, false)
	b.Reclassify()
	if c := codeOf(b, KindPayment, "A/1"); c != RTNoIUF {
		t.Fatalf("before the FdR: %s", c)
	}
	if c := codeOf(b, KindPayment, "A/2"); c != RTIUF {
		t.Fatalf("stamp: %s", c)
	}
	h := flows.FlowHeader{IUF: "2026-11-25PSP-1", Revision: 1, RegulationDate: day}
	b.AddFlow("v1", h, []flows.FlowRow{{Index: 1, IUV: "A", TransferIndex: 1, AmountCents: 1000, Outcome: "0"}})
	if n := b.Reclassify(); n == 0 {
		t.Fatal("late FdR changed nothing")
	}
	if c := codeOf(b, KindPayment, "A/1"); c != RTIUF {
		t.Fatalf("after the FdR: %s", c)
	}
	b.ApplyMovement(flows.Movement{Key: "m1", Op: "ESEGUITO", AmountCents: 1000, Causale: "/PUR/LGPE-RIVERSAMENTO/URI/2026-11-25PSP-1"})
	b.Reclassify()
	if c := codeOf(b, KindPayment, "A/1"); c != RTIUFTES {
		t.Fatalf("after the treasury: %s", c)
	}
	if c := codeOf(b, KindFlow, h.IUF); c != RTIUFTES {
		t.Fatalf("flow: %s", c)
	}
	// The bank reverses the credit: back to reported-not-collected.
	b.ApplyMovement(flows.Movement{Key: "m1", Op: "STORNATO"})
	b.Reclassify()
	if c := codeOf(b, KindPayment, "A/1"); c != RTIUF || codeOf(b, KindFlow, h.IUF) != IUFNoTES || codeOf(b, KindMovement, "m1") != "" {
		t.Fatalf("after the reversal: %s %s", c, codeOf(b, KindFlow, h.IUF))
	}
	// A newer revision with a different amount supersedes the first one.
	h.Revision = 2
	b.AddFlow("v2", h, []flows.FlowRow{{Index: 1, IUV: "A", TransferIndex: 1, AmountCents: 900, Outcome: "0"}})
	b.Reclassify()
	it := b.payments["A"][0]
	if it.Code != RTNoIUF || it.Why.Compared != "ricevuta/FdR" || it.Why.Expected != 1000 || it.Why.Found != 900 || it.Why.FlowRows[0] != "v2#1" {
		t.Fatalf("after revision 2: %+v", it)
	}
	if b.Reclassify() != 0 {
		t.Fatal("not idempotent")
	}
}

func TestSeverities(t *testing.T) {
	for _, c := range AllCodes {
		if c.Label() == "" || c.Severity() == "" {
			t.Errorf("%s without label or severity", c)
		}
	}
	if RTIUFTES.Severity() != Info || RTNoIUF.Severity() != Warning || Doppi.Severity() != Error || Code("X").Valid() {
		t.Fatal("severity table")
	}
}
