package oidclogin

import "github.com/arengo-pa/arengo/internal/web"

var messages = map[string]web.Msg{
	"oidclogin.citizen_button": {IT: "Entra con SPID o CIE", EN: "Log in with SPID or CIE"},
	"oidclogin.staff_button":   {IT: "Accedi con l'account del Comune", EN: "Log in with your Comune account"},
	"oidclogin.unavailable": {IT: "Il servizio di accesso non è raggiungibile in questo momento. Riprova tra qualche minuto.",
		EN: "The login service cannot be reached right now. Please try again in a few minutes."},
	"oidclogin.expired": {IT: "La richiesta di accesso è scaduta o non è valida. Torna alla pagina di accesso e riprova.",
		EN: "The login request has expired or is not valid. Go back to the login page and try again."},
	"oidclogin.denied": {IT: "L'accesso è stato annullato oppure non è stato autorizzato dal servizio di identità.",
		EN: "The login was cancelled or not authorised by the identity service."},
	"oidclogin.refused": {IT: "Il servizio di identità non ha confermato l'accesso. Riprova; se il problema continua, contatta il Comune.",
		EN: "The identity service did not confirm the login. Try again; if the problem persists, contact the Comune."},
	"oidclogin.no_fiscal_code": {IT: "Il servizio di identità non ha comunicato un codice fiscale valido: non è possibile accedere all'area personale.",
		EN: "The identity service did not provide a valid fiscal code: you cannot enter the personal area."},
	"oidclogin.staff_no_identity": {IT: "Il servizio di identità non ha comunicato né il nome utente né l'indirizzo e-mail: non è possibile accedere.",
		EN: "The identity service provided neither a username nor an e-mail address: you cannot log in."},
	"oidclogin.staff_unknown": {IT: "Accesso non consentito: l'utenza «%s» non è registrata o non è attiva in Arengo. Chiedi a un amministratore del Comune di creare la tua utenza con i ruoli necessari.",
		EN: "Access denied: the account “%s” is not registered or not active in Arengo. Ask an administrator of the Comune to create your account with the roles you need."},
}
