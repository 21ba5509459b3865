// Command arengo runs the Arengo platform: one binary for the web site, the
// API, the background jobs, the demo and the operations tools.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "arengo:", oneLine(err.Error()))
		os.Exit(1)
	}
}

// oneLine folds a multi-line driver error into the one line an operator reads.
func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " ; ")), " ")
}

const usage = `Arengo — servizi online e back office per i comuni.

Uso:
  arengo serve        avvia il sito, l'API e le attività in background
  arengo demo         avvia una demo completa su SQLite con dati di esempio
  arengo db migrate   applica le migrazioni del database
  arengo db status    mostra lo stato delle migrazioni
  arengo user add     crea o aggiorna un account operatore
  arengo version      stampa la versione
%s
Ogni comando accetta le opzioni di configurazione (arengo serve -h per l'elenco),
lette anche dalle variabili d'ambiente ARENGO_*.
`

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintf(stderr, usage, moduleUsage())
		return fmt.Errorf("missing command")
	}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "serve":
		return serve(ctx, rest, getenv, stdout, stderr, false)
	case "demo":
		return serve(ctx, rest, getenv, stdout, stderr, true)
	case "db":
		return dbCommand(ctx, rest, getenv, stdout, stderr)
	case "user":
		return userCommand(ctx, rest, getenv, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "arengo", version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprintf(stdout, usage, moduleUsage())
		return nil
	default:
		return moduleCommand(ctx, cmd, rest, getenv, stdout, stderr)
	}
}
