package payments

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/arengo-pa/arengo/internal/api"
	"github.com/arengo-pa/arengo/internal/errs"
	"github.com/arengo-pa/arengo/internal/kernel"
	"github.com/arengo-pa/arengo/internal/payments/gpd"
)

// PositionOut is a position as the API shows it.
type PositionOut struct {
	ID          string    `json:"id"`
	IUPD        string    `json:"iupd"`
	DebtType    string    `json:"debt_type"`
	DebtorType  string    `json:"debtor_type"`
	DebtorCF    string    `json:"debtor_fiscal_code"`
	DebtorName  string    `json:"debtor_name"`
	Description string    `json:"description"`
	Status      string    `json:"status"`
	GPDSync     string    `json:"gpd_sync"`
	TotalCents  int64     `json:"total_cents"`
	PaidCents   int64     `json:"paid_cents"`
	CreatedAt   time.Time `json:"created_at"`
	// ValidityDate and SwitchToExpired are GPD's validityDate and switchToExpired.
	ValidityDate    *time.Time  `json:"validity_date,omitempty"`
	SwitchToExpired bool        `json:"switch_to_expired"`
	Options         []OptionOut `json:"options,omitempty"`
}

// OptionOut is one payable notice.
type OptionOut struct {
	IUV          string     `json:"iuv"`
	NoticeNumber string     `json:"notice_number"`
	AmountCents  int64      `json:"amount_cents"`
	DueDate      time.Time  `json:"due_date"`
	Instalment   int        `json:"instalment"`
	Status       string     `json:"status"`
	PaidAt       *time.Time `json:"paid_at,omitempty"`
}

func positionOut(p *Position) PositionOut {
	out := PositionOut{ID: p.ID, IUPD: p.IUPD, DebtType: p.DebtType, DebtorType: p.Debtor.Type, DebtorCF: p.Debtor.FiscalCode,
		DebtorName: p.Debtor.Name, Description: p.Description, Status: p.Status, GPDSync: p.GPDSync,
		TotalCents: p.TotalCents, PaidCents: p.PaidCents, CreatedAt: p.CreatedAt, ValidityDate: p.ValidityDate,
		SwitchToExpired: p.SwitchToExpired}
	for _, o := range p.Options {
		out.Options = append(out.Options, OptionOut{IUV: o.IUV, NoticeNumber: o.NoticeNumber, AmountCents: o.AmountCents,
			DueDate: o.DueDate, Instalment: o.Instalment, Status: o.Status, PaidAt: o.PaidAt})
	}
	return out
}

// PositionIn is the body that creates a position.
type PositionIn struct {
	DebtType    string         `json:"debt_type" doc:"Codice del tipo di dovuto, ad esempio TARI"`
	DebtorType  string         `json:"debtor_type" enum:"F,G"`
	DebtorCF    string         `json:"debtor_fiscal_code"`
	DebtorName  string         `json:"debtor_name" maxLength:"70"`
	Email       string         `json:"email,omitempty"`
	Description string         `json:"description" maxLength:"140"`
	AmountCents int64          `json:"amount_cents" doc:"Importo in unica soluzione, in centesimi (0 se solo rate)"`
	DueDate     time.Time      `json:"due_date,omitempty"`
	Instalments []InstalmentIn `json:"instalments,omitempty"`
	Publish     bool           `json:"publish,omitempty" doc:"Pubblica subito: stato VALID, o PUBLISHED fino a validity_date"`
	// ValidityDate and SwitchToExpired follow GPD: the position is payable from
	// validity_date (must be in the future, not after any due date), and with
	// switch_to_expired an unpaid notice expires after its due date.
	ValidityDate    *time.Time `json:"validity_date,omitempty" doc:"Inizio della pagabilità (futuro); assente = subito"`
	SwitchToExpired bool       `json:"switch_to_expired,omitempty" doc:"Dopo la scadenza l'avviso non è più pagabile (stato EXPIRED)"`
}

// InstalmentIn is one rate of a plan.
type InstalmentIn struct {
	AmountCents int64     `json:"amount_cents"`
	DueDate     time.Time `json:"due_date"`
}

type idInput struct {
	ID string `path:"id"`
}

type positionBody struct{ Body PositionOut }

func (m *Module) registerAPI(d *kernel.Deps) {
	manage := api.Scopes(PermManage)
	tags := []string{"payments"}
	huma.Register(d.API, huma.Operation{OperationID: "payments-positions-list", Method: http.MethodGet, Path: "/payments/positions",
		Summary: "Posizioni debitorie", Tags: tags, Security: manage},
		func(ctx context.Context, in *struct {
			api.PageParams
			Debtor   string `query:"debtor" doc:"Codice fiscale o parte del nome"`
			Notice   string `query:"notice" doc:"Codice avviso o IUV"`
			DebtType string `query:"debt_type"`
			Status   string `query:"status"`
		}) (*struct{ Body api.Page[PositionOut] }, error) {
			list, total, err := m.svc.Search(ctx, Filter{Debtor: in.Debtor, Notice: in.Notice, DebtType: in.DebtType,
				Status: in.Status, Limit: in.PageSize, Offset: in.Offset()})
			if err != nil {
				return nil, api.Error(err)
			}
			page := api.Page[PositionOut]{Items: []PositionOut{}, Page: in.Page, PageSize: in.PageSize, Total: total}
			for _, p := range list {
				page.Items = append(page.Items, positionOut(p))
			}
			return &struct{ Body api.Page[PositionOut] }{page}, nil
		})
	huma.Register(d.API, huma.Operation{OperationID: "payments-positions-create", Method: http.MethodPost, Path: "/payments/positions",
		Summary: "Crea una posizione debitoria", Tags: tags, Security: manage, DefaultStatus: http.StatusCreated},
		func(ctx context.Context, in *struct{ Body PositionIn }) (*positionBody, error) {
			b := in.Body
			req := NewPosition{DebtType: b.DebtType, Description: b.Description, AmountCents: b.AmountCents, DueDate: b.DueDate,
				Publish: b.Publish, Source: "api", ValidityDate: b.ValidityDate, SwitchToExpired: b.SwitchToExpired, Debtor: Debtor{Type: b.DebtorType, FiscalCode: b.DebtorCF, Name: b.DebtorName, Email: b.Email}}
			for _, r := range b.Instalments {
				req.Instalments = append(req.Instalments, Instalment{AmountCents: r.AmountCents, DueDate: r.DueDate})
			}
			p, err := m.svc.Create(ctx, req)
			if err != nil {
				return nil, api.Error(err)
			}
			return &positionBody{positionOut(p)}, nil
		})
	huma.Register(d.API, huma.Operation{OperationID: "payments-positions-get", Method: http.MethodGet, Path: "/payments/positions/{id}",
		Summary: "Una posizione debitoria", Tags: tags, Security: manage},
		func(ctx context.Context, in *idInput) (*positionBody, error) {
			p, err := m.svc.Position(ctx, in.ID)
			if err != nil {
				return nil, api.Error(err)
			}
			if err := m.auditRead(ctx, p); err != nil {
				return nil, err
			}
			return &positionBody{positionOut(p)}, nil
		})
	for _, op := range []struct {
		id, path, summary string
		fn                func(ctx context.Context, id string) (*Position, error)
	}{
		{"payments-positions-publish", "/payments/positions/{id}/publish", "Pubblica una posizione", m.svc.Publish},
		{"payments-positions-invalidate", "/payments/positions/{id}/invalidate", "Annulla una posizione",
			func(ctx context.Context, id string) (*Position, error) {
				return m.svc.Cancel(ctx, id, "annullamento via API")
			}},
	} {
		huma.Register(d.API, huma.Operation{OperationID: op.id, Method: http.MethodPost, Path: op.path, Summary: op.summary,
			Tags: tags, Security: manage},
			func(ctx context.Context, in *idInput) (*positionBody, error) {
				p, err := op.fn(ctx, in.ID)
				if err != nil {
					return nil, api.Error(err)
				}
				return &positionBody{positionOut(p)}, nil
			})
	}
	huma.Register(d.API, huma.Operation{OperationID: "payments-receipts-send", Method: http.MethodPost, Path: "/payments/receipts",
		Summary: "Riceve una ricevuta pagoPA (paSendRT)", Tags: tags, Security: api.Scopes(PermReceipts),
		Description: "Il corpo è la busta SOAP di paSendRTReq (paForNode.xsd, Content-Type text/xml o application/soap+xml) " +
			"e la risposta è paSendRTRes; con Content-Type application/json si accettano gli stessi campi in JSON.",
		MaxBodyBytes: gpd.MaxSOAPBytes},
		func(ctx context.Context, in *receiptInput) (*receiptOutput, error) {
			res, err := m.receiveRT(ctx, in.ContentType, in.RawBody)
			if err != nil && errs.CodeOf(err) == errs.EINTERNAL {
				return nil, err
			}
			return res, nil
		})
}

type receiptInput struct {
	ContentType string `header:"Content-Type"`
	RawBody     []byte `contentType:"text/xml"`
}

type receiptOutput struct {
	ContentType string `header:"Content-Type"`
	Body        []byte
}

// receiveRT reads a paSendRT receipt, as a SOAP envelope or as JSON, and
// answers paSendRTRes in the same form: OK once stored, KO with a faultBean
// naming the offending field otherwise.
func (m *Module) receiveRT(ctx context.Context, contentType string, body []byte) (*receiptOutput, error) {
	asJSON := strings.HasPrefix(strings.ToLower(strings.TrimSpace(contentType)), "application/json")
	var req gpd.SendRTRequest
	var perr error
	if asJSON {
		if err := json.Unmarshal(body, &req); err != nil {
			perr = &gpd.FieldError{Field: "body", Msg: "JSON non valido: " + err.Error()}
		}
	} else {
		req, perr = gpd.ParseSendRT(body)
	}
	var res gpd.SendRTResponse
	var err error
	if perr != nil {
		res = m.svc.syntaxFault(perr)
	} else {
		res, err = m.svc.AcceptReceipt(ctx, req)
	}
	if asJSON {
		out, _ := json.Marshal(res)
		return &receiptOutput{ContentType: "application/json", Body: out}, err
	}
	return &receiptOutput{ContentType: "text/xml; charset=utf-8", Body: gpd.MarshalSendRTResponse(res)}, err
}

func (m *Module) auditRead(ctx context.Context, p *Position) error {
	return auditNow(ctx, m.d, "payments.view_position", p.ID, p.Debtor.FiscalCode)
}
