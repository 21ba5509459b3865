package datasov

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/arengo-pa/arengo/internal/datasov/sink"
	"github.com/arengo-pa/arengo/internal/kernel"
)

// Commands are `arengo export DIR`, `arengo import DIR` and `arengo feed-verify DIR|s3://…`.
func (m *Module) Commands() []kernel.Command {
	return []kernel.Command{
		{Name: "export", Usage: "DIR  esporta tutte le tabelle e gli allegati in formato aperto", Run: m.cmdExport},
		{Name: "import", Usage: "DIR  importa un'esportazione in un database vuoto", Run: m.cmdImport},
		{Name: "feed-verify", Usage: "DIR|s3://…  verifica i file NDJSON del flusso e ne conta gli eventi", NoApp: true, Run: cmdFeedVerify},
	}
}

func oneArg(args []string, cmd string) (string, error) {
	if len(args) != 1 || strings.HasPrefix(args[0], "-") {
		return "", fmt.Errorf("uso: arengo %s DIR", cmd)
	}
	return args[0], nil
}

func (m *Module) cmdExport(ctx context.Context, d *kernel.Deps, args []string) error {
	dir, err := oneArg(args, "export")
	if err != nil {
		return err
	}
	m.deps = d
	man, err := m.Export(ctx, dir, func(table string, rows int64) { d.Log.Info("export", "table", table, "rows", rows) })
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stdout, "esportate %d tabelle (%d righe) e %d allegati in %s\n", len(man.Tables), man.Rows(), len(man.Blobs), dir)
	return nil
}

func (m *Module) cmdImport(ctx context.Context, d *kernel.Deps, args []string) error {
	dir, err := oneArg(args, "import")
	if err != nil {
		return err
	}
	m.deps = d
	man, err := m.Import(ctx, dir, func(table string, rows int64) { d.Log.Info("import", "table", table, "rows", rows) })
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stdout, "importate %d tabelle (%d righe) e %d allegati da %s\n", len(man.Tables), man.Rows(), len(man.Blobs), dir)
	return nil
}

func cmdFeedVerify(ctx context.Context, d *kernel.Deps, args []string) error {
	if len(args) != 1 {
		return errors.New("uso: arengo feed-verify DIR|s3://CHIAVE:SEGRETO@host/bucket/prefisso")
	}
	var dest sink.Destination = sink.DirDestination{Dir: args[0]}
	if strings.HasPrefix(args[0], "s3") {
		c, err := sink.ParseS3URL(args[0])
		if err != nil {
			return err
		}
		if dest, err = sink.NewS3Destination(ctx, c); err != nil {
			return err
		}
	}
	var n int
	var last sink.Event
	err := sink.ReadFeed(ctx, dest, func(e sink.Event) error { n, last = n+1, e; return nil })
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stdout, "%s: %d eventi distinti, checksum corretti; ultimo %s (%s, %s)\n", dest, n, last.ID, last.Type,
		last.OccurredAt.Format("2006-01-02T15:04:05Z07:00"))
	return nil
}
