package notify

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/arengo-pa/arengo/internal/api"
	"github.com/arengo-pa/arengo/internal/audit"
	"github.com/arengo-pa/arengo/internal/errs"
	"github.com/arengo-pa/arengo/internal/kernel"
	"github.com/arengo-pa/arengo/internal/store"
)

// APIDelivery is a delivery as the API shows it.
type APIDelivery struct {
	Channel    string    `json:"channel" enum:"inbox,io,email,send"`
	Status     string    `json:"status" enum:"queued,sent,processed,failed"`
	Reason     string    `json:"reason"`
	ExternalID string    `json:"external_id" doc:"IO message id, SEND notificationRequestId, e-mail Message-ID"`
	Detail     string    `json:"detail,omitempty" doc:"SEND: status history and timeline (JSON)"`
	Attempts   int       `json:"attempts"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// APIMessage is a message as the API shows it.
type APIMessage struct {
	ID             string        `json:"id"`
	IdempotencyKey string        `json:"idempotency_key"`
	FiscalCode     string        `json:"fiscal_code"`
	EmailRef       string        `json:"email_ref,omitempty" doc:"Destinatario senza codice fiscale: pseudonimo dell'indirizzo e-mail (mai l'indirizzo)"`
	Template       string        `json:"template"`
	Lang           string        `json:"lang"`
	Subject        string        `json:"subject"`
	Body           string        `json:"body"`
	DueDate        *time.Time    `json:"due_date,omitempty"`
	Payment        *Payment      `json:"payment,omitempty"`
	Legal          bool          `json:"legal"`
	CampaignID     string        `json:"campaign_id,omitempty"`
	Route          []string      `json:"route"`
	Read           bool          `json:"read"`
	CreatedAt      time.Time     `json:"created_at"`
	Deliveries     []APIDelivery `json:"deliveries"`
}

func toAPI(r Row) APIMessage {
	out := APIMessage{ID: r.ID, IdempotencyKey: r.IdempotencyKey, FiscalCode: r.FiscalCode, EmailRef: r.EmailRef, Template: r.Template, Lang: r.Lang,
		Subject: r.Subject, Body: r.Body, DueDate: r.DueDate, Payment: r.Payment, Legal: r.Legal, CampaignID: r.CampaignID,
		Route: nonNil(r.Route), Read: r.ReadAt != nil, CreatedAt: r.CreatedAt, Deliveries: []APIDelivery{}}
	for _, d := range r.Deliveries {
		out.Deliveries = append(out.Deliveries, APIDelivery{Channel: d.Channel, Status: d.Status, Reason: d.Reason,
			ExternalID: d.ExternalID, Detail: d.Detail, Attempts: d.Attempts, UpdatedAt: d.UpdatedAt})
	}
	return out
}

type searchInput struct {
	api.PageParams
	FiscalCode string `query:"fiscal_code" doc:"Codice fiscale del destinatario"`
	Email      string `query:"email" doc:"Indirizzo e-mail di un destinatario senza codice fiscale (confrontato per pseudonimo)"`
	Template   string `query:"template"`
	Channel    string `query:"channel" enum:"inbox,io,email,send,"`
	Status     string `query:"status" enum:"queued,sent,processed,failed," doc:"Stato della consegna sul canale (o su uno qualsiasi)"`
	Campaign   string `query:"campaign_id"`
	Text       string `query:"q" doc:"Testo nell'oggetto"`
}

type searchOutput struct {
	Body api.Page[APIMessage]
}

type getInput struct {
	ID string `path:"id"`
}

type getOutput struct {
	Body APIMessage
}

// PaymentInput is pagoPA data in the API.
type PaymentInput struct {
	NoticeNumber        string `json:"notice_number" doc:"Numero avviso, 18 cifre"`
	AmountCents         int64  `json:"amount_cents"`
	PayeeFiscalCode     string `json:"payee_fiscal_code,omitempty"`
	InvalidAfterDueDate bool   `json:"invalid_after_due_date,omitempty"`
}

type sendInput struct {
	Body struct {
		FiscalCode     string         `json:"fiscal_code,omitempty"`
		Email          string         `json:"email,omitempty" doc:"Destinatario senza codice fiscale: solo e-mail, ignorato se c'è il codice fiscale"`
		Lang           string         `json:"lang,omitempty" enum:"it,en," doc:"Lingua del destinatario senza codice fiscale (predefinita it); per un cittadino vale la sua preferenza"`
		Template       string         `json:"template"`
		Data           map[string]any `json:"data,omitempty"`
		DueDate        *time.Time     `json:"due_date,omitempty"`
		Payment        *PaymentInput  `json:"payment,omitempty"`
		IdempotencyKey string         `json:"idempotency_key,omitempty" doc:"Stessa chiave, stesso messaggio: mai due volte"`
		Legal          bool           `json:"legal,omitempty" doc:"Notifica legale tramite SEND"`
	}
}

type sendOutput struct {
	Body struct {
		ID string `json:"id"`
	}
}

func (m *Module) registerAPI(d *kernel.Deps) {
	huma.Register(d.API, huma.Operation{OperationID: "notify-messages-search", Method: http.MethodGet, Path: "/notify/messages",
		Summary: "Cerca i messaggi inviati", Tags: []string{"notify"}, Security: api.Scopes(PermRead)},
		func(ctx context.Context, in *searchInput) (*searchOutput, error) {
			who := in.FiscalCode
			if who == "" && strings.Contains(in.Email, "@") {
				who = in.Email
			}
			f := Filter{FiscalCode: who, Template: in.Template, Channel: in.Channel, Status: in.Status, CampaignID: in.Campaign,
				Text: in.Text, Page: in.Page, PageSize: in.PageSize}
			rows, total, err := m.Search(ctx, f)
			if err != nil {
				return nil, err
			}
			if err := audit.RecordNow(ctx, m.deps.DB, audit.Entry{Action: "notify.api_search", ObjectType: "message", Subject: m.subject(f)}); err != nil {
				return nil, err
			}
			out := &searchOutput{Body: api.Page[APIMessage]{Items: []APIMessage{}, Page: in.Page, PageSize: in.PageSize, Total: total}}
			for _, r := range rows {
				out.Body.Items = append(out.Body.Items, toAPI(r))
			}
			return out, nil
		})
	huma.Register(d.API, huma.Operation{OperationID: "notify-messages-get", Method: http.MethodGet, Path: "/notify/messages/{id}",
		Summary: "Un messaggio con le consegne per canale", Tags: []string{"notify"}, Security: api.Scopes(PermRead)},
		func(ctx context.Context, in *getInput) (*getOutput, error) {
			msg, err := getMessage(ctx, m.deps.DB, in.ID)
			if isNoRows(err) {
				return nil, huma.Error404NotFound("messaggio inesistente")
			}
			if err != nil {
				return nil, err
			}
			ds, err := deliveriesOf(ctx, m.deps.DB, msg.ID)
			if err != nil {
				return nil, err
			}
			if err := audit.RecordNow(ctx, m.deps.DB, audit.Entry{Action: "notify.view_message", ObjectType: "message", ObjectID: msg.ID, Subject: msg.Recipient()}); err != nil {
				return nil, err
			}
			return &getOutput{Body: toAPI(Row{Message: msg, Deliveries: ds})}, nil
		})
	huma.Register(d.API, huma.Operation{OperationID: "notify-messages-send", Method: http.MethodPost, Path: "/notify/messages",
		Summary: "Accoda un messaggio per un cittadino", Description: "Rifiuta con 422 un modello sconosciuto, dati mancanti, un codice fiscale non valido o un oggetto fuori dai limiti di App IO, prima di accodare qualsiasi cosa.",
		Tags: []string{"notify"}, Security: api.Scopes(PermSend), DefaultStatus: http.StatusCreated},
		func(ctx context.Context, in *sendInput) (*sendOutput, error) {
			b := in.Body
			n := kernel.Notification{FiscalCode: b.FiscalCode, Email: b.Email, Lang: b.Lang, Template: b.Template, Data: b.Data, DueDate: b.DueDate,
				IdempotencyKey: b.IdempotencyKey, Legal: b.Legal}
			if p := b.Payment; p != nil {
				n.Payment = &kernel.PaymentData{NoticeNumber: p.NoticeNumber, AmountCents: p.AmountCents, PayeeFiscalCode: p.PayeeFiscalCode, InvalidAfterDueDate: p.InvalidAfterDueDate}
			}
			var id string
			err := m.deps.DB.Transact(ctx, func(tx *store.Tx) error {
				var err error
				id, err = m.Notify(ctx, tx, n)
				return err
			})
			if errs.CodeOf(err) == errs.EINVALID {
				return nil, huma.Error422UnprocessableEntity(errs.MessageOf(err))
			}
			if err != nil {
				return nil, err
			}
			out := &sendOutput{}
			out.Body.ID = id
			return out, nil
		})
}
