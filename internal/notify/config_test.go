package notify

import "testing"

func TestConfigFromEnv(t *testing.T) {
	env := map[string]string{"ARENGO_IO_URL": "https://api.io.pagopa.it/api/v1", "ARENGO_IO_KEY": "k0",
		"ARENGO_IO_KEYS": "payments=k1, reports=k2,broken,=x", "ARENGO_SMTP_ADDR": "smtp.example.org:587"}
	c := ConfigFromEnv(func(k string) string { return env[k] })
	if c.IOURL != env["ARENGO_IO_URL"] || c.IOKey != "k0" || len(c.IOModuleKeys) != 2 || c.IOModuleKeys["payments"] != "k1" || c.IOModuleKeys["reports"] != "k2" {
		t.Errorf("IO settings %+v", c)
	}
	if c.SMTPAddr != "smtp.example.org:587" || c.SENDURL != "" {
		t.Errorf("SMTP/SEND settings %+v", c)
	}
	if c.SenderTaxID != "00644060287" || c.PollDelay <= 0 || c.DeliveryLease <= 0 {
		t.Errorf("defaults %+v", c)
	}
}
