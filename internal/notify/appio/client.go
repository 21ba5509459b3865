package appio

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// ProductionURL is the base URL of the App IO Services API.
const ProductionURL = "https://api.io.pagopa.it/api/v1"

// KeyHeader carries the API key of the IO service that sends.
const KeyHeader = "Ocp-Apim-Subscription-Key"

// IdempotencyHeader carries our per-message-and-channel key. The real API
// ignores it; the simulator uses it to count deliveries and to absorb the
// resubmission that follows a crash between "sent" and "recorded as sent".
const IdempotencyHeader = "Idempotency-Key"

// ErrNotUser is returned by Profile when IO answers 404: the citizen does not use IO.
var ErrNotUser = errors.New("il cittadino non è un utente di App IO")

// Error is a non-2xx answer from IO.
type Error struct {
	Op         string
	Status     int
	Problem    Problem
	RetryAfter time.Duration
}

func (e *Error) Error() string {
	msg := fmt.Sprintf("App IO %s: HTTP %d", e.Op, e.Status)
	if e.Problem.Title != "" {
		msg += " " + e.Problem.Title
	}
	if e.Problem.Detail != "" {
		msg += ": " + e.Problem.Detail
	}
	return msg
}

// Temporary reports whether the same request may succeed later (429, 5xx).
// 400, 401, 403 and 404 are never retried.
func (e *Error) Temporary() bool { return e.Status == http.StatusTooManyRequests || e.Status >= 500 }

// Client talks to one App IO endpoint; retries 429 and 5xx with exponential
// backoff, honouring Retry-After when IO sends it.
type Client struct {
	BaseURL     string
	HTTP        *http.Client
	MaxAttempts int           // per call, default 4
	BaseDelay   time.Duration // first backoff, default 500ms, doubled each attempt
	MaxDelay    time.Duration // a longer wait is handed back to the caller instead of slept, default 30s
}

// Service binds the client to the API key of one IO service ("Tributi", "Scuola" …).
func (c *Client) Service(key string) *Service { return &Service{c: c, key: key} }

// Service sends on behalf of one IO service.
type Service struct {
	c   *Client
	key string
}

// Profile calls getProfileByPOST. It returns ErrNotUser on 404; the caller
// must also stop when SenderAllowed is false.
func (s *Service) Profile(ctx context.Context, fiscalCode string) (Profile, error) {
	var p Profile
	body, _ := json.Marshal(map[string]string{"fiscal_code": fiscalCode})
	status, err := s.c.do(ctx, "getProfile", s.key, http.MethodPost, "/profiles", body, "", &p)
	if status == http.StatusNotFound {
		return p, ErrNotUser
	}
	return p, err
}

// Submit calls submitMessageforUserWithFiscalCodeInBody and returns the IO
// message id. The message is validated first: IO would refuse it with 400.
func (s *Service) Submit(ctx context.Context, m NewMessage, idempotencyKey string) (string, error) {
	if err := m.Validate(); err != nil {
		return "", err
	}
	body, err := json.Marshal(m)
	if err != nil {
		return "", err
	}
	var created struct {
		ID string `json:"id"`
	}
	if _, err := s.c.do(ctx, "submitMessage", s.key, http.MethodPost, "/messages", body, idempotencyKey, &created); err != nil {
		return "", err
	}
	if created.ID == "" {
		return "", errors.New("App IO submitMessage: risposta 201 senza id")
	}
	return created.ID, nil
}

// Message calls getMessage.
func (s *Service) Message(ctx context.Context, fiscalCode, id string) (MessageResponse, error) {
	var m MessageResponse
	path := "/messages/" + url.PathEscape(fiscalCode) + "/" + url.PathEscape(id)
	_, err := s.c.do(ctx, "getMessage", s.key, http.MethodGet, path, nil, "", &m)
	return m, err
}

func (c *Client) do(ctx context.Context, op, key, method, path string, body []byte, idem string, out any) (int, error) {
	attempts := c.MaxAttempts
	if attempts <= 0 {
		attempts = 4
	}
	var last error
	for attempt := 1; ; attempt++ {
		status, retryAfter, err := c.once(ctx, op, key, method, path, body, idem, out)
		if err == nil {
			return status, nil
		}
		last = err
		var apiErr *Error
		if errors.As(err, &apiErr) && !apiErr.Temporary() {
			return status, err
		}
		if attempt >= attempts || ctx.Err() != nil {
			return status, last
		}
		wait := c.backoff(attempt)
		if retryAfter > 0 {
			wait = retryAfter
		}
		if wait > c.maxDelay() {
			return status, last // the caller parks the item and retries later
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return status, last
		case <-t.C:
		}
	}
}

func (c *Client) once(ctx context.Context, op, key, method, path string, body []byte, idem string, out any) (int, time.Duration, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(c.BaseURL, "/")+path, rd)
	if err != nil {
		return 0, 0, err
	}
	req.Header.Set(KeyHeader, key)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if idem != "" {
		req.Header.Set(IdempotencyHeader, idem)
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, 0, fmt.Errorf("App IO %s: %w", op, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return resp.StatusCode, 0, fmt.Errorf("App IO %s: %w", op, err)
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		if out != nil && len(data) > 0 {
			if err := json.Unmarshal(data, out); err != nil {
				return resp.StatusCode, 0, fmt.Errorf("App IO %s: risposta non valida: %w", op, err)
			}
		}
		return resp.StatusCode, 0, nil
	}
	e := &Error{Op: op, Status: resp.StatusCode, RetryAfter: ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now())}
	_ = json.Unmarshal(data, &e.Problem) // 401/403/429 carry no body
	return resp.StatusCode, e.RetryAfter, e
}

func (c *Client) backoff(attempt int) time.Duration {
	base := c.BaseDelay
	if base <= 0 {
		base = 500 * time.Millisecond
	}
	d := base << (attempt - 1)
	// Full jitter on the upper half spreads retries from many workers.
	return d/2 + time.Duration(jitter(int64(d/2)+1))
}

func (c *Client) maxDelay() time.Duration {
	if c.MaxDelay <= 0 {
		return 30 * time.Second
	}
	return c.MaxDelay
}
