package pagopasim

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/arengo-pa/arengo/internal/payments/gpd"
)

// entry is one line of the journal: the state change it records.
type entry struct {
	Op        string             `json:"op"` // put, delete, paid, delivered, reported
	Org       string             `json:"org,omitempty"`
	IUPD      string             `json:"iupd,omitempty"`
	Position  *gpd.Position      `json:"position,omitempty"`
	Payments  []payment          `json:"payments,omitempty"`
	Receipt   *gpd.SendRTRequest `json:"receipt,omitempty"`
	ReceiptID string             `json:"receiptId,omitempty"`
	Seq       int64              `json:"seq,omitempty"`
	Day       string             `json:"day,omitempty"`
}

type journal struct {
	f *os.File
	w *bufio.Writer
}

func openJournal(dir string, s *Sim) (*journal, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, "journal.jsonl")
	if f, err := os.Open(path); err == nil {
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 0, 64*1024), 16<<20)
		line := 0
		for sc.Scan() {
			line++
			var e entry
			if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
				f.Close()
				return nil, fmt.Errorf("pagopa-sim: %s riga %d: %w", path, line, err)
			}
			s.apply(e)
		}
		f.Close()
		if err := sc.Err(); err != nil {
			return nil, err
		}
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, err
	}
	return &journal{f: f, w: bufio.NewWriter(f)}, nil
}

// apply replays one journal entry.
func (s *Sim) apply(e entry) {
	switch e.Op {
	case "put":
		if old, ok := s.positions[key(e.Org, e.Position.IUPD)]; ok {
			s.unstore(e.Org, old)
		}
		s.store(e.Org, e.Position)
	case "delete":
		if old, ok := s.positions[key(e.Org, e.IUPD)]; ok {
			s.unstore(e.Org, old)
		}
	case "paid":
		s.payments = append(s.payments, e.Payments...)
		s.receipts[e.Receipt.Receipt.ReceiptID] = *e.Receipt
		s.pending = append(s.pending, e.Receipt.Receipt.ReceiptID)
		s.seq = e.Seq
	case "delivered":
		for i, p := range s.pending {
			if p == e.ReceiptID {
				s.pending = append(s.pending[:i], s.pending[i+1:]...)
				break
			}
		}
	case "reported":
		for i := range s.payments {
			if s.payments[i].When.Format("2006-01-02") == e.Day {
				s.payments[i].Reported = true
			}
		}
		s.seq = e.Seq
	}
}

// log appends an entry; the caller holds s.mu. Each entry is flushed at once so
// that a crash loses at most the line being written.
func (s *Sim) log(e entry) {
	if s.journal == nil {
		return
	}
	b, _ := json.Marshal(e)
	s.journal.w.Write(append(b, '\n'))
	s.journal.w.Flush()
}

func (j *journal) close() error {
	j.w.Flush()
	return j.f.Close()
}
