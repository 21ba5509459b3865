package main

import (
	"github.com/arengo-pa/arengo/internal/config"
	"github.com/arengo-pa/arengo/internal/kernel"
	"github.com/arengo-pa/arengo/internal/reports"
)

// Segnalazioni: citizens' reports with Open311 GeoReport v2 inside.
func init() {
	wire(30, func(*config.Config) kernel.Module { return reports.New() })
}
