package reports

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/arengo-pa/arengo/internal/errs"
	"github.com/arengo-pa/arengo/internal/events"
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
	tmplConfirm  = "reports.confirm_anonymous"
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
	{
		Key:     tmplConfirm,
		Subject: web.Msg{IT: "Conferma la segnalazione {{.number}}", EN: "Confirm report {{.number}}"},
		Body: web.Msg{IT: "Hai inviato al Comune la segnalazione **{{.number}}** «{{.title}}» senza accedere con SPID o CIE. Per renderla visibile e farla prendere in carico, conferma che l'indirizzo è tuo aprendo questo collegamento: {{.url}}\n\nSe non sei stato tu, ignora questo messaggio: la segnalazione resterà nascosta.",
			EN: "You sent report **{{.number}}** \"{{.title}}\" to the comune without logging in with SPID or CIE. To publish it and have it taken in charge, confirm this address is yours by opening this link: {{.url}}\n\nIf it was not you, ignore this message: the report will stay hidden."},
		Required: []string{"number", "title", "url"},
	},
}

// confirmationSubscriber is the durable outbox subscriber that e-mails the
// confirmation link of anonymous reports.
const confirmationSubscriber = "reports.confirmation-mailer"

// listen subscribes the module to its own outbox events: the e-mail with
// the confirmation link of an anonymous report is sent by reacting to
// reports.confirmation_requested, committed with the report.
func (m *Module) listen() {
	if m.deps.Events == nil || m.deps.Notifier == nil {
		return
	}
	m.deps.Events.Subscribe(confirmationSubscriber, []string{"reports.confirmation_requested"}, m.sendConfirmation)
}

// sendConfirmation asks the hub to e-mail the link to the address the
// anonymous reporter gave (the hub knows no fiscal code for them). Address
// and code are read from the report, not from the event, so the event need
// not carry them; a code in the event that no longer matches (the report
// was confirmed, or its code changed) means nothing is sent. Idempotent per
// report; an address the hub refuses is logged and dropped, since retrying
// cannot make it valid.
func (m *Module) sendConfirmation(ctx context.Context, e events.Event) error {
	s := m.svc
	var p struct {
		Code string `json:"code"`
	}
	_ = e.Decode(&p)
	return s.db.Transact(ctx, func(tx *store.Tx) error {
		var number, title, code, email, lang string
		err := tx.QueryRowContext(ctx, `SELECT number, title, confirm_code, reporter_email, reporter_lang FROM reports_report WHERE id = $1`, e.AggregateID).
			Scan(&number, &title, &code, &email, &lang)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && (code == "" || email == "" || (p.Code != "" && p.Code != code))) {
			return nil
		}
		if err != nil {
			return err
		}
		_, err = s.notify.Notify(ctx, tx, kernel.Notification{Email: email, Lang: lang, Template: tmplConfirm,
			Data:           map[string]any{"number": number, "title": title, "url": s.baseURL + "/segnalazioni-conferma/" + code},
			IdempotencyKey: tmplConfirm + ":" + e.AggregateID})
		if errs.CodeOf(err) == errs.EINVALID {
			if m.deps.Log != nil {
				m.deps.Log.Warn("reports: confirmation e-mail refused by the hub", "report", number, "error", errs.MessageOf(err))
			}
			return nil
		}
		return err
	})
}

// notifyReporter tells the reporter when the hub is wired: a citizen by
// fiscal code; an anonymous reporter by e-mail in the language they filed
// in, once they confirmed the address (not when staff move an unconfirmed
// report), and never "è stato risolto?" (its
// answer needs a login). Idempotent per report version. An address the hub
// refuses must not undo the staff's change: that e-mail is dropped.
func (s *Service) notifyReporter(ctx context.Context, tx *store.Tx, r *Report, tmpl string, data map[string]any) error {
	anon := r.Reporter.Kind == ByAnonymous && r.Reporter.Email != "" && r.State != workflow.Unconfirmed && tmpl != tmplFollowUp
	if s.notify == nil || (r.Reporter.FiscalCode == "" && !anon) {
		return nil
	}
	if anon {
		// Staff may move a report whose address was never confirmed: the
		// confirmation code is cleared only by the reporter's click.
		var pending string
		if err := tx.QueryRowContext(ctx, `SELECT confirm_code FROM reports_report WHERE id = $1`, r.ID).Scan(&pending); err != nil {
			return fmt.Errorf("confirmation of %s: %w", r.Number, err)
		}
		if pending != "" {
			return nil
		}
	}
	_, err := s.notify.Notify(ctx, tx, kernel.Notification{
		FiscalCode: r.Reporter.FiscalCode, Email: r.Reporter.Email, Lang: r.Reporter.Lang, Template: tmpl, Data: data,
		IdempotencyKey: tmpl + ":" + r.ID + ":" + itoa(r.Version),
	})
	if anon && errs.CodeOf(err) == errs.EINVALID {
		return nil
	}
	return err
}

// notifyChange sends the state change and, after a fix, the "è stato
// risolto?" question — in the same transaction as the change.
func (s *Service) notifyChange(ctx context.Context, tx *store.Tx, r *Report, from, to workflow.State, answer string) error {
	if from.Code == to.Code && answer == "" {
		return nil
	}
	if err := s.notifyReporter(ctx, tx, r, tmplChanged, map[string]any{"number": r.Number, "title": r.Title,
		"state": mailStateLabel(r, to), "answer": answer}); err != nil {
		return err
	}
	if to.Type == workflow.Fixed && from.Type != workflow.Fixed && to.Code != workflow.FixedUser {
		return s.notifyReporter(ctx, tx, r, tmplFollowUp, map[string]any{"number": r.Number, "title": r.Title,
			"url": s.baseURL + "/segnalazioni/" + r.Number + "/risolta"})
	}
	return nil
}
