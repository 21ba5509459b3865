package flows

import (
	"io"
	"strconv"
	"strings"

	"github.com/arengo-pa/arengo/internal/money"
)

// JournalSummary is what a treasury reader learns by the end of a journal.
type JournalSummary struct {
	FlowID   string // identificativo_flusso_BT (OPI) or the file name (CSV)
	Year     int
	Date     string // data_riferimento_GdC
	EC       string // codice_fiscale_ente of the testata (OPI): whose account it is
	Read     int64  // movements handed to the callback
	Skipped  int64  // outgoing movements and document types that are not income sospesi
	Problems []Problem
}

const opiMov = "flusso_giornale_di_cassa/informazioni_conto_evidenza/movimento_conto_evidenza/"

// ReadOPI streams an OPI giornale di cassa 1.6.1 and calls mov for every income
// movement booked as "SOSPESO ENTRATA" (how pagoPA credits arrive), whatever its
// operation; the caller inserts ESEGUITO and deletes STORNATO. The per-account
// declared income total is checked against the income read.
func ReadOPI(r io.Reader, mov func(Movement) error) (JournalSummary, error) {
	const format = "OPI giornale di cassa"
	w := newXMLWalker(r, format)
	var s JournalSummary
	var m Movement
	var typ, doc, conto string
	var contoIncome, contoDeclared int64
	declared := false
	movSeen := map[string]bool{}
	bad := func(field, msg string, line int) error {
		return &ParseError{Format: format, Line: line, Field: field, Msg: msg}
	}
	leaf := func(path, text string, line int) error {
		if !strings.HasPrefix(path, "flusso_giornale_di_cassa") {
			return bad(path, "elemento radice atteso flusso_giornale_di_cassa", line)
		}
		field := path[strings.LastIndexByte(path, '/')+1:]
		var err error
		if rel, ok := strings.CutPrefix(path, opiMov); ok {
			movSeen[rel] = true
			switch rel {
			case "numero_movimento", "numero_documento":
				if _, perr := strconv.ParseUint(text, 10, 64); perr != nil {
					err = errString("numero non valido: " + strconv.Quote(text))
				}
				if rel == "numero_documento" {
					m.Key = text
				}
			case "tipo_movimento":
				typ = text
			case "tipo_documento":
				doc = text
			case "tipo_operazione":
				switch text {
				case "ESEGUITO", "STORNATO", "REGOLARIZZATO", "RIPRISTINATO":
					m.Op = text
				default:
					err = errString("operazione " + strconv.Quote(text) + " sconosciuta")
				}
			case "importo":
				m.AmountCents, err = money.ParseCents(text, false)
			case "numero_bolletta_quietanza":
				m.Bill = text
			case "data_movimento":
				m.Date, err = parseDate(text)
			case "data_valuta_ente":
				m.ValueDate, err = parseDate(text)
			case "end_to_end_id":
				m.EndToEndID = text
			case "cliente/anagrafica_cliente":
				m.Payer = text
			case "causale":
				m.Causale = text
			case "sospeso_da_regolarizzare/codice_gestionale_provvisorio", "sospeso/numero_provvisorio":
				if m.Sospeso == "" {
					m.Sospeso = text
				}
			}
			if err != nil {
				return bad(field, err.Error(), line)
			}
			return nil
		}
		switch strings.TrimPrefix(path, "flusso_giornale_di_cassa/") {
		case "identificativo_flusso_BT":
			s.FlowID = text
		case "testata_messaggio/codice_fiscale_ente":
			s.EC = text
		case "esercizio":
			s.Year, err = strconv.Atoi(text)
			if err != nil || s.Year < 1999 || s.Year > 2099 {
				err = errString("esercizio non valido: " + strconv.Quote(text))
			}
		case "data_riferimento_GdC":
			_, err = parseDate(text)
			s.Date = text
		case "informazioni_conto_evidenza/conto_evidenza":
			conto = text
		case "informazioni_conto_evidenza/totale_entrate_conto_evidenza":
			contoDeclared, err = money.ParseCents(text, false)
			declared = true
		}
		if err != nil {
			return bad(field, err.Error(), line)
		}
		return nil
	}
	end := func(path string, line int) error {
		switch path {
		case "flusso_giornale_di_cassa/informazioni_conto_evidenza":
			if declared && contoDeclared != contoIncome {
				s.Problems = append(s.Problems, Problem{Code: "TOTALE_ENTRATE",
					Msg: "conto " + conto + ": totale entrate dichiarato " + money.FormatCents(contoDeclared) + ", somma dei movimenti di entrata " + money.FormatCents(contoIncome)})
			}
			contoIncome, contoDeclared, declared = 0, 0, false
			return nil
		case strings.TrimSuffix(opiMov, "/"):
		default:
			return nil
		}
		if missing := firstMissing(movSeen, "numero_movimento", "tipo_movimento", "tipo_documento", "tipo_operazione",
			"numero_documento", "importo", "data_movimento", "causale"); missing != "" {
			return bad(missing, "campo obbligatorio mancante nel movimento", line)
		}
		if s.Year == 0 {
			return bad("esercizio", "intestazione del giornale incompleta prima dei movimenti", line)
		}
		clear(movSeen)
		if typ == "ENTRATA" && m.Op == "ESEGUITO" {
			contoIncome += m.AmountCents
		}
		if typ != "ENTRATA" || doc != "SOSPESO ENTRATA" {
			s.Skipped++
			m = Movement{}
			return nil
		}
		m.Line, m.Source, m.Year = line, "opi", s.Year
		if m.Sospeso == "" {
			m.Sospeso = m.Key // a sospeso's document number is its provisional number
		}
		m.Key = strconv.Itoa(s.Year) + "/" + conto + "/" + m.Key
		if m.ValueDate.IsZero() {
			m.ValueDate = m.Date
		}
		s.Read++
		err := mov(m)
		m = Movement{}
		return err
	}
	if err := w.walk(leaf, end); err != nil {
		return s, err
	}
	if s.FlowID == "" {
		return s, &ParseError{Format: format, Line: w.line(), Field: "identificativo_flusso_BT", Msg: "campo obbligatorio mancante"}
	}
	return s, nil
}
