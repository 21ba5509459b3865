package gpd

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

// Client is what Arengo needs from GPD. The HTTP implementation talks to pagoPA
// (or to the simulator, which speaks the same contract).
type Client interface {
	Create(ctx context.Context, orgCF string, p Position, publish bool) (Position, error)
	Get(ctx context.Context, orgCF, iupd string) (Position, error)
	Update(ctx context.Context, orgCF string, p Position, publish bool) (Position, error)
	Publish(ctx context.Context, orgCF, iupd string) (Position, error)
	Invalidate(ctx context.Context, orgCF, iupd string) (Position, error)
	Delete(ctx context.Context, orgCF, iupd string) error
	// CreateBulk sends up to MaxBulk positions in one v2 call.
	CreateBulk(ctx context.Context, orgCF string, ps []Position, publish bool) error
}

// MaxBulk is GPD's default max.massive.debt.positions.
const MaxBulk = 100

// Error is a non-2xx answer from GPD.
type Error struct {
	Status  int
	Problem Problem
}

func (e *Error) Error() string {
	return fmt.Sprintf("GPD: %d %s: %s", e.Status, e.Problem.Title, e.Problem.Detail)
}

// IsStatus reports whether err is a GPD answer with that HTTP status.
func IsStatus(err error, status int) bool {
	var ge *Error
	return errors.As(err, &ge) && ge.Status == status
}

// HTTPClient calls GPD at BaseURL, e.g.
// https://api.platform.pagopa.it/gpd/debt-positions-service/v1.
type HTTPClient struct {
	BaseURL         string
	SubscriptionKey string
	HTTP            *http.Client
}

// NewHTTPClient returns a client with a 30-second timeout.
func NewHTTPClient(baseURL, key string) *HTTPClient {
	return &HTTPClient{BaseURL: strings.TrimRight(baseURL, "/"), SubscriptionKey: key, HTTP: &http.Client{Timeout: 30 * time.Second}}
}

func (c *HTTPClient) positions(orgCF string) string {
	return c.BaseURL + "/organizations/" + url.PathEscape(orgCF) + "/debtpositions"
}

func (c *HTTPClient) Create(ctx context.Context, orgCF string, p Position, publish bool) (Position, error) {
	var out Position
	err := c.do(ctx, http.MethodPost, c.positions(orgCF)+"?toPublish="+fmt.Sprint(publish), p, &out)
	return out, err
}

func (c *HTTPClient) Get(ctx context.Context, orgCF, iupd string) (Position, error) {
	var out Position
	err := c.do(ctx, http.MethodGet, c.positions(orgCF)+"/"+url.PathEscape(iupd), nil, &out)
	return out, err
}

func (c *HTTPClient) Update(ctx context.Context, orgCF string, p Position, publish bool) (Position, error) {
	var out Position
	err := c.do(ctx, http.MethodPut, c.positions(orgCF)+"/"+url.PathEscape(p.IUPD)+"?toPublish="+fmt.Sprint(publish), p, &out)
	return out, err
}

func (c *HTTPClient) Publish(ctx context.Context, orgCF, iupd string) (Position, error) {
	var out Position
	err := c.do(ctx, http.MethodPost, c.positions(orgCF)+"/"+url.PathEscape(iupd)+"/publish", nil, &out)
	return out, err
}

func (c *HTTPClient) Invalidate(ctx context.Context, orgCF, iupd string) (Position, error) {
	var out Position
	err := c.do(ctx, http.MethodPost, c.positions(orgCF)+"/"+url.PathEscape(iupd)+"/invalidate", nil, &out)
	return out, err
}

func (c *HTTPClient) Delete(ctx context.Context, orgCF, iupd string) error {
	return c.do(ctx, http.MethodDelete, c.positions(orgCF)+"/"+url.PathEscape(iupd), nil, nil)
}

// CreateBulk uses the v2 endpoint, which lives next to v1 under the same service.
func (c *HTTPClient) CreateBulk(ctx context.Context, orgCF string, ps []Position, publish bool) error {
	if len(ps) > MaxBulk {
		return fmt.Errorf("GPD: al massimo %d posizioni per chiamata, richieste %d", MaxBulk, len(ps))
	}
	base := strings.TrimSuffix(c.BaseURL, "/v1") + "/v2"
	u := base + "/organizations/" + url.PathEscape(orgCF) + "/debtpositions?toPublish=" + fmt.Sprint(publish)
	return c.do(ctx, http.MethodPost, u, map[string]any{"paymentPositions": ps}, nil)
}

func (c *HTTPClient) do(ctx context.Context, method, u string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return err
	}
	req.Header.Set("Ocp-Apim-Subscription-Key", c.SubscriptionKey)
	req.Header.Set("Accept", "application/json")
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return fmt.Errorf("GPD %s %s: %w", method, u, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		e := &Error{Status: resp.StatusCode}
		if json.Unmarshal(data, &e.Problem) != nil || e.Problem.Title == "" {
			e.Problem.Title = http.StatusText(resp.StatusCode)
			e.Problem.Detail = strings.TrimSpace(string(data))
		}
		return e
	}
	if out != nil && len(data) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("GPD %s %s: risposta illeggibile: %w", method, u, err)
		}
	}
	return nil
}
