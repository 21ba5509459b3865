package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/arengo-pa/arengo/internal/audit"
	"github.com/arengo-pa/arengo/internal/events"
	"github.com/arengo-pa/arengo/internal/fiscalcode"
	"github.com/arengo-pa/arengo/internal/jobs"
	"github.com/arengo-pa/arengo/internal/kernel"
	"github.com/arengo-pa/arengo/internal/store"
)

// Campaign statuses.
const (
	CampaignRunning = "running"
	CampaignPaused  = "paused"
	CampaignDone    = "done"
)

const jobCampaign = "notify.campaign"

// Campaign sends one template to a list of citizens.
type Campaign struct {
	ID            string
	Name          string
	Template      string
	Data          string
	Status        string
	Total         int
	Done          int
	RatePerMinute int
	JobID         string
	CreatedBy     string
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// NewCampaign is what the admin submits.
type NewCampaign struct {
	Name          string
	Template      string
	Data          map[string]any
	FiscalCodes   string // one per line, as pasted or uploaded
	RatePerMinute int
}

type campaignPayload struct {
	Campaign string `json:"campaign"`
}

// parseRecipients reads one fiscal code per line, naming the line of each
// invalid one; duplicates are dropped so nobody gets the message twice.
func parseRecipients(text string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	var bad []string
	for i, line := range strings.Split(text, "\n") {
		cf := fiscalcode.Normalize(strings.Trim(strings.TrimSpace(line), `";,`))
		if cf == "" {
			continue
		}
		if err := fiscalcode.Person(cf); err != nil {
			bad = append(bad, fmt.Sprintf("riga %d: %v", i+1, err))
			continue
		}
		if !seen[cf] {
			seen[cf] = true
			out = append(out, cf)
		}
	}
	if len(bad) > 0 {
		if len(bad) > 10 {
			bad = append(bad[:10], fmt.Sprintf("… e altri %d errori", len(bad)-10))
		}
		return nil, fieldError("fiscal_codes", "%s", strings.Join(bad, "; "))
	}
	if len(out) == 0 {
		return nil, fieldError("fiscal_codes", "l'elenco dei destinatari è vuoto")
	}
	return out, nil
}

// CreateCampaign checks everything, stores the campaign and starts its job.
func (m *Module) CreateCampaign(ctx context.Context, nc NewCampaign, by string) (Campaign, error) {
	if strings.TrimSpace(nc.Name) == "" {
		return Campaign{}, fieldError("name", "il nome della campagna è obbligatorio")
	}
	if nc.RatePerMinute < 1 || nc.RatePerMinute > 60000 {
		return Campaign{}, fieldError("rate_per_minute", "da 1 a 60000 messaggi al minuto")
	}
	cfs, err := parseRecipients(nc.FiscalCodes)
	if err != nil {
		return Campaign{}, err
	}
	data, _ := json.Marshal(nc.Data)
	now := store.Now()
	c := Campaign{ID: store.NewID(), Name: strings.TrimSpace(nc.Name), Template: nc.Template, Data: string(data), Status: CampaignRunning,
		Total: len(cfs), RatePerMinute: nc.RatePerMinute, CreatedBy: by, CreatedAt: now, UpdatedAt: now}
	err = m.deps.DB.Transact(ctx, func(tx *store.Tx) error {
		// Render for the first recipient: the template and data are the same for all.
		if _, _, err := m.prepare(ctx, tx, kernel.Notification{FiscalCode: cfs[0], Template: nc.Template, Data: nc.Data}); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO notify_campaigns (id, name, template, data, status, total, done, rate_per_minute,
			job_id, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 0, $7, '', $8, $9, $9)`,
			c.ID, c.Name, c.Template, c.Data, c.Status, c.Total, c.RatePerMinute, by, now); err != nil {
			return err
		}
		for i, cf := range cfs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO notify_campaign_recipients (campaign_id, seq, fiscal_code) VALUES ($1, $2, $3)`, c.ID, i, cf); err != nil {
				return err
			}
		}
		if err := m.startCampaignJob(ctx, tx, &c, 0); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, audit.Entry{Action: "notify.campaign_create", ObjectType: "campaign", ObjectID: c.ID,
			After: map[string]any{"name": c.Name, "template": c.Template, "total": c.Total, "rate_per_minute": c.RatePerMinute}}); err != nil {
			return err
		}
		return campaignEvent(ctx, tx, c, "notify.campaign_created")
	})
	return c, err
}

func (m *Module) startCampaignJob(ctx context.Context, tx *store.Tx, c *Campaign, round int64) error {
	id, err := m.deps.Jobs.Enqueue(ctx, tx, jobCampaign, campaignPayload{Campaign: c.ID}, jobs.Opts{UniqueKey: fmt.Sprintf("notify.campaign:%s:%d", c.ID, round)})
	if err != nil {
		return err
	}
	c.JobID = id
	_, err = tx.ExecContext(ctx, `UPDATE notify_campaigns SET job_id = $1, updated_at = $2 WHERE id = $3`, id, store.Now(), c.ID)
	return err
}

// SetCampaignStatus pauses or resumes a campaign.
func (m *Module) SetCampaignStatus(ctx context.Context, id, status string) error {
	return m.deps.DB.Transact(ctx, func(tx *store.Tx) error {
		c, err := getCampaign(ctx, tx, id)
		if err != nil {
			return err
		}
		switch {
		case c.Status == CampaignDone:
			return invalid("la campagna è già conclusa")
		case status == c.Status:
			return nil
		case status == CampaignPaused:
		case status == CampaignRunning:
			if err := m.startCampaignJob(ctx, tx, &c, time.Now().UnixNano()); err != nil {
				return err
			}
		default:
			return invalid("stato %q non previsto", status)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE notify_campaigns SET status = $1, updated_at = $2 WHERE id = $3`, status, store.Now(), id); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, audit.Entry{Action: "notify.campaign_" + status, ObjectType: "campaign", ObjectID: c.ID,
			Before: map[string]string{"status": c.Status}, After: map[string]string{"status": status}}); err != nil {
			return err
		}
		c.Status = status
		return campaignEvent(ctx, tx, c, "notify.campaign_"+status)
	})
}

// runCampaign queues the campaign's messages at its rate. It stops when the
// campaign is paused, and is safe to rerun: each recipient's message has the
// idempotency key campaign:<id>:<seq>.
func (m *Module) runCampaign(ctx context.Context, j *jobs.Job) error {
	var p campaignPayload
	if err := j.Decode(&p); err != nil {
		return err
	}
	const batch = 50
	for {
		c, err := getCampaign(ctx, m.deps.DB, p.Campaign)
		if err != nil {
			return err
		}
		if c.Status != CampaignRunning {
			return nil
		}
		var data map[string]any
		_ = json.Unmarshal([]byte(c.Data), &data)
		interval := time.Minute / time.Duration(c.RatePerMinute)
		rows, err := m.deps.DB.QueryContext(ctx, `SELECT seq, fiscal_code FROM notify_campaign_recipients
			WHERE campaign_id = $1 AND message_id IS NULL ORDER BY seq LIMIT $2`, c.ID, batch)
		if err != nil {
			return err
		}
		type rcpt struct {
			seq int
			cf  string
		}
		var todo []rcpt
		for rows.Next() {
			var r rcpt
			if err := rows.Scan(&r.seq, &r.cf); err != nil {
				rows.Close()
				return err
			}
			todo = append(todo, r)
		}
		rows.Close()
		if len(todo) == 0 {
			return m.deps.DB.Transact(ctx, func(tx *store.Tx) error {
				if _, err := tx.ExecContext(ctx, `UPDATE notify_campaigns SET status = $1, updated_at = $2 WHERE id = $3`, CampaignDone, store.Now(), c.ID); err != nil {
					return err
				}
				c.Status = CampaignDone
				return campaignEvent(ctx, tx, c, "notify.campaign_done")
			})
		}
		for _, r := range todo {
			start := time.Now()
			err := m.deps.DB.Transact(ctx, func(tx *store.Tx) error {
				id, err := m.Notify(ctx, tx, kernel.Notification{FiscalCode: r.cf, Template: c.Template, Data: data,
					IdempotencyKey: fmt.Sprintf("campaign:%s:%d", c.ID, r.seq)})
				if err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, `UPDATE notify_messages SET campaign_id = $1 WHERE id = $2`, c.ID, id); err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, `UPDATE notify_campaign_recipients SET message_id = $1 WHERE campaign_id = $2 AND seq = $3`, id, c.ID, r.seq); err != nil {
					return err
				}
				_, err = tx.ExecContext(ctx, `UPDATE notify_campaigns SET done = done + 1, updated_at = $1 WHERE id = $2`, store.Now(), c.ID)
				return err
			})
			if err != nil {
				return err
			}
			c.Done++
			_ = j.Progress(ctx, int64(c.Done), int64(c.Total), fmt.Sprintf("%d di %d messaggi accodati", c.Done, c.Total))
			if wait := interval - time.Since(start); wait > 0 {
				select {
				case <-ctx.Done():
					return ctx.Err()
				case <-time.After(wait):
				}
			}
		}
	}
}

const campaignColumns = `id, name, template, data, status, total, done, rate_per_minute, job_id, created_by, created_at, updated_at`

func scanCampaign(s scanner) (Campaign, error) {
	var c Campaign
	err := s.Scan(&c.ID, &c.Name, &c.Template, &c.Data, &c.Status, &c.Total, &c.Done, &c.RatePerMinute, &c.JobID, &c.CreatedBy, &c.CreatedAt, &c.UpdatedAt)
	return c, err
}

func getCampaign(ctx context.Context, q querier, id string) (Campaign, error) {
	c, err := scanCampaign(q.QueryRowContext(ctx, `SELECT `+campaignColumns+` FROM notify_campaigns WHERE id = $1`, id))
	if isNoRows(err) {
		return c, notFound("campagna inesistente")
	}
	return c, err
}

func listCampaigns(ctx context.Context, q querier) ([]Campaign, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+campaignColumns+` FROM notify_campaigns ORDER BY created_at DESC LIMIT 200`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Campaign
	for rows.Next() {
		c, err := scanCampaign(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func campaignEvent(ctx context.Context, tx *store.Tx, c Campaign, typ string) error {
	return events.Append(ctx, tx, events.Event{Type: typ, AggregateType: "campaign", AggregateID: c.ID,
		Data: map[string]any{"name": c.Name, "template": c.Template, "status": c.Status, "total": c.Total}})
}
