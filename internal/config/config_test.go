package config

import (
	"flag"
	"os"
	"strings"
	"testing"
)

func TestFlagBeatsEnvBeatsDefault(t *testing.T) {
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	vals := Flags(fs)
	if err := fs.Parse([]string{"--addr", "127.0.0.1:9000"}); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"ARENGO_ADDR": "0.0.0.0:7000", "ARENGO_COMUNE": "Comune di Padova"}
	c, err := Load(vals, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:9000" || c.Comune != "Comune di Padova" || c.LogLevel != "info" {
		t.Fatalf("got addr %q comune %q level %q", c.Addr, c.Comune, c.LogLevel)
	}
	if c.BaseURL != "http://127.0.0.1:9000" {
		t.Fatalf("base URL %q", c.BaseURL)
	}
}

func TestInvalidSettingsNameTheSetting(t *testing.T) {
	cases := map[string]map[string]string{
		"ARENGO_ADDR":                 {"ARENGO_ADDR": "8080"},
		"ARENGO_BASE_URL":             {"ARENGO_BASE_URL": "ftp://x"},
		"ARENGO_BLOB":                 {"ARENGO_BLOB": "gs://bucket"},
		"ARENGO_MAX_UPLOAD":           {"ARENGO_MAX_UPLOAD": "-1"},
		"ARENGO_STAFF_OIDC_CLIENT_ID": {"ARENGO_STAFF_OIDC_ISSUER": "https://idp.example.it"},
	}
	for want, env := range cases {
		_, err := Load(nil, func(k string) string { return env[k] })
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%v: err = %v, want it to name %s", env, err, want)
		}
	}
}

// The README's configuration table must list every setting.
func TestREADMEListsEverySetting(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range Settings() {
		if !strings.Contains(string(readme), "`"+s.Env+"`") && !strings.Contains(string(readme), s.Env) {
			t.Errorf("README does not document %s", s.Env)
		}
	}
}

// The key of a purpose is stable for one secret, differs between purposes
// and secrets; without ARENGO_SECRET a secret is generated once in the data
// directory and kept.
func TestKeyFromInstallationSecret(t *testing.T) {
	dir := t.TempDir()
	load := func(env map[string]string) *Config {
		env["ARENGO_DATA_DIR"] = dir
		c, err := Load(nil, func(k string) string { return env[k] })
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	key := func(c *Config, purpose string) string {
		k, err := c.Key(purpose)
		if err != nil {
			t.Fatal(err)
		}
		return string(k)
	}
	a := load(map[string]string{"ARENGO_SECRET": strings.Repeat("a", 32)})
	b := load(map[string]string{"ARENGO_SECRET": strings.Repeat("b", 32)})
	if key(a, "x") != key(a, "x") || key(a, "x") == key(a, "y") || key(a, "x") == key(b, "x") || len(key(a, "x")) != 32 {
		t.Error("keys are not stable per secret and purpose")
	}
	if _, err := os.Stat(dir + "/secret"); !os.IsNotExist(err) {
		t.Error("a secret file was written although ARENGO_SECRET is set")
	}
	gen := key(load(map[string]string{}), "x")
	if gen == key(a, "x") || gen != key(load(map[string]string{}), "x") {
		t.Error("the generated secret is not kept across loads")
	}
	if fi, err := os.Stat(dir + "/secret"); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("secret file: %v %v", fi, err)
	}
	if _, err := Load(nil, func(k string) string { return map[string]string{"ARENGO_SECRET": "short"}[k] }); err == nil || !strings.Contains(err.Error(), "ARENGO_SECRET") {
		t.Errorf("short secret: %v", err)
	}
}
