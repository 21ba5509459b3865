package sink

import (
	"fmt"
	"net/url"
	"strings"
)

// ParseS3URL reads a bucket address: s3://ACCESS_KEY:SECRET_KEY@host[:port]/bucket[/prefix] for HTTPS,
// s3+http://… for plain HTTP (a MinIO on the same host).
func ParseS3URL(raw string) (S3Config, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return S3Config{}, fmt.Errorf("indirizzo S3 non valido: %w", err)
	}
	var c S3Config
	switch u.Scheme {
	case "s3":
		c.Secure = true
	case "s3+http":
	default:
		return S3Config{}, fmt.Errorf("indirizzo S3 %q: lo schema deve essere s3:// o s3+http://", u.Redacted())
	}
	if u.Host == "" {
		return S3Config{}, fmt.Errorf("indirizzo S3 %q: manca l'host", u.Redacted())
	}
	c.Endpoint = u.Host
	if u.User != nil {
		c.AccessKey = u.User.Username()
		c.SecretKey, _ = u.User.Password()
	}
	c.Bucket, c.Prefix, _ = strings.Cut(strings.TrimPrefix(u.Path, "/"), "/")
	if c.Bucket == "" {
		return S3Config{}, fmt.Errorf("indirizzo S3 %q: manca il bucket", u.Redacted())
	}
	return c, nil
}
