package reconcile

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/arengo-pa/arengo/internal/api"
	"github.com/arengo-pa/arengo/internal/kernel"
	"github.com/arengo-pa/arengo/internal/reconcile/ledger"
)

// The manual link of a treasury movement to a flow, and the split of one
// credit over several flows, as on the movement's page: same checks, audit
// and events (the functions are shared), same permission.

type movementKey struct {
	Key string `path:"key" doc:"Chiave della voce del movimento di tesoreria (anno/bolletta)"`
}

type linkBody struct{ Body ledger.Link }

type splitBody struct{ Body ledger.Split }

func (m *Module) registerLinksAPI(d *kernel.Deps) {
	tags := []string{"reconcile"}
	huma.Register(d.API, huma.Operation{OperationID: "reconcile-items-link", Method: http.MethodPost, Path: "/reconcile/items/{key}/link", Tags: tags,
		Summary: "Collega a mano un movimento senza abbinamento a un flusso di rendicontazione", Security: api.Scopes(PermManage)},
		func(ctx context.Context, in *struct {
			Key  string `path:"key" doc:"Chiave della voce del movimento di tesoreria (anno/bolletta)"`
			Body struct {
				IUF string `json:"iuf" minLength:"1" doc:"Identificativo del flusso"`
			}
		}) (*linkBody, error) {
			k, err := m.linkMovement(ctx, in.Key, in.Body.IUF)
			if err != nil {
				return nil, api.Error(err)
			}
			return &linkBody{k}, nil
		})
	huma.Register(d.API, huma.Operation{OperationID: "reconcile-items-unlink", Method: http.MethodDelete, Path: "/reconcile/items/{key}/link", Tags: tags,
		Summary: "Annulla il collegamento manuale (restituisce quello annullato)", Security: api.Scopes(PermManage)},
		func(ctx context.Context, in *movementKey) (*linkBody, error) {
			k, err := m.unlinkMovement(ctx, in.Key)
			if err != nil {
				return nil, api.Error(err)
			}
			return &linkBody{k}, nil
		})
	huma.Register(d.API, huma.Operation{OperationID: "reconcile-items-split", Method: http.MethodPost, Path: "/reconcile/items/{key}/split", Tags: tags,
		Summary: "Ripartisce un accredito su più flussi: le parti devono sommare esattamente l'accredito", Security: api.Scopes(PermManage)},
		func(ctx context.Context, in *struct {
			Key  string `path:"key" doc:"Chiave della voce del movimento di tesoreria (anno/bolletta)"`
			Body struct {
				IUFs []string `json:"iufs" maxItems:"1000" doc:"Identificativi dei flussi pagati dall'accredito"`
			}
		}) (*splitBody, error) {
			s, err := m.splitMovement(ctx, in.Key, in.Body.IUFs)
			if err != nil {
				return nil, api.Error(err)
			}
			return &splitBody{s}, nil
		})
	huma.Register(d.API, huma.Operation{OperationID: "reconcile-items-unsplit", Method: http.MethodDelete, Path: "/reconcile/items/{key}/split", Tags: tags,
		Summary: "Annulla la ripartizione (restituisce quella annullata)", Security: api.Scopes(PermManage)},
		func(ctx context.Context, in *movementKey) (*splitBody, error) {
			s, err := m.unsplitMovement(ctx, in.Key)
			if err != nil {
				return nil, api.Error(err)
			}
			return &splitBody{s}, nil
		})
}
