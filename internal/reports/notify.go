package reports

import (
	"context"

	"github.com/arengo-pa/arengo/internal/kernel"
	"github.com/arengo-pa/arengo/internal/reports/workflow"
	"github.com/arengo-pa/arengo/internal/store"
	"github.com/arengo-pa/arengo/internal/web"
)

type notifier = kernel.Notifier

// Notification templates this module defines in the hub.
const (
	tmplCreated  = "reports.created"
	tmplChanged  = "reports.state_changed"
	tmplFollowUp = "reports.fixed_followup"
)

var notificationTemplates = []kernel.NotificationTemplate{
	{
		Key:      tmplCreated,
		Subject:  web.Msg{IT: "Segnalazione {{.number}} ricevuta", EN: "Report {{.number}} received"},
		Body:     web.Msg{IT: "Abbiamo ricevuto la segnalazione **{{.number}}** «{{.title}}». La risposta è prevista entro il {{.deadline}}. Puoi seguirne lo stato nell'Area personale del sito del Comune.", EN: "We received report **{{.number}}** \"{{.title}}\". An answer is expected by {{.deadline}}. You can follow it in the personal area of the municipality's website."},
		Required: []string{"number", "title", "deadline"},
	},
	{
		Key:      tmplChanged,
		Subject:  web.Msg{IT: "Segnalazione {{.number}}: {{.state}}", EN: "Report {{.number}}: {{.state}}"},
		Body:     web.Msg{IT: "La segnalazione **{{.number}}** «{{.title}}» è ora nello stato **{{.state}}**. Puoi seguirla nell'Area personale del sito del Comune.{{if .answer}}\n\n{{.answer}}{{end}}", EN: "Report **{{.number}}** \"{{.title}}\" is now **{{.state}}**. You can follow it in the personal area of the municipality's website.{{if .answer}}\n\n{{.answer}}{{end}}"},
		Required: []string{"number", "title", "state"},
	},
	{
		Key:      tmplFollowUp,
		Subject:  web.Msg{IT: "Segnalazione {{.number}}: è stato risolto?", EN: "Report {{.number}}: has it been fixed?"},
		Body:     web.Msg{IT: "Il Comune ha segnato come risolta la segnalazione **{{.number}}** «{{.title}}». È stato risolto davvero? Rispondi qui: {{.url}}", EN: "The comune marked report **{{.number}}** \"{{.title}}\" as fixed. Has it really been fixed? Answer here: {{.url}}"},
		Required: []string{"number", "title", "url"},
	},
}

// notifyReporter tells the reporter, when they are a citizen known by
// fiscal code and the hub is wired; idempotent per report version.
func (s *Service) notifyReporter(ctx context.Context, tx *store.Tx, r *Report, tmpl string, data map[string]any) error {
	if s.notify == nil || r.Reporter.FiscalCode == "" {
		return nil
	}
	_, err := s.notify.Notify(ctx, tx, kernel.Notification{
		FiscalCode: r.Reporter.FiscalCode, Template: tmpl, Data: data,
		IdempotencyKey: tmpl + ":" + r.ID + ":" + itoa(r.Version),
	})
	return err
}

// notifyChange sends the state change and, after a fix, the "è stato
// risolto?" question — in the same transaction as the change.
func (s *Service) notifyChange(ctx context.Context, tx *store.Tx, r *Report, from, to workflow.State, answer string) error {
	if from.Code == to.Code && answer == "" {
		return nil
	}
	if err := s.notifyReporter(ctx, tx, r, tmplChanged, map[string]any{"number": r.Number, "title": r.Title,
		"state": to.Label, "answer": answer}); err != nil {
		return err
	}
	if to.Type == workflow.Fixed && from.Type != workflow.Fixed && to.Code != workflow.FixedUser {
		return s.notifyReporter(ctx, tx, r, tmplFollowUp, map[string]any{"number": r.Number, "title": r.Title,
			"url": s.baseURL + "/segnalazioni/" + r.Number + "/risolta"})
	}
	return nil
}
