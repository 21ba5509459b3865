// Package gen produces a reconciliation day for N payments: receipts (as the
// payments module's events, plus a MyPay export), the ente's notifications,
// FdR files in both formats (with FdR 3 revisions), a treasury journal in OPI
// XML and CSV, and the expected classification of every item, all streamed to
// files so N can be a million. Every code appears in known proportions.
package gen

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/arengo-pa/arengo/internal/money"

	"github.com/arengo-pa/arengo/internal/reconcile/flows"
	"github.com/arengo-pa/arengo/internal/reconcile/match"
)

// Config of one generated day.
type Config struct {
	N       int       // payments
	Seed    uint64    //
	Day     time.Time // day the treasury credits arrive; payments are the day before
	EC      string    // the ente's fiscal code
	FlowMax int       // rows per FdR file (default 1000)
	// Segregation code of the IUVs; change it to generate a second, disjoint day.
	Segregation string
}

// NotifiedDebtType is the debt type whose payments the ente's own system
// notifies (school canteen); a receipt of this type without a notification is RT_NO_IUD.
const NotifiedDebtType = "MENSA"

// DebtTypes are the dovuto types the generator uses, with their share.
var DebtTypes = []string{"TARI", NotifiedDebtType, "CDS", "IMU"}

// Files lists what Generate wrote, in the order they should be imported.
type Files struct {
	Receipts, MyPay, Notifications string
	FdR                            []string
	OPI, CSV                       string
	Expected                       string
}

// All returns every evidence file.
func (f Files) All() []string {
	out := []string{f.Notifications, f.Receipts, f.MyPay}
	out = append(out, f.FdR...)
	return append(out, f.OPI, f.CSV)
}

// Labels name the kinds of file Label tells apart, in import order.
var Labels = []string{"notifications", "receipts", "mypay", "fdr", "journal"}

// Label says which kind of evidence a file of All is.
func (f Files) Label(path string) string {
	switch path {
	case f.Notifications:
		return "notifications"
	case f.Receipts:
		return "receipts"
	case f.MyPay:
		return "mypay"
	case f.OPI, f.CSV:
		return "journal"
	}
	return "fdr"
}

// scenario is what happens to one payment.
type scenario int

const (
	sNotifiedCollected  scenario = iota // IUD_RT_IUF_TES
	sNotifiedReported                   // IUD_RT_IUF
	sCollected                          // RT_IUF_TES
	sReported                           // RT_IUF
	sDirectCredit                       // RT_TES
	sNotReported                        // RT_NO_IUF
	sWrongAmount                        // RT_NO_IUF (FdR amount differs)
	sNotNotified                        // RT_NO_IUD
	sNotificationOnly                   // IUD_NO_RT
	sNotificationAmount                 // IUD_NO_RT (amount differs)
	sReportedNotPaid                    // IUV_NO_RT
	sDouble                             // DOPPI
	sRevoked                            // UNKNOWN
	sInDivImpFlow                       // RT_IUF (its flow: IUF_TES_DIV_IMP)
	sTwoTransfers                       // RT_IUF_TES on transfer 1; transfer 2 belongs to another ente
	sMyPay                              // RT_IUF_TES, receipt from MyPay's export
	sCount
)

// weights gives each scenario's share (per 100 payments).
var weights = [sCount]int{
	sNotifiedCollected: 12, sNotifiedReported: 5, sCollected: 30, sReported: 8, sDirectCredit: 4, sNotReported: 6, sWrongAmount: 2,
	sNotNotified: 3, sNotificationOnly: 3, sNotificationAmount: 2, sReportedNotPaid: 3, sDouble: 2, sRevoked: 1, sInDivImpFlow: 4,
	sTwoTransfers: 10, sMyPay: 5,
}

type bucket int

const (
	bCollected bucket = iota // treasury pays the flow total
	bReported                // no treasury movement yet
	bDivImp                  // treasury pays a different amount
	bSecond                  // collected too: second reportings of DOPPI payments, never beside their first
	bCount
)

type openFlow struct {
	rows  []flows.FlowRow
	total int64
}

type generator struct {
	cfg      Config
	rng      *rand.Rand
	dir      string
	files    Files
	receipts *bufio.Writer
	mypay    *bufio.Writer
	notes    *bufio.Writer
	expected *bufio.Writer
	opi      *flows.OPIWriter
	csv      *bufio.Writer
	csvw     *csv.Writer
	closers  []*os.File
	open     [bCount]*openFlow
	flowSeq  int
	movSeq   int
	psps     []psp
	err      error // first error of a helper that cannot return one
}

type psp struct{ id, name string }

// Generate writes a day into dir and returns the file names.
func Generate(dir string, cfg Config) (Files, error) {
	if cfg.FlowMax == 0 {
		cfg.FlowMax = 1000
	}
	if cfg.EC == "" {
		cfg.EC = "00644060287"
	}
	if cfg.Segregation == "" {
		cfg.Segregation = "01"
	}
	if cfg.Day.IsZero() {
		cfg.Day = time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	}
	g := &generator{cfg: cfg, rng: rand.New(rand.NewPCG(cfg.Seed, 0x5eed)), dir: dir,
		psps: []psp{{"BPPIITRRXXX", "Poste Italiane"}, {"UNCRITMMXXX", "UniCredit"}, {"BCITITMMXXX", "Intesa Sanpaolo"}, {"PPAYITR1XXX", "PayPal"}}}
	if err := os.MkdirAll(filepath.Join(dir, "fdr"), 0o755); err != nil {
		return Files{}, err
	}
	var err error
	open := func(name string) *bufio.Writer {
		if err != nil {
			return nil
		}
		var f *os.File
		f, err = os.Create(filepath.Join(dir, name))
		g.closers = append(g.closers, f)
		return bufio.NewWriterSize(f, 64<<10)
	}
	g.files = Files{Receipts: filepath.Join(dir, "ricevute.jsonl"), MyPay: filepath.Join(dir, "mypay_pagati.csv"), Notifications: filepath.Join(dir, "notifiche.csv"),
		OPI: filepath.Join(dir, "giornale_opi.xml"), CSV: filepath.Join(dir, "giornale.csv"), Expected: filepath.Join(dir, "atteso.csv")}
	g.receipts, g.mypay, g.notes, g.expected, g.csv = open("ricevute.jsonl"), open("mypay_pagati.csv"), open("notifiche.csv"), open("atteso.csv"), open("giornale.csv")
	opiFile := open("giornale_opi.xml")
	if err != nil {
		return Files{}, err
	}
	defer func() {
		for _, f := range g.closers {
			f.Close()
		}
	}()
	g.opi = flows.NewOPIWriter(opiFile, "GDC-"+cfg.Day.Format("20060102")+"TESORERIA0"+cfg.Segregation+"#001#001", cfg.Day.Year(), cfg.Day, "0001")
	fmt.Fprintln(g.mypay, "iuf;numRigaFlusso;codIud;codIuv;identificativoDominio;codiceEsitoPagamento;singoloImportoPagato;dataEsitoSingoloPagamento;identificativoUnivocoRiscoss;tipoDovuto;codiceIdentificativoUnivocoAttestante;denominazioneAttestante")
	fmt.Fprintln(g.notes, "cod_iud;IUV;tipo id;cf;anagrafica;indirizzo;civico;cap;localita;provincia;nazione;email;data esecuzione;tipo versamento;importo;commissione;causale;dati specifici riscossione;tipo dovuto;bilancio")
	g.csvw = csv.NewWriter(g.csv)
	g.csvw.Comma = ';'
	fmt.Fprintln(g.csv, "de_anno_bolletta;cod_bolletta;dt_contabile;de_denominazione;de_causale;num_importo;dt_valuta")
	fmt.Fprintln(g.expected, "kind;key;code")

	table := make([]scenario, 0, 100)
	for s, w := range weights {
		for range w {
			table = append(table, scenario(s))
		}
	}
	for i := range cfg.N {
		if err := g.payment(int64(i+1), table[i%len(table)]); err != nil {
			return Files{}, err
		}
	}
	for b := range bCount {
		if err := g.closeFlow(bucket(b)); err != nil {
			return Files{}, err
		}
	}
	g.csvw.Flush()
	if err := g.treasuryAnomalies(); err != nil {
		return Files{}, err
	}
	if err := g.opi.Close(); err != nil {
		return Files{}, err
	}
	for _, w := range []*bufio.Writer{g.receipts, g.mypay, g.notes, g.expected, g.csv} {
		if err := w.Flush(); err != nil {
			return Files{}, err
		}
	}
	return g.files, nil
}

func (g *generator) expect(kind, key string, code match.Code) {
	fmt.Fprintf(g.expected, "%s;%s;%s\n", kind, key, code)
}

func (g *generator) payment(n int64, s scenario) error {
	iuv := iuv(g.cfg.Segregation, n)
	amount := int64(1000 + g.rng.IntN(49000))
	paid := g.cfg.Day.AddDate(0, 0, -1).Add(time.Duration(8+g.rng.IntN(10)) * time.Hour)
	debtType := DebtTypes[int(n)%len(DebtTypes)]
	if debtType == NotifiedDebtType {
		debtType = "TARI"
	}
	switch s {
	case sNotifiedCollected, sNotifiedReported, sNotNotified, sNotificationOnly, sNotificationAmount:
		debtType = NotifiedDebtType
	}
	iur := "IUR" + strconv.FormatInt(n, 10)
	key := iuv + "/1"
	row := flows.FlowRow{IUV: iuv, IUR: iur, TransferIndex: 1, AmountCents: amount, Outcome: "0", Date: paid}
	receipt := func(transfers ...flows.EventTransfer) error {
		total := int64(0)
		for _, t := range transfers {
			total += t.AmountCents
		}
		if len(transfers) == 0 {
			transfers = []flows.EventTransfer{{IDTransfer: "1", AmountCents: amount, FiscalCodePA: g.cfg.EC, IBAN: "IT60X0542811101000000123456", Remittance: debtType + " " + iuv, Category: "9/0101100IM/"}}
			total = amount
		}
		p := g.psps[int(n)%len(g.psps)]
		return g.writeJSON(flows.ReceiptEvent{ReceiptID: "rt-" + iuv, IUV: iuv, NoticeNumber: "3" + iuv, IUR: iur, CreditorFiscalCode: g.cfg.EC, AmountCents: total,
			PaymentDate: paid, PSPID: p.id, PSPName: p.name, DebtType: debtType, IUPD: g.cfg.EC + "-" + iuv, Transfers: transfers})
	}
	notify := func(a int64) {
		fmt.Fprintf(g.notes, "IUD%d;%s;F;RSSMRA80A01H501U;Mario Rossi;;;;;;IT;;%s;PO;%s;;Mensa scolastica;9/0101100IM/;%s;\n", n, iuv, paid.Format(time.DateOnly), money.FormatCents(a), debtType)
	}
	var err error
	switch s {
	case sNotifiedCollected:
		notify(amount)
		err = receipt()
		g.report(bCollected, row, key, match.IUDRTIUFTES)
	case sNotifiedReported:
		notify(amount)
		err = receipt()
		g.report(bReported, row, key, match.IUDRTIUF)
	case sCollected:
		err = receipt()
		g.report(bCollected, row, key, match.RTIUFTES)
	case sReported:
		err = receipt()
		g.report(bReported, row, key, match.RTIUF)
	case sDirectCredit:
		err = receipt()
		g.expect(match.KindPayment, key, match.RTTES)
		g.movement(amount, fmt.Sprintf("/RFB/%s/%s/TXT/%s", iuv, money.FormatCents(amount), debtType), match.RTTES)
	case sNotReported:
		err = receipt()
		g.expect(match.KindPayment, key, match.RTNoIUF)
	case sWrongAmount:
		err = receipt()
		row.AmountCents = amount - 100
		g.report(bCollected, row, key, match.RTNoIUF)
	case sNotNotified:
		err = receipt()
		g.report(bCollected, row, key, match.RTNoIUD)
	case sNotificationOnly:
		notify(amount)
		g.expect(match.KindPayment, iuv+"/N", match.IUDNoRT)
	case sNotificationAmount:
		notify(amount + 500)
		err = receipt()
		g.report(bCollected, row, key, match.IUDNoRT)
	case sReportedNotPaid:
		row.Outcome = []string{"0", "9", "4", "8"}[int(n)%4]
		g.report(bCollected, row, key, match.IUVNoRT)
	case sDouble:
		err = receipt()
		g.report(bCollected, row, key, match.Doppi)
		g.reportAgain(bSecond, row)
	case sRevoked:
		row.Outcome = "3"
		g.report(bCollected, row, key, match.Unknown)
	case sInDivImpFlow:
		err = receipt()
		g.report(bDivImp, row, key, match.RTIUF)
	case sTwoTransfers:
		tefa := amount / 20
		err = receipt(
			flows.EventTransfer{IDTransfer: "1", AmountCents: amount, FiscalCodePA: g.cfg.EC, IBAN: "IT60X0542811101000000123456", Remittance: "TARI " + iuv, Category: "9/0101100IM/"},
			flows.EventTransfer{IDTransfer: "2", AmountCents: tefa, FiscalCodePA: "80008630287", IBAN: "IT02A0306912711100000046069", Remittance: "TEFA " + iuv, Category: "9/0201102IM/"})
		g.report(bCollected, row, key, match.RTIUFTES)
	case sMyPay:
		p := g.psps[int(n)%len(g.psps)]
		fmt.Fprintf(g.mypay, ";%d;IUD%d;%s;%s;0;%s;%s;%s;%s;%s;%s\n", n, n, iuv, g.cfg.EC, money.FormatCents(amount), paid.Format(time.DateOnly), iur, debtType, p.id, p.name)
		g.report(bCollected, row, key, match.RTIUFTES)
	}
	if err != nil {
		return err
	}
	for b := range bCount {
		if o := g.open[b]; o != nil && len(o.rows) >= g.cfg.FlowMax {
			if err := g.closeFlow(bucket(b)); err != nil {
				return err
			}
		}
	}
	return nil
}

func (g *generator) writeJSON(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	g.receipts.Write(b)
	return g.receipts.WriteByte('\n')
}

func (g *generator) report(b bucket, row flows.FlowRow, key string, code match.Code) {
	g.expect(match.KindPayment, key, code)
	g.reportAgain(b, row)
}

func (g *generator) reportAgain(b bucket, row flows.FlowRow) {
	o := g.open[b]
	if o == nil {
		o = &openFlow{}
		g.open[b] = o
	}
	row.Index = int64(len(o.rows) + 1)
	o.rows = append(o.rows, row)
	o.total += row.AmountCents
}
