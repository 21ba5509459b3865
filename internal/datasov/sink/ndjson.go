package sink

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/arengo-pa/arengo/internal/blob"
)

// NDJSONConfig configures an append-only NDJSON sink.
type NDJSONConfig struct {
	Name     string      // sink name, used in metrics and logs
	Spool    string      // local directory for the open file and closed files not yet delivered
	Dest     Destination // where closed files and the manifest go
	MaxBytes int64       // a file is closed when the next event would make it bigger (default 64 MiB)
	Pseudo   Pseudonymisation
	// NoFsync skips the fsync after every event. A killed process still loses nothing (the bytes are
	// in the OS page cache); only a power cut could lose the last events. Used by benchmarks.
	NoFsync bool
	Now     func() time.Time
}

// NDJSONSink writes each event as one line to the open file in the spool directory. A file is closed
// when the UTC hour changes or it reaches MaxBytes; a closed file is copied to the destination, listed
// with its SHA-256 in the manifest, then removed from the spool.
//
// Crash safety: a line is written with one write call and fsynced before Deliver returns, so the
// kernel's cursor only moves past events that are on disk. At start the open file is cut back to its
// last complete line (the torn event was not acknowledged, the kernel delivers it again) and the ids
// it holds are remembered, so an event delivered again is not written twice.
type NDJSONSink struct {
	cfg NDJSONConfig

	mu       sync.Mutex
	open     *openFile
	recent   *idRing
	manifest []ManifestEntry
	nextSeq  int
}

type openFile struct {
	f      *os.File
	name   string // final name; the spool holds it as name+".part" while open
	hour   time.Time
	size   int64
	events int
}

const (
	manifestName = "manifest.ndjson"
	partSuffix   = ".part"
	fileSuffix   = ".ndjson"
)

// NewNDJSON opens the sink, recovering what a previous process left in the spool.
func NewNDJSON(ctx context.Context, cfg NDJSONConfig) (*NDJSONSink, error) {
	if cfg.Spool == "" || cfg.Dest == nil {
		return nil, errors.New("sink NDJSON: servono spool e destinazione")
	}
	if err := cfg.Pseudo.Validate(); err != nil {
		return nil, err
	}
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = 64 << 20
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if err := os.MkdirAll(cfg.Spool, 0o750); err != nil {
		return nil, err
	}
	s := &NDJSONSink{cfg: cfg, recent: newIDRing(8192)}
	if err := s.loadManifest(ctx); err != nil {
		return nil, err
	}
	if err := s.recoverSpool(); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *NDJSONSink) Name() string { return s.cfg.Name }

// Deliver appends the event, then tries to hand closed files to the destination. When the destination
// is down the event stays safe in the spool and the error is returned, so the kernel retries and the
// sink's lag shows the outage.
func (s *NDJSONSink) Deliver(ctx context.Context, e Event) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.recent.has(e.ID) {
		if err := s.append(e); err != nil {
			return err
		}
	}
	return s.flushPending(ctx)
}

// Tick closes the open file once its hour is over, even when no event arrives, and retries delivery
// of closed files. Call it every minute or so.
func (s *NDJSONSink) Tick(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.open != nil && !s.open.hour.Equal(hourOf(s.cfg.Now())) {
		if err := s.closeOpen(); err != nil {
			return err
		}
	}
	return s.flushPending(ctx)
}

// Close closes the open file and delivers it (best effort: what is not delivered stays in the spool).
func (s *NDJSONSink) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.open == nil {
		return nil
	}
	if err := s.closeOpen(); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return s.flushPending(ctx)
}

// Manifest returns the files delivered so far.
func (s *NDJSONSink) Manifest() []ManifestEntry {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]ManifestEntry(nil), s.manifest...)
}

func (s *NDJSONSink) append(e Event) error {
	payload, err := s.cfg.Pseudo.Apply(e.Payload)
	if err != nil {
		return fmt.Errorf("evento %s: %w", e.ID, err)
	}
	e.Payload = payload
	b, err := Marshal(e)
	if err != nil {
		return err
	}
	b = append(b, '\n')
	now := s.cfg.Now()
	if o := s.open; o != nil && (!o.hour.Equal(hourOf(now)) || (o.events > 0 && o.size+int64(len(b)) > s.cfg.MaxBytes)) {
		if err := s.closeOpen(); err != nil {
			return err
		}
	}
	if s.open == nil {
		if err := s.openNew(now); err != nil {
			return err
		}
	}
	o := s.open
	if _, err := o.f.Write(b); err != nil {
		// Cut the torn line so that the file stays a sequence of whole lines.
		_ = o.f.Truncate(o.size)
		_, _ = o.f.Seek(o.size, io.SeekStart)
		return fmt.Errorf("sink %s: scrittura: %w", s.cfg.Name, err)
	}
	if !s.cfg.NoFsync {
		if err := o.f.Sync(); err != nil {
			return fmt.Errorf("sink %s: fsync: %w", s.cfg.Name, err)
		}
	}
	o.size += int64(len(b))
	o.events++
	s.recent.add(e.ID)
	return nil
}

func (s *NDJSONSink) openNew(now time.Time) error {
	hour := hourOf(now)
	name := fmt.Sprintf("feed-%s-%06d%s", hour.Format("20060102T15"), s.nextSeq, fileSuffix)
	f, err := os.OpenFile(filepath.Join(s.cfg.Spool, name+partSuffix), os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o640)
	if err != nil {
		return err
	}
	if err := blob.SyncDir(s.cfg.Spool); err != nil {
		f.Close()
		return err
	}
	s.nextSeq++
	s.open = &openFile{f: f, name: name, hour: hour}
	return nil
}

func (s *NDJSONSink) closeOpen() error {
	o := s.open
	if err := o.f.Sync(); err != nil {
		return err
	}
	if err := o.f.Close(); err != nil {
		return err
	}
	s.open = nil
	if o.events == 0 {
		return os.Remove(filepath.Join(s.cfg.Spool, o.name+partSuffix))
	}
	if err := os.Rename(filepath.Join(s.cfg.Spool, o.name+partSuffix), filepath.Join(s.cfg.Spool, o.name)); err != nil {
		return err
	}
	return blob.SyncDir(s.cfg.Spool)
}

// flushPending delivers the closed files still in the spool, oldest first. Each step is idempotent,
// so a crash anywhere in between only repeats work.
func (s *NDJSONSink) flushPending(ctx context.Context) error {
	names, err := s.spoolFiles(fileSuffix)
	if err != nil {
		return err
	}
	for _, name := range names {
		path := filepath.Join(s.cfg.Spool, name)
		if !s.listed(name) {
			entry, err := describeFile(path, name)
			if err != nil {
				return err
			}
			if err := putFile(ctx, s.cfg.Dest, path, name); err != nil {
				return fmt.Errorf("sink %s: invio di %s a %s: %w", s.cfg.Name, name, s.cfg.Dest, err)
			}
			entry.ClosedAt = s.cfg.Now().UTC()
			s.manifest = append(s.manifest, entry)
			if err := s.saveManifest(); err != nil {
				return err
			}
		}
		if err := putFile(ctx, s.cfg.Dest, filepath.Join(s.cfg.Spool, manifestName), manifestName); err != nil {
			return fmt.Errorf("sink %s: invio del manifest a %s: %w", s.cfg.Name, s.cfg.Dest, err)
		}
		if err := os.Remove(path); err != nil {
			return err
		}
	}
	return nil
}

func (s *NDJSONSink) listed(name string) bool {
	for _, e := range s.manifest {
		if e.File == name {
			return true
		}
	}
	return false
}

func (s *NDJSONSink) spoolFiles(suffix string) ([]string, error) {
	entries, err := os.ReadDir(s.cfg.Spool)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		n := e.Name()
		if strings.HasPrefix(n, "feed-") && strings.HasSuffix(n, suffix) {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names, nil
}

// loadManifest reads the spool's copy of the manifest, or the destination's when the spool is new
// (a new machine taking over the sink).
func (s *NDJSONSink) loadManifest(ctx context.Context) error {
	var r io.ReadCloser
	f, err := os.Open(filepath.Join(s.cfg.Spool, manifestName))
	switch {
	case err == nil:
		r = f
	case errors.Is(err, fs.ErrNotExist):
		r, err = s.cfg.Dest.Get(ctx, manifestName)
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("sink %s: lettura del manifest da %s: %w", s.cfg.Name, s.cfg.Dest, err)
		}
	default:
		return err
	}
	defer r.Close()
	entries, err := ReadManifest(r)
	if err != nil {
		return fmt.Errorf("sink %s: %w", s.cfg.Name, err)
	}
	s.manifest = entries
	for _, e := range entries {
		s.nextSeq = max(s.nextSeq, fileSeq(e.File)+1)
	}
	return s.saveManifest()
}

func (s *NDJSONSink) saveManifest() error {
	var buf bytes.Buffer
	for _, e := range s.manifest {
		b, err := marshalEntry(e)
		if err != nil {
			return err
		}
		buf.Write(b)
		buf.WriteByte('\n')
	}
	return DirDestination{Dir: s.cfg.Spool}.Put(context.Background(), manifestName, &buf, int64(buf.Len()))
}

// recoverSpool reopens the file a crashed process was writing: it cuts a torn last line and
// remembers the ids already written.
func (s *NDJSONSink) recoverSpool() error {
	for _, suffix := range []string{fileSuffix, fileSuffix + partSuffix} {
		names, err := s.spoolFiles(suffix)
		if err != nil {
			return err
		}
		for _, n := range names {
			s.nextSeq = max(s.nextSeq, fileSeq(strings.TrimSuffix(n, partSuffix))+1)
		}
	}
	parts, err := s.spoolFiles(fileSuffix + partSuffix)
	if err != nil {
		return err
	}
	if len(parts) > 0 {
		// A crash: the kernel will deliver again events written before it, possibly into the file
		// closed just before, so its ids are remembered too.
		if err := s.rememberLastClosed(); err != nil {
			return err
		}
	}
	for i, part := range parts {
		path := filepath.Join(s.cfg.Spool, part)
		size, events, err := s.recoverPart(path)
		if err != nil {
			return fmt.Errorf("sink %s: ripristino di %s: %w", s.cfg.Name, part, err)
		}
		name := strings.TrimSuffix(part, partSuffix)
		hour, err := time.Parse("20060102T15", strings.Split(name, "-")[1])
		if err != nil {
			return fmt.Errorf("sink %s: nome di file inatteso %s", s.cfg.Name, part)
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0o640)
		if err != nil {
			return err
		}
		s.open = &openFile{f: f, name: name, hour: hour, size: size, events: events}
		if i < len(parts)-1 { // only the newest stays open
			if err := s.closeOpen(); err != nil {
				return err
			}
		}
	}
	return nil
}

// rememberLastClosed loads the ids of the newest closed file: still in the spool, or the last one the
// manifest lists (read back from the destination; if that is down, readers' deduplication remains).
func (s *NDJSONSink) rememberLastClosed() error {
	closed, err := s.spoolFiles(fileSuffix)
	if err != nil {
		return err
	}
	var r io.ReadCloser
	switch {
	case len(closed) > 0:
		if r, err = os.Open(filepath.Join(s.cfg.Spool, closed[len(closed)-1])); err != nil {
			return err
		}
	case len(s.manifest) > 0:
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if r, err = s.cfg.Dest.Get(ctx, s.manifest[len(s.manifest)-1].File); err != nil {
			return nil
		}
	default:
		return nil
	}
	defer r.Close()
	br := bufio.NewReaderSize(r, 1<<16)
	for {
		b, err := br.ReadBytes('\n')
		if len(b) > 0 {
			if e, perr := Unmarshal(b); perr == nil {
				s.recent.add(e.ID)
			}
		}
		if err != nil {
			return nil
		}
	}
}

func (s *NDJSONSink) recoverPart(path string) (size int64, events int, err error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<16)
	for {
		b, err := r.ReadBytes('\n')
		if errors.Is(err, io.EOF) {
			break // a torn line (no newline) is dropped: its event was never acknowledged
		}
		if err != nil {
			return 0, 0, err
		}
		e, perr := Unmarshal(b)
		if perr != nil {
			// Whole lines were fsynced before being acknowledged: this is damage, not a crash.
			return 0, 0, fmt.Errorf("riga %d: %w", events+1, perr)
		}
		size += int64(len(b))
		events++
		s.recent.add(e.ID)
	}
	if err := f.Truncate(size); err != nil {
		return 0, 0, err
	}
	return size, events, f.Sync()
}

func putFile(ctx context.Context, d Destination, path, name string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	return d.Put(ctx, name, f, st.Size())
}

func hourOf(t time.Time) time.Time { return t.UTC().Truncate(time.Hour) }

// fileSeq extracts NNNNNN from feed-YYYYMMDDTHH-NNNNNN.ndjson (-1 when the name is not ours).
func fileSeq(name string) int {
	parts := strings.Split(strings.TrimSuffix(name, fileSuffix), "-")
	if len(parts) != 3 {
		return -1
	}
	n, err := strconv.Atoi(parts[2])
	if err != nil {
		return -1
	}
	return n
}
