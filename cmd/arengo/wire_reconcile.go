package main

import (
	"github.com/arengo-pa/arengo/internal/config"
	"github.com/arengo-pa/arengo/internal/kernel"
	"github.com/arengo-pa/arengo/internal/reconcile"
)

// Riconciliazione: receipts, pagoPA reporting flows and the treasury journal
// matched MyPivot-style. After payments, whose receipt events it consumes.
func init() {
	wire(50, func(*config.Config) kernel.Module { return reconcile.New() })
}
