package sink

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/arengo-pa/arengo/internal/blob"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// Destination is where closed feed files and their manifest end up: a local directory or a bucket.
// Put replaces an object atomically: a reader sees the old content or the new one, never a part.
type Destination interface {
	Put(ctx context.Context, name string, r io.Reader, size int64) error
	Get(ctx context.Context, name string) (io.ReadCloser, error)
	List(ctx context.Context) ([]string, error)
	String() string
}

// ErrNotFound is returned by Get for an object that does not exist.
var ErrNotFound = errors.New("oggetto non trovato")

// DirDestination writes into a local directory (which may be a mounted network share).
type DirDestination struct{ Dir string }

func (d DirDestination) String() string { return "dir:" + d.Dir }

func (d DirDestination) Put(_ context.Context, name string, r io.Reader, _ int64) error {
	if err := os.MkdirAll(d.Dir, 0o750); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(d.Dir, ".put-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := io.Copy(tmp, r); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), filepath.Join(d.Dir, name)); err != nil {
		return err
	}
	return blob.SyncDir(d.Dir)
}

func (d DirDestination) Get(_ context.Context, name string) (io.ReadCloser, error) {
	f, err := os.Open(filepath.Join(d.Dir, name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w", name, ErrNotFound)
	}
	return f, err
}

func (d DirDestination) List(context.Context) ([]string, error) {
	entries, err := os.ReadDir(d.Dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if e.Type().IsRegular() && !strings.HasPrefix(e.Name(), ".") {
			names = append(names, e.Name())
		}
	}
	return names, nil
}

// S3Destination writes objects under Prefix in an S3-compatible bucket (MinIO, Ceph, any provider).
type S3Destination struct {
	Client *minio.Client
	Bucket string
	Prefix string
}

// S3Config is parsed from a URL: s3://ACCESS:SECRET@host:port/bucket/prefix?insecure=1.
type S3Config struct {
	Endpoint, AccessKey, SecretKey, Bucket, Prefix string
	Secure                                         bool
	MaxRetries                                     int // per request; 0 keeps minio-go's default (10)
}

// NewS3Destination connects to the bucket and checks that it exists.
func NewS3Destination(ctx context.Context, c S3Config) (*S3Destination, error) {
	cl, err := minio.New(c.Endpoint, &minio.Options{
		Creds:      credentials.NewStaticV4(c.AccessKey, c.SecretKey, ""),
		Secure:     c.Secure,
		MaxRetries: c.MaxRetries,
	})
	if err != nil {
		return nil, fmt.Errorf("S3 %s: %w", c.Endpoint, err)
	}
	ok, err := cl.BucketExists(ctx, c.Bucket)
	if err != nil {
		return nil, fmt.Errorf("S3 %s bucket %s: %w", c.Endpoint, c.Bucket, err)
	}
	if !ok {
		return nil, fmt.Errorf("S3 %s: il bucket %s non esiste", c.Endpoint, c.Bucket)
	}
	prefix := strings.Trim(c.Prefix, "/")
	if prefix != "" {
		prefix += "/"
	}
	return &S3Destination{Client: cl, Bucket: c.Bucket, Prefix: prefix}, nil
}

func (d *S3Destination) String() string { return "s3:" + d.Bucket + "/" + d.Prefix }

func (d *S3Destination) Put(ctx context.Context, name string, r io.Reader, size int64) error {
	_, err := d.Client.PutObject(ctx, d.Bucket, d.Prefix+name, r, size,
		minio.PutObjectOptions{ContentType: "application/x-ndjson", DisableMultipart: true})
	return err
}

func (d *S3Destination) Get(ctx context.Context, name string) (io.ReadCloser, error) {
	obj, err := d.Client.GetObject(ctx, d.Bucket, d.Prefix+name, minio.GetObjectOptions{})
	if err != nil {
		return nil, err
	}
	if _, err := obj.Stat(); err != nil {
		obj.Close()
		if minio.ToErrorResponse(err).Code == "NoSuchKey" {
			return nil, fmt.Errorf("%s: %w", name, ErrNotFound)
		}
		return nil, err
	}
	return obj, nil
}

func (d *S3Destination) List(ctx context.Context) ([]string, error) {
	var names []string
	for obj := range d.Client.ListObjects(ctx, d.Bucket, minio.ListObjectsOptions{Prefix: d.Prefix, Recursive: true}) {
		if obj.Err != nil {
			return nil, obj.Err
		}
		names = append(names, strings.TrimPrefix(obj.Key, d.Prefix))
	}
	sort.Strings(names)
	return names, nil
}
