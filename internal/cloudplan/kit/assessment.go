package kit

// Assessment is one "Scheda di assessment dell'applicativo". Free-text
// fields stay as written; fields with a value set or a number are typed and
// validated. The engine keys of the method (stack_obsoleto, …) that the
// template has no cell for live in the planner, not here.
type Assessment struct {
	Name     string // C4 NOME DELL'APPLICATIVO
	Services string // C5 SERVIZI SUPPORTATI

	Stack                 string   // C8
	ReplaceableComponents []string // C9, empty = "nessuno"
	Sizing                string   // C10
	Usage                 string   // C11
	HardwareDependency    string   // C12
	SecurityMeasures      string   // C13
	OnPremDependencies    []string // C14
	OnPremDependents      []string // C15

	ValidationTests string // C18
	Modifiability   string // C19: No|Parziale|Completa|""
	TechDocs        string // C20
	Connectivity    string // C21: Rete locale|Internet|""

	DataBytes     *int64   // C24
	ReadsPerYear  *int64   // C25
	WritesPerYear *int64   // C26
	DataLifecycle string   // C27
	SameDataApps  []string // C28

	ImpactedProcesses string // C32

	UsersAvg, UsersMax, UsersMin           *int64 // C34..C36
	PeriodsWeek, PeriodsMonth, PeriodsYear string // C37..C39
	InfraCostCents                         *int64 // C40
	Criticalities                          string // C42
	Evolution                              string // C43

	SaaSAlternatives []string // C46, empty = "nessuna"
	DataImport       string   // C47

	Licences        []Licence        // sheet "Licenze"
	Representatives []Representative // sheet "Rappresentanti delle aree impat"
}

// Licence is a row of the "Licenze" sub-sheet.
type Licence struct {
	Name        string
	AnnualCents *int64 // IMPORTO ANNUO (or amount still to amortise)
	Expiry      string // SCADENZA, YYYY-MM-DD
}

// Representative is a row of the impacted-areas sub-sheet.
type Representative struct {
	Name, Surname, Role string
	Mode                string // Da coinvolgere|Tenere informato
}

type fieldKind int

const (
	kText fieldKind = iota
	kList
	kEnum
	kCount
	kBytes
	kMoney
)

// assessmentField ties a template row to its label (checked on import, so a
// sheet with moved rows is refused) and to a field of Assessment.
type assessmentField struct {
	row    int
	label  string
	kind   fieldKind
	values []string
	text   func(a *Assessment) *string
	list   func(a *Assessment) *[]string
	num    func(a *Assessment) **int64
}

var assessmentFields = []assessmentField{
	{row: 4, label: "NOME DELL'APPLICATIVO", text: func(a *Assessment) *string { return &a.Name }},
	{row: 5, label: "SERVIZI SUPPORTATI", text: func(a *Assessment) *string { return &a.Services }},
	{row: 8, label: "Stack tecnologico", text: func(a *Assessment) *string { return &a.Stack }},
	{row: 9, label: "Uso di componenti sostituibili con l'equivalente servizio cloud-native", kind: kList, list: func(a *Assessment) *[]string { return &a.ReplaceableComponents }},
	{row: 10, label: "Dimensionamento delle componenti infrastrutturali", text: func(a *Assessment) *string { return &a.Sizing }},
	{row: 11, label: "Utilizzo effettivo delle componenti infrastrutturali", text: func(a *Assessment) *string { return &a.Usage }},
	{row: 12, label: "Dipendenza dall'hardware fisico", text: func(a *Assessment) *string { return &a.HardwareDependency }},
	{row: 13, label: "Misure di sicurezza", text: func(a *Assessment) *string { return &a.SecurityMeasures }},
	{row: 14, label: "Sistemi on-premise da cui dipende", kind: kList, list: func(a *Assessment) *[]string { return &a.OnPremDependencies }},
	{row: 15, label: "Sistemi on-premise che dipendono", kind: kList, list: func(a *Assessment) *[]string { return &a.OnPremDependents }},
	{row: 18, label: "Presenza di test di validazione", text: func(a *Assessment) *string { return &a.ValidationTests }},
	{row: 19, label: "Modificabilità del codice sorgente", kind: kEnum, values: Modifiabilities, text: func(a *Assessment) *string { return &a.Modifiability }},
	{row: 20, label: "Disponibilità di documentazione tecnica", text: func(a *Assessment) *string { return &a.TechDocs }},
	{row: 21, label: "Connettività minima necessaria", kind: kEnum, values: Connectivities, text: func(a *Assessment) *string { return &a.Connectivity }},
	{row: 24, label: "Dimensione della base dati", kind: kBytes, num: func(a *Assessment) **int64 { return &a.DataBytes }},
	{row: 25, label: "Frequenza di consultazione dei dati (annuale)", kind: kCount, num: func(a *Assessment) **int64 { return &a.ReadsPerYear }},
	{row: 26, label: "Frequenza di aggiornamento dei dati (annuale)", kind: kCount, num: func(a *Assessment) **int64 { return &a.WritesPerYear }},
	{row: 27, label: "Ciclo di vita dei dati", text: func(a *Assessment) *string { return &a.DataLifecycle }},
	{row: 28, label: "Applicativi che trattano gli stessi dati", kind: kList, list: func(a *Assessment) *[]string { return &a.SameDataApps }},
	{row: 32, label: "Processi impattati e punti di attenzione", text: func(a *Assessment) *string { return &a.ImpactedProcesses }},
	{row: 34, label: "# medio di utenti unici giornalieri negli ultimi 12 mesi", kind: kCount, num: func(a *Assessment) **int64 { return &a.UsersAvg }},
	{row: 35, label: "# massimo di utenti unici giornalieri negli ultimi 12 mesi", kind: kCount, num: func(a *Assessment) **int64 { return &a.UsersMax }},
	{row: 36, label: "# minimo di utenti unici giornalieri negli ultimi 12 mesi", kind: kCount, num: func(a *Assessment) **int64 { return &a.UsersMin }},
	{row: 37, label: "Periodi di utilizzo in una settimana", text: func(a *Assessment) *string { return &a.PeriodsWeek }},
	{row: 38, label: "Periodi di utilizzo in un mese", text: func(a *Assessment) *string { return &a.PeriodsMonth }},
	{row: 39, label: "Periodi di utilizzo in un anno", text: func(a *Assessment) *string { return &a.PeriodsYear }},
	{row: 40, label: "Costi dell'infrastruttura", kind: kMoney, num: func(a *Assessment) **int64 { return &a.InfraCostCents }},
	{row: 42, label: "Criticità", text: func(a *Assessment) *string { return &a.Criticalities }},
	{row: 43, label: "Evoluzione del servizio nei prossimi 3 anni", text: func(a *Assessment) *string { return &a.Evolution }},
	{row: 46, label: "Alternative SaaS", kind: kList, list: func(a *Assessment) *[]string { return &a.SaaSAlternatives }},
	{row: 47, label: "Disponibilità di import dei dati", text: func(a *Assessment) *string { return &a.DataImport }},
}

// Template placeholders in column C that mean "not filled in".
var assessmentPlaceholders = map[int]string{
	4:  "[Nome dell'applicativo]",
	5:  "[Elenco servizi supportati]",
	46: "Cloud marketplace AgID",
}

// store stores a raw cell value into the field, validating it; ref locates errors.
func (fd assessmentField) store(a *Assessment, v, sheet, ref string, es *Errors) {
	switch fd.kind {
	case kText:
		*fd.text(a) = v
	case kList:
		*fd.list(a) = splitList(v)
	case kEnum:
		canon, ok := oneOf(v, fd.values)
		if !ok {
			*es = append(*es, CellError{Sheet: sheet, Cell: ref, Value: v, Expected: fd.values})
		}
		*fd.text(a) = canon
	case kCount, kBytes, kMoney:
		if v == "" {
			return
		}
		var n int64
		var err error
		switch fd.kind {
		case kCount:
			n, err = parseInt(v)
		case kBytes:
			n, err = parseBytes(v)
		default:
			n, err = ParseEuroCents(v)
		}
		if err != nil {
			*es = append(*es, CellError{Sheet: sheet, Cell: ref, Value: v, Msg: err.Error()})
			return
		}
		*fd.num(a) = &n
	}
}

// render writes the field the way store reads it back.
func (fd assessmentField) render(a *Assessment) string {
	switch fd.kind {
	case kText, kEnum:
		return *fd.text(a)
	case kList:
		return joinList(*fd.list(a))
	}
	p := *fd.num(a)
	if p == nil {
		return ""
	}
	switch fd.kind {
	case kBytes:
		return formatBytes(*p)
	case kMoney:
		return formatEuro(*p)
	}
	return itoa(int(*p))
}
