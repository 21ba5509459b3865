package main

import (
	"github.com/arengo-pa/arengo/internal/config"
	"github.com/arengo-pa/arengo/internal/datasov"
	"github.com/arengo-pa/arengo/internal/kernel"
)

// Dati: the change feed to the comune's own sinks, export and import in open formats.
func init() {
	wire(90, func(*config.Config) kernel.Module { return datasov.New() })
}
