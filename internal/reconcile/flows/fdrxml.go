package flows

import (
	"io"
	"strconv"
	"strings"

	"github.com/arengo-pa/arengo/internal/money"
)

const fdrRoot = "FlussoRiversamento"

// ReadFdRXML streams a FlussoRiversamento 1.0.4 document, calling row for each
// datiSingoliPagamenti. Structural faults stop the read with a *ParseError;
// totals that do not add up and unknown outcome codes become Problems.
func ReadFdRXML(r io.Reader, row func(FlowRow) error) (FlowSummary, error) {
	const format = "FdR XML"
	w := newXMLWalker(r, format)
	var s FlowSummary
	s.Header.Format = "fdr-xml"
	var cur FlowRow
	seen := map[string]bool{}
	rowSeen := map[string]bool{}
	bad := func(field, msg string, line int) error {
		return &ParseError{Format: format, Line: line, Field: field, Msg: msg}
	}
	leaf := func(path, text string, line int) error {
		rel, ok := strings.CutPrefix(path, fdrRoot+"/")
		if !ok {
			return bad(path, "elemento radice atteso "+fdrRoot, line)
		}
		field := rel[strings.LastIndexByte(rel, '/')+1:]
		var err error
		if p, inRow := strings.CutPrefix(rel, "datiSingoliPagamenti/"); inRow {
			rowSeen[p] = true
			switch p {
			case "identificativoUnivocoVersamento":
				cur.IUV, err = text35(text)
			case "identificativoUnivocoRiscossione":
				cur.IUR, err = text35(text)
			case "indiceDatiSingoloPagamento":
				cur.TransferIndex, err = transferIndex(text)
			case "singoloImportoPagato":
				cur.AmountCents, err = money.ParseCents(text, true)
				if err == nil && cur.AmountCents <= 0 {
					err = errString("importo deve essere maggiore di zero")
				}
			case "codiceEsitoSingoloPagamento":
				cur.Outcome, err = outcome(text)
			case "dataEsitoSingoloPagamento":
				cur.Date, err = parseDate(text)
			}
			if err != nil {
				return bad(field, err.Error(), line)
			}
			return nil
		}
		seen[rel] = true
		h := &s.Header
		switch rel {
		case "versioneOggetto":
			if text != "1.0" && text != "1.1" {
				err = errString("versione " + text + " non supportata (1.0 o 1.1)")
			}
		case "identificativoFlusso":
			h.IUF, err = flowID(text)
		case "dataOraFlusso":
			h.FlowTime, err = parseDateTime(text)
		case "identificativoUnivocoRegolamento":
			h.Regulation, err = text35(text)
		case "dataRegolamento":
			h.RegulationDate, err = parseDate(text)
		case "istitutoMittente/identificativoUnivocoMittente/codiceIdentificativoUnivoco":
			h.PSPID, err = text35(text)
		case "istitutoMittente/denominazioneMittente":
			h.PSPName = text
		case "istitutoRicevente/identificativoUnivocoRicevente/codiceIdentificativoUnivoco":
			h.ECFiscalCode, err = text35(text)
		case "numeroTotalePagamenti":
			h.DeclaredCount, err = strconv.ParseInt(text, 10, 64)
			if err != nil || h.DeclaredCount < 1 {
				err = errString("numero non valido: " + text)
			}
		case "importoTotalePagamenti":
			h.DeclaredTotal, err = money.ParseCents(text, true)
		}
		if err != nil {
			return bad(field, err.Error(), line)
		}
		return nil
	}
	end := func(path string, line int) error {
		if path != fdrRoot+"/datiSingoliPagamenti" {
			return nil
		}
		if missing := firstMissing(rowSeen, "identificativoUnivocoVersamento", "identificativoUnivocoRiscossione",
			"singoloImportoPagato", "codiceEsitoSingoloPagamento", "dataEsitoSingoloPagamento"); missing != "" {
			return bad(missing, "campo obbligatorio mancante nel pagamento", line)
		}
		if missing := firstMissing(seen, "identificativoFlusso", "dataOraFlusso", "istitutoRicevente/identificativoUnivocoRicevente/codiceIdentificativoUnivoco",
			"numeroTotalePagamenti", "importoTotalePagamenti"); missing != "" {
			return bad(missing, "intestazione del flusso incompleta prima dei pagamenti", line)
		}
		s.Count++
		cur.Index, cur.Line = s.Count, line
		if cur.TransferIndex == 0 {
			cur.TransferIndex = 1
		}
		s.Total += cur.AmountCents
		if err := row(cur); err != nil {
			return err
		}
		cur = FlowRow{}
		clear(rowSeen)
		return nil
	}
	if err := w.walk(leaf, end); err != nil {
		return s, err
	}
	if s.Count == 0 {
		return s, &ParseError{Format: format, Line: w.line(), Field: "datiSingoliPagamenti", Msg: "il flusso non contiene pagamenti"}
	}
	s.checkTotals()
	return s, nil
}

type errString string

func (e errString) Error() string { return string(e) }

func firstMissing(seen map[string]bool, names ...string) string {
	for _, n := range names {
		if !seen[n] {
			return n
		}
	}
	return ""
}

func text35(s string) (string, error) {
	if s == "" || len(s) > 35 {
		return "", errString("atteso testo da 1 a 35 caratteri")
	}
	return s, nil
}

func flowID(s string) (string, error) {
	if s == "" || len(s) > 35 {
		return "", errString("identificativo flusso: da 1 a 35 caratteri")
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return "", errString("identificativo flusso con carattere non ammesso " + strconv.QuoteRune(rune(c)))
		}
	}
	return s, nil
}

func transferIndex(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 5 {
		return 0, errString("indice del versamento tra 1 e 5, trovato " + strconv.Quote(s))
	}
	return n, nil
}

// outcome accepts the codes of the master and develop schemas (0, 3, 4, 8, 9).
func outcome(s string) (string, error) {
	switch s {
	case "0", "3", "4", "8", "9":
		return s, nil
	}
	return "", errString("esito " + strconv.Quote(s) + " sconosciuto (ammessi 0, 3, 4, 8, 9)")
}
