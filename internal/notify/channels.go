package notify

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"time"

	"github.com/arengo-pa/arengo/internal/notify/appio"
	"github.com/arengo-pa/arengo/internal/notify/appiosim"
	"github.com/arengo-pa/arengo/internal/notify/channel"
	"github.com/arengo-pa/arengo/internal/notify/email"
	"github.com/arengo-pa/arengo/internal/notify/send"
	"github.com/arengo-pa/arengo/internal/notify/sendsim"
	"github.com/arengo-pa/arengo/internal/notify/smtpsim"
)

type channels struct {
	io    *channel.AppIO
	email *channel.EmailChannel
	send  *channel.SENDChannel
}

func (c *channels) deliver(ctx context.Context, name string, m channel.Message) (channel.Outcome, error) {
	switch name {
	case channel.IO:
		return c.io.Send(ctx, m)
	case channel.Email:
		return c.email.Send(ctx, m)
	case channel.SEND:
		return c.send.Send(ctx, m)
	}
	return channel.Outcome{}, &channel.Refusal{Reason: "canale sconosciuto " + name}
}

// Simulators are the in-process stand-ins for the channels the
// configuration leaves without a real endpoint.
type Simulators struct {
	IO   *appiosim.Sim
	SMTP *smtpsim.Server
	SEND *sendsim.Sim

	servers []*http.Server
}

// Simulator API keys: not secrets, the simulators accept only these.
const (
	simIOKey   = "sim-io-key"
	simSENDKey = "sim-send-key"
)

// build wires each channel to its real endpoint or to a simulator.
func build(cfg Config) (*channels, *Simulators, error) {
	sims := &Simulators{}
	journal := func(name string) string {
		if cfg.SimDir == "" {
			return ""
		}
		return filepath.Join(cfg.SimDir, name)
	}
	hc := &http.Client{Timeout: 30 * time.Second}
	c := &channels{}

	ioURL, ioKey, moduleKeys := cfg.IOURL, cfg.IOKey, cfg.IOModuleKeys
	if ioURL == "" {
		sim, err := appiosim.New(journal("appio.jsonl"))
		if err != nil {
			return nil, nil, err
		}
		sim.AddService(simIOKey, "SIM-COMUNE")
		for mod := range moduleKeys {
			sim.AddService(simIOKey+"-"+mod, "SIM-"+mod)
		}
		sims.IO = sim
		url, err := sims.serve(sim)
		if err != nil {
			return nil, nil, err
		}
		ioURL, ioKey = url+"/api/v1", simIOKey
		keys := map[string]string{}
		for mod := range moduleKeys {
			keys[mod] = simIOKey + "-" + mod
		}
		moduleKeys = keys
	}
	c.io = &channel.AppIO{Client: &appio.Client{BaseURL: ioURL, HTTP: hc, BaseDelay: 200 * time.Millisecond},
		DefaultKey: ioKey, ModuleKeys: moduleKeys, PayeeCF: cfg.SenderTaxID}

	mailCfg := email.Config{Addr: cfg.SMTPAddr, From: cfg.SMTPFrom, Username: cfg.SMTPUser, Password: cfg.SMTPPassword}
	if cfg.SMTPAddr == "" {
		srv, err := smtpsim.Start("127.0.0.1:0", journal("smtp.jsonl"))
		if err != nil {
			return nil, nil, err
		}
		srv.DiscardBodies = cfg.SimDir != "" // journaled runs are the benchmark's: headers are enough
		sims.SMTP = srv
		mailCfg.Addr, mailCfg.TLS = srv.Addr(), srv.ClientTLS()
	}
	c.email = &channel.EmailChannel{Config: mailCfg, Domain: "arengo.notify"}

	sendURL, sendKey := cfg.SENDURL, cfg.SENDKey
	if sendURL == "" {
		sim, err := sendsim.New(simSENDKey, journal("send.jsonl"))
		if err != nil {
			return nil, nil, err
		}
		sims.SEND = sim
		url, err := sims.serve(sim)
		if err != nil {
			return nil, nil, err
		}
		sendURL, sendKey = url, simSENDKey
	}
	c.send = &channel.SENDChannel{Client: &send.Client{BaseURL: sendURL, APIKey: sendKey, HTTP: hc},
		SenderDenomination: cfg.SenderName, SenderTaxID: cfg.SenderTaxID, TaxonomyCode: cfg.TaxonomyCode}
	return c, sims, nil
}

// serve listens on a free loopback port; the server runs until Close.
func (s *Simulators) serve(h http.Handler) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	s.servers = append(s.servers, srv)
	go srv.Serve(ln)
	return fmt.Sprintf("http://%s", ln.Addr()), nil
}

// Close stops the simulators and closes their journals.
func (s *Simulators) Close() error {
	var errs []error
	for _, srv := range s.servers {
		errs = append(errs, srv.Close())
	}
	if s.IO != nil {
		errs = append(errs, s.IO.Close())
	}
	if s.SMTP != nil {
		errs = append(errs, s.SMTP.Close())
	}
	if s.SEND != nil {
		errs = append(errs, s.SEND.Close())
	}
	return errors.Join(errs...)
}
