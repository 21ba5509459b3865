package reports

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/arengo-pa/arengo/internal/errs"
	"github.com/arengo-pa/arengo/internal/reports/workflow"
	"github.com/arengo-pa/arengo/internal/web"
)

// pages are the module's parsed templates, one per page.
type pages struct {
	list, report, privacy, data, summary, done, followUp, notice *web.Page
	queue, staffReport, settings, dashboard, panel               *web.Page
}

func parsePages(w *web.Server) pages {
	p := func(file string) *web.Page {
		return w.Templates(templatesFS, "templates/common.html", "templates/"+file)
	}
	return pages{
		list: p("list.html"), report: p("report.html"), privacy: p("journey_privacy.html"), data: p("journey_data.html"),
		summary: p("journey_summary.html"), done: p("journey_done.html"), followUp: p("followup.html"), notice: p("notice.html"),
		queue: p("queue.html"), staffReport: p("staff_report.html"), settings: p("settings.html"), dashboard: p("dashboard.html"),
		panel: p("panel.html"),
	}
}

var messages = map[string]web.Msg{
	"reports.title":       {IT: "Segnalazioni", EN: "Reports"},
	"reports.new":         {IT: "Segnala disservizio", EN: "Report a problem"},
	"reports.list":        {IT: "Elenco segnalazioni", EN: "List of reports"},
	"reports.map":         {IT: "Mappa", EN: "Map"},
	"reports.listtab":     {IT: "Elenco", EN: "List"},
	"reports.category":    {IT: "Categoria", EN: "Category"},
	"reports.state":       {IT: "Stato", EN: "Status"},
	"reports.area":        {IT: "Zona", EN: "Area"},
	"reports.from":        {IT: "Dal", EN: "From"},
	"reports.to":          {IT: "Al", EN: "To"},
	"reports.filter":      {IT: "Filtra", EN: "Filter"},
	"reports.history":     {IT: "Cronologia", EN: "History"},
	"reports.queue":       {IT: "Coda delle segnalazioni", EN: "Report queue"},
	"reports.dashboard":   {IT: "Cruscotto", EN: "Dashboard"},
	"reports.settings":    {IT: "Configurazione", EN: "Settings"},
	"reports.step1":       {IT: "Autorizzazioni e condizioni", EN: "Authorisations and conditions"},
	"reports.step2":       {IT: "Dati di segnalazione", EN: "Report details"},
	"reports.step3":       {IT: "Riepilogo", EN: "Summary"},
	"reports.sent":        {IT: "Segnalazione inviata", EN: "Report sent"},
	"reports.savedraft":   {IT: "Salva richiesta", EN: "Save request"},
	"reports.next":        {IT: "Avanti", EN: "Next"},
	"reports.back":        {IT: "Indietro", EN: "Back"},
	"reports.mine":        {IT: "Le mie segnalazioni", EN: "My reports"},
	"reports.export":      {IT: "Esporta CSV", EN: "Export CSV"},
	"reports.nearby":      {IT: "Segnalazioni simili già aperte qui vicino", EN: "Similar open reports nearby"},
	"reports.metoo":       {IT: "Anche io", EN: "Me too"},
	"reports.takenin":     {IT: "Presa in carico il", EN: "Taken in charge on"},
	"reports.deadline":    {IT: "Data massima prevista", EN: "Latest expected date"},
	"reports.number":      {IT: "Numero segnalazione", EN: "Request number"},
	"reports.resolved12m": {IT: "segnalazioni risolte negli ultimi 12 mesi", EN: "reports resolved in the last 12 months"},
	// Citizen journey (j), follow-up (f), notices (n).
	"reports.steps":             {IT: "Passaggi della segnalazione", EN: "Steps of the report"},
	"reports.step_of":           {IT: "Passo %d di 3", EN: "Step %d of 3"},
	"reports.j.drafts":          {IT: "Richieste salvate", EN: "Saved requests"},
	"reports.j.resume":          {IT: "Riprendi:", EN: "Resume:"},
	"reports.j.untitled":        {IT: "segnalazione senza titolo", EN: "untitled report"},
	"reports.j.privacy_title":   {IT: "Informativa sul trattamento dei dati personali", EN: "Privacy notice"},
	"reports.j.privacy_text":    {IT: "Il Comune tratta i dati della segnalazione (luogo, descrizione, foto, documenti) e i dati dell'autore (nome, codice fiscale, recapiti) per gestire la segnalazione e informarne l'autore, ai sensi dell'art. 13 del Regolamento UE 2016/679. I dati dell'autore non sono mai pubblicati: nell'elenco pubblico compaiono solo luogo, categoria, titolo, dettagli e foto, dopo la verifica dell'ufficio.", EN: "The comune processes the report's data (place, description, photos, documents) and the author's data (name, fiscal code, contacts) to handle the report and keep its author informed, under art. 13 of Regulation (EU) 2016/679. The author's data are never published: the public list shows only place, category, title, details and photos, after the office has checked them."},
	"reports.j.privacy_read":    {IT: "Leggi l'", EN: "Read the "},
	"reports.j.privacy_link":    {IT: "informativa completa sulla privacy", EN: "full privacy notice"},
	"reports.j.privacy_ok":      {IT: "Ho letto e compreso l'informativa sulla privacy", EN: "I have read and understood the privacy notice"},
	"reports.j.times":           {IT: "Tempi e scadenze", EN: "Times and deadlines"},
	"reports.j.times_text":      {IT: "Il Comune prende in carico ogni segnalazione e risponde entro il tempo massimo della sua categoria; la data massima prevista è indicata nell'Area personale.", EN: "The comune takes every report in charge and answers within its category's maximum time; the latest expected date is shown in your personal area."},
	"reports.j.within_days":     {IT: "entro %d giorni", EN: "within %d days"},
	"reports.j.no_login":        {IT: "anche senza accesso", EN: "also without logging in"},
	"reports.j.saved":           {IT: "Richiesta salvata: puoi riprenderla quando vuoi.", EN: "Request saved: you can resume it whenever you like."},
	"reports.j.nearby_text":     {IT: "Lo stesso problema potrebbe essere già stato segnalato. Puoi sostenere una segnalazione esistente invece di crearne una nuova.", EN: "The same problem may already have been reported. You can support an existing report instead of creating a new one."},
	"reports.j.nearby_other":    {IT: "Se il tuo problema è diverso, premi di nuovo «%s».", EN: "If your problem is different, press «%s» again."},
	"reports.j.required":        {IT: "I campi con l'asterisco (*) sono obbligatori.", EN: "Fields marked with an asterisk (*) are required."},
	"reports.j.place":           {IT: "Luogo", EN: "Place"},
	"reports.j.map_label":       {IT: "Mappa: fai clic per indicare il luogo", EN: "Map: click to show the place"},
	"reports.j.map_hint":        {IT: "Fai clic sulla mappa per indicare il punto, oppure scrivi l'indirizzo o le coordinate.", EN: "Click on the map to mark the spot, or type the address or the coordinates."},
	"reports.j.address":         {IT: "Indirizzo", EN: "Address"},
	"reports.j.lat":             {IT: "Latitudine", EN: "Latitude"},
	"reports.j.lon":             {IT: "Longitudine", EN: "Longitude"},
	"reports.j.problem":         {IT: "Disservizio", EN: "Problem"},
	"reports.j.kind":            {IT: "Tipo di disservizio", EN: "Kind of problem"},
	"reports.j.choose":          {IT: "Seleziona", EN: "Choose"},
	"reports.j.questions":       {IT: "Domande per «%s»", EN: "Questions for «%s»"},
	"reports.j.noscript":        {IT: "Senza JavaScript le domande della categoria scelta diventano compilabili dopo «%s».", EN: "Without JavaScript the questions of the chosen category can be filled in after «%s»."},
	"reports.j.title":           {IT: "Titolo", EN: "Title"},
	"reports.j.details":         {IT: "Dettagli", EN: "Details"},
	"reports.j.details_hint":    {IT: "Descrivi il problema in poche righe (massimo 4000 caratteri).", EN: "Describe the problem in a few lines (at most 4000 characters)."},
	"reports.j.photos":          {IT: "Immagini (JPEG o PNG, al massimo %d; la posizione GPS delle foto viene rimossa)", EN: "Images (JPEG or PNG, at most %d; the photos' GPS position is removed)"},
	"reports.j.documents":       {IT: "Documenti (PDF, al massimo %d)", EN: "Documents (PDF, at most %d)"},
	"reports.j.photo":           {IT: "foto", EN: "photo"},
	"reports.j.document":        {IT: "documento", EN: "document"},
	"reports.j.remove":          {IT: "Rimuovi %s", EN: "Remove %s"},
	"reports.j.author_title":    {IT: "Autore della segnalazione", EN: "Author of the report"},
	"reports.j.fiscal_code":     {IT: "codice fiscale", EN: "fiscal code"},
	"reports.j.anon_text":       {IT: "Non hai effettuato l'accesso: puoi segnalare senza accesso solo nelle categorie che lo consentono, confermando l'indirizzo e-mail.", EN: "You are not logged in: you can report without logging in only in the categories that allow it, by confirming your e-mail address."},
	"reports.j.login":           {IT: "Accedi con SPID o CIE", EN: "Log in with SPID or CIE"},
	"reports.j.phone":           {IT: "Telefono", EN: "Phone"},
	"reports.j.email":           {IT: "E-mail", EN: "E-mail"},
	"reports.j.warning":         {IT: "Attenzione", EN: "Please note"},
	"reports.j.declaration":     {IT: "Le informazioni che hai fornito hanno valore di dichiarazione. Controllale prima di inviare.", EN: "The information you gave counts as a declaration. Check it before sending."},
	"reports.j.files":           {IT: "Immagini e documenti", EN: "Images and documents"},
	"reports.j.files_count":     {IT: "%d foto, %d documenti", EN: "%d photos, %d documents"},
	"reports.j.edit_problem":    {IT: "Modifica il disservizio", EN: "Edit the problem"},
	"reports.j.general":         {IT: "Dati generali", EN: "General data"},
	"reports.j.author":          {IT: "Autore", EN: "Author"},
	"reports.j.author_anon":     {IT: "senza accesso (da confermare via e-mail)", EN: "not logged in (to be confirmed by e-mail)"},
	"reports.j.edit_general":    {IT: "Modifica i dati generali", EN: "Edit the general data"},
	"reports.j.send":            {IT: "Conferma e invia", EN: "Confirm and send"},
	"reports.j.thanks":          {IT: "Grazie, abbiamo ricevuto la tua segnalazione.", EN: "Thank you, we have received your report."},
	"reports.j.done_text":       {IT: "La segnalazione comparirà nell'elenco pubblico, senza i tuoi dati personali. Riceverai gli aggiornamenti nell'Area personale e all'indirizzo %s. La risposta è prevista entro il %s.", EN: "The report will appear in the public list, without your personal data. You will get updates in your personal area and at %s. An answer is expected by %s."},
	"reports.j.receipt":         {IT: "Scarica la ricevuta (PDF)", EN: "Download the receipt (PDF)"},
	"reports.j.to_area":         {IT: "Vai all'Area personale", EN: "Go to your personal area"},
	"reports.j.rated":           {IT: "Grazie per il tuo giudizio.", EN: "Thank you for your rating."},
	"reports.j.rate_q":          {IT: "Quanto è stato facile usare questo servizio?", EN: "How easy was it to use this service?"},
	"reports.j.rate_star1":      {IT: "1 stella", EN: "1 star"},
	"reports.j.rate_star2":      {IT: "2 stelle", EN: "2 stars"},
	"reports.j.rate_star3":      {IT: "3 stelle", EN: "3 stars"},
	"reports.j.rate_star4":      {IT: "4 stelle", EN: "4 stars"},
	"reports.j.rate_star5":      {IT: "5 stelle", EN: "5 stars"},
	"reports.j.rate_low":        {IT: "Se hai dato da 1 a 3 stelle: dove hai incontrato le maggiori difficoltà?", EN: "If you gave 1 to 3 stars: where did you find the most difficulty?"},
	"reports.j.rate_high":       {IT: "Se hai dato 4 o 5 stelle: quali sono stati gli aspetti che hai preferito?", EN: "If you gave 4 or 5 stars: what did you like most?"},
	"reports.j.rate_comment":    {IT: "Vuoi aggiungere altri dettagli?", EN: "Would you like to add more details?"},
	"reports.j.rate_send":       {IT: "Invia il giudizio", EN: "Send your rating"},
	"reports.j.rate_neg1":       {IT: "A volte le indicazioni non erano chiare", EN: "Sometimes the instructions were not clear"},
	"reports.j.rate_neg2":       {IT: "A volte le indicazioni non erano complete", EN: "Sometimes the instructions were not complete"},
	"reports.j.rate_neg3":       {IT: "A volte non capivo se stavo procedendo correttamente", EN: "Sometimes I did not understand whether I was proceeding correctly"},
	"reports.j.rate_neg4":       {IT: "Ho avuto problemi tecnici", EN: "I had technical problems"},
	"reports.j.rate_pos1":       {IT: "Le indicazioni erano chiare", EN: "The instructions were clear"},
	"reports.j.rate_pos2":       {IT: "Le indicazioni erano complete", EN: "The instructions were complete"},
	"reports.j.rate_pos3":       {IT: "Capivo sempre che stavo procedendo correttamente", EN: "I always understood I was proceeding correctly"},
	"reports.j.rate_pos4":       {IT: "Non ho avuto problemi tecnici", EN: "I had no technical problems"},
	"reports.j.rate_other":      {IT: "Altro", EN: "Other"},
	"reports.f.title":           {IT: "È stato risolto?", EN: "Has it been fixed?"},
	"reports.f.h1":              {IT: "La segnalazione %s è stata risolta?", EN: "Has report %s been fixed?"},
	"reports.f.current":         {IT: "stato attuale:", EN: "current status:"},
	"reports.f.q":               {IT: "Il problema è stato risolto?", EN: "Has the problem been fixed?"},
	"reports.f.yes":             {IT: "Sì, è risolto", EN: "Yes, it is fixed"},
	"reports.f.no":              {IT: "No, chiedo di riaprirla", EN: "No, please reopen it"},
	"reports.f.comment":         {IT: "Commento (obbligatorio per riaprire)", EN: "Comment (required to reopen)"},
	"reports.f.send":            {IT: "Invia", EN: "Send"},
	"reports.n.go":              {IT: "Vai alla segnalazione", EN: "Go to the report"},
	"reports.n.check_title":     {IT: "Controlla la tua e-mail", EN: "Check your e-mail"},
	"reports.n.check_text":      {IT: "Abbiamo registrato la segnalazione %s. Diventerà visibile dopo la conferma dal link inviato a %s.", EN: "We have registered report %s. It will become visible once you confirm it from the link sent to %s."},
	"reports.n.confirm_title":   {IT: "Conferma la segnalazione", EN: "Confirm the report"},
	"reports.n.confirm_text":    {IT: "Confermando, la segnalazione %s diventa visibile nell'elenco pubblico, senza i tuoi dati personali.", EN: "Once confirmed, report %s becomes visible in the public list, without your personal data."},
	"reports.n.confirm_button":  {IT: "Conferma la segnalazione", EN: "Confirm the report"},
	"reports.n.confirmed_title": {IT: "Segnalazione confermata", EN: "Report confirmed"},
	"reports.n.confirmed_text":  {IT: "Grazie: la segnalazione %s è ora visibile nell'elenco pubblico.", EN: "Thank you: report %s is now visible in the public list."},
	// Public list, report page and map (p), Area personale panel (a).
	"reports.p.breadcrumb":    {IT: "Percorso di navigazione", EN: "Breadcrumb"},
	"reports.p.resolved_pre":  {IT: "Negli ultimi 12 mesi sono state risolte", EN: "In the last 12 months"},
	"reports.p.resolved_post": {IT: "segnalazioni.", EN: "reports were resolved."},
	"reports.p.none":          {IT: "Nessuna segnalazione", EN: "No reports"},
	"reports.p.clear":         {IT: "Rimuovi tutti i filtri", EN: "Remove all filters"},
	"reports.p.filters":       {IT: "Filtri", EN: "Filters"},
	"reports.p.all_states":    {IT: "Tutti", EN: "All"},
	"reports.p.all_areas":     {IT: "Tutte", EN: "All"},
	"reports.p.results":       {IT: "Risultati:", EN: "Results:"},
	"reports.p.csv":           {IT: "Scarica in CSV (dati aperti)", EN: "Download as CSV (open data)"},
	"reports.p.map_label":     {IT: "Mappa delle segnalazioni", EN: "Map of the reports"},
	"reports.p.map_js":        {IT: "La mappa richiede JavaScript; l'elenco mostra le stesse segnalazioni.", EN: "The map needs JavaScript; the list shows the same reports."},
	"reports.p.no_match":      {IT: "Nessuna segnalazione con questi filtri.", EN: "No reports match these filters."},
	"reports.p.supported":     {IT: "Grazie: segui ora anche tu questa segnalazione.", EN: "Thank you: you now follow this report too."},
	"reports.p.answered":      {IT: "Grazie per la risposta.", EN: "Thank you for your answer."},
	"reports.p.sent_on":       {IT: "Inviata il", EN: "Sent on"},
	"reports.p.overdue":       {IT: "scaduta", EN: "overdue"},
	"reports.p.office":        {IT: "Ufficio", EN: "Office"},
	"reports.p.supporters":    {IT: "Persone che la sostengono", EN: "People supporting it"},
	"reports.p.same_problem":  {IT: "ho lo stesso problema", EN: "I have the same problem"},
	"reports.p.really_fixed":  {IT: "È stato risolto davvero?", EN: "Has it really been fixed?"},
	"reports.p.photo_alt":     {IT: "Foto allegata alla segnalazione %s", EN: "Photo attached to report %s"},
	"reports.p.position":      {IT: "Posizione sulla mappa", EN: "Position on the map"},
	"reports.p.nearby_live":   {IT: "Segnalazioni simili qui vicino:", EN: "Similar reports nearby:"},
	"reports.a.draft":         {IT: "bozza", EN: "draft"},
	"reports.a.number":        {IT: "Numero", EN: "Number"},
	"reports.a.none":          {IT: "Non hai ancora inviato segnalazioni.", EN: "You have not sent any reports yet."},
	// Back office (b).
	"reports.b.views":            {IT: "Viste salvate:", EN: "Saved views:"},
	"reports.b.type":             {IT: "Tipo", EN: "Type"},
	"reports.b.t_open":           {IT: "aperte", EN: "open"},
	"reports.b.t_fixed":          {IT: "risolte", EN: "fixed"},
	"reports.b.t_closed":         {IT: "chiuse", EN: "closed"},
	"reports.b.t_hidden":         {IT: "nascoste", EN: "hidden"},
	"reports.b.overdue_filter":   {IT: "Scadute", EN: "Overdue"},
	"reports.b.save_view_label":  {IT: "Salva questi filtri come vista", EN: "Save these filters as a view"},
	"reports.b.save_view":        {IT: "Salva vista", EN: "Save view"},
	"reports.b.total":            {IT: "%d segnalazioni", EN: "%d reports"},
	"reports.b.caption":          {IT: "Segnalazioni, più recenti prima", EN: "Reports, newest first"},
	"reports.b.date":             {IT: "Data", EN: "Date"},
	"reports.b.priority":         {IT: "Priorità", EN: "Priority"},
	"reports.b.deadline":         {IT: "Scadenza", EN: "Deadline"},
	"reports.b.supports":         {IT: "Sostegni", EN: "Supporters"},
	"reports.b.p_high":           {IT: "alta", EN: "high"},
	"reports.b.p_normal":         {IT: "normale", EN: "normal"},
	"reports.b.p_low":            {IT: "bassa", EN: "low"},
	"reports.b.saved":            {IT: "Modifica salvata.", EN: "Change saved."},
	"reports.b.sent_on":          {IT: "inviata il", EN: "sent on"},
	"reports.b.channel":          {IT: "canale", EN: "channel"},
	"reports.b.report":           {IT: "Segnalazione", EN: "Report"},
	"reports.b.taken":            {IT: "Presa in carico", EN: "Taken in charge"},
	"reports.b.supports_metoo":   {IT: "Sostegni («anche io»)", EN: "Supporters («me too»)"},
	"reports.b.duplicate_of":     {IT: "Duplicata di", EN: "Duplicate of"},
	"reports.b.author":           {IT: "Autore (dato personale, non pubblico)", EN: "Author (personal data, not public)"},
	"reports.b.attachments":      {IT: "Allegati", EN: "Attachments"},
	"reports.b.hidden":           {IT: "nascosta", EN: "hidden"},
	"reports.b.no_attachments":   {IT: "Nessun allegato", EN: "No attachments"},
	"reports.b.internal_badge":   {IT: "interna", EN: "internal"},
	"reports.b.state_answer":     {IT: "Stato e risposta", EN: "Status and answer"},
	"reports.b.new_state":        {IT: "Nuovo stato", EN: "New status"},
	"reports.b.unchanged":        {IT: "(invariato)", EN: "(unchanged)"},
	"reports.b.duplicate_field":  {IT: "Duplicata di (numero, solo per lo stato «Duplicata»)", EN: "Duplicate of (number, only for the «Duplicata» status)"},
	"reports.b.templates":        {IT: "Modelli di risposta (un clic li copia nella risposta pubblica):", EN: "Answer templates (a click copies them into the public answer):"},
	"reports.b.public":           {IT: "Risposta pubblica (visibile a tutti e inviata all'autore)", EN: "Public answer (visible to everyone and sent to the author)"},
	"reports.b.internal":         {IT: "Nota interna (solo per gli uffici)", EN: "Internal note (offices only)"},
	"reports.b.save":             {IT: "Salva", EN: "Save"},
	"reports.b.triage":           {IT: "Assegnazione", EN: "Assignment"},
	"reports.b.operator":         {IT: "Operatore", EN: "Operator"},
	"reports.b.save_triage":      {IT: "Salva assegnazione", EN: "Save assignment"},
	"reports.b.moderation":       {IT: "Moderazione", EN: "Moderation"},
	"reports.b.public_title":     {IT: "Titolo pubblico", EN: "Public title"},
	"reports.b.public_details":   {IT: "Dettagli pubblici (togliere le frasi da nascondere)", EN: "Public details (remove the sentences to hide)"},
	"reports.b.hide_photo":       {IT: "Nascondi la foto %s", EN: "Hide the photo %s"},
	"reports.b.reason":           {IT: "Motivo", EN: "Reason"},
	"reports.b.apply_moderation": {IT: "Applica moderazione", EN: "Apply moderation"},
	"reports.b.redact_title":     {IT: "Oscurare una parte della foto %s", EN: "Redact part of the photo %s"},
	"reports.b.redacted_badge":   {IT: "oscurata in parte", EN: "partly redacted"},
	"reports.b.redacted_pre":     {IT: "La versione pubblica è quella qui sotto;", EN: "The public version is the one below;"},
	"reports.b.open_original":    {IT: "apri l'originale", EN: "open the original"},
	"reports.b.redacted_post":    {IT: "(solo uffici, l'accesso è registrato).", EN: "(offices only, the access is logged)."},
	"reports.b.not_redacted":     {IT: "Nessuna parte oscurata: la foto è pubblica così com'è.", EN: "Nothing redacted: the photo is public as it is."},
	"reports.b.redact_help":      {IT: "Trascina sulla foto per disegnare il rettangolo da coprire, oppure scrivi posizione e dimensioni in percentuale della foto. Ogni oscuramento si aggiunge ai precedenti.", EN: "Drag on the photo to draw the rectangle to cover, or type position and size in percent of the photo. Each redaction adds to the previous ones."},
	"reports.b.current_alt":      {IT: "Foto %s, versione pubblica attuale", EN: "Photo %s, current public version"},
	"reports.b.rx":               {IT: "Da sinistra (%)", EN: "From the left (%)"},
	"reports.b.ry":               {IT: "Dall'alto (%)", EN: "From the top (%)"},
	"reports.b.rw":               {IT: "Larghezza (%)", EN: "Width (%)"},
	"reports.b.rh":               {IT: "Altezza (%)", EN: "Height (%)"},
	"reports.b.redact_reason":    {IT: "Motivo dell'oscuramento", EN: "Reason for the redaction"},
	"reports.b.redact":           {IT: "Oscura l'area", EN: "Redact the area"},
	"reports.b.unredact_reason":  {IT: "Motivo per annullare l'oscuramento", EN: "Reason for undoing the redaction"},
	"reports.b.unredact":         {IT: "Annulla l'oscuramento (torna pubblica l'originale)", EN: "Undo the redaction (the original becomes public again)"},
	"reports.b.areas":            {IT: "Originale con le aree oscurate (%d)", EN: "Original with the redacted areas (%d)"},
	"reports.b.original_alt":     {IT: "Foto %s, originale non oscurata; i riquadri tratteggiati sono le aree coperte nella versione pubblica", EN: "Photo %s, original not redacted; the dashed boxes are the areas covered in the public version"},
	"reports.b.areas_unknown":    {IT: "Le aree di questo oscuramento non sono registrate (fatto prima che lo fossero).", EN: "The areas of this redaction are not recorded (it was made before they were)."},
	// Settings (s).
	"reports.s.saved":              {IT: "Salvato.", EN: "Saved."},
	"reports.s.categories":         {IT: "Categorie", EN: "Categories"},
	"reports.s.categories_caption": {IT: "Categorie (servizi Open311)", EN: "Categories (Open311 services)"},
	"reports.s.code":               {IT: "Codice", EN: "Code"},
	"reports.s.name":               {IT: "Nome", EN: "Name"},
	"reports.s.group":              {IT: "Gruppo", EN: "Group"},
	"reports.s.days":               {IT: "Giorni", EN: "Days"},
	"reports.s.radius_dup":         {IT: "Raggio duplicati", EN: "Duplicate radius"},
	"reports.s.anon":               {IT: "Senza accesso", EN: "Without login"},
	"reports.s.active":             {IT: "Attiva", EN: "Active"},
	"reports.s.questions":          {IT: "Domande", EN: "Questions"},
	"reports.s.yes":                {IT: "sì", EN: "yes"},
	"reports.s.no":                 {IT: "no", EN: "no"},
	"reports.s.new_category":       {IT: "Nuova categoria", EN: "New category"},
	"reports.s.edit":               {IT: "Modifica %s", EN: "Edit %s"},
	"reports.s.radius":             {IT: "Raggio (m)", EN: "Radius (m)"},
	"reports.s.order":              {IT: "Ordine", EN: "Order"},
	"reports.s.description":        {IT: "Descrizione", EN: "Description"},
	"reports.s.hint":               {IT: "Suggerimento per il cittadino", EN: "Hint for the citizen"},
	"reports.s.keywords":           {IT: "Parole chiave", EN: "Keywords"},
	"reports.s.anon_too":           {IT: "Anche senza accesso", EN: "Also without login"},
	"reports.s.private":            {IT: "Riservata", EN: "Private"},
	"reports.s.q_pre":              {IT: "Domande aggiuntive, una per riga: codice | tipo", EN: "Extra questions, one per line: code | type"},
	"reports.s.q_post":             {IT: "obbligatoria (sì/no) | domanda | chiave=etichetta; chiave=etichetta", EN: "required (sì/no) | question | key=label; key=label"},
	"reports.s.save_category":      {IT: "Salva categoria", EN: "Save category"},
	"reports.s.states":             {IT: "Stati", EN: "Statuses"},
	"reports.s.label":              {IT: "Etichetta", EN: "Label"},
	"reports.s.states_caption":     {IT: "Tabella degli stati", EN: "Status table"},
	"reports.s.in_english":         {IT: "In inglese", EN: "In English"},
	"reports.s.save_state":         {IT: "Salva stato", EN: "Save status"},
	"reports.s.rules":              {IT: "Regole di assegnazione", EN: "Assignment rules"},
	"reports.s.any":                {IT: "qualsiasi", EN: "any"},
	"reports.s.rules_caption":      {IT: "Categoria e zona → ufficio e operatore (vince la regola più specifica)", EN: "Category and area → office and operator (the most specific rule wins)"},
	"reports.s.actions":            {IT: "Azioni", EN: "Actions"},
	"reports.s.delete":             {IT: "Elimina", EN: "Delete"},
	"reports.s.add_rule":           {IT: "Aggiungi regola", EN: "Add rule"},
	"reports.s.templates":          {IT: "Modelli di risposta", EN: "Answer templates"},
	"reports.s.inactive":           {IT: "(non attivo)", EN: "(inactive)"},
	"reports.s.text":               {IT: "Testo", EN: "Text"},
	"reports.s.for_state":          {IT: "Per lo stato", EN: "For the status"},
	"reports.s.add":                {IT: "Aggiungi", EN: "Add"},
	"reports.s.areas":              {IT: "Zone", EN: "Areas"},
	"reports.s.vertices":           {IT: "%d vertici", EN: "%d vertices"},
	"reports.s.boundary":           {IT: "Confine: un vertice per riga, «latitudine, longitudine»", EN: "Boundary: one vertex per line, «latitude, longitude»"},
	"reports.s.save_area":          {IT: "Salva zona", EN: "Save area"},
	// Dashboard (d).
	"reports.d.take_days":   {IT: "Presa in carico (giorni)", EN: "Taken in charge (days)"},
	"reports.d.fix_days":    {IT: "Risoluzione (giorni)", EN: "Fixed (days)"},
	"reports.d.mean":        {IT: "media", EN: "mean"},
	"reports.d.median":      {IT: "mediana", EN: "median"},
	"reports.d.within":      {IT: "Entro la scadenza", EN: "Within the deadline"},
	"reports.d.within_of":   {IT: "su %d casi; %d aperte scadute", EN: "of %d cases; %d open and overdue"},
	"reports.d.by_category": {IT: "Segnalazioni per categoria", EN: "Reports by category"},
	"reports.d.by_month":    {IT: "Segnalazioni per mese", EN: "Reports by month"},
	"reports.d.by_state":    {IT: "Segnalazioni per stato", EN: "Reports by status"},
	"reports.d.by_area":     {IT: "Segnalazioni per zona", EN: "Reports by area"},
	// History entries the module writes itself (h): stored in Italian (they
	// are Open311 notes too), shown in the visitor's language (historyText).
	"reports.h.filed":     {IT: filedText, EN: "Report registered"},
	"reports.h.support":   {IT: "Un'altra persona ha segnalato lo stesso problema", EN: "Another person reported the same problem"},
	"reports.h.confirmed": {IT: "Indirizzo e-mail confermato", EN: "E-mail address confirmed"},
	"reports.h.merged":    {IT: "Unita la segnalazione duplicata ", EN: "Merged the duplicate report "},
	// Validation of a filing (v): the Italian text is also the message of
	// the error itself (Open311, logs); fieldErr keeps the key to show it
	// in the visitor's language.
	"reports.v.inactive":     {IT: "la categoria «%s» non accetta più segnalazioni", EN: "the category «%s» no longer accepts reports"},
	"reports.v.login":        {IT: "per la categoria «%s» serve accedere con SPID o CIE", EN: "the category «%s» needs a login with SPID or CIE"},
	"reports.v.email_needed": {IT: "indicare un indirizzo e-mail per confermare la segnalazione", EN: "give an e-mail address to confirm the report"},
	"reports.v.email_bad":    {IT: "indirizzo e-mail non valido", EN: "invalid e-mail address"},
	"reports.v.title":        {IT: "il titolo è obbligatorio", EN: "the title is required"},
	"reports.v.title_long":   {IT: "il titolo supera %d caratteri", EN: "the title is longer than %d characters"},
	"reports.v.details":      {IT: "i dettagli sono obbligatori", EN: "the details are required"},
	"reports.v.details_long": {IT: "i dettagli superano %d caratteri", EN: "the details are longer than %d characters"},
	"reports.v.place":        {IT: "indicare il luogo: un punto sulla mappa, le coordinate o l'indirizzo", EN: "give the place: a point on the map, the coordinates or the address"},
	"reports.v.coords":       {IT: "coordinate non valide", EN: "invalid coordinates"},
	"reports.v.coords_form":  {IT: "coordinate non valide: indicare latitudine e longitudine in gradi decimali (es. 45.4064 e 11.8768)", EN: "invalid coordinates: give latitude and longitude in decimal degrees (e.g. 45.4064 and 11.8768)"},
	"reports.v.photos":       {IT: "si possono allegare al massimo %d foto", EN: "at most %d photos can be attached"},
	"reports.v.documents":    {IT: "si possono allegare al massimo %d documenti PDF", EN: "at most %d PDF documents can be attached"},
	"reports.v.category":     {IT: "categoria %q inesistente", EN: "category %q does not exist"},
	"reports.v.kind":         {IT: "scegliere il tipo di disservizio", EN: "choose the kind of problem"},
	"reports.v.privacy":      {IT: "Per proseguire confermare di aver letto e compreso l'informativa sulla privacy.", EN: "To go on, confirm you have read and understood the privacy notice."},
	"reports.v.file_as":      {IT: "Il file «%s» va allegato come %s.", EN: "The file «%s» must be attached as a %s."},
}

// fieldErr is errs.Field with its text taken from messages by key: the
// error's own message is the Italian text (what Open311 clients and the
// logs get), and errorIn shows it in the visitor's language. An argument
// that is a web.Msg is itself shown in that language.
func fieldErr(field, key string, args ...any) error {
	return &localizedErr{err: &errs.Error{Code: errs.EINVALID, Field: field, Message: localize("it", key, args)}, key: key, args: args}
}

type localizedErr struct {
	err  *errs.Error
	key  string
	args []any
}

func (e *localizedErr) Error() string { return e.err.Error() }
func (e *localizedErr) Unwrap() error { return e.err }

func localize(lang, key string, args []any) string {
	in := make([]any, len(args))
	for i, a := range args {
		if m, ok := a.(web.Msg); ok {
			a = m.In(lang)
		}
		in[i] = a
	}
	m, ok := messages[key]
	if !ok {
		return key // a missing text is seen, as with web.Server.T
	}
	return fmt.Sprintf(m.In(lang), in...)
}

// errorIn is what a form shows for err: a message of this module in lang,
// any other error as errs.MessageOf gives it.
func errorIn(lang string, err error) string {
	var l *localizedErr
	if errors.As(err, &l) {
		return localize(lang, l.key, l.args)
	}
	return errs.MessageOf(err)
}

// publicView is a report as anyone may see it: no reporter field exists
// here, so a template cannot show one by mistake.
type publicView struct {
	Number, Title, Details, Category, CategoryCode, State, StateLabel, Address, Area, MediaURL, Office string
	StateType                                                                                          workflow.Type
	Lat, Lon                                                                                           float64
	HasPoint                                                                                           bool
	Supporters                                                                                         int
	CreatedAt, UpdatedAt, DeadlineAt                                                                   time.Time
	TakenAt, FixedAt                                                                                   time.Time
	Overdue                                                                                            bool
}

func toPublic(r *Report, now time.Time) publicView {
	return publicView{Number: r.Number, Title: r.Title, Details: r.Details, Category: r.CategoryName, CategoryCode: r.CategoryCode,
		State: r.State, StateLabel: r.StateLabel, StateType: r.StateType, Address: r.Address, Area: r.AreaName, MediaURL: r.MediaURL,
		Office: r.Office, Lat: r.Lat.Float64, Lon: r.Lon.Float64, HasPoint: r.Lat.Valid, Supporters: r.Supporters,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, DeadlineAt: r.DeadlineAt, TakenAt: r.TakenAt.Time, FixedAt: r.FixedAt.Time,
		Overdue: r.Overdue(now)}
}

// redirect answers a form post with 303 See Other.
func redirect(w http.ResponseWriter, r *http.Request, to string) {
	http.Redirect(w, r, to, http.StatusSeeOther)
}
