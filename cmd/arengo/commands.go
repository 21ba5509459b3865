package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/arengo-pa/arengo/internal/config"
	"github.com/arengo-pa/arengo/internal/kernel"
)

// moduleCommand runs a subcommand a module contributes. Commands that need
// the application get the instance of their module that Init prepared.
func moduleCommand(ctx context.Context, name string, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	// Settings come from the environment here: the arguments belong to the command.
	cfg, err := config.Load(nil, getenv)
	if err != nil {
		return err
	}
	cmd, ok := findCommand(modules(cfg), name)
	if !ok {
		return fmt.Errorf("unknown command %q (arengo help lists the commands)", name)
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
	cmd, _ = findCommand(app.Modules, name)
	return cmd.Run(ctx, app.Deps, args)
}

func findCommand(mods []kernel.Module, name string) (kernel.Command, bool) {
	for _, m := range mods {
		if c, ok := m.(kernel.Commander); ok {
			for _, cmd := range c.Commands() {
				if cmd.Name == name {
					return cmd, true
				}
			}
		}
	}
	return kernel.Command{}, false
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
