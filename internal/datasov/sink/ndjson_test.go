package sink

import (
	"context"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/arengo-pa/arengo/internal/blob/s3fake"
)

func TestNDJSONRotatesBySizeAndHourAndListsChecksums(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	clk := &clock{t: time.Date(2026, 11, 25, 9, 59, 0, 0, time.UTC)}
	dest := DirDestination{Dir: dir}
	s, err := NewNDJSON(ctx, NDJSONConfig{Name: "open-data", Spool: filepath.Join(dir, ".spool"), Dest: dest,
		MaxBytes: 4096, Now: clk.Now,
		Pseudo: Pseudonymisation{Pseudonymise: []string{"fiscal_code"}, Key: []byte("0123456789abcdef")}})
	if err != nil {
		t.Fatal(err)
	}
	events := testEvents(100)
	for i, e := range events {
		if i == 10 {
			clk.Add(2 * time.Minute) // 10:01: a new hour starts a new file
		}
		if err := s.Deliver(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	clk.Add(time.Hour)
	if err := s.Tick(ctx); err != nil { // idle past the hour: the open file closes
		t.Fatal(err)
	}
	got := readAll(t, dest)
	sameIDs(t, got, events)
	for _, e := range got {
		if strings.Contains(string(e.Payload), "RSSMRA") {
			t.Fatalf("fiscal code in the open-data feed: %s", e.Payload)
		}
	}
	m := s.Manifest()
	if len(m) < 3 || !strings.HasPrefix(m[0].File, "feed-20261125T09-") || !strings.HasPrefix(m[1].File, "feed-20261125T10-") {
		t.Fatalf("expected a 09 file then 10 files rotated by size, got %+v", m)
	}
	total := 0
	for _, e := range m {
		if e.Bytes > 4096 {
			t.Errorf("%s has %d bytes, over the limit", e.File, e.Bytes)
		}
		total += e.Events
	}
	if total != len(events) || m[0].Events != 10 {
		t.Errorf("manifest counts %d events (first file %d)", total, m[0].Events)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".spool", "feed-*")); len(left) != 0 {
		t.Errorf("spool not emptied: %v", left)
	}
}

func TestNDJSONRecoversTornFileWithoutLossOrDuplicates(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cfg := NDJSONConfig{Name: "archivio", Spool: filepath.Join(dir, ".spool"), Dest: DirDestination{Dir: dir}}
	events := testEvents(50)
	s, err := NewNDJSON(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range events[:30] {
		if err := s.Deliver(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	// The process dies while writing event 30: half a line is on disk and was never acknowledged.
	parts, _ := filepath.Glob(filepath.Join(cfg.Spool, "*.part"))
	if len(parts) != 1 {
		t.Fatalf("expected one open file, got %v", parts)
	}
	line, _ := Marshal(events[30])
	f, _ := os.OpenFile(parts[0], os.O_WRONLY|os.O_APPEND, 0)
	f.Write(line[:len(line)/2])
	f.Close()

	s2, err := NewNDJSON(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	// At least once: the kernel delivers again from its last committed cursor (event 25).
	for _, e := range events[25:] {
		if err := s2.Deliver(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	if err := s2.Close(); err != nil {
		t.Fatal(err)
	}
	sameIDs(t, readAll(t, cfg.Dest), events)
	raw, _ := os.ReadFile(filepath.Join(dir, s2.Manifest()[0].File))
	if n := strings.Count(string(raw), "\n"); n != len(events) {
		t.Errorf("file holds %d lines, want %d (no copies)", n, len(events))
	}
}

func TestNDJSONReaderRefusesTamperedFile(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := NewNDJSON(ctx, NDJSONConfig{Name: "x", Spool: filepath.Join(dir, ".spool"), Dest: DirDestination{Dir: dir}})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range testEvents(5) {
		if err := s.Deliver(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	path := filepath.Join(dir, s.Manifest()[0].File)
	raw, _ := os.ReadFile(path)
	os.WriteFile(path, []byte(strings.Replace(string(raw), "riga 3", "riga 4", 1)), 0o640)
	err = ReadFeed(ctx, DirDestination{Dir: dir}, func(Event) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "SHA-256") {
		t.Fatalf("tampered file accepted: %v", err)
	}
}

func TestNDJSONToS3KeepsEventsThroughAnOutage(t *testing.T) {
	ctx := context.Background()
	fake := s3fake.New("comune")
	srv := httptest.NewServer(fake)
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	dest, err := NewS3Destination(ctx, S3Config{Endpoint: u.Host, AccessKey: "ak", SecretKey: "sk", Bucket: "comune", Prefix: "feed/archivio", MaxRetries: 1})
	if err != nil {
		t.Fatal(err)
	}
	spool := t.TempDir()
	clk := &clock{t: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}
	s, err := NewNDJSON(ctx, NDJSONConfig{Name: "s3", Spool: spool, Dest: dest, MaxBytes: 2048, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	events := testEvents(60)
	for _, e := range events[:20] {
		if err := s.Deliver(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	fake.SetFail(true)
	var failed bool
	for _, e := range events[20:40] {
		// The kernel would retry a failed delivery; the event is already safe in the spool.
		if s.Deliver(ctx, e) != nil {
			failed = true
		}
	}
	if !failed {
		t.Fatal("the outage was not reported")
	}
	fake.SetFail(false)
	for _, e := range events[40:] {
		if err := s.Deliver(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	clk.Add(time.Hour)
	if err := s.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	sameIDs(t, readAll(t, dest), events)
	if _, ok := fake.Object("comune", "feed/archivio/manifest.ndjson"); !ok {
		t.Error("manifest not in the bucket")
	}

	// A new machine with an empty spool continues the numbering from the bucket's manifest.
	s2, err := NewNDJSON(ctx, NDJSONConfig{Name: "s3", Spool: t.TempDir(), Dest: dest, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	more := testEvents(61)[60:]
	more[0].ID = "0193-extra"
	if err := s2.Deliver(ctx, more[0]); err != nil {
		t.Fatal(err)
	}
	s2.Close()
	sameIDs(t, readAll(t, dest), append(events, more...))
}

// After a crash the kernel delivers again from its last saved cursor, which may lie before the last
// rotation: those events are recognised in the file closed just before, not written twice.
func TestNDJSONRedeliveryAcrossRotationWritesNoCopies(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	events := testEvents(40)
	line, _ := Marshal(events[0])
	cfg := NDJSONConfig{Name: "x", Spool: filepath.Join(dir, ".spool"), Dest: DirDestination{Dir: dir}, MaxBytes: int64(len(line)+1) * 10}
	s, err := NewNDJSON(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range events[:25] { // files of about 10 events: two closed, the third open
		if err := s.Deliver(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	// Killed without Close; the cursor was saved a few events before the last rotation.
	m := s.Manifest()
	if len(m) != 2 {
		t.Fatalf("want two closed files, got %+v", m)
	}
	from := m[0].Events + m[1].Events - 3
	s2, err := NewNDJSON(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range events[from:] {
		if err := s2.Deliver(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	s2.Close()
	var lines int
	for _, f := range s2.Manifest() {
		lines += f.Events
	}
	if lines != len(events) {
		t.Errorf("%d lines written for %d events", lines, len(events))
	}
	sameIDs(t, readAll(t, cfg.Dest), events)
}
