// Command payments-bench measures the payments module against floors measured in
// the same run: MyPay CSV import rows/s next to a bare INSERT of the same rows,
// and notice PDFs/s in a batch (a zip, and one PDF) next to a page holding only
// the QR code.
//
//	go run ./bench/payments                  # small sizes, under a minute
//	go run ./bench/payments -rows 100000 -notices 10000
//
// SQLite always; PostgreSQL too when ARENGO_TEST_POSTGRES holds a DSN.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime/pprof"
)

var verbose = flag.Bool("v", false, "print import speed per tenth of the file")

func main() {
	rows := flag.Int("rows", 10000, "rows in the CSV import benchmark")
	notices := flag.Int("notices", 1000, "notices in the PDF batch benchmark")
	only := flag.String("only", "", "run only \"import\" or \"notices\"")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile to this file")
	flag.Parse()
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	if *only != "import" {
		if err := runNotices(*notices); err != nil {
			fmt.Fprintln(os.Stderr, "notices:", err)
			return
		}
	}
	if *only != "notices" {
		if err := runImport(*rows); err != nil {
			fmt.Fprintln(os.Stderr, "import:", err)
			return
		}
	}
}

func runNotices(n int) error {
	small := n / 10
	if small < 1 {
		small = 1
	}
	fullSmall, _, err := benchNotices(small)
	if err != nil {
		return err
	}
	full, floor, err := benchNotices(n)
	if err != nil {
		return err
	}
	fmt.Printf("notices: %d in a zip: %.0f PDF/s, QR-only floor %.0f PDF/s, ratio %.0f%% (target ≥25%%); per CPU-second %.0f vs %.0f, ratio %.0f%%\n",
		n, full.perSecond(), floor.perSecond(), 100*full.perSecond()/floor.perSecond(),
		full.perCPUSecond(), floor.perCPUSecond(), 100*full.perCPUSecond()/floor.perCPUSecond())
	fmt.Printf("notices: peak live heap %.1f MiB for %d notices, %.1f MiB for %d (floor %.1f MiB); heap in use %.1f / %.1f MiB\n",
		mib(full.peakLive), n, mib(fullSmall.peakLive), small, mib(floor.peakLive), mib(full.peakHeap), mib(fullSmall.peakHeap))
	oneSmall, keptSmall, err := benchOnePDF(small)
	if err != nil {
		return err
	}
	one, kept, err := benchOnePDF(n)
	if err != nil {
		return err
	}
	fmt.Printf("notices: %d in one PDF: %.0f PDF/s (%.0f%% of the QR-only floor; per CPU-second %.0f, %.0f%%); peak live heap %.1f MiB for %d, %.1f MiB for %d; heap in use %.1f / %.1f MiB; after forced GC %.2f MiB for %d, %.2f MiB for %d\n",
		n, one.perSecond(), 100*one.perSecond()/floor.perSecond(), one.perCPUSecond(), 100*one.perCPUSecond()/floor.perCPUSecond(),
		mib(one.peakLive), n, mib(oneSmall.peakLive), small, mib(one.peakHeap), mib(oneSmall.peakHeap), mib(kept), n, mib(keptSmall), small)
	return nil
}
