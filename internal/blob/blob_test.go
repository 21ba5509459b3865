package blob

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestLocalPutGetListDelete(t *testing.T) {
	ctx := context.Background()
	s, err := NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Put(ctx, "reports/a/photo.jpg", strings.NewReader("jpeg bytes"), "image/jpeg"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Put(ctx, "payments/b.pdf", strings.NewReader("%PDF-1.7"), "application/pdf"); err != nil {
		t.Fatal(err)
	}
	r, info, err := s.Get(ctx, "reports/a/photo.jpg")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(r)
	r.Close()
	if string(b) != "jpeg bytes" || info.ContentType != "image/jpeg" || info.Size != 10 {
		t.Fatalf("got %q %+v", b, info)
	}
	var keys []string
	s.List(ctx, "", func(i Info) error { keys = append(keys, i.Key); return nil })
	if strings.Join(keys, ",") != "payments/b.pdf,reports/a/photo.jpg" {
		t.Fatalf("list = %v", keys)
	}
	if err := s.Delete(ctx, "reports/a/photo.jpg"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Get(ctx, "reports/a/photo.jpg"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("get after delete: %v", err)
	}
	if _, err := s.Put(ctx, "../escape", strings.NewReader("x"), "text/plain"); err == nil {
		t.Fatal("a key leaving the directory was accepted")
	}
}

func TestSniff(t *testing.T) {
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	if _, ct, err := Sniff(bytes.NewReader(png), 100, "image/png", "image/jpeg"); err != nil || ct != "image/png" {
		t.Fatalf("png: %q %v", ct, err)
	}
	if _, _, err := Sniff(bytes.NewReader([]byte("<html><script>")), 100, "image/png"); err == nil {
		t.Fatal("html accepted as image")
	}
	var rej *RejectedError
	if _, _, err := Sniff(bytes.NewReader(make([]byte, 101)), 100); !errors.As(err, &rej) || !strings.Contains(rej.Message, "dimensione massima") {
		t.Fatalf("oversized: %v", err)
	}
	if _, ct, err := Sniff(bytes.NewReader([]byte("%PDF-1.4\n...")), 100, "application/pdf"); err != nil || ct != "application/pdf" {
		t.Fatalf("pdf: %q %v", ct, err)
	}
}
