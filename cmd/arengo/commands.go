package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/arengo-pa/arengo/internal/config"
	"github.com/arengo-pa/arengo/internal/kernel"
)

// moduleCommand runs a subcommand a module contributes.
func moduleCommand(ctx context.Context, name string, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	// Settings come from the environment here: the arguments belong to the command.
	cfg, err := config.Load(nil, getenv)
	if err != nil {
		return err
	}
	for _, m := range modules(cfg) {
		c, ok := m.(kernel.Commander)
		if !ok {
			continue
		}
		for _, cmd := range c.Commands() {
			if cmd.Name != name {
				continue
			}
			if cmd.NoApp {
				return cmd.Run(ctx, &kernel.Deps{Config: cfg, Log: newLogger(cfg, stderr)}, args)
			}
			app, err := openApp(ctx, cfg, stderr, true)
			if err != nil {
				return err
			}
			defer app.Close()
			if err := app.Start(ctx); err != nil {
				return err
			}
			return cmd.Run(ctx, app.Deps, args)
		}
	}
	return fmt.Errorf("unknown command %q (arengo help lists the commands)", name)
}

func moduleUsage() string {
	cfg, err := config.Load(nil, func(string) string { return "" })
	if err != nil {
		return ""
	}
	var b strings.Builder
	for _, m := range modules(cfg) {
		if c, ok := m.(kernel.Commander); ok {
			for _, cmd := range c.Commands() {
				fmt.Fprintf(&b, "  arengo %-12s %s\n", cmd.Name, cmd.Usage)
			}
		}
	}
	return b.String()
}
