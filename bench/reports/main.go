// Command reports benchmarks the segnalazioni module on a database filled
// with synthetic reports over five years, on SQLite and (when
// ARENGO_TEST_POSTGRES is set) PostgreSQL, each figure next to a floor
// measured in the same run:
//
//   - GET /open311/v2/requests.json (a page of 1,000 with filters) next to a
//     handler in the same binary writing the same bytes already encoded;
//   - report creation (POST /open311/v2/requests.json) next to a bare INSERT
//     of the same row;
//   - the nearby-duplicates lookup.
//
// Default size runs in about a minute; -full fills 1,000,000 reports.
//
//	go run ./bench/reports            # 100,000 reports
//	go run ./bench/reports -full      # 1,000,000 reports
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"
)

func main() {
	n := flag.Int("n", 100_000, "reports to generate")
	full := flag.Bool("full", false, "generate 1,000,000 reports (overrides -n)")
	dur := flag.Duration("d", 3*time.Second, "duration of each measurement")
	conc := flag.Int("c", 4, "concurrent clients")
	cpuprofile := flag.String("cpuprofile", "", "write one CPU profile per engine and measurement: <prefix>.<engine>.<measurement>.pprof")
	engines := flag.String("engines", "", "sqlite,postgres (default: sqlite, plus postgres when ARENGO_TEST_POSTGRES is set)")
	flag.Parse()
	if *full {
		*n = 1_000_000
	}
	list := []string{"sqlite"}
	if os.Getenv("ARENGO_TEST_POSTGRES") != "" {
		list = append(list, "postgres")
	}
	if *engines != "" {
		list = strings.Split(*engines, ",")
	}
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	ctx := context.Background()
	profilePrefix = *cpuprofile
	for _, engine := range list {
		res, err := run(ctx, engine, *n, *dur, *conc)
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", engine, err)
			return
		}
		res.print(os.Stdout)
	}
}
