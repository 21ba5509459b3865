package simjournal

import (
	"os"
	"testing"
)

type rec struct{ K string }

func TestReplayAfterTornLine(t *testing.T) {
	path := t.TempDir() + "/j.jsonl"
	j, err := Open(path, func(rec) {})
	if err != nil {
		t.Fatal(err)
	}
	if err := j.Write(rec{"a"}); err != nil {
		t.Fatal(err)
	}
	j.Close()
	// Simulate a kill in the middle of a write.
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"K":"tor`)
	f.Close()

	j, err = Open(path, func(rec) {})
	if err != nil {
		t.Fatal(err)
	}
	j.Write(rec{"b"})
	j.Close()

	var got []string
	j, err = Open(path, func(r rec) { got = append(got, r.K) })
	if err != nil {
		t.Fatal(err)
	}
	j.Close()
	if len(got) != 2 || got[0] != "a" || got[1] != "b" {
		t.Fatalf("replayed %v, want [a b]", got)
	}
}
