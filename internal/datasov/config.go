package datasov

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/arengo-pa/arengo/internal/datasov/sink"
)

// SinkConfig is one configured destination of the change feed.
type SinkConfig struct {
	Name     string // nats, dir, s3
	Target   string // URL or directory, as configured
	Stream   string // NATS stream
	MaxBytes int64  // NDJSON rotation size
	Pseudo   sink.Pseudonymisation
}

// sinksFromEnv reads the feed's sinks:
//
//	ARENGO_FEED_NATS=nats://host:4222      ARENGO_FEED_NATS_STREAM=ARENGO
//	ARENGO_FEED_DIR=/srv/arengo/feed       ARENGO_FEED_S3=s3://KEY:SECRET@host/bucket/prefix
//	ARENGO_FEED_MAX_BYTES=67108864         (NDJSON file rotation size)
//	ARENGO_FEED_<SINK>_DROP=email,phone    ARENGO_FEED_<SINK>_PSEUDONYMISE=fiscal_code
//	ARENGO_FEED_PSEUDONYM_KEY=…            (HMAC key, at least 16 bytes, shared by the sinks)
func sinksFromEnv(getenv func(string) string) ([]SinkConfig, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	maxBytes := int64(0)
	if v := getenv("ARENGO_FEED_MAX_BYTES"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1024 {
			return nil, fmt.Errorf("ARENGO_FEED_MAX_BYTES=%q: serve un numero di byte (almeno 1024)", v)
		}
		maxBytes = n
	}
	var out []SinkConfig
	for _, name := range []string{"nats", "dir", "s3"} {
		key := "ARENGO_FEED_" + strings.ToUpper(name)
		target := strings.TrimSpace(getenv(key))
		if target == "" {
			continue
		}
		c := SinkConfig{Name: name, Target: target, MaxBytes: maxBytes, Stream: getenv("ARENGO_FEED_NATS_STREAM"),
			Pseudo: sink.Pseudonymisation{
				Drop:         list(getenv(key + "_DROP")),
				Pseudonymise: list(getenv(key + "_PSEUDONYMISE")),
				Key:          []byte(getenv("ARENGO_FEED_PSEUDONYM_KEY")),
			}}
		if err := c.Pseudo.Validate(); err != nil {
			return nil, fmt.Errorf("%s: %w (ARENGO_FEED_PSEUDONYM_KEY)", key, err)
		}
		if name == "s3" {
			if _, err := sink.ParseS3URL(target); err != nil {
				return nil, fmt.Errorf("%s: %w", key, err)
			}
		}
		out = append(out, c)
	}
	return out, nil
}

func list(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}
