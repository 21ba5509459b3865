package plan

// Level describes one of the kit's four prioritisation levels (§3).
type Level struct {
	Number    int
	Name      string
	Questions []string
}

// Levels with the kit's guiding questions, in evaluation order.
var Levels = []Level{
	{1, "Opportunità da cogliere", []string{
		"La migrazione porterebbe un risparmio significativo (licenza in scadenza, locali, energia e raffreddamento, connettività)?",
		"Serve una soluzione di disaster recovery, o quella attuale è costosa?",
		"È imminente un rinnovo dell'hardware, ne serve altro o richiede manutenzione frequente?",
		"Esiste un SaaS che migliorerebbe chiaramente l'applicativo?",
		"Ci sono requisiti di conformità non soddisfatti che il cloud risolverebbe?",
	}},
	{2, "Ridurre al minimo il rischio di migrazione", []string{
		"Quanto è critico il servizio e quanto è sensibile ai fermi (24x7, moderato, basso, sviluppo/test)?",
		"Quanti dipendenti o cittadini dipendono dall'applicativo?",
		"In che ambiente gira: produzione, collaudo, test, sviluppo?",
		"Quante dipendenze e integrazioni non basate su API ha?",
		"Quanto lo conosce il team IT?",
		"Quanto è completa e aggiornata la documentazione (sistema, rete, flussi di dati, build e rilascio)?",
		"Quali requisiti di conformità deve rispettare?",
		"Quanto è sensibile ai tempi di risposta e ai fermi?",
		"I responsabili dell'area sono disposti a partire per primi?",
	}},
	{3, "Facilità di migrazione al cloud pubblico", []string{
		"Chi l'ha realizzato (grande o piccolo fornitore, interno, partner) ed è ancora presente?",
		"Quanto è vecchio e com'è progettato (on-premise o cloud, microservizi, multi-livello)?",
		"Si può spostare così com'è; gira già su VM o container?",
		"È legato a un sistema operativo specifico o è portabile?",
		"Ci sono vincoli normativi che impongono l'esecuzione on-premise?",
		"Con che frequenza si aggiornano i dati e quali altri sistemi li usano?",
	}},
	{4, "Altro", []string{
		"Nessun beneficio chiaro, rischio alto o complessità specifica (applicativi molto personalizzati o ad hoc): ultimi.",
	}},
}

// PriorityLevel maps the list's three green ratings to a level: stop at the
// first level that applies; "Medio" never promotes on its own.
func PriorityLevel(opportunity, risk, ease string) int {
	switch {
	case opportunity == "Alto":
		return 1
	case risk == "Basso":
		return 2
	case ease == "Alto":
		return 3
	}
	return 4
}

func ratingRank(r string, ascendingLow bool) int {
	order := map[string]int{"Basso": 0, "Medio": 1, "Alto": 2}
	n, ok := order[r]
	if !ok {
		return 3 // unrated last
	}
	if !ascendingLow {
		n = 2 - n
	}
	return n
}

// PriorityKey orders applications: level, then risk ascending, ease
// descending, opportunity descending. Smaller first.
func PriorityKey(level int, opportunity, risk, ease string) int {
	return level*1000 + ratingRank(risk, true)*100 + ratingRank(ease, false)*10 + ratingRank(opportunity, false)
}
