package pagopasim

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/arengo-pa/arengo/internal/payments/gpd"
)

// GPDBase is the path prefix of the GPD v1 API, as in pagoPA's own URLs; the
// bulk endpoint lives under the same prefix with v2.
const GPDBase = "/gpd/debt-positions-service/v1"

// Handler serves the GPD API, the checkout pages and the simulator's own controls.
func (s *Sim) Handler() http.Handler {
	mux := http.NewServeMux()
	pos := GPDBase + "/organizations/{org}/debtpositions"
	mux.HandleFunc("POST "+pos, s.gpdAuth(s.handleCreate))
	mux.HandleFunc("GET "+pos+"/{iupd}", s.gpdAuth(s.handleGet))
	mux.HandleFunc("PUT "+pos+"/{iupd}", s.gpdAuth(s.handleUpdate))
	mux.HandleFunc("DELETE "+pos+"/{iupd}", s.gpdAuth(s.handleDelete))
	mux.HandleFunc("POST "+pos+"/{iupd}/publish", s.gpdAuth(s.handleTransition("publish")))
	mux.HandleFunc("POST "+pos+"/{iupd}/invalidate", s.gpdAuth(s.handleTransition("invalidate")))
	mux.HandleFunc("POST /gpd/debt-positions-service/v2/organizations/{org}/debtpositions", s.gpdAuth(s.handleBulk))
	mux.HandleFunc("GET /checkout", s.handleCheckout)
	mux.HandleFunc("POST /checkout", s.handleCheckoutPay)
	mux.HandleFunc("POST /sim/payments", s.handleSimPay)
	mux.HandleFunc("POST /sim/close-day", s.handleCloseDay)
	mux.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, "pagoPA simulator: GPD at "+GPDBase+", checkout at /checkout?org=<cf>&notice=<nav>\n")
	})
	return mux
}

func (s *Sim) gpdAuth(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.cfg.SubscriptionKey != "" && r.Header.Get("Ocp-Apim-Subscription-Key") != s.cfg.SubscriptionKey {
			writeProblem(w, fail(401, "Ocp-Apim-Subscription-Key mancante o errata"))
			return
		}
		h(w, r)
	}
}

func (s *Sim) handleCreate(w http.ResponseWriter, r *http.Request) {
	var p gpd.Position
	if !readJSON(w, r, &p) {
		return
	}
	out, err := s.create(r.PathValue("org"), p, r.URL.Query().Get("toPublish") == "true")
	reply(w, http.StatusCreated, out, err)
}

func (s *Sim) handleGet(w http.ResponseWriter, r *http.Request) {
	p, ok := s.Position(r.PathValue("org"), r.PathValue("iupd"))
	if !ok {
		writeProblem(w, fail(404, "posizione %s non trovata", r.PathValue("iupd")))
		return
	}
	reply(w, http.StatusOK, p, nil)
}

func (s *Sim) handleUpdate(w http.ResponseWriter, r *http.Request) {
	var p gpd.Position
	if !readJSON(w, r, &p) {
		return
	}
	if p.IUPD != r.PathValue("iupd") {
		writeProblem(w, fail(400, "iupd del corpo diverso da quello del percorso"))
		return
	}
	out, err := s.update(r.PathValue("org"), p, r.URL.Query().Get("toPublish") == "true")
	reply(w, http.StatusOK, out, err)
}

func (s *Sim) handleDelete(w http.ResponseWriter, r *http.Request) {
	err := s.remove(r.PathValue("org"), r.PathValue("iupd"))
	reply(w, http.StatusOK, map[string]string{"status": "deleted"}, err)
}

func (s *Sim) handleTransition(action string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		out, err := s.transition(r.PathValue("org"), r.PathValue("iupd"), action)
		reply(w, http.StatusOK, out, err)
	}
}

// handleBulk creates up to gpd.MaxBulk positions, all or none.
func (s *Sim) handleBulk(w http.ResponseWriter, r *http.Request) {
	var body struct {
		PaymentPositions []gpd.Position `json:"paymentPositions"`
	}
	if !readJSON(w, r, &body) {
		return
	}
	if n := len(body.PaymentPositions); n == 0 || n > gpd.MaxBulk {
		writeProblem(w, fail(400, "da 1 a %d posizioni per chiamata, ricevute %d", gpd.MaxBulk, n))
		return
	}
	org, publish := r.PathValue("org"), r.URL.Query().Get("toPublish") == "true"
	var created []string
	for _, p := range body.PaymentPositions {
		if _, err := s.create(org, p, publish); err != nil {
			for _, iupd := range created {
				s.remove(org, iupd)
			}
			writeProblem(w, err)
			return
		}
		created = append(created, p.IUPD)
	}
	w.WriteHeader(http.StatusCreated)
}

// handleSimPay pays without the HTML page: {"org","notice","psp"} → paSendRTReq.
func (s *Sim) handleSimPay(w http.ResponseWriter, r *http.Request) {
	var in struct{ Org, Notice, PSP string }
	if !readJSON(w, r, &in) {
		return
	}
	if in.PSP == "" {
		in.PSP = PSPs[0].ID
	}
	rt, err := s.Pay(r.Context(), in.Org, in.Notice, in.PSP)
	reply(w, http.StatusOK, rt, err)
}

// handleCloseDay emits the end-of-day files: ?date=yyyy-mm-dd, default today.
func (s *Sim) handleCloseDay(w http.ResponseWriter, r *http.Request) {
	day := s.cfg.Now()
	if d := r.URL.Query().Get("date"); d != "" {
		t, err := time.Parse("2006-01-02", d)
		if err != nil {
			writeProblem(w, fail(400, "date %q: atteso aaaa-mm-gg", d))
			return
		}
		day = t
	}
	files, err := s.CloseDay(day)
	reply(w, http.StatusOK, map[string][]string{"files": files}, err)
}

func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(io.LimitReader(r.Body, 32<<20))
	if err := dec.Decode(v); err != nil {
		writeProblem(w, fail(400, "JSON non valido: %v", err))
		return false
	}
	return true
}

func reply(w http.ResponseWriter, status int, v any, err error) {
	if err != nil {
		writeProblem(w, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func writeProblem(w http.ResponseWriter, err error) {
	var ae *apiError
	if !errors.As(err, &ae) {
		ae = &apiError{status: 500, title: "Internal Server Error", detail: err.Error()}
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(ae.status)
	json.NewEncoder(w).Encode(gpd.Problem{Title: ae.title, Status: ae.status, Detail: strings.TrimSpace(ae.detail)})
}
