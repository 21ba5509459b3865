package main

import (
	"github.com/arengo-pa/arengo/internal/cloudplan"
	"github.com/arengo-pa/arengo/internal/config"
	"github.com/arengo-pa/arengo/internal/kernel"
)

// Migrazione al cloud: the Cloud Enablement kit's method for the IT office
// (inventory, classification, strategies, waves, costs, skills, tracking).
func init() {
	wire(60, func(*config.Config) kernel.Module { return cloudplan.New() })
}
