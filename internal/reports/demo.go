package reports

import (
	"context"
	"fmt"

	"github.com/arengo-pa/arengo/internal/kernel"
	"github.com/arengo-pa/arengo/internal/reports/open311"
	"github.com/arengo-pa/arengo/internal/reports/workflow"
)

// demoCategories follow the modello Comuni list (disservizio-lista.json),
// with the deadlines Italian comuni commonly publish.
var demoCategories = []Category{
	{Code: "acqua", Name: "Acqua, allagamenti, problemi fognari", Group: "Ambiente", DeadlineDays: 7, RadiusM: 250},
	{Code: "ambiente", Name: "Ambiente, inquinamento, protezione ambientale", Group: "Ambiente", DeadlineDays: 30, RadiusM: 250},
	{Code: "arredo", Name: "Arredo urbano", Group: "Spazi pubblici", DeadlineDays: 30, RadiusM: 100},
	{Code: "animali", Name: "Disinfestazione, derattizzazione, animali randagi", Group: "Ambiente", DeadlineDays: 15, RadiusM: 250},
	{Code: "rifiuti", Name: "Igiene urbana, rifiuti, pulizia e decoro", Group: "Ambiente", DeadlineDays: 7, RadiusM: 100, AnonymousAllowed: true},
	{Code: "immobili", Name: "Manutenzione immobili, edifici pubblici, scuole, barriere architettoniche, cimiteri", Group: "Edifici", DeadlineDays: 30, RadiusM: 100},
	{Code: "quiete", Name: "Ordine pubblico, disturbo della quiete", Group: "Sicurezza", DeadlineDays: 15, RadiusM: 250},
	{Code: "verde", Name: "Parchi e verde pubblico", Group: "Spazi pubblici", DeadlineDays: 30, RadiusM: 250,
		Attributes: []open311.Attribute{{Variable: true, Code: "pericolo", Datatype: open311.SingleValueList, Required: true,
			Description: "C'è un pericolo immediato (rami o alberi che possono cadere)?", Values: []open311.Value{{Key: "si", Name: "Sì"}, {Key: "no", Name: "No"}}}}},
	{Code: "servizi", Name: "Servizi del comune", Group: "Servizi", DeadlineDays: 30, RadiusM: 0},
	{Code: "degrado", Name: "Sicurezza, degrado urbano e sociale", Group: "Sicurezza", DeadlineDays: 15, RadiusM: 250},
	{Code: "strade", Name: "Strade, marciapiedi, segnaletica e viabilità", Group: "Strade", DeadlineDays: 15, RadiusM: 250,
		Hint: "Per buche pericolose indica se sono sulla carreggiata o sul marciapiede.",
		Attributes: []open311.Attribute{{Variable: true, Code: "dove", Datatype: open311.SingleValueList, Required: true,
			Description: "Dove si trova il problema?", Values: []open311.Value{{Key: "carreggiata", Name: "Carreggiata"}, {Key: "marciapiede", Name: "Marciapiede"}, {Key: "pista", Name: "Pista ciclabile"}}}}},
}

// SeedDemo fills categories, a routing rule, a template and a few reports,
// once (it does nothing when categories exist).
func (m *Module) SeedDemo(ctx context.Context, d *kernel.Deps) error {
	cats, err := m.svc.Categories(ctx, false)
	if err != nil || len(cats) > 0 {
		return err
	}
	for i, c := range demoCategories {
		c.Active, c.Order = true, i
		if _, err := m.svc.SaveCategory(ctx, c); err != nil {
			return fmt.Errorf("demo category %s: %w", c.Code, err)
		}
	}
	if _, err := m.svc.SaveRule(ctx, Rule{Office: "Ufficio Relazioni con il Pubblico"}); err != nil {
		return err
	}
	if _, err := m.svc.SaveTemplate(ctx, Template{Title: "Presa in carico", Text: "Abbiamo preso in carico la segnalazione e inviato un tecnico per un sopralluogo.",
		State: workflow.Investigating, Active: true}); err != nil {
		return err
	}
	demo := []NewReport{
		{CategoryCode: "strade", Title: "Buca in via Roma", Details: "Buca profonda davanti al civico 12, pericolosa per le biciclette.",
			Address: "Via Roma 12, Padova", HasPoint: true, Lat: 45.4052, Lon: 11.8762, Answers: map[string][]string{"dove": {"carreggiata"}}},
		{CategoryCode: "rifiuti", Title: "Sacchi abbandonati", Details: "Tre sacchi di rifiuti lasciati accanto ai cassonetti.",
			Address: "Piazza delle Erbe, Padova", HasPoint: true, Lat: 45.4070, Lon: 11.8745},
		{CategoryCode: "verde", Title: "Ramo spezzato", Details: "Un grosso ramo pende sopra la panchina del parco.",
			Address: "Giardini dell'Arena, Padova", HasPoint: true, Lat: 45.4121, Lon: 11.8790, Answers: map[string][]string{"pericolo": {"si"}}},
	}
	for i, n := range demo {
		n.Channel, n.Reporter = "staff", Reporter{Kind: ByStaff}
		r, err := m.svc.Create(ctx, n)
		if err != nil {
			return fmt.Errorf("demo report: %w", err)
		}
		if i == 0 {
			if _, err := m.svc.Apply(ctx, r.Number, 0, Change{To: workflow.Investigating, Staff: true,
				Public: "Abbiamo preso in carico la segnalazione e inviato un tecnico per un sopralluogo.", Author: "URP"}); err != nil {
				return err
			}
		}
	}
	return nil
}
