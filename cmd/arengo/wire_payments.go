package main

import (
	"github.com/arengo-pa/arengo/internal/config"
	"github.com/arengo-pa/arengo/internal/kernel"
	"github.com/arengo-pa/arengo/internal/payments"
)

// Pagamenti pagoPA: debt positions, notices, MyPay imports, receipts; in the
// demo it runs the pagoPA simulator in-process.
func init() {
	wire(20, func(*config.Config) kernel.Module { return payments.New() })
}
