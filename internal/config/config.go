// Package config reads Arengo's settings from flags and ARENGO_* environment
// variables, the same way for every subcommand, and validates them.
package config

import (
	"flag"
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Config holds every kernel setting. Modules read their own extra settings
// from Env, so a new module never needs a kernel change.
type Config struct {
	Addr            string
	DB              string
	BaseURL         string
	DataDir         string
	BlobURL         string // "" = DataDir/blobs; "s3://key:secret@host/bucket?secure=false"
	Comune          string
	ComuneCode      string // ISTAT or cadastral code shown in the footer
	LogFormat       string // json | text
	LogLevel        string
	Demo            bool
	ShutdownTimeout time.Duration
	MaxUploadBytes  int64
	// OpenID Connect for staff and citizens (citizens reach SPID/CIE through a proxy).
	StaffOIDCIssuer, StaffOIDCClientID, StaffOIDCSecret       string
	CitizenOIDCIssuer, CitizenOIDCClientID, CitizenOIDCSecret string
	// Secret is the installation secret keys are derived from (Key); empty
	// means the one generated on first start in DataDir.
	Secret string

	Env func(string) string
}

// Setting documents one configuration option; the table drives flags, the
// environment and the README.
type Setting struct {
	Flag, Env, Default, Help string
	set                      func(c *Config, v string) error
}

// Settings lists every option.
func Settings() []Setting {
	str := func(f func(c *Config) *string) func(*Config, string) error {
		return func(c *Config, v string) error { *f(c) = v; return nil }
	}
	return []Setting{
		{"addr", "ARENGO_ADDR", "localhost:8080", "listen address (host:port)", str(func(c *Config) *string { return &c.Addr })},
		{"db", "ARENGO_DB", "data/arengo.db", "SQLite file path or postgres:// URL", str(func(c *Config) *string { return &c.DB })},
		{"base-url", "ARENGO_BASE_URL", "", "public URL of the site (default http://<addr>)", str(func(c *Config) *string { return &c.BaseURL })},
		{"data-dir", "ARENGO_DATA_DIR", "data", "directory for local files", str(func(c *Config) *string { return &c.DataDir })},
		{"blob", "ARENGO_BLOB", "", "attachment store: empty for <data-dir>/blobs, or s3://KEY:SECRET@HOST/BUCKET", str(func(c *Config) *string { return &c.BlobURL })},
		{"comune", "ARENGO_COMUNE", "Comune di Esempio", "name of the comune shown in the header", str(func(c *Config) *string { return &c.Comune })},
		{"comune-code", "ARENGO_COMUNE_CODE", "X000", "cadastral code of the comune", str(func(c *Config) *string { return &c.ComuneCode })},
		{"log-format", "ARENGO_LOG_FORMAT", "json", "log format: json or text", str(func(c *Config) *string { return &c.LogFormat })},
		{"log-level", "ARENGO_LOG_LEVEL", "info", "log level: debug, info, warn, error", str(func(c *Config) *string { return &c.LogLevel })},
		{"shutdown-timeout", "ARENGO_SHUTDOWN_TIMEOUT", "20s", "time to drain requests and jobs on shutdown", func(c *Config, v string) error {
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				return fmt.Errorf("not a positive duration such as 20s")
			}
			c.ShutdownTimeout = d
			return nil
		}},
		{"max-upload", "ARENGO_MAX_UPLOAD", "10485760", "largest accepted upload in bytes", func(c *Config, v string) error {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n <= 0 {
				return fmt.Errorf("not a positive number of bytes")
			}
			c.MaxUploadBytes = n
			return nil
		}},
		{"staff-oidc-issuer", "ARENGO_STAFF_OIDC_ISSUER", "", "OpenID Connect issuer for staff login", str(func(c *Config) *string { return &c.StaffOIDCIssuer })},
		{"staff-oidc-client-id", "ARENGO_STAFF_OIDC_CLIENT_ID", "", "client id at the staff issuer", str(func(c *Config) *string { return &c.StaffOIDCClientID })},
		{"staff-oidc-secret", "ARENGO_STAFF_OIDC_SECRET", "", "client secret at the staff issuer", str(func(c *Config) *string { return &c.StaffOIDCSecret })},
		{"citizen-oidc-issuer", "ARENGO_CITIZEN_OIDC_ISSUER", "", "OpenID Connect issuer for citizens (SPID/CIE proxy)", str(func(c *Config) *string { return &c.CitizenOIDCIssuer })},
		{"citizen-oidc-client-id", "ARENGO_CITIZEN_OIDC_CLIENT_ID", "", "client id at the citizen issuer", str(func(c *Config) *string { return &c.CitizenOIDCClientID })},
		{"citizen-oidc-secret", "ARENGO_CITIZEN_OIDC_SECRET", "", "client secret at the citizen issuer", str(func(c *Config) *string { return &c.CitizenOIDCSecret })},
		{"secret", "ARENGO_SECRET", "", "installation secret, at least 32 characters (empty: generated once in <data-dir>/" + secretFile + ")", str(func(c *Config) *string { return &c.Secret })},
	}
}

// Flags registers every setting on fs; Load reads them afterwards.
func Flags(fs *flag.FlagSet) map[string]*string {
	vals := map[string]*string{}
	for _, s := range Settings() {
		vals[s.Flag] = fs.String(s.Flag, "", s.Help+" (env "+s.Env+", default "+quoteEmpty(s.Default)+")")
	}
	return vals
}

func quoteEmpty(s string) string {
	if s == "" {
		return `""`
	}
	return s
}

// Load resolves each setting from its flag, then its environment variable,
// then its default, and validates the result. An error names the setting.
func Load(flags map[string]*string, getenv func(string) string) (*Config, error) {
	c := &Config{Env: getenv}
	for _, s := range Settings() {
		v, from := s.Default, "default"
		if e := getenv(s.Env); e != "" {
			v, from = e, s.Env
		}
		if f := flags[s.Flag]; f != nil && *f != "" {
			v, from = *f, "--"+s.Flag
		}
		if err := s.set(c, v); err != nil {
			return nil, fmt.Errorf("setting %s (%s=%q): %v", s.Env, from, v, err)
		}
	}
	return c, c.validate()
}

func (c *Config) validate() error {
	host, port, err := net.SplitHostPort(c.Addr)
	if err != nil {
		return fmt.Errorf("setting ARENGO_ADDR=%q: not host:port (for example localhost:8080)", c.Addr)
	}
	if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		return fmt.Errorf("setting ARENGO_ADDR=%q: port must be a number from 0 to 65535", c.Addr)
	}
	if strings.HasPrefix(c.DB, "postgres") {
		if _, err := url.Parse(c.DB); err != nil {
			return fmt.Errorf("setting ARENGO_DB: not a valid postgres:// URL")
		}
	} else if c.DB == "" {
		return fmt.Errorf("setting ARENGO_DB: empty; give a SQLite file path or a postgres:// URL")
	}
	if c.BaseURL == "" {
		if host == "" {
			host = "localhost"
		}
		c.BaseURL = "http://" + net.JoinHostPort(host, port)
	}
	u, err := url.Parse(c.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("setting ARENGO_BASE_URL=%q: must be an http(s) URL", c.BaseURL)
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	if c.BlobURL != "" && !strings.HasPrefix(c.BlobURL, "s3://") {
		return fmt.Errorf("setting ARENGO_BLOB=%q: must be empty or an s3:// URL", c.BlobURL)
	}
	switch c.LogFormat {
	case "json", "text":
	default:
		return fmt.Errorf("setting ARENGO_LOG_FORMAT=%q: must be json or text", c.LogFormat)
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return fmt.Errorf("setting ARENGO_LOG_LEVEL=%q: must be debug, info, warn or error", c.LogLevel)
	}
	if c.Secret != "" && len(c.Secret) < minSecret {
		return fmt.Errorf("setting ARENGO_SECRET: shorter than %d characters", minSecret)
	}
	if (c.StaffOIDCIssuer == "") != (c.StaffOIDCClientID == "") {
		return fmt.Errorf("setting ARENGO_STAFF_OIDC_ISSUER and ARENGO_STAFF_OIDC_CLIENT_ID go together")
	}
	if (c.CitizenOIDCIssuer == "") != (c.CitizenOIDCClientID == "") {
		return fmt.Errorf("setting ARENGO_CITIZEN_OIDC_ISSUER and ARENGO_CITIZEN_OIDC_CLIENT_ID go together")
	}
	return nil
}

// Path resolves a file name inside the data directory.
func (c *Config) Path(name string) string { return filepath.Join(c.DataDir, name) }
