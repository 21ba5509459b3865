package main

import (
	"context"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/arengo-pa/arengo/internal/notify/appio"
	"github.com/arengo-pa/arengo/internal/notify/appiosim"
	"github.com/arengo-pa/arengo/internal/notify/channel"
	"github.com/arengo-pa/arengo/internal/notify/email"
	"github.com/arengo-pa/arengo/internal/notify/smtpsim"
)

// measureFloor makes the same channel calls the hub makes for n messages
// (IO profile + submit, one SMTP mail), with the hub's 8 workers, and no
// database: what the hub costs is the difference.
func measureFloor(ctx context.Context, n int) (float64, error) {
	io, err := appiosim.New("")
	if err != nil {
		return 0, err
	}
	io.AddService("k", "S")
	srv := httptest.NewServer(io)
	defer srv.Close()
	mail, err := smtpsim.Start("127.0.0.1:0", "")
	if err != nil {
		return 0, err
	}
	mail.DiscardBodies = true
	defer mail.Close()
	ioc := &channel.AppIO{Client: &appio.Client{BaseURL: srv.URL + "/api/v1"}, DefaultKey: "k", PayeeCF: "00644060287"}
	mc := &channel.EmailChannel{Config: email.Config{Addr: mail.Addr(), From: "noreply@example.org", TLS: mail.ClientTLS()}, Domain: "floor"}
	body := data["testo"].(string) + "\n\nQuesto messaggio ti è stato inviato dal Comune. Lo trovi anche nella tua Area personale."
	var next atomic.Int64
	var firstErr error
	var once sync.Once
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				cf := citizen(i)
				m := channel.Message{IdempotencyKey: key(i) + ":io", FiscalCode: cf, Subject: data["titolo"].(string), Markdown: body, Email: strings.ToLower(cf) + "@example.org"}
				_, err := ioc.Send(ctx, m)
				if err == nil {
					m.IdempotencyKey = key(i) + ":email"
					_, err = mc.Send(ctx, m)
				}
				if err != nil {
					once.Do(func() { firstErr = err })
					return
				}
			}
		}()
	}
	wg.Wait()
	return float64(n) / time.Since(start).Seconds(), firstErr
}
