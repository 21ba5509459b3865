package appiosim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/arengo-pa/arengo/internal/notify/appio"
)

// ServeHTTP serves the subset of the API a sender uses, under /api/v1.
func (s *Sim) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mux().ServeHTTP(w, r)
}

func (s *Sim) mux() *http.ServeMux {
	m := http.NewServeMux()
	m.HandleFunc("POST /api/v1/profiles", s.guard(OpProfile, s.profileByPOST))
	m.HandleFunc("GET /api/v1/profiles/{fiscal_code}", s.guard(OpProfile, s.profileByPath))
	m.HandleFunc("POST /api/v1/messages", s.guard(OpSubmit, s.submitInBody))
	m.HandleFunc("POST /api/v1/messages/{fiscal_code}", s.guard(OpSubmit, s.submitInPath))
	m.HandleFunc("GET /api/v1/messages/{fiscal_code}/{id}", s.guard(OpMessage, s.getMessage))
	return m
}

// guard counts the call, answers injected errors and checks the API key (401).
func (s *Sim) guard(op string, next func(w http.ResponseWriter, r *http.Request, serviceID, key string)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.requests[op]++
		if inj, ok := s.takeInjection(op); ok {
			s.mu.Unlock()
			if inj.retryAfter != "" {
				w.Header().Set("Retry-After", inj.retryAfter)
			}
			if inj.status == http.StatusBadRequest || inj.status == http.StatusNotFound || inj.status >= 500 {
				problem(w, inj.status, http.StatusText(inj.status), "risposta iniettata dal simulatore")
				return
			}
			w.WriteHeader(inj.status)
			return
		}
		key := r.Header.Get(appio.KeyHeader)
		serviceID, ok := s.services[key]
		s.mu.Unlock()
		if !ok {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		next(w, r, serviceID, key)
	}
}

func (s *Sim) takeInjection(op string) (injection, bool) {
	for i := range s.injected {
		if s.injected[i].op == op && s.injected[i].remaining > 0 {
			s.injected[i].remaining--
			return s.injected[i], true
		}
	}
	return injection{}, false
}

func (s *Sim) profileByPOST(w http.ResponseWriter, r *http.Request, _, _ string) {
	var body struct {
		FiscalCode string `json:"fiscal_code"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || !appio.ValidFiscalCode(body.FiscalCode) {
		problem(w, http.StatusBadRequest, "Invalid payload", "fiscal_code mancante o non valido")
		return
	}
	s.profile(w, body.FiscalCode)
}

func (s *Sim) profileByPath(w http.ResponseWriter, r *http.Request, _, _ string) {
	cf := r.PathValue("fiscal_code")
	if !appio.ValidFiscalCode(cf) {
		problem(w, http.StatusBadRequest, "Invalid fiscal_code", cf)
		return
	}
	s.profile(w, cf)
}

func (s *Sim) profile(w http.ResponseWriter, cf string) {
	s.mu.Lock()
	notUser, blocked := s.notUsers[cf], s.blocked[cf]
	s.mu.Unlock()
	if notUser {
		problem(w, http.StatusNotFound, "Profile not found", "No user found for the provided fiscal code.")
		return
	}
	writeJSON(w, http.StatusOK, appio.Profile{SenderAllowed: !blocked, PreferredLanguages: []string{"it_IT"}})
}

func (s *Sim) submitInBody(w http.ResponseWriter, r *http.Request, serviceID, key string) {
	var m appio.NewMessage
	if err := json.NewDecoder(r.Body).Decode(&m); err != nil {
		problem(w, http.StatusBadRequest, "Invalid payload", err.Error())
		return
	}
	if m.FiscalCode == "" {
		problem(w, http.StatusBadRequest, "Invalid payload", "fiscal_code is required")
		return
	}
	s.submit(w, r, serviceID, key, m)
}

func (s *Sim) submitInPath(w http.ResponseWriter, r *http.Request, serviceID, key string) {
	var m appio.NewMessage
	if err := json.NewDecoder(r.Body).Decode(&m); err != nil {
		problem(w, http.StatusBadRequest, "Invalid payload", err.Error())
		return
	}
	m.FiscalCode = r.PathValue("fiscal_code")
	s.submit(w, r, serviceID, key, m)
}

func (s *Sim) submit(w http.ResponseWriter, r *http.Request, serviceID, key string, m appio.NewMessage) {
	if err := m.Validate(); err != nil {
		problem(w, http.StatusBadRequest, "Invalid payload", err.Error())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if allowed, ok := s.restricted[key]; ok && !allowed[m.FiscalCode] {
		w.WriteHeader(http.StatusForbidden)
		return
	}
	idem := r.Header.Get(appio.IdempotencyHeader)
	if id, dup := s.byKey[idem]; idem != "" && dup {
		if s.journal != nil {
			if err := s.journal.Write(entry{Duplicate: true, Message: Received{IdempotencyKey: idem}}); err != nil {
				problem(w, http.StatusInternalServerError, "Journal", err.Error())
				return
			}
		}
		s.duplicates++
		created(w, r, m.FiscalCode, id)
		return
	}
	status := appio.StatusProcessed
	if s.notUsers[m.FiscalCode] || s.blocked[m.FiscalCode] {
		status = appio.StatusRejected
	}
	msg := Received{
		ID: newULID(time.Now()), IdempotencyKey: idem, ServiceID: serviceID, FiscalCode: m.FiscalCode,
		Content: m.Content, CreatedAt: time.Now().UTC(), Status: status,
	}
	if s.journal != nil {
		if err := s.journal.Write(entry{Message: msg}); err != nil {
			problem(w, http.StatusInternalServerError, "Journal", err.Error())
			return
		}
	}
	s.messages[msg.ID] = &msg
	if idem != "" {
		s.byKey[idem] = msg.ID
	}
	created(w, r, m.FiscalCode, msg.ID)
}

func created(w http.ResponseWriter, r *http.Request, cf, id string) {
	w.Header().Set("Location", fmt.Sprintf("/api/v1/messages/%s/%s", cf, id))
	writeJSON(w, http.StatusCreated, map[string]string{"id": id})
}

func (s *Sim) getMessage(w http.ResponseWriter, r *http.Request, serviceID, _ string) {
	cf, id := r.PathValue("fiscal_code"), r.PathValue("id")
	s.mu.Lock()
	m, ok := s.messages[id]
	var resp appio.MessageResponse
	if ok {
		resp = appio.MessageResponse{
			Message: appio.CreatedMessage{
				ID: m.ID, FiscalCode: m.FiscalCode, TimeToLive: appio.TTLMin, CreatedAt: appio.Timestamp{Time: m.CreatedAt},
				Content: m.Content, SenderServiceID: m.ServiceID, FeatureLevelType: "STANDARD",
			},
			Status: m.Status,
		}
		if m.Status == appio.StatusProcessed {
			resp.Notification = map[string]string{"email": "SENT"}
		}
	}
	s.mu.Unlock()
	// A service only sees its own messages, addressed to that fiscal code.
	if !ok || m.FiscalCode != cf || m.ServiceID != serviceID {
		problem(w, http.StatusNotFound, "Message not found", "No message found for the provided ID.")
		return
	}
	writeJSON(w, http.StatusOK, resp)
}

func problem(w http.ResponseWriter, status int, title, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(appio.Problem{Type: "about:blank", Title: title, Status: status, Detail: strings.TrimSpace(detail)})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
