package payments

import (
	"context"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/arengo-pa/arengo/internal/errs"
	"github.com/arengo-pa/arengo/internal/kernel"
	"github.com/arengo-pa/arengo/internal/payments/pagopasim"
)

// Commands are `arengo payments import FILE` and `arengo pagopa-sim`.
func (m *Module) Commands() []kernel.Command {
	return []kernel.Command{
		{Name: "payments", Usage: "payments import FILE.zip|FILE.csv — carica un flusso dovuti MyPay (con avanzamento)",
			Run: cmdPayments},
		{Name: "pagopa-sim", Usage: "pagopa-sim [-addr 127.0.0.1:8091] [-dir DIR] [-receipt-url URL] [-receipt-key KEY] — simulatore pagoPA",
			NoApp: true, Run: cmdSimulator},
	}
}

func cmdPayments(ctx context.Context, d *kernel.Deps, args []string) error {
	if len(args) != 2 || args[0] != "import" {
		return fmt.Errorf("uso: arengo payments import FILE")
	}
	// The kernel runs a command on the Deps of its own app, whose module
	// instance is not m: build the service on those Deps.
	cfg, err := loadSettings(d.Config)
	if err != nil {
		return err
	}
	svc := &Service{d: d, cfg: cfg}
	f, err := os.Open(args[1])
	if err != nil {
		return err
	}
	defer f.Close()
	imp, err := svc.StartImport(ctx, args[1], f)
	if err != nil {
		return fmt.Errorf("%s", errs.MessageOf(err))
	}
	start := time.Now()
	last := time.Time{}
	res, err := svc.RunImport(ctx, imp.ID, func(done, total int64, rows int) {
		if time.Since(last) < 200*time.Millisecond && done < total {
			return
		}
		last = time.Now()
		pct := 100
		if total > 0 {
			pct = int(done * 100 / total)
		}
		fmt.Fprintf(os.Stderr, "\r%3d%% %d righe elaborate", pct, rows)
	})
	fmt.Fprintln(os.Stderr)
	if err != nil {
		return fmt.Errorf("%s", errs.MessageOf(err))
	}
	fmt.Printf("%s: %d righe in %s — %d caricate, %d invariate, %d scartate\n", res.FileName, res.Total,
		time.Since(start).Round(time.Millisecond), res.Loaded, res.Unchanged, res.Rejected)
	if res.Rejected > 0 {
		fmt.Printf("scarti: /admin/pagamenti/importazioni/%s/scarti.csv\n", res.ID)
	}
	return nil
}

func cmdSimulator(ctx context.Context, _ *kernel.Deps, args []string) error {
	fs := flag.NewFlagSet("pagopa-sim", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8091", "indirizzo di ascolto")
	dir := fs.String("dir", "data/pagopa-sim", "cartella del giornale e dei flussi (fdr/, opi/)")
	files := fs.String("files", "", "cartella dove scrivere i flussi di fine giornata, tutti insieme (vuota: fdr/ e opi/ di -dir)")
	receiptURL := fs.String("receipt-url", "http://localhost:8080/api/v1/payments/receipts", "dove consegnare le ricevute")
	receiptKey := fs.String("receipt-key", os.Getenv("ARENGO_PAGOPA_SIM_RECEIPT_KEY"), "chiave API (permesso payments.receipts) per le ricevute")
	key := fs.String("subscription-key", "", "Ocp-Apim-Subscription-Key richiesta alle chiamate GPD (vuota: nessuna)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	sim, err := pagopasim.New(pagopasim.Config{ReceiptURL: *receiptURL, ReceiptToken: *receiptKey, SubscriptionKey: *key, Dir: *dir, FilesDir: *files})
	if err != nil {
		return err
	}
	defer sim.Close()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: sim.Handler(), ReadHeaderTimeout: 10 * time.Second}
	fmt.Printf("simulatore pagoPA su http://%s (GPD %s, checkout /checkout, fine giornata POST /sim/close-day)\n", ln.Addr(), pagopasim.GPDBase)
	go sim.Run(ctx)
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(shut)
	}()
	if err := srv.Serve(ln); err != http.ErrServerClosed {
		return err
	}
	return nil
}
