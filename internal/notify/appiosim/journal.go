package appiosim

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
)

// entry is one line of the journal: an accepted message or an absorbed duplicate.
type entry struct {
	Message   Received `json:"message,omitzero"`
	Duplicate bool     `json:"duplicate,omitempty"`
}

// journal appends one JSON line per event. A write() reaches the kernel's
// page cache before the HTTP answer leaves, so a SIGKILL of the process does
// not lose it; only a power cut could, which is not what the journal is for.
type journal struct{ f *os.File }

func openJournal(path string, replay func(entry)) (*journal, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		var e entry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			// A torn last line (killed mid-write) means that answer never left.
			continue
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
	return &journal{f: f}, nil
}

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

func (j *journal) write(e entry) error {
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	_, err = j.f.Write(append(b, '\n'))
	return err
}

func (j *journal) close() error { return j.f.Close() }
