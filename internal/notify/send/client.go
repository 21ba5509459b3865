package send

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

// UATURL is SEND's collaudo environment; production is https://api.notifichedigitali.it.
const UATURL = "https://api.uat.notifichedigitali.it"

// Error is a non-2xx answer from SEND.
type Error struct {
	Op      string
	Status  int
	Problem Problem
}

func (e *Error) Error() string {
	msg := fmt.Sprintf("SEND %s: HTTP %d", e.Op, e.Status)
	if e.Problem.Title != "" {
		msg += " " + e.Problem.Title
	}
	if e.Problem.Detail != "" {
		msg += ": " + e.Problem.Detail
	}
	for _, pe := range e.Problem.Errors {
		msg += "; " + pe.Code + " " + pe.Detail
	}
	return msg
}

// Temporary reports whether retrying later may succeed.
func (e *Error) Temporary() bool { return e.Status == http.StatusTooManyRequests || e.Status >= 500 }

// Client calls SEND with the body's API key and, when set, a PDND voucher.
type Client struct {
	BaseURL     string
	APIKey      string
	Voucher     func(ctx context.Context) (string, error) // PDND bearer token; nil in the simulator
	HTTP        *http.Client
	MaxAttempts int           // for 429/5xx, default 4
	BaseDelay   time.Duration // default 500ms
}

// File is a document to notify.
type File struct {
	Title       string
	ContentType string // application/pdf or application/json
	Data        []byte
}

// Submit preloads and uploads the files, then requests the notification.
// When SEND answers 409 because this paProtocolNumber and idempotenceToken
// were already requested (a retry after a crash), the existing request is
// returned instead: the notification is never sent twice.
func (c *Client) Submit(ctx context.Context, req NewNotificationRequest, files []File) (NewNotificationResponse, error) {
	var out NewNotificationResponse
	if len(files) == 0 || len(files) > 15 {
		return out, &ValidationError{Err: errors.New("da 1 a 15 documenti per notifica")}
	}
	pre := make([]PreLoadRequest, len(files))
	for i, f := range files {
		pre[i] = PreLoadRequest{PreloadIdx: fmt.Sprint(i), ContentType: f.ContentType, Sha256: Sha256Base64(f.Data)}
	}
	slots, err := c.Preload(ctx, pre)
	if err != nil {
		return out, err
	}
	if len(slots) != len(files) {
		return out, fmt.Errorf("SEND preload: %d slot per %d documenti", len(slots), len(files))
	}
	req.Documents = req.Documents[:0]
	for i, f := range files {
		version, err := c.Upload(ctx, slots[i], f)
		if err != nil {
			return out, err
		}
		req.Documents = append(req.Documents, Document{
			Digests: Digests{Sha256: pre[i].Sha256}, ContentType: f.ContentType,
			Ref: Ref{Key: slots[i].Key, VersionToken: version}, Title: f.Title, DocIdx: fmt.Sprint(i),
		})
	}
	if err := req.Validate(); err != nil {
		return out, err
	}
	body, _ := json.Marshal(req)
	err = c.do(ctx, "sendNewNotification", http.MethodPost, "/delivery/"+Version+"/requests", body, &out)
	var e *Error
	if errors.As(err, &e) && e.Status == http.StatusConflict {
		st, lerr := c.RequestStatusByProtocol(ctx, req.PaProtocolNumber, req.IdempotenceToken)
		if lerr != nil {
			return out, fmt.Errorf("%w (ricerca della richiesta esistente: %v)", err, lerr)
		}
		return NewNotificationResponse{NotificationRequestID: st.NotificationRequestID, PaProtocolNumber: req.PaProtocolNumber, IdempotenceToken: req.IdempotenceToken}, nil
	}
	return out, err
}

// Preload asks for upload slots.
func (c *Client) Preload(ctx context.Context, items []PreLoadRequest) ([]PreLoadResponse, error) {
	body, _ := json.Marshal(items)
	var out []PreLoadResponse
	err := c.do(ctx, "presignedUploadRequest", http.MethodPost, "/delivery/attachments/preload", body, &out)
	return out, err
}

// Upload sends the file to its slot with the secret and checksum, and
// returns the x-amz-version-id to reference it with.
func (c *Client) Upload(ctx context.Context, slot PreLoadResponse, f File) (string, error) {
	method := slot.HTTPMethod
	if method == "" {
		method = http.MethodPut
	}
	req, err := http.NewRequestWithContext(ctx, method, slot.URL, bytes.NewReader(f.Data))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", f.ContentType)
	req.Header.Set("x-amz-meta-secret", slot.Secret)
	req.Header.Set("x-amz-checksum-sha256", Sha256Base64(f.Data))
	resp, err := c.httpClient().Do(req) // no API key and no voucher on the storage upload
	if err != nil {
		return "", fmt.Errorf("SEND upload: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return "", &Error{Op: "upload", Status: resp.StatusCode, Problem: Problem{Detail: strings.TrimSpace(string(b))}}
	}
	v := resp.Header.Get("x-amz-version-id")
	if v == "" {
		return "", errors.New("SEND upload: risposta senza x-amz-version-id")
	}
	return v, nil
}

// RequestStatus polls acceptance by notificationRequestId.
func (c *Client) RequestStatus(ctx context.Context, requestID string) (RequestStatus, error) {
	var out RequestStatus
	err := c.do(ctx, "retrieveNotificationRequestStatus", http.MethodGet,
		"/delivery/"+Version+"/requests?notificationRequestId="+url.QueryEscape(requestID), nil, &out)
	return out, err
}

// RequestStatusByProtocol polls acceptance by protocol number and idempotence token.
func (c *Client) RequestStatusByProtocol(ctx context.Context, protocol, token string) (RequestStatus, error) {
	q := url.Values{"paProtocolNumber": {protocol}}
	if token != "" {
		q.Set("idempotenceToken", token)
	}
	var out RequestStatus
	err := c.do(ctx, "retrieveNotificationRequestStatus", http.MethodGet, "/delivery/"+Version+"/requests?"+q.Encode(), nil, &out)
	return out, err
}

// WaitAccepted polls until the request is ACCEPTED or REFUSED, waiting what
// SEND asks (retryAfter) but at least minPoll between polls.
func (c *Client) WaitAccepted(ctx context.Context, requestID string, minPoll time.Duration) (RequestStatus, error) {
	for {
		st, err := c.RequestStatus(ctx, requestID)
		if err != nil || st.NotificationRequestStatus != RequestWaiting {
			return st, err
		}
		wait := max(time.Duration(st.RetryAfter)*time.Second, minPoll)
		select {
		case <-ctx.Done():
			return st, ctx.Err()
		case <-time.After(wait):
		}
	}
}

// Notification returns status, history and timeline of an accepted notification.
func (c *Client) Notification(ctx context.Context, iun string) (SentNotification, error) {
	var out SentNotification
	err := c.do(ctx, "retrieveSentNotification", http.MethodGet, "/delivery/"+Version+"/notifications/sent/"+url.PathEscape(iun), nil, &out)
	return out, err
}

func (c *Client) httpClient() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return http.DefaultClient
}

func (c *Client) do(ctx context.Context, op, method, path string, body []byte, out any) error {
	attempts := max(c.MaxAttempts, 1)
	if c.MaxAttempts == 0 {
		attempts = 4
	}
	delay := c.BaseDelay
	if delay <= 0 {
		delay = 500 * time.Millisecond
	}
	for attempt := 1; ; attempt++ {
		err := c.once(ctx, op, method, path, body, out)
		var e *Error
		if err == nil || (errors.As(err, &e) && !e.Temporary()) || attempt >= attempts {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(delay << (attempt - 1)):
		}
	}
}

func (c *Client) once(ctx context.Context, op, method, path string, body []byte, out any) error {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(c.BaseURL, "/")+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("x-api-key", c.APIKey)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.Voucher != nil {
		tok, err := c.Voucher(ctx)
		if err != nil {
			return fmt.Errorf("SEND %s: voucher PDND: %w", op, err)
		}
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := c.httpClient().Do(req)
	if err != nil {
		return fmt.Errorf("SEND %s: %w", op, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return fmt.Errorf("SEND %s: %w", op, err)
	}
	if resp.StatusCode >= 300 {
		e := &Error{Op: op, Status: resp.StatusCode}
		_ = json.Unmarshal(data, &e.Problem)
		return e
	}
	if out != nil && len(data) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("SEND %s: risposta non valida: %w", op, err)
		}
	}
	return nil
}
