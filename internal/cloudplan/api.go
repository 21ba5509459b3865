package cloudplan

import (
	"context"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/arengo-pa/arengo/internal/api"
	"github.com/arengo-pa/arengo/internal/cloudplan/plan"
	"github.com/arengo-pa/arengo/internal/errs"
	"github.com/arengo-pa/arengo/internal/kernel"
)

// APIApp is an application with its computed plan.
type APIApp struct {
	ID             string   `json:"id"`
	Name           string   `json:"name"`
	Level          int      `json:"level" doc:"Livello di priorità del kit, 1..4"`
	Class          string   `json:"acn_class,omitempty" doc:"ordinario, critico, strategico"`
	Model          string   `json:"model,omitempty"`
	ModelWarning   string   `json:"model_warning,omitempty"`
	Strategy       string   `json:"strategy,omitempty"`
	Suggested      bool     `json:"suggested" doc:"la strategia viene dalle regole, non da una scelta"`
	StrategyBy     string   `json:"strategy_by,omitempty"`
	StrategyReason string   `json:"strategy_reason,omitempty"`
	Wave           int      `json:"wave,omitempty"`
	State          string   `json:"state"`
	DependsOn      []string `json:"depends_on"`
	PNRRMode       string   `json:"pnrr_mode,omitempty"`
	TCOCents       int64    `json:"tco_cents"`
}

// APISuggestion is one strategy's verdict with its reasons.
type APISuggestion struct {
	Strategy   string   `json:"strategy"`
	Applicable bool     `json:"applicable"`
	Score      int      `json:"score"`
	Reasons    []string `json:"reasons"`
	Missing    []string `json:"missing"`
	Warnings   []string `json:"warnings"`
}

func toAPIApp(a *App, ap *plan.AppPlan) APIApp {
	deps := a.DependsOn
	if deps == nil {
		deps = []string{}
	}
	return APIApp{ID: a.ID, Name: a.Name, Level: ap.Level, Class: string(a.Class), Model: string(a.Model), ModelWarning: ap.ModelWarn,
		Strategy: string(ap.Strategy), Suggested: ap.Suggested && ap.Strategy != "", StrategyBy: a.StrategyBy, StrategyReason: a.StrategyReason,
		Wave: ap.Wave, State: string(a.State), DependsOn: deps, PNRRMode: string(ap.PNRR.Mode), TCOCents: ap.TCO.Total}
}

type appsInput struct {
	api.PageParams
	Q        string `query:"q" doc:"Testo nel nome, nei servizi o nell'interlocutore"`
	Strategy string `query:"strategy"`
	Wave     int    `query:"wave" doc:"Solo gli applicativi di questa ondata"`
}

type appsOutput struct{ Body api.Page[APIApp] }

type appInput struct {
	ID string `path:"id"`
}

type appOutput struct {
	Body struct {
		APIApp
		Suggestions []APISuggestion `json:"suggestions"`
	}
}

type strategyInput struct {
	ID   string `path:"id"`
	Body struct {
		Strategy string `json:"strategy" doc:"retain, retire, repurchase, rehost, replatform, rearchitect; vuoto per annullare la scelta"`
		Reason   string `json:"reason" doc:"Motivo della scelta (obbligatorio se si sceglie)"`
	}
}

type wavesOutput struct {
	Body struct {
		Capacity int        `json:"capacity"`
		Measure  string     `json:"measure"`
		Waves    []APIWave  `json:"waves"`
		Cycles   [][]string `json:"cycles"`
	}
}

// APIWave is one wave of the plan.
type APIWave struct {
	Number    int      `json:"number"`
	Size      int      `json:"size"`
	Oversized bool     `json:"oversized"`
	Apps      []string `json:"apps"`
}

func (m *Module) registerAPI(d *kernel.Deps) {
	sec := api.Scopes(PermManage)
	huma.Register(d.API, huma.Operation{OperationID: "cloudplan-apps-list", Method: http.MethodGet, Path: "/cloudplan/apps",
		Summary: "Applicativi con il piano calcolato", Tags: []string{"cloudplan"}, Security: sec},
		func(ctx context.Context, in *appsInput) (*appsOutput, error) {
			s, err := m.snapshot(ctx)
			if err != nil {
				return nil, err
			}
			out := &appsOutput{Body: api.Page[APIApp]{Items: []APIApp{}, Page: in.Page, PageSize: in.PageSize}}
			for i := range s.Apps {
				a, ap := &s.Apps[i], &s.Plan.Apps[i]
				if (in.Q != "" && !strings.Contains(strings.ToLower(a.Name+" "+a.Services+" "+a.Interlocutor), strings.ToLower(in.Q))) ||
					(in.Strategy != "" && string(ap.Strategy) != in.Strategy) || (in.Wave != 0 && ap.Wave != in.Wave) {
					continue
				}
				if out.Body.Total >= in.Offset() && len(out.Body.Items) < in.PageSize {
					out.Body.Items = append(out.Body.Items, toAPIApp(a, ap))
				}
				out.Body.Total++
			}
			return out, nil
		})
	huma.Register(d.API, huma.Operation{OperationID: "cloudplan-apps-get", Method: http.MethodGet, Path: "/cloudplan/apps/{id}",
		Summary: "Un applicativo con le strategie valutate e i loro motivi", Tags: []string{"cloudplan"}, Security: sec},
		func(ctx context.Context, in *appInput) (*appOutput, error) {
			s, err := m.snapshot(ctx)
			if err != nil {
				return nil, err
			}
			a, ap, ok := s.appPlan(in.ID)
			if !ok {
				return nil, huma.Error404NotFound("applicativo inesistente")
			}
			out := &appOutput{}
			out.Body.APIApp = toAPIApp(a, ap)
			out.Body.Suggestions = []APISuggestion{}
			for _, sg := range ap.Suggestions {
				out.Body.Suggestions = append(out.Body.Suggestions, APISuggestion{Strategy: string(sg.Strategy), Applicable: sg.Applicable,
					Score: sg.Score, Reasons: nonNilS(sg.Reasons), Missing: nonNilS(sg.Missing), Warnings: nonNilS(sg.Warnings)})
			}
			return out, nil
		})
	huma.Register(d.API, huma.Operation{OperationID: "cloudplan-apps-strategy", Method: http.MethodPut, Path: "/cloudplan/apps/{id}/strategy",
		Summary: "Registra la strategia scelta, con chi la sceglie e perché", Tags: []string{"cloudplan"}, Security: sec},
		func(ctx context.Context, in *strategyInput) (*appOutput, error) {
			a, err := getApp(ctx, m.deps.DB, in.ID)
			if errs.CodeOf(err) == errs.ENOTFOUND {
				return nil, huma.Error404NotFound("applicativo inesistente")
			}
			if err != nil {
				return nil, err
			}
			if _, err := m.chooseStrategy(ctx, a, plan.Strategy(in.Body.Strategy), in.Body.Reason); err != nil {
				if errs.CodeOf(err) == errs.EINVALID {
					return nil, huma.Error422UnprocessableEntity(errs.MessageOf(err))
				}
				if errs.CodeOf(err) == errs.ECONFLICT {
					return nil, huma.Error409Conflict(errs.MessageOf(err))
				}
				return nil, err
			}
			s, err := m.snapshot(ctx)
			if err != nil {
				return nil, err
			}
			sa, sp, _ := s.appPlan(in.ID)
			out := &appOutput{}
			out.Body.APIApp = toAPIApp(sa, sp)
			out.Body.Suggestions = []APISuggestion{}
			return out, nil
		})
	huma.Register(d.API, huma.Operation{OperationID: "cloudplan-waves", Method: http.MethodGet, Path: "/cloudplan/waves",
		Summary: "Le ondate di migrazione calcolate dal grafo delle dipendenze", Tags: []string{"cloudplan"}, Security: sec},
		func(ctx context.Context, _ *struct{}) (*wavesOutput, error) {
			s, err := m.snapshot(ctx)
			if err != nil {
				return nil, err
			}
			out := &wavesOutput{}
			out.Body.Capacity, out.Body.Measure = s.Settings.Capacity, string(s.Settings.Measure)
			out.Body.Waves, out.Body.Cycles = []APIWave{}, s.Plan.Waves.Cycles
			if out.Body.Cycles == nil {
				out.Body.Cycles = [][]string{}
			}
			for _, w := range s.Plan.Waves.Waves {
				out.Body.Waves = append(out.Body.Waves, APIWave{Number: w.Number, Size: w.Size, Oversized: w.Oversized, Apps: w.Apps})
			}
			return out, nil
		})
}

func nonNilS(v []string) []string {
	if v == nil {
		return []string{}
	}
	return v
}
