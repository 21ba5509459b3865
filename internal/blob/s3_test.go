package blob_test

import (
	"context"
	"errors"
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/arengo-pa/arengo/internal/blob"
	"github.com/arengo-pa/arengo/internal/blob/s3fake"
)

// The S3 backend behaves like the local one: put, get with its content type,
// list in key order, delete, and ErrNotFound for a missing key.
func TestS3Backend(t *testing.T) {
	srv := httptest.NewServer(s3fake.New("allegati"))
	defer srv.Close()
	ctx := context.Background()
	s, err := blob.NewS3(ctx, "s3://chiave:segreto@"+strings.TrimPrefix(srv.URL, "http://")+"/allegati?secure=false")
	if err != nil {
		t.Fatal(err)
	}
	for key, body := range map[string]string{"reports/b.jpg": "foto", "reports/a.pdf": "%PDF-1.4", "payments/x.pdf": "%PDF-1.7"} {
		if _, err := s.Put(ctx, key, strings.NewReader(body), "application/octet-stream"); err != nil {
			t.Fatalf("put %s: %v", key, err)
		}
	}
	r, info, err := s.Get(ctx, "reports/b.jpg")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(r)
	r.Close()
	if string(b) != "foto" || info.Size != 4 {
		t.Fatalf("get: %q %+v", b, info)
	}
	var keys []string
	if err := s.List(ctx, "reports/", func(i blob.Info) error { keys = append(keys, i.Key); return nil }); err != nil {
		t.Fatal(err)
	}
	if strings.Join(keys, ",") != "reports/a.pdf,reports/b.jpg" {
		t.Fatalf("list = %v", keys)
	}
	if err := s.Delete(ctx, "reports/b.jpg"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Get(ctx, "reports/b.jpg"); !errors.Is(err, blob.ErrNotFound) {
		t.Fatalf("get after delete: %v", err)
	}
}
