package notify

import (
	"strings"
	"time"
)

// Config chooses, per channel, the real endpoint or the in-process
// simulator: a channel whose URL (or SMTP address) is empty is simulated.
type Config struct {
	IOURL        string            // ARENGO_IO_URL, e.g. https://api.io.pagopa.it/api/v1
	IOKey        string            // ARENGO_IO_KEY: API key of the default IO service
	IOModuleKeys map[string]string // ARENGO_IO_KEYS="payments=KEY,reports=KEY": one IO service per module

	SMTPAddr     string // ARENGO_SMTP_ADDR host:port (STARTTLS required)
	SMTPFrom     string // ARENGO_SMTP_FROM
	SMTPUser     string // ARENGO_SMTP_USER
	SMTPPassword string // ARENGO_SMTP_PASSWORD

	SENDURL string // ARENGO_SEND_URL, e.g. https://api.uat.notifichedigitali.it
	SENDKey string // ARENGO_SEND_KEY

	SenderName   string // ARENGO_NOTIFY_SENDER: the comune's name on SEND acts
	SenderTaxID  string // ARENGO_NOTIFY_TAX_ID: the comune's 11-digit fiscal code (IO payee, SEND sender)
	TaxonomyCode string // ARENGO_SEND_TAXONOMY: SEND taxonomy code of the acts

	// SimDir, when set, makes the simulators journal what they receive there
	// (ARENGO_NOTIFY_SIM_DIR), so a restarted process still knows it.
	SimDir string
	// PollDelay is the wait before asking IO or SEND about a sent message.
	PollDelay time.Duration
	// DeliveryLease is how long a dispatcher holds a delivery; after a crash
	// another process takes it over once the lease has run out.
	DeliveryLease time.Duration
}

// ConfigFromEnv reads the ARENGO_* variables.
func ConfigFromEnv(getenv func(string) string) Config {
	c := Config{
		IOURL: getenv("ARENGO_IO_URL"), IOKey: getenv("ARENGO_IO_KEY"), IOModuleKeys: map[string]string{},
		SMTPAddr: getenv("ARENGO_SMTP_ADDR"), SMTPFrom: getenv("ARENGO_SMTP_FROM"),
		SMTPUser: getenv("ARENGO_SMTP_USER"), SMTPPassword: getenv("ARENGO_SMTP_PASSWORD"),
		SENDURL: getenv("ARENGO_SEND_URL"), SENDKey: getenv("ARENGO_SEND_KEY"),
		SenderName: getenv("ARENGO_NOTIFY_SENDER"), SenderTaxID: getenv("ARENGO_NOTIFY_TAX_ID"),
		TaxonomyCode: getenv("ARENGO_SEND_TAXONOMY"), SimDir: getenv("ARENGO_NOTIFY_SIM_DIR"),
	}
	for _, pair := range strings.Split(getenv("ARENGO_IO_KEYS"), ",") {
		if mod, key, ok := strings.Cut(strings.TrimSpace(pair), "="); ok && mod != "" && key != "" {
			c.IOModuleKeys[mod] = key
		}
	}
	return c.withDefaults()
}

func (c Config) withDefaults() Config {
	if c.SMTPFrom == "" {
		c.SMTPFrom = "Comune <noreply@example.org>"
	}
	if c.SenderName == "" {
		c.SenderName = "Comune"
	}
	if c.SenderTaxID == "" {
		c.SenderTaxID = "00644060287" // Comune di Padova, the demo's comune
	}
	if c.TaxonomyCode == "" {
		c.TaxonomyCode = "010202N"
	}
	if c.PollDelay <= 0 {
		c.PollDelay = 5 * time.Second
	}
	if c.DeliveryLease <= 0 {
		c.DeliveryLease = 2 * time.Minute
	}
	if c.IOModuleKeys == nil {
		c.IOModuleKeys = map[string]string{}
	}
	return c
}
