package reconcile

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/arengo-pa/arengo/internal/api"
	"github.com/arengo-pa/arengo/internal/kernel"
)

type accertamentoBody struct{ Body Accertamento }

// accertamentoID is the input of the operations that take only the id; the
// others declare ID themselves, since huma skips unexported embedded structs.
type accertamentoID struct {
	ID string `path:"id" doc:"Identificativo dell'accertamento"`
}

type assignInput struct {
	ID   string `path:"id" doc:"Identificativo dell'accertamento"`
	Body struct {
		Keys []string `json:"keys,omitempty" maxItems:"1000" doc:"Chiavi dei pagamenti (IUV/indice del versamento)"`
		From string   `json:"from,omitempty" doc:"Oppure tutti i pagamenti assegnabili dal giorno (AAAA-MM-GG)…"`
		To   string   `json:"to,omitempty" doc:"…al giorno (AAAA-MM-GG)"`
	}
}

type reasonInput struct {
	ID   string `path:"id" doc:"Identificativo dell'accertamento"`
	Body struct {
		Reason string `json:"reason" minLength:"1" maxLength:"1000" doc:"Motivo"`
	}
}

func (m *Module) registerAccertamentiAPI(d *kernel.Deps) {
	tags := []string{"reconcile"}
	huma.Register(d.API, huma.Operation{OperationID: "reconcile-accertamenti-list", Method: http.MethodGet, Path: "/reconcile/accertamenti", Tags: tags,
		Summary: "Accertamenti", Security: api.Scopes(PermRead)},
		func(ctx context.Context, in *struct {
			api.PageParams
			State    string `query:"state" enum:"INSERITO,CHIUSO,ANNULLATO," doc:"Stato"`
			DebtType string `query:"debt_type" doc:"Tipo di dovuto"`
			Year     int    `query:"year" doc:"Esercizio"`
			Search   string `query:"search" doc:"Parte del nome, capitolo o numero di accertamento"`
		}) (*struct{ Body api.Page[Accertamento] }, error) {
			f := accertamentoFilter{State: in.State, DebtType: in.DebtType, Year: in.Year, Search: in.Search}
			total, err := m.countAccertamenti(ctx, f)
			if err != nil {
				return nil, err
			}
			list, err := m.accertamenti(ctx, f, in.PageSize, in.Offset())
			return &struct{ Body api.Page[Accertamento] }{api.Page[Accertamento]{Items: list, Page: in.Page, PageSize: in.PageSize, Total: total}}, err
		})
	huma.Register(d.API, huma.Operation{OperationID: "reconcile-accertamenti-create", Method: http.MethodPost, Path: "/reconcile/accertamenti", Tags: tags,
		Summary: "Crea un accertamento (stato INSERITO)", Security: api.Scopes(PermManage), DefaultStatus: http.StatusCreated},
		func(ctx context.Context, in *struct{ Body NewAccertamento }) (*accertamentoBody, error) {
			a, err := m.CreateAccertamento(ctx, in.Body)
			if err != nil {
				return nil, api.Error(err)
			}
			return &accertamentoBody{a}, nil
		})
	huma.Register(d.API, huma.Operation{OperationID: "reconcile-accertamenti-get", Method: http.MethodGet, Path: "/reconcile/accertamenti/{id}", Tags: tags,
		Summary: "Un accertamento", Security: api.Scopes(PermRead)},
		func(ctx context.Context, in *accertamentoID) (*accertamentoBody, error) {
			a, err := m.Accertamento(ctx, in.ID)
			if err != nil {
				return nil, api.Error(err)
			}
			return &accertamentoBody{a}, nil
		})
	huma.Register(d.API, huma.Operation{OperationID: "reconcile-accertamenti-update", Method: http.MethodPut, Path: "/reconcile/accertamenti/{id}", Tags: tags,
		Summary: "Corregge i dati di un accertamento inserito", Security: api.Scopes(PermManage)},
		func(ctx context.Context, in *struct {
			ID   string `path:"id" doc:"Identificativo dell'accertamento"`
			Body NewAccertamento
		}) (*accertamentoBody, error) {
			a, err := m.UpdateAccertamento(ctx, in.ID, in.Body)
			if err != nil {
				return nil, api.Error(err)
			}
			return &accertamentoBody{a}, nil
		})
	huma.Register(d.API, huma.Operation{OperationID: "reconcile-accertamenti-payments", Method: http.MethodGet, Path: "/reconcile/accertamenti/{id}/payments", Tags: tags,
		Summary: "Pagamenti di un accertamento", Security: api.Scopes(PermRead)},
		func(ctx context.Context, in *struct {
			ID string `path:"id" doc:"Identificativo dell'accertamento"`
			api.PageParams
		}) (*struct{ Body api.Page[AssignedPayment] }, error) {
			if _, err := m.Accertamento(ctx, in.ID); err != nil {
				return nil, api.Error(err)
			}
			total, err := m.countAssigned(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			list := []AssignedPayment{}
			err = m.eachAssigned(ctx, in.ID, in.PageSize, in.Offset(), func(p AssignedPayment) error { list = append(list, p); return nil })
			return &struct{ Body api.Page[AssignedPayment] }{api.Page[AssignedPayment]{Items: list, Page: in.Page, PageSize: in.PageSize, Total: total}}, err
		})
	huma.Register(d.API, huma.Operation{OperationID: "reconcile-accertamenti-assign", Method: http.MethodPost, Path: "/reconcile/accertamenti/{id}/assign", Tags: tags,
		Summary: "Assegna pagamenti riconciliati (per chiave o per periodo)", Security: api.Scopes(PermManage)},
		func(ctx context.Context, in *assignInput) (*accertamentoBody, error) {
			var a Accertamento
			var err error
			if in.Body.From != "" || in.Body.To != "" {
				from, errFrom := time.Parse(time.DateOnly, in.Body.From)
				to, errTo := time.Parse(time.DateOnly, in.Body.To)
				if errFrom != nil || errTo != nil {
					return nil, huma.Error422UnprocessableEntity("from, to: date non valide, atteso AAAA-MM-GG")
				}
				a, err = m.AssignPeriod(ctx, in.ID, from, to)
			} else {
				a, err = m.AssignPayments(ctx, in.ID, in.Body.Keys)
			}
			if err != nil {
				return nil, api.Error(err)
			}
			return &accertamentoBody{a}, nil
		})
	huma.Register(d.API, huma.Operation{OperationID: "reconcile-accertamenti-unassign", Method: http.MethodPost, Path: "/reconcile/accertamenti/{id}/unassign", Tags: tags,
		Summary: "Toglie un pagamento da un accertamento inserito", Security: api.Scopes(PermManage)},
		func(ctx context.Context, in *struct {
			ID   string `path:"id" doc:"Identificativo dell'accertamento"`
			Body struct {
				Key string `json:"key" minLength:"1" doc:"Chiave del pagamento"`
			}
		}) (*accertamentoBody, error) {
			a, err := m.UnassignPayment(ctx, in.ID, in.Body.Key)
			if err != nil {
				return nil, api.Error(err)
			}
			return &accertamentoBody{a}, nil
		})
	huma.Register(d.API, huma.Operation{OperationID: "reconcile-accertamenti-close", Method: http.MethodPost, Path: "/reconcile/accertamenti/{id}/close", Tags: tags,
		Summary: "Chiude un accertamento (CHIUSO)", Security: api.Scopes(PermManage)},
		func(ctx context.Context, in *accertamentoID) (*accertamentoBody, error) {
			a, err := m.CloseAccertamento(ctx, in.ID)
			if err != nil {
				return nil, api.Error(err)
			}
			return &accertamentoBody{a}, nil
		})
	for _, op := range []struct {
		id, path, summary, scope string
		fn                       func(ctx context.Context, id, reason string) (Accertamento, error)
	}{
		{"reconcile-accertamenti-cancel", "/reconcile/accertamenti/{id}/cancel", "Annulla un accertamento (ANNULLATO), liberandone i pagamenti", PermManage, m.CancelAccertamento},
		{"reconcile-accertamenti-reopen", "/reconcile/accertamenti/{id}/reopen", "Riapre un accertamento chiuso (permesso reconcile.reopen)", PermReopen, m.ReopenAccertamento},
	} {
		huma.Register(d.API, huma.Operation{OperationID: op.id, Method: http.MethodPost, Path: op.path, Tags: tags, Summary: op.summary, Security: api.Scopes(op.scope)},
			func(ctx context.Context, in *reasonInput) (*accertamentoBody, error) {
				a, err := op.fn(ctx, in.ID, in.Body.Reason)
				if err != nil {
					return nil, api.Error(err)
				}
				return &accertamentoBody{a}, nil
			})
	}
}
