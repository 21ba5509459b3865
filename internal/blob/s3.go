package blob

import (
	"context"
	"fmt"
	"io"
	"net/url"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// S3 keeps objects in an S3-compatible bucket (MinIO, Ceph, any cloud).
type S3 struct {
	client *minio.Client
	bucket string
}

// NewS3 parses "s3://KEY:SECRET@HOST[:PORT]/BUCKET[?secure=false&region=…]".
func NewS3(ctx context.Context, rawURL string) (*S3, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme != "s3" || u.Host == "" {
		return nil, fmt.Errorf("blob URL: want s3://KEY:SECRET@HOST/BUCKET")
	}
	bucket := trimSlash(u.Path)
	if bucket == "" {
		return nil, fmt.Errorf("blob URL: missing bucket")
	}
	secret, _ := u.User.Password()
	c, err := minio.New(u.Host, &minio.Options{
		Creds:  credentials.NewStaticV4(u.User.Username(), secret, ""),
		Secure: u.Query().Get("secure") != "false",
		Region: u.Query().Get("region"),
	})
	if err != nil {
		return nil, err
	}
	return &S3{client: c, bucket: bucket}, nil
}

func trimSlash(s string) string {
	for len(s) > 0 && s[0] == '/' {
		s = s[1:]
	}
	for len(s) > 0 && s[len(s)-1] == '/' {
		s = s[:len(s)-1]
	}
	return s
}

func (s *S3) Put(ctx context.Context, key string, r io.Reader, contentType string) (Info, error) {
	if err := validKey(key); err != nil {
		return Info{}, err
	}
	// A known size lets minio-go send one PUT; an unknown one (-1) makes it
	// buffer 16 MB parts of a multipart upload even for a small photo.
	size := int64(-1)
	if l, ok := r.(interface{ Len() int }); ok {
		size = int64(l.Len())
	}
	info, err := s.client.PutObject(ctx, s.bucket, key, r, size, minio.PutObjectOptions{ContentType: contentType})
	if err != nil {
		return Info{}, err
	}
	return Info{Key: key, Size: info.Size, ContentType: contentType}, nil
}

func (s *S3) Get(ctx context.Context, key string) (io.ReadCloser, Info, error) {
	obj, err := s.client.GetObject(ctx, s.bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return nil, Info{}, err
	}
	st, err := obj.Stat()
	if err != nil {
		obj.Close()
		if minio.ToErrorResponse(err).Code == "NoSuchKey" {
			return nil, Info{}, ErrNotFound
		}
		return nil, Info{}, err
	}
	return obj, Info{Key: key, Size: st.Size, ContentType: st.ContentType}, nil
}

func (s *S3) Delete(ctx context.Context, key string) error {
	return s.client.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{})
}

func (s *S3) List(ctx context.Context, prefix string, fn func(Info) error) error {
	for obj := range s.client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if obj.Err != nil {
			return obj.Err
		}
		if err := fn(Info{Key: obj.Key, Size: obj.Size, ContentType: obj.ContentType}); err != nil {
			return err
		}
	}
	return nil
}
