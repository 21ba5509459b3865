package payments

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/arengo-pa/arengo/internal/errs"
	"github.com/arengo-pa/arengo/internal/payments/gpd"
	"github.com/arengo-pa/arengo/internal/payments/pagopasim"
	"github.com/arengo-pa/arengo/internal/store"
)

// runSimulator serves the pagoPA simulator next to Arengo (the demo): GPD calls
// and the checkout go to it, and it delivers receipts to Arengo's API with an
// API key kept in its directory. At each change of day, or when staff close the
// day (CloseSimDay), it emits the day's FdR and treasury journal into
// <sim dir>/fdr and <sim dir>/opi, or all into SimFiles when set.
func (s *Service) runSimulator(ctx context.Context) error {
	dir := s.cfg.SimDir
	token, err := s.simToken(ctx, dir)
	if err != nil {
		return err
	}
	sim, err := pagopasim.New(pagopasim.Config{
		ReceiptURL: strings.TrimRight(s.d.Config.BaseURL, "/") + "/api/v1/payments/receipts", ReceiptToken: token, Dir: dir, FilesDir: s.cfg.SimFiles})
	if err != nil {
		return err
	}
	defer sim.Close()
	s.sim.Store(sim)
	defer s.sim.Store(nil) // before Close: no one closes a day on a closed journal
	addr := "127.0.0.1:0"
	if s.d.Config.Env != nil && s.d.Config.Env("ARENGO_PAGOPA_SIM_ADDR") != "" {
		addr = s.d.Config.Env("ARENGO_PAGOPA_SIM_ADDR")
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: sim.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	base := "http://" + ln.Addr().String()
	s.gpd.Store(&gpdClient{gpd.NewHTTPClient(base+pagopasim.GPDBase, "")})
	checkout := base + "/checkout"
	s.checkout.Store(&checkout)
	s.d.Log.Info("pagoPA simulator running", "url", base, "dir", dir, "files", sim.FilesDir())
	if err := s.d.DB.Transact(ctx, func(tx *store.Tx) error { return s.wakeSync(ctx, tx) }); err != nil {
		s.d.Log.Warn("payments: cannot queue GPD sync", "err", err)
	}
	go sim.Run(ctx)
	day := time.Now().UTC().Truncate(24 * time.Hour)
	tick := time.NewTicker(time.Minute)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			return srv.Shutdown(shut)
		case <-tick.C:
			if today := time.Now().UTC().Truncate(24 * time.Hour); today.After(day) {
				if files, err := sim.CloseDay(day); err != nil {
					s.d.Log.Error("pagoPA simulator: end of day", "err", err)
				} else {
					s.d.Log.Info("pagoPA simulator: end of day", "day", day.Format("2006-01-02"), "files", len(files))
				}
				day = today
			}
		}
	}
}

// SimRunning tells whether the in-process simulator runs (the demo).
func (s *Service) SimRunning() bool { return s.sim.Load() != nil }

// CloseSimDay has the in-process simulator close today (UTC) now rather than
// at midnight: it returns the day and the end-of-day files written (none when
// nothing was paid since the last close) and the folder they are in.
func (s *Service) CloseSimDay() (day time.Time, files []string, dir string, err error) {
	sim := s.sim.Load()
	if sim == nil {
		return day, nil, "", errs.E(errs.ENOTFOUND, "il simulatore pagoPA non è attivo")
	}
	day = time.Now().UTC().Truncate(24 * time.Hour)
	files, err = sim.CloseDay(day)
	return day, files, sim.FilesDir(), err
}

// simToken returns the API key the simulator uses for receipts, creating it once.
func (s *Service) simToken(ctx context.Context, dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	path := filepath.Join(dir, "receipt-api-key")
	b, err := os.ReadFile(path)
	token := strings.TrimSpace(string(b))
	if errors.Is(err, os.ErrNotExist) || token == "" {
		token = "ak_" + randomHex(8) + "_" + randomHex(24)
		if err := os.WriteFile(path, []byte(token+"\n"), 0o600); err != nil {
			return "", err
		}
	} else if err != nil {
		return "", err
	}
	return token, s.d.DB.Transact(ctx, func(tx *store.Tx) error {
		return s.d.Auth.EnsureAPIKey(ctx, tx, "pagopa-sim", token, []string{PermReceipts})
	})
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
