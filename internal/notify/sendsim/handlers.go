package sendsim

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/arengo-pa/arengo/internal/notify/send"
)

// ServeHTTP serves SEND's B2B paths and the presigned upload URLs.
func (s *Sim) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	m := http.NewServeMux()
	m.HandleFunc("POST /delivery/attachments/preload", s.authed(OpPreload, s.preload))
	m.HandleFunc("PUT /_upload/{key}", s.upload)
	m.HandleFunc("POST /delivery/{version}/requests", s.authed(OpRequest, s.newRequest))
	m.HandleFunc("GET /delivery/{version}/requests", s.authed(OpStatus, s.requestStatus))
	m.HandleFunc("GET /delivery/{version}/notifications/sent/{iun}", s.authed(OpStatus, s.sentNotification))
	m.ServeHTTP(w, r)
}

func (s *Sim) authed(op string, next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		injected := s.takeInjection(op)
		ok := s.apiKeys[r.Header.Get("x-api-key")]
		s.mu.Unlock()
		switch {
		case injected != 0:
			problem(w, injected, http.StatusText(injected), "risposta iniettata dal simulatore")
		case !ok:
			problem(w, http.StatusForbidden, "Forbidden", "x-api-key mancante o non valida")
		default:
			next(w, r)
		}
	}
}

func (s *Sim) preload(w http.ResponseWriter, r *http.Request) {
	var items []send.PreLoadRequest
	if err := json.NewDecoder(r.Body).Decode(&items); err != nil || len(items) == 0 || len(items) > 15 {
		problem(w, http.StatusBadRequest, "Bad Request", "da 1 a 15 PreLoadRequest")
		return
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	out := make([]send.PreLoadResponse, len(items))
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, it := range items {
		if it.ContentType != "application/pdf" && it.ContentType != "application/json" || len(it.Sha256) != 44 {
			problem(w, http.StatusBadRequest, "Bad Request", fmt.Sprintf("elemento %d: contentType pdf/json e sha256 Base64 di 44 caratteri", i))
			return
		}
		key := "PN_NOTIFICATION_ATTACHMENTS-" + randomHex(16) + ".pdf"
		u := &upload{Secret: randomHex(12), ContentType: it.ContentType, Sha256: it.Sha256}
		s.uploads[key] = u
		out[i] = send.PreLoadResponse{PreloadIdx: it.PreloadIdx, Secret: u.Secret, HTTPMethod: http.MethodPut,
			URL: scheme + "://" + r.Host + "/_upload/" + key, Key: key}
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Sim) upload(w http.ResponseWriter, r *http.Request) {
	key := r.PathValue("key")
	data, err := io.ReadAll(io.LimitReader(r.Body, 64<<20))
	if err != nil {
		problem(w, http.StatusBadRequest, "Bad Request", err.Error())
		return
	}
	sum := sha256.Sum256(data)
	got := base64.StdEncoding.EncodeToString(sum[:])
	s.mu.Lock()
	defer s.mu.Unlock()
	if inj := s.takeInjection(OpUpload); inj != 0 {
		problem(w, inj, http.StatusText(inj), "risposta iniettata dal simulatore")
		return
	}
	u, ok := s.uploads[key]
	switch {
	case !ok || r.Header.Get("x-amz-meta-secret") != u.Secret:
		problem(w, http.StatusForbidden, "AccessDenied", "chiave o secret non validi")
	case r.Header.Get("Content-Type") != u.ContentType:
		problem(w, http.StatusBadRequest, "BadDigest", "content-type diverso da quello del preload")
	case r.Header.Get("x-amz-checksum-sha256") != got || got != u.Sha256:
		problem(w, http.StatusBadRequest, "BadDigest", "lo SHA-256 del file non corrisponde")
	default:
		u.Version = "v" + randomHex(8)
		w.Header().Set("x-amz-version-id", u.Version)
		w.WriteHeader(http.StatusOK)
	}
}

func (s *Sim) newRequest(w http.ResponseWriter, r *http.Request) {
	var req send.NewNotificationRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		problem(w, http.StatusBadRequest, "Bad Request", err.Error())
		return
	}
	if err := req.Validate(); err != nil {
		problem(w, http.StatusBadRequest, "Bad Request", err.Error())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	pk := req.PaProtocolNumber + "|" + req.IdempotenceToken
	if _, dup := s.byProtocol[pk]; dup {
		if s.journal != nil {
			if err := s.journal.Write(entry{Duplicate: true}); err != nil {
				problem(w, http.StatusInternalServerError, "Journal", err.Error())
				return
			}
		}
		s.duplicates++
		writeJSON(w, http.StatusConflict, send.Problem{Status: http.StatusConflict, Title: "Conflict",
			Errors: []send.ProblemError{{Code: "NOTIFICATION_ALREADY_EXISTS", Element: "paProtocolNumber", Detail: "paProtocolNumber e idempotenceToken già usati"}}})
		return
	}
	rq := &request{ID: newRequestID(), Req: req, Polls: s.WaitingPolls, Accepted: time.Now().UTC()}
	rq.Refusals = s.validateDocuments(req)
	if len(rq.Refusals) == 0 {
		rq.IUN = newIUN(rq.Accepted)
	}
	if s.journal != nil {
		if err := s.journal.Write(entry{Request: rq}); err != nil {
			problem(w, http.StatusInternalServerError, "Journal", err.Error())
			return
		}
	}
	s.requests[rq.ID] = rq
	s.byProtocol[pk] = rq.ID
	if rq.IUN != "" {
		s.byIUN[rq.IUN] = rq.ID
	}
	writeJSON(w, http.StatusAccepted, send.NewNotificationResponse{NotificationRequestID: rq.ID, PaProtocolNumber: req.PaProtocolNumber, IdempotenceToken: req.IdempotenceToken})
}

// validateDocuments is the asynchronous validation SEND runs after the 202.
func (s *Sim) validateDocuments(req send.NewNotificationRequest) []send.ProblemError {
	var errs []send.ProblemError
	for i, d := range req.Documents {
		u, ok := s.uploads[d.Ref.Key]
		switch {
		case !ok || u.Version == "":
			errs = append(errs, send.ProblemError{Code: "FILE_NOTFOUND", Element: fmt.Sprintf("documents[%d]", i), Detail: "file non caricato"})
		case u.Version != d.Ref.VersionToken:
			errs = append(errs, send.ProblemError{Code: "FILE_NOTFOUND", Element: fmt.Sprintf("documents[%d]", i), Detail: "versionToken errato"})
		case u.Sha256 != d.Digests.Sha256:
			errs = append(errs, send.ProblemError{Code: "FILE_SHA_ERROR", Element: fmt.Sprintf("documents[%d]", i), Detail: "sha256 diverso dal file caricato"})
		}
	}
	for i, rc := range req.Recipients {
		if detail, refused := s.refuseTaxIDs[rc.TaxID]; refused {
			errs = append(errs, send.ProblemError{Code: "NOT_VALID_ADDRESS", Element: fmt.Sprintf("recipients[%d]", i), Detail: detail})
		}
	}
	return errs
}

func (s *Sim) requestStatus(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.mu.Lock()
	defer s.mu.Unlock()
	id := q.Get("notificationRequestId")
	if id == "" {
		id = s.byProtocol[q.Get("paProtocolNumber")+"|"+q.Get("idempotenceToken")]
	}
	rq, ok := s.requests[id]
	if !ok {
		problem(w, http.StatusNotFound, "Not Found", "richiesta di notifica inesistente")
		return
	}
	out := send.RequestStatus{NotificationRequestID: rq.ID, PaProtocolNumber: rq.Req.PaProtocolNumber, IdempotenceToken: rq.Req.IdempotenceToken}
	switch {
	case rq.Polls > 0:
		rq.Polls--
		out.NotificationRequestStatus, out.RetryAfter = send.RequestWaiting, 1
	case len(rq.Refusals) > 0:
		out.NotificationRequestStatus, out.Errors = send.RequestRefused, rq.Refusals
	default:
		out.NotificationRequestStatus, out.IUN = send.RequestAccepted, rq.IUN
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Sim) sentNotification(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rq, ok := s.requests[s.byIUN[r.PathValue("iun")]]
	if !ok || rq.Polls > 0 {
		problem(w, http.StatusNotFound, "Not Found", "notifica inesistente")
		return
	}
	at := rq.Accepted.Format(time.RFC3339)
	later := rq.Accepted.Add(time.Second).Format(time.RFC3339)
	writeJSON(w, http.StatusOK, send.SentNotification{
		IUN: rq.IUN, PaProtocolNumber: rq.Req.PaProtocolNumber, Subject: rq.Req.Subject, NotificationStatus: "DELIVERING",
		NotificationStatusHistory: []send.StatusChange{{Status: "ACCEPTED", ActiveFrom: at}, {Status: "DELIVERING", ActiveFrom: later}},
		Timeline: []send.TimelineEvent{
			{ElementID: "REQUEST_ACCEPTED.IUN_" + rq.IUN, Category: "REQUEST_ACCEPTED", EventTimestamp: at, LegalFactsIDs: []string{"PN_LEGAL_FACTS-" + rq.ID}},
			{ElementID: "SEND_COURTESY_MESSAGE.IUN_" + rq.IUN + ".RECINDEX_0.COURTESYADDRESSTYPE_APPIO", Category: "SEND_COURTESY_MESSAGE", EventTimestamp: later},
		},
	})
}

func problem(w http.ResponseWriter, status int, title, detail string) {
	writeJSON(w, status, send.Problem{Status: status, Title: title, Detail: detail})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	if status >= 400 {
		w.Header().Set("Content-Type", "application/problem+json")
	}
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
