package main

import (
	"sort"

	"github.com/arengo-pa/arengo/internal/config"
	"github.com/arengo-pa/arengo/internal/kernel"
	"github.com/arengo-pa/arengo/internal/portal"
)

// wiring builds one module from the configuration. Each module's wire_*.go
// file adds itself with wire(), so adding a module touches no other file.
type wiring struct {
	order int
	build func(cfg *config.Config) kernel.Module
}

var wirings = []wiring{{0, func(*config.Config) kernel.Module { return portal.New() }}}

func wire(order int, build func(cfg *config.Config) kernel.Module) {
	wirings = append(wirings, wiring{order, build})
}

func modules(cfg *config.Config) []kernel.Module {
	ws := append([]wiring(nil), wirings...)
	sort.SliceStable(ws, func(i, j int) bool { return ws[i].order < ws[j].order })
	out := make([]kernel.Module, 0, len(ws))
	for _, w := range ws {
		out = append(out, w.build(cfg))
	}
	return out
}
