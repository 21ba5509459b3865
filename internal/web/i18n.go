package web

import (
	"net/http"
)

// Msg is a text in Italian, the default, and English.
type Msg struct{ IT, EN string }

// In returns the text in lang, falling back to Italian.
func (m Msg) In(lang string) string {
	if lang == "en" && m.EN != "" {
		return m.EN
	}
	return m.IT
}

// LangCookie keeps the visitor's language choice.
const LangCookie = "arengo_lang"

// Lang is the request's language: the visitor's choice, else Italian. The
// browser's Accept-Language is not followed: the site of an Italian comune
// opens in Italian and offers English.
func Lang(r *http.Request) string {
	if c, err := r.Cookie(LangCookie); err == nil && c.Value == "en" {
		return "en"
	}
	return "it"
}

// AddMessages registers translations; keys are "<module>.<name>".
func (s *Server) AddMessages(m map[string]Msg) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, v := range m {
		s.messages[k] = v
	}
}

// T translates key; an unknown key shows itself so a missing text is seen.
func (s *Server) T(lang, key string) string {
	s.mu.Lock()
	m, ok := s.messages[key]
	s.mu.Unlock()
	if !ok {
		return key
	}
	return m.In(lang)
}

func (s *Server) setLang(w http.ResponseWriter, r *http.Request) {
	lang := "it"
	if r.URL.Query().Get("l") == "en" {
		lang = "en"
	}
	http.SetCookie(w, &http.Cookie{Name: LangCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, LocalPath(r.URL.Query().Get("next"), "/"), http.StatusSeeOther)
}

var kernelMessages = map[string]Msg{
	"site.skip":           {"Vai al contenuto principale", "Skip to main content"},
	"site.skipfooter":     {"Vai al footer", "Skip to footer"},
	"site.region":         {"Regione del Veneto", "Veneto Region"},
	"site.login":          {"Accedi all'area personale", "Log in to your personal area"},
	"site.staff_login":    {"Accesso operatori", "Staff login"},
	"site.logout":         {"Esci", "Log out"},
	"site.area":           {"Area personale", "Personal area"},
	"site.admin":          {"Amministrazione", "Administration"},
	"site.menu":           {"Menu principale", "Main menu"},
	"site.language":       {"Lingua", "Language"},
	"site.follow":         {"Seguici su", "Follow us"},
	"site.contacts":       {"Contatti", "Contacts"},
	"site.report":         {"Segnala disservizio", "Report a problem"},
	"site.privacy":        {"Informativa privacy", "Privacy policy"},
	"site.legal":          {"Note legali", "Legal notes"},
	"site.accessibility":  {"Dichiarazione di accessibilità", "Accessibility statement"},
	"site.faq":            {"Leggi le FAQ", "Read the FAQ"},
	"site.transparency":   {"Amministrazione trasparente", "Transparent administration"},
	"site.demo":           {"Ambiente dimostrativo: dati e accessi sono fittizi.", "Demo environment: data and logins are fictitious."},
	"site.powered":        {"Realizzato con Arengo, software libero.", "Built with Arengo, free software."},
	"site.home":           {"Home", "Home"},
	"site.services":       {"Servizi", "Services"},
	"site.welcome":        {"Benvenuto nei servizi online del", "Welcome to the online services of"},
	"error.title":         {"Si è verificato un problema", "Something went wrong"},
	"error.forbidden":     {"Non hai i permessi per vedere questa pagina.", "You are not allowed to see this page."},
	"error.notfound":      {"La pagina richiesta non esiste.", "The page you asked for does not exist."},
	"error.internal":      {"Si è verificato un errore interno. Riprova più tardi.", "An internal error occurred. Please try again later."},
	"error.csrf":          {"Richiesta rifiutata: proviene da un altro sito.", "Request refused: it came from another site."},
	"error.apikey":        {"Chiave API non valida o revocata.", "Invalid or revoked API key."},
	"error.back":          {"Torna alla pagina iniziale", "Back to the home page"},
	"progress.label":      {"Avanzamento", "Progress"},
	"progress.done":       {"Completato", "Completed"},
	"progress.failed":     {"Non riuscito", "Failed"},
	"pagination.label":    {"Paginazione", "Pagination"},
	"pagination.previous": {"Pagina precedente", "Previous page"},
	"pagination.next":     {"Pagina successiva", "Next page"},
	"list.export_csv":     {"Esporta CSV", "Export CSV"},
	"list.search":         {"Cerca", "Search"},
	"list.filter":         {"Filtra", "Filter"},
	"list.empty":          {"Nessun risultato.", "No results."},
}
