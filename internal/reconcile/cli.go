package reconcile

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/arengo-pa/arengo/internal/kernel"
	"github.com/arengo-pa/arengo/internal/reconcile/gen"
	"github.com/arengo-pa/arengo/internal/reconcile/ledger"
)

// Commands adds `arengo reconcile import|generate|classify`.
func (m *Module) Commands() []kernel.Command {
	return []kernel.Command{{
		Name: "reconcile",
		Usage: "reconcile import FILE…            carica flussi FdR, giornali di cassa, export MyPay, notifiche, ricevute\n" +
			"reconcile generate [-n N] [-seed S] [-day AAAA-MM-GG] [-ec CF] DIR   genera una giornata di prova con le risposte attese\n" +
			"reconcile classify                 classifica le voci in attesa",
		Run: func(ctx context.Context, d *kernel.Deps, args []string) error {
			if len(args) == 0 {
				return errors.New("uso: arengo reconcile import|generate|classify …")
			}
			switch args[0] {
			case "import":
				return cliImport(ctx, NewLedger(d), args[1:])
			case "generate":
				return cliGenerate(args[1:])
			case "classify":
				st, err := NewLedger(d).Reclassify(ctx, nil)
				if err == nil {
					fmt.Printf("classificate %d chiavi: %d voci cambiate, %d rimosse\n", st.Keys, st.Changed, st.Removed)
				}
				return err
			}
			return fmt.Errorf("sottocomando %q sconosciuto: import, generate o classify", args[0])
		},
	}}
}

func cliImport(ctx context.Context, l *ledger.Ledger, paths []string) error {
	if len(paths) == 0 {
		return errors.New("uso: arengo reconcile import FILE…")
	}
	failed := 0
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			failed++
			continue
		}
		res, err := l.Import(ctx, p, f, ledger.ImportOptions{Source: "cli", Actor: os.Getenv("USER")})
		f.Close()
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", p, err)
			failed++
			continue
		}
		fmt.Printf("%s: %s, %d righe\n", p, kindLabels[res.Kind], res.Rows)
		for _, pr := range res.Problems {
			fmt.Printf("  attenzione: %s\n", pr.Msg)
		}
	}
	st, err := l.Reclassify(ctx, nil)
	if err != nil {
		return err
	}
	fmt.Printf("classificate %d chiavi: %d voci cambiate\n", st.Keys, st.Changed)
	if failed > 0 {
		return fmt.Errorf("%d file non caricati", failed)
	}
	return nil
}

func cliGenerate(args []string) error {
	fs := flag.NewFlagSet("reconcile generate", flag.ContinueOnError)
	n := fs.Int("n", 1000, "numero di pagamenti")
	seed := fs.Uint64("seed", 1, "seme del generatore")
	day := fs.String("day", time.Now().UTC().Format(time.DateOnly), "giorno degli accrediti in tesoreria")
	ec := fs.String("ec", "00644060287", "codice fiscale dell'ente")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("uso: arengo reconcile generate [-n N] DIR")
	}
	d, err := time.Parse(time.DateOnly, *day)
	if err != nil {
		return fmt.Errorf("-day: %v", err)
	}
	files, err := gen.Generate(fs.Arg(0), gen.Config{N: *n, Seed: *seed, Day: d, EC: *ec})
	if err != nil {
		return err
	}
	fmt.Printf("generati %d flussi FdR, giornali di cassa, ricevute e notifiche in %s; risposta attesa in %s\n", len(files.FdR), fs.Arg(0), files.Expected)
	return nil
}
