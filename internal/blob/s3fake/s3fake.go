// Package s3fake is a small in-memory S3-compatible server for tests and benchmarks: path-style
// buckets, PUT/GET/HEAD/DELETE of objects (plain or aws-chunked bodies) and ListObjectsV2. It does not
// check signatures.
package s3fake

import (
	"bufio"
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Server holds buckets in memory.
type Server struct {
	mu      sync.Mutex
	buckets map[string]map[string]object
	// Fail, when set, makes every request answer 503: a provider outage.
	Fail bool
}

type object struct {
	data     []byte
	modified time.Time
	ctype    string
}

// New returns a server with the given buckets already created.
func New(buckets ...string) *Server {
	s := &Server{buckets: map[string]map[string]object{}}
	for _, b := range buckets {
		s.buckets[b] = map[string]object{}
	}
	return s
}

// SetFail switches the simulated outage on or off.
func (s *Server) SetFail(fail bool) {
	s.mu.Lock()
	s.Fail = fail
	s.mu.Unlock()
}

// Object returns a copy of an object's content.
func (s *Server) Object(bucket, key string) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.buckets[bucket][key]
	return bytes.Clone(o.data), ok
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	fail := s.Fail
	s.mu.Unlock()
	if fail {
		writeError(w, http.StatusServiceUnavailable, "SlowDown", "simulated outage")
		return
	}
	bucket, key, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	if bucket == "" {
		writeError(w, http.StatusNotImplemented, "NotImplemented", "list buckets")
		return
	}
	if key == "" {
		s.serveBucket(w, r, bucket)
		return
	}
	s.serveObject(w, r, bucket, key)
}

func (s *Server) serveBucket(w http.ResponseWriter, r *http.Request, bucket string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	objects, ok := s.buckets[bucket]
	switch {
	case r.Method == http.MethodPut:
		if !ok {
			s.buckets[bucket] = map[string]object{}
		}
		return
	case !ok:
		writeError(w, http.StatusNotFound, "NoSuchBucket", bucket)
	case r.Method == http.MethodHead:
	case r.Method == http.MethodGet && r.URL.Query().Has("location"):
		w.Header().Set("Content-Type", "application/xml")
		fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?><LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">us-east-1</LocationConstraint>`)
	case r.Method == http.MethodGet:
		listV2(w, r, bucket, objects)
	default:
		writeError(w, http.StatusNotImplemented, "NotImplemented", r.Method+" bucket")
	}
}

func (s *Server) serveObject(w http.ResponseWriter, r *http.Request, bucket, key string) {
	switch r.Method {
	case http.MethodPut:
		body, err := readBody(r)
		if err != nil {
			writeError(w, http.StatusBadRequest, "IncompleteBody", err.Error())
			return
		}
		s.mu.Lock()
		objects, ok := s.buckets[bucket]
		if ok {
			objects[key] = object{data: body, modified: time.Now().UTC(), ctype: r.Header.Get("Content-Type")}
		}
		s.mu.Unlock()
		if !ok {
			writeError(w, http.StatusNotFound, "NoSuchBucket", bucket)
			return
		}
		w.Header().Set("ETag", etag(body))
	case http.MethodGet, http.MethodHead:
		s.mu.Lock()
		o, ok := s.buckets[bucket][key]
		s.mu.Unlock()
		if !ok {
			writeError(w, http.StatusNotFound, "NoSuchKey", key)
			return
		}
		w.Header().Set("ETag", etag(o.data))
		if o.ctype != "" {
			w.Header().Set("Content-Type", o.ctype)
		}
		http.ServeContent(w, r, key, o.modified, bytes.NewReader(o.data))
	case http.MethodDelete:
		s.mu.Lock()
		delete(s.buckets[bucket], key)
		s.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	default:
		writeError(w, http.StatusNotImplemented, "NotImplemented", r.Method+" object")
	}
}

// readBody decodes aws-chunked bodies ("<hex size>[;chunk-signature=…]\r\n<data>\r\n", ending with a
// zero-size chunk and optional trailers) and returns plain bodies as they are.
func readBody(r *http.Request) ([]byte, error) {
	if !strings.HasPrefix(r.Header.Get("X-Amz-Content-Sha256"), "STREAMING-") {
		return io.ReadAll(r.Body)
	}
	br := bufio.NewReader(r.Body)
	var out bytes.Buffer
	for {
		header, err := br.ReadString('\n')
		if err != nil {
			return nil, fmt.Errorf("chunk header: %w", err)
		}
		sizeHex, _, _ := strings.Cut(strings.TrimSpace(header), ";")
		size, err := strconv.ParseInt(sizeHex, 16, 64)
		if err != nil {
			return nil, fmt.Errorf("chunk size %q", sizeHex)
		}
		if size == 0 {
			return out.Bytes(), nil // trailers follow; they carry checksums we do not verify
		}
		if _, err := io.CopyN(&out, br, size); err != nil {
			return nil, err
		}
		if crlf, err := br.ReadString('\n'); err != nil || strings.TrimSpace(crlf) != "" {
			return nil, errors.New("chunk not terminated by CRLF")
		}
	}
}

type listResult struct {
	XMLName               xml.Name   `xml:"http://s3.amazonaws.com/doc/2006-03-01/ ListBucketResult"`
	Name                  string     `xml:"Name"`
	Prefix                string     `xml:"Prefix"`
	KeyCount              int        `xml:"KeyCount"`
	MaxKeys               int        `xml:"MaxKeys"`
	IsTruncated           bool       `xml:"IsTruncated"`
	NextContinuationToken string     `xml:"NextContinuationToken,omitempty"`
	Contents              []listItem `xml:"Contents"`
}

type listItem struct {
	Key          string `xml:"Key"`
	LastModified string `xml:"LastModified"`
	ETag         string `xml:"ETag"`
	Size         int    `xml:"Size"`
	StorageClass string `xml:"StorageClass"`
}

// listV2 answers ListObjectsV2, paging by 1000 keys with the last key as continuation token.
func listV2(w http.ResponseWriter, r *http.Request, bucket string, objects map[string]object) {
	q := r.URL.Query()
	prefix := q.Get("prefix")
	after := q.Get("continuation-token")
	if after == "" {
		after = q.Get("start-after")
	}
	var keys []string
	for k := range objects {
		if strings.HasPrefix(k, prefix) && k > after {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	res := listResult{Name: bucket, Prefix: prefix, MaxKeys: 1000}
	if len(keys) > 1000 {
		keys = keys[:1000]
		res.IsTruncated = true
		res.NextContinuationToken = keys[len(keys)-1]
	}
	for _, k := range keys {
		o := objects[k]
		res.Contents = append(res.Contents, listItem{Key: k, LastModified: o.modified.Format(time.RFC3339),
			ETag: etag(o.data), Size: len(o.data), StorageClass: "STANDARD"})
	}
	res.KeyCount = len(res.Contents)
	w.Header().Set("Content-Type", "application/xml")
	_ = xml.NewEncoder(w).Encode(res)
}

func etag(b []byte) string {
	sum := md5.Sum(b)
	return `"` + hex.EncodeToString(sum[:]) + `"`
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>%s</Code><Message>%s</Message></Error>`, code, msg)
}
