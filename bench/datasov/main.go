// Command datasov measures the export, the import and the change feed against floors measured in the
// same run: a bare streaming read and a bare batched insert of the same rows, and bare synchronous
// JetStream publishes of the same events.
//
//	go run ./bench/datasov                 # 200,000 rows, 20,000 events
//	go run ./bench/datasov -rows 1000000 -repeat 1   # the full size
//	go run ./bench/datasov -pg postgres://postgres@127.0.0.1:5432/test?sslmode=disable
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
)

func main() {
	rows := flag.Int("rows", 200_000, "rows in the export/import table (1000000 for the full run)")
	feed := flag.Int("events", 20_000, "events through the feed")
	repeat := flag.Int("repeat", 3, "runs of each step and of its floor; the fastest counts")
	pg := flag.String("pg", "", "also run export/import on this PostgreSQL DSN (a fresh schema is made and dropped)")
	flag.Parse()
	ctx := context.Background()
	tmp, err := os.MkdirTemp("", "bench-datasov-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(tmp)

	fmt.Printf("# datasov benchmark: %d rows, %d events, best of %d runs\n\n", *rows, *feed, *repeat)
	engines := []string{filepath.Join(tmp, "sqlite")}
	if *pg != "" {
		engines = append(engines, *pg)
	}
	for _, target := range engines {
		if err := benchSnapshot(ctx, target, tmp, *rows, *repeat); err != nil {
			log.Fatal(err)
		}
	}
	if err := benchFeed(ctx, tmp, *feed); err != nil {
		log.Fatal(err)
	}
}
