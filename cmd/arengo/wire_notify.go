package main

import (
	"github.com/arengo-pa/arengo/internal/config"
	"github.com/arengo-pa/arengo/internal/kernel"
	"github.com/arengo-pa/arengo/internal/notify"
)

// The notification hub comes first: the kernel hands it to every other
// module as d.Notifier, and their Init defines templates on it.
func init() {
	wire(1, func(cfg *config.Config) kernel.Module { return notify.New(notify.ConfigFromEnv(cfg.Env)) })
}
