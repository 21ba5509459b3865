package payments

import (
	"fmt"
	"strconv"

	"github.com/arengo-pa/arengo/internal/fiscalcode"

	"github.com/arengo-pa/arengo/internal/config"
	"github.com/arengo-pa/arengo/internal/payments/iuv"
)

// DefaultFiscalCode is the creditor's fiscal code when ARENGO_PAGOPA_FISCAL_CODE
// is not set: the demo's comune.
const DefaultFiscalCode = "00644060287"

// Settings of the payments module, read from ARENGO_PAGOPA_* variables.
type Settings struct {
	CreditorCF    string // the comune's fiscal code (11 digits)
	CreditorName  string
	Office        string
	Info          string // contacts printed on notices
	IPA           string // IPA code: first part of MyPay file names
	Segregation   int    // the comune's segregation code for aux-3 notices
	GPDURL        string // e.g. https://api.platform.pagopa.it/gpd/debt-positions-service/v1
	GPDKey        string
	CheckoutURL   string // where citizens pay; the simulator's /checkout in the demo
	PostalAccount string // postal current account: adds the Poste slip to notices
	PosteAuth     string
	SimDir        string // ARENGO_PAGOPA_SIM_DIR: the in-process simulator's journal and flows
	// SimFiles (ARENGO_PAGOPA_SIM_FILES), when set, receives the simulator's
	// end-of-day FdR and treasury journals, flat, instead of SimDir/fdr and
	// SimDir/opi: the demo points it at the reconciliation's watched folder.
	SimFiles string
	// Sim runs the pagoPA simulator in-process (default in the demo when no GPD URL is set).
	Sim bool
}

func loadSettings(c *config.Config) (Settings, error) {
	env := func(k, def string) string {
		if c.Env != nil {
			if v := c.Env(k); v != "" {
				return v
			}
		}
		return def
	}
	s := Settings{
		CreditorCF:    env("ARENGO_PAGOPA_FISCAL_CODE", DefaultFiscalCode),
		CreditorName:  env("ARENGO_PAGOPA_CREDITOR_NAME", c.Comune),
		Office:        env("ARENGO_PAGOPA_OFFICE", "Servizi finanziari"),
		Info:          env("ARENGO_PAGOPA_INFO", ""),
		IPA:           env("ARENGO_PAGOPA_IPA", "c_x000"),
		GPDURL:        env("ARENGO_PAGOPA_GPD_URL", ""),
		GPDKey:        env("ARENGO_PAGOPA_GPD_KEY", ""),
		CheckoutURL:   env("ARENGO_PAGOPA_CHECKOUT_URL", ""),
		PostalAccount: env("ARENGO_PAGOPA_POSTAL_ACCOUNT", ""),
		PosteAuth:     env("ARENGO_PAGOPA_POSTE_AUTH", ""),
		SimDir:        env("ARENGO_PAGOPA_SIM_DIR", c.DataDir+"/pagopa-sim"),
		SimFiles:      env("ARENGO_PAGOPA_SIM_FILES", ""),
	}
	seg, err := strconv.Atoi(env("ARENGO_PAGOPA_SEGREGATION", "1"))
	if err != nil {
		return s, fmt.Errorf("setting ARENGO_PAGOPA_SEGREGATION: not a number")
	}
	if err := iuv.CheckSegregationCode(seg); err != nil {
		return s, fmt.Errorf("setting ARENGO_PAGOPA_SEGREGATION: %v", err)
	}
	s.Segregation = seg
	if err := fiscalcode.Company(s.CreditorCF); err != nil {
		return s, fmt.Errorf("setting ARENGO_PAGOPA_FISCAL_CODE: %v", err)
	}
	switch env("ARENGO_PAGOPA_SIM", "") {
	case "1", "true":
		s.Sim = true
	case "":
		s.Sim = c.Demo && s.GPDURL == ""
	}
	return s, nil
}
