package payments

import "github.com/arengo-pa/arengo/internal/web"

type pages struct {
	list, totals, newPos, detail, imports, importOne, panel, simDay *web.Page
}

func parsePages(w *web.Server) pages {
	t := func(f string) *web.Page { return w.Templates(templatesFS, "templates/"+f) }
	return pages{
		list:      t("staff_list.html"),
		totals:    t("staff_totals.html"),
		newPos:    t("staff_new.html"),
		detail:    t("staff_detail.html"),
		imports:   t("staff_imports.html"),
		importOne: t("staff_import.html"),
		panel:     t("panel.html"),
		simDay:    t("staff_simday.html"),
	}
}

var messages = map[string]web.Msg{
	"flash.pagamento-eseguito":       {IT: "Pagamento eseguito: la ricevuta sarà disponibile tra pochi istanti.", EN: "Payment done: the receipt will be available in a few moments."},
	"flash.pagamento-non-completato": {IT: "Pagamento non completato.", EN: "Payment not completed."},
	"payments.positions":             {IT: "Posizioni debitorie", EN: "Debt positions"},
	"payments.new":                   {IT: "Nuova posizione", EN: "New position"},
	"payments.imports":               {IT: "Importazioni MyPay", EN: "MyPay imports"},
	"payments.totals":                {IT: "Totali per tipo di dovuto", EN: "Totals by type"},
	"payments.search":                {IT: "Cerca", EN: "Search"},
	"payments.export":                {IT: "Esporta CSV", EN: "Export CSV"},
	"payments.to_pay":                {IT: "Da pagare", EN: "To pay"},
	"payments.paid":                  {IT: "Pagati", EN: "Paid"},
	"payments.pay":                   {IT: "Paga con pagoPA", EN: "Pay with pagoPA"},
	"payments.notice":                {IT: "Scarica l'avviso", EN: "Download the notice"},
	"payments.receipt":               {IT: "Scarica la ricevuta", EN: "Download the receipt"},
	"payments.none_due":              {IT: "Nessun pagamento in sospeso.", EN: "Nothing to pay."},
	"payments.none_paid":             {IT: "Nessun pagamento effettuato.", EN: "No payments yet."},
	"payments.expired":               {IT: "Scaduti", EN: "Expired"},
	"payments.expired_on":            {IT: "scaduto il", EN: "expired on"},
	"payments.expired_help":          {IT: "Non più pagabile con pagoPA: per regolarizzare contatta l'ufficio del Comune.", EN: "No longer payable with pagoPA: please contact the municipal office."},
	"payments.due":                   {IT: "Scadenza", EN: "Due date"},
	"payments.amount":                {IT: "Importo", EN: "Amount"},
	"payments.code":                  {IT: "Codice avviso", EN: "Notice number"},
	"payments.subject":               {IT: "Causale", EN: "Subject"},
	"payments.paid_on":               {IT: "Pagato il", EN: "Paid on"},
	"payments.debtor":                {IT: "Debitore", EN: "Debtor"},
	"payments.status":                {IT: "Stato", EN: "Status"},
	"payments.type":                  {IT: "Tipo di dovuto", EN: "Type"},
	"payments.all":                   {IT: "Tutti", EN: "All"},
	"payments.paid_csv":              {IT: "Esporta pagati (formato MyPay)", EN: "Export paid (MyPay format)"},
	"payments.notices":               {IT: "Avvisi in PDF (zip)", EN: "Notices as PDF (zip)"},
	"payments.notices_pdf":           {IT: "Avvisi in un unico PDF", EN: "Notices in one PDF"},
	"payments.notices_pdf_duplex":    {IT: "Unico PDF per stampa fronte/retro", EN: "One PDF for double-sided printing"},
	"payments.no_results":            {IT: "Nessuna posizione trovata.", EN: "No positions found."},
	"payments.sim_close_day":         {IT: "Chiudi ora la giornata del simulatore pagoPA", EN: "Close the pagoPA simulator's day now"},
	"payments.sim_close_day_help":    {IT: "Demo: il simulatore scrive subito i flussi di rendicontazione (FdR) e i giornali di cassa dei pagamenti di oggi, senza attendere la mezzanotte (UTC).", EN: "Demo: the simulator writes today's reporting flows (FdR) and treasury journals now, without waiting for midnight (UTC)."},
	"payments.sim_day_closed":        {IT: "Giornata del simulatore pagoPA chiusa", EN: "pagoPA simulator's day closed"},
	"payments.sim_day":               {IT: "Giornata (UTC)", EN: "Day (UTC)"},
	"payments.sim_files_written":     {IT: "File scritti", EN: "Files written"},
	"payments.sim_folder":            {IT: "Cartella", EN: "Folder"},
	"payments.sim_next":              {IT: "Se la cartella è quella sorvegliata dalla riconciliazione (come nella demo), i file vengono caricati entro pochi secondi: i risultati sono in Riconciliazione. I flussi di rendicontazione destinati a un altro ente (per esempio per la quota della provincia) vengono scartati, con il motivo.", EN: "If the folder is the one the reconciliation watches (as in the demo), the files are loaded within a few seconds: see Reconciliation. Reporting flows addressed to another ente (such as the provincia's share) are set aside, with the reason."},
	"payments.sim_nothing":           {IT: "Nessun pagamento da rendicontare dall'ultima chiusura: nessun file scritto.", EN: "No payments to report since the last close: no files written."},
}
