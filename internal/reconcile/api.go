package reconcile

import (
	"bytes"
	"context"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/arengo-pa/arengo/internal/api"
	"github.com/arengo-pa/arengo/internal/kernel"
)

type itemsInput struct {
	api.PageParams
	Kind         string `query:"kind" enum:"payment,flow,movement," doc:"Tipo di voce"`
	Code         string `query:"code" doc:"Codice di classificazione MyPivot (es. RT_NO_IUF)"`
	Severity     string `query:"severity" enum:"INFO,WARNING,ERROR," doc:"Gravità"`
	From         string `query:"from" doc:"Dal giorno (AAAA-MM-GG)"`
	To           string `query:"to" doc:"Al giorno (AAAA-MM-GG)"`
	Search       string `query:"search" doc:"IUV, identificativo di flusso o chiave"`
	Anomalies    bool   `query:"anomalies" doc:"Solo voci da verificare o anomale"`
	Amount       int64  `query:"amount_cents" doc:"Importo esatto in centesimi"`
	PSP          string `query:"psp" doc:"PSP: identificativo o parte del nome (ricevuta o flusso)"`
	Accertamento string `query:"accertamento" doc:"Solo i pagamenti assegnati a questo accertamento (identificativo)"`
}

func (in itemsInput) filter() (itemFilter, error) {
	f := itemFilter{Kind: in.Kind, Code: in.Code, Severity: in.Severity, Search: in.Search, Anomalies: in.Anomalies, PSP: strings.TrimSpace(in.PSP), Accertamento: in.Accertamento}
	if in.Amount < 0 {
		return f, huma.Error422UnprocessableEntity("amount_cents: importo non valido")
	}
	f.Amount = in.Amount
	var err error
	if in.From != "" {
		if f.From, err = time.Parse(time.DateOnly, in.From); err != nil {
			return f, huma.Error422UnprocessableEntity("from: data non valida, atteso AAAA-MM-GG")
		}
	}
	if in.To != "" {
		if f.To, err = time.Parse(time.DateOnly, in.To); err != nil {
			return f, huma.Error422UnprocessableEntity("to: data non valida, atteso AAAA-MM-GG")
		}
	}
	return f, nil
}

type uploadInput struct {
	Name    string `query:"name" required:"true" doc:"Nome del file (serve solo a riconoscerlo nell'elenco)"`
	RawBody []byte `contentType:"application/octet-stream"`
}

type jobOutput struct {
	Body struct {
		JobID string `json:"job_id" doc:"Lavoro di caricamento: stato su /jobs/{id}/progress"`
	}
}

func (m *Module) registerAPI(d *kernel.Deps) {
	m.registerAccertamentiAPI(d)
	m.registerLinksAPI(d)
	huma.Register(d.API, huma.Operation{OperationID: "reconcile-items", Method: "GET", Path: "/reconcile/items", Tags: []string{"reconcile"},
		Summary: "Voci classificate (pagamenti, flussi, movimenti)", Security: api.Scopes(PermRead)},
		func(ctx context.Context, in *itemsInput) (*struct{ Body api.Page[itemRow] }, error) {
			f, err := in.filter()
			if err != nil {
				return nil, err
			}
			total, err := m.countItems(ctx, f)
			if err != nil {
				return nil, err
			}
			items, err := m.items(ctx, f, in.PageSize, in.Offset())
			if err != nil {
				return nil, err
			}
			if items == nil {
				items = []itemRow{}
			}
			return &struct{ Body api.Page[itemRow] }{api.Page[itemRow]{Items: items, Page: in.Page, PageSize: in.PageSize, Total: total}}, nil
		})
	huma.Register(d.API, huma.Operation{OperationID: "reconcile-totals", Method: "GET", Path: "/reconcile/totals", Tags: []string{"reconcile"},
		Summary: "Numero e importo delle voci per classificazione", Security: api.Scopes(PermRead)},
		func(ctx context.Context, in *itemsInput) (*struct{ Body []codeTotal }, error) {
			f, err := in.filter()
			if err != nil {
				return nil, err
			}
			codes, _, err := m.totals(ctx, f)
			return &struct{ Body []codeTotal }{codes}, err
		})
	huma.Register(d.API, huma.Operation{OperationID: "reconcile-accounting", Method: "GET", Path: "/reconcile/accounting", Tags: []string{"reconcile"},
		Summary: "Totali per capitolo di bilancio e giorno", Security: api.Scopes(PermRead)},
		func(ctx context.Context, in *itemsInput) (*struct{ Body []chapterTotal }, error) {
			f, err := in.filter()
			if err != nil {
				return nil, err
			}
			t, err := m.chapterTotals(ctx, f)
			if t == nil {
				t = []chapterTotal{}
			}
			return &struct{ Body []chapterTotal }{t}, err
		})
	huma.Register(d.API, huma.Operation{OperationID: "reconcile-files", Method: "GET", Path: "/reconcile/files", Tags: []string{"reconcile"},
		Summary: "Flussi caricati e archiviati", Security: api.Scopes(PermRead)},
		func(ctx context.Context, in *struct{ api.PageParams }) (*struct{ Body api.Page[fileRow] }, error) {
			total, err := m.fileCount(ctx, fileFilter{})
			if err != nil {
				return nil, err
			}
			files, err := m.files(ctx, fileFilter{}, in.PageSize, in.Offset())
			if files == nil {
				files = []fileRow{}
			}
			return &struct{ Body api.Page[fileRow] }{api.Page[fileRow]{Items: files, Page: in.Page, PageSize: in.PageSize, Total: total}}, err
		})
	huma.Register(d.API, huma.Operation{OperationID: "reconcile-upload", Method: "POST", Path: "/reconcile/files", Tags: []string{"reconcile"},
		Summary: "Carica un flusso (FdR, giornale di cassa, export MyPay, notifiche, ricevute)", Security: api.Scopes(PermManage),
		DefaultStatus: 202},
		func(ctx context.Context, in *uploadInput) (*jobOutput, error) {
			if len(in.RawBody) == 0 {
				return nil, huma.Error422UnprocessableEntity("il corpo della richiesta è vuoto: inviare il file")
			}
			id, err := m.enqueueImport(ctx, in.Name, bytes.NewReader(in.RawBody), "api")
			if err != nil {
				return nil, err
			}
			out := &jobOutput{}
			out.Body.JobID = id
			return out, nil
		})
}
