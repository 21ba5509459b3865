// Command oidcsim runs the OpenID provider simulator, so Arengo's OpenID
// Connect logins can be tried by hand without SPID, CIE or a real provider:
//
//	go run ./internal/oidclogin/oidcsim/cmd/oidcsim -addr 127.0.0.1:9400
//	ARENGO_CITIZEN_OIDC_ISSUER=http://127.0.0.1:9400 ARENGO_CITIZEN_OIDC_CLIENT_ID=arengo \
//	ARENGO_CITIZEN_OIDC_SECRET=segreto go run ./cmd/arengo demo
//
// Every login at the simulator is, at once, the person the flags describe.
package main

import (
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/arengo-pa/arengo/internal/oidclogin/oidcsim"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:9400", "listen address")
	client := flag.String("client", "arengo", "client id Arengo uses")
	secret := flag.String("secret", "segreto", "client secret Arengo uses")
	fc := flag.String("fiscal-code", "RSSMRA80A01H501U", "fiscal code of the person who logs in (sent as TINIT-…, as SPID does)")
	name := flag.String("name", "Mario Rossi", "their name")
	email := flag.String("email", "mario.rossi@example.it", "their e-mail")
	username := flag.String("username", "", "preferred_username, to log staff in instead")
	flag.Parse()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "oidcsim:", err)
		os.Exit(1)
	}
	issuer := "http://" + ln.Addr().String()
	p, err := oidcsim.New(issuer)
	if err != nil {
		fmt.Fprintln(os.Stderr, "oidcsim:", err)
		os.Exit(1)
	}
	p.AddClient(oidcsim.Client{ID: *client, Secret: *secret})
	claims := map[string]any{"name": *name, "email": *email}
	if *username != "" {
		claims["preferred_username"] = *username
	} else {
		claims["fiscal_number"] = "TINIT-" + *fc
	}
	p.SetUser(oidcsim.User{Subject: "sim-" + *fc + *username, Claims: claims})
	fmt.Printf("OpenID provider simulator at %s (client %q, secret %q)\n", issuer, *client, *secret)
	srv := &http.Server{Handler: p, ReadHeaderTimeout: 5 * time.Second}
	if err := srv.Serve(ln); err != nil {
		fmt.Fprintln(os.Stderr, "oidcsim:", err)
		os.Exit(1)
	}
}
