// Package simjournal is the append-only file the channel simulators write
// what they received to, so a restarted simulator still knows every message
// it accepted and a benchmark can count deliveries per idempotency key.
package simjournal

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"sync"
)

// Journal appends one JSON line per entry. A write() reaches the kernel's
// page cache before the simulator answers, so a SIGKILL of the process does
// not lose it (only a power cut could, which is not what it is for).
type Journal[T any] struct {
	mu sync.Mutex
	f  *os.File
}

// Open opens or creates path, calls replay for every complete line already
// in it, and returns the journal ready for appends.
func Open[T any](path string, replay func(T)) (*Journal[T], error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 4<<20)
	for sc.Scan() {
		var e T
		if json.Unmarshal(sc.Bytes(), &e) != nil {
			continue // a torn last line: that answer never left the simulator
		}
		replay(e)
	}
	if err := sc.Err(); err != nil {
		f.Close()
		return nil, fmt.Errorf("journal %s: %w", path, err)
	}
	if err := endWithNewline(f); err != nil {
		f.Close()
		return nil, err
	}
	return &Journal[T]{f: f}, nil
}

// Write appends e.
func (j *Journal[T]) Write(e T) error {
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	_, err = j.f.Write(append(b, '\n'))
	return err
}

// Close closes the file.
func (j *Journal[T]) Close() error { return j.f.Close() }

// endWithNewline terminates a torn last line so the next entry starts clean.
func endWithNewline(f *os.File) error {
	st, err := f.Stat()
	if err != nil || st.Size() == 0 {
		return err
	}
	last := make([]byte, 1)
	if _, err := f.ReadAt(last, st.Size()-1); err != nil {
		return err
	}
	if last[0] != '\n' {
		_, err = f.Write([]byte{'\n'})
	}
	return err
}
