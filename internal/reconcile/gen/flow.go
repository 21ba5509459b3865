package gen

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/arengo-pa/arengo/internal/money"

	"github.com/arengo-pa/arengo/internal/reconcile/flows"
	"github.com/arengo-pa/arengo/internal/reconcile/match"
)

// closeFlow writes the open flow of a bucket, its treasury credits and the
// expected answers for the flow and its movements.
func (g *generator) closeFlow(b bucket) error {
	o := g.open[b]
	if o == nil || len(o.rows) == 0 {
		return nil
	}
	g.open[b] = nil
	g.flowSeq++
	p := g.psps[g.flowSeq%len(g.psps)]
	day := g.cfg.Day
	iuf := fmt.Sprintf("%s%s-%s%08d", day.Format("2006-01-02"), p.id, g.cfg.Segregation, g.flowSeq)
	h := flows.FlowHeader{IUF: iuf, FlowTime: day.Add(-10 * time.Hour), Revision: 1, Regulation: "TRN" + strconv.Itoa(g.flowSeq), RegulationDate: day,
		PSPID: p.id, PSPName: p.name, ECFiscalCode: g.cfg.EC, DeclaredCount: int64(len(o.rows)), DeclaredTotal: o.total}
	rows := func(rs []flows.FlowRow) func(func(flows.FlowRow) error) error {
		return func(y func(flows.FlowRow) error) error {
			for _, r := range rs {
				if err := y(r); err != nil {
					return err
				}
			}
			return nil
		}
	}
	write := func(name string, fn func(*os.File) error) error {
		path := filepath.Join(g.dir, "fdr", name)
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		g.files.FdR = append(g.files.FdR, path)
		if err := fn(f); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	}
	var err error
	switch g.flowSeq % 6 {
	case 0:
		// Revision 1 carried a row that should not have been there; revision 2
		// corrects it and must be the only one that counts.
		bogus := flows.FlowRow{Index: int64(len(o.rows) + 1), IUV: iuv(g.cfg.Segregation, 90_000_000+int64(g.flowSeq)), IUR: "IURX", TransferIndex: 1, AmountCents: 777, Outcome: "0", Date: o.rows[0].Date}
		h1 := h
		h1.DeclaredCount, h1.DeclaredTotal = h.DeclaredCount+1, h.DeclaredTotal+777
		err = write(iuf+"_r1.json", func(f *os.File) error {
			return flows.WriteFdRJSON(f, h1, rows(append(o.rows[:len(o.rows):len(o.rows)], bogus)))
		})
		if err == nil {
			h.Revision, h.FlowTime = 2, h.FlowTime.Add(time.Hour)
			err = write(iuf+"_r2.json", func(f *os.File) error { return flows.WriteFdRJSON(f, h, rows(o.rows)) })
		}
	case 1, 3:
		err = write(iuf+".json", func(f *os.File) error { return flows.WriteFdRJSON(f, h, rows(o.rows)) })
	default:
		h.Revision = 0
		err = write(iuf+".xml", func(f *os.File) error { return flows.WriteFdRXML(f, h, rows(o.rows)) })
	}
	if err != nil {
		return err
	}
	switch b {
	case bCollected, bSecond:
		g.expect(match.KindFlow, iuf, match.RTIUFTES)
		if g.flowSeq%4 == 0 && o.total > 1 {
			// One flow paid with two SCTs (pagopa-api#260): the sum must match.
			half := o.total / 2
			g.movement(half, "/PUR/LGPE-RIVERSAMENTO/TXT/0/URI/"+iuf, match.RTIUFTES)
			g.movement(o.total-half, "/PUR/LGPE-RIVERSAMENTO/TXT/1/URI/"+iuf, match.RTIUFTES)
		} else {
			g.movement(o.total, causaleVariant(g.flowSeq, iuf, p.name), match.RTIUFTES)
		}
	case bReported:
		g.expect(match.KindFlow, iuf, match.IUFNoTES)
	case bDivImp:
		g.expect(match.KindFlow, iuf, match.IUFTESDivImp)
		g.movement(o.total-100, causaleVariant(g.flowSeq, iuf, p.name), match.IUFTESDivImp)
	}
	return nil
}

// causaleVariant spells the riversamento causale the ways banks do.
func causaleVariant(n int, iuf, pspName string) string {
	switch n % 9 {
	case 1:
		return "/PUR/LGPE-RIVERSAMENTO/TXT/0/URI/" + iuf
	case 2:
		return "/PUR/LGPE- RIVERSAMENTO/URI/" + iuf
	case 3:
		return "/PUR/LGPE - RIVERSAMENTO/URI/" + iuf
	case 4:
		return "BONIFICO " + pspName + " LGPE-RIVERSAMENTO URI " + iuf + " SERVIZIO PAGOPA"
	case 5:
		return "/PUR/LGPE-RIVERSAMENTO/URI/" + iuf[:8] + " " + iuf[8:]
	case 6:
		return "ACCREDITI VARI LGPE-RIVERSAMENTO/URI/" + iuf[:10] + " " + iuf[10:]
	case 7:
		return "/PUR/LGPE-RIVERSAMENTO/URI/" + iuf + " /BON.SEPA TRN 1201160260177342 /BEN. COMUNE /ORD. " + pspName
	case 8:
		return "/PUR/L GPE-RIVERSAMENTO/URI/" + iuf[:20] + "\n" + iuf[20:]
	}
	return "/PUR/LGPE-RIVERSAMENTO/URI/" + iuf
}

// movement books one executed income credit, alternating the OPI journal and
// the CSV one, and records its expected code.
func (g *generator) movement(amount int64, causale string, code match.Code) string {
	key := g.writeMovement(amount, causale, "ESEGUITO")
	g.expect(match.KindMovement, key, code)
	return key
}

func (g *generator) writeMovement(amount int64, causale, op string) string {
	if op == "ESEGUITO" {
		g.movSeq++
	}
	n := strconv.Itoa(g.movSeq)
	day := g.cfg.Day
	if g.movSeq%2 == 0 {
		m := flows.Movement{Op: op, Sospeso: g.cfg.Segregation + n, Bill: n, AmountCents: amount, Date: day, ValueDate: day, Payer: "PSP Servizio pagoPA", Causale: causale}
		if err := g.opi.Write(m); err != nil && g.err == nil {
			g.err = err
		}
		return strconv.Itoa(day.Year()) + "/0001/" + m.Sospeso
	}
	bill := "C" + g.cfg.Segregation + n
	a := money.FormatCents(amount)
	if op == "STORNATO" {
		a = "-" + a
	}
	g.csvw.Write([]string{strconv.Itoa(day.Year()), bill, day.Format(time.DateOnly), "PSP Servizio pagoPA", causale, a, day.Format(time.DateOnly)})
	return strconv.Itoa(day.Year()) + "/" + bill
}

// treasuryAnomalies adds credits that match nothing, in proportion to N.
func (g *generator) treasuryAnomalies() error {
	k := max(1, g.cfg.N/200)
	day := g.cfg.Day.Format("2006-01-02")
	for i := range k {
		g.movement(int64(5000+i), fmt.Sprintf("/PUR/LGPE-RIVERSAMENTO/URI/%sZZZZITZZXXX-%s%08d", day, g.cfg.Segregation, i), match.TESNoIUFOrIUV)
		g.movement(int64(1200+i), fmt.Sprintf("/RFB/%s/%s", iuv(g.cfg.Segregation, 80_000_000+int64(i)), money.FormatCents(int64(1200+i))), match.TESNoIUFOrIUV)
		g.movement(int64(300+i), "79 GIROCONTO TRA BANCHE "+strconv.Itoa(i), match.TESNoMatch)
		g.movement(int64(900+i), "/PUR/LGPE-RIVERSAMENTO/URI/2", match.TESNoMatch)
		// A credit booked and then reversed leaves nothing to classify.
		g.writeMovement(int64(4200+i), "/PUR/LGPE-RIVERSAMENTO/URI/"+day+"STORNOITXXXX-1", "ESEGUITO")
		g.writeMovement(int64(4200+i), "/PUR/LGPE-RIVERSAMENTO/URI/"+day+"STORNOITXXXX-1", "STORNATO")
	}
	g.csvw.Flush()
	return errors.Join(g.csvw.Error(), g.err)
}
