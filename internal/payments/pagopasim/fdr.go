package pagopasim

import (
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/arengo-pa/arengo/internal/payments/gpd"
)

// FlussoRiversamento is the FdR XML, FlussoRiversamento_1_0_4.xsd.
type FlussoRiversamento struct {
	XMLName                          xml.Name        `xml:"http://www.digitpa.gov.it/schemas/2011/Pagamenti/ FlussoRiversamento"`
	VersioneOggetto                  string          `xml:"versioneOggetto"`
	IdentificativoFlusso             string          `xml:"identificativoFlusso"`
	DataOraFlusso                    string          `xml:"dataOraFlusso"`
	IdentificativoUnivocoRegolamento string          `xml:"identificativoUnivocoRegolamento"`
	DataRegolamento                  string          `xml:"dataRegolamento"`
	IstitutoMittente                 Mittente        `xml:"istitutoMittente"`
	CodiceBicBancaDiRiversamento     string          `xml:"codiceBicBancaDiRiversamento,omitempty"`
	IstitutoRicevente                Ricevente       `xml:"istitutoRicevente"`
	NumeroTotalePagamenti            int             `xml:"numeroTotalePagamenti"`
	ImportoTotalePagamenti           string          `xml:"importoTotalePagamenti"`
	DatiSingoliPagamenti             []SingoloPagato `xml:"datiSingoliPagamenti"`
}

type Identificativo struct {
	Tipo   string `xml:"tipoIdentificativoUnivoco"`
	Codice string `xml:"codiceIdentificativoUnivoco"`
}

type Mittente struct {
	ID            Identificativo `xml:"identificativoUnivocoMittente"`
	Denominazione string         `xml:"denominazioneMittente,omitempty"`
}

type Ricevente struct {
	ID            Identificativo `xml:"identificativoUnivocoRicevente"`
	Denominazione string         `xml:"denominazioneRicevente,omitempty"`
}

type SingoloPagato struct {
	IUV     string `xml:"identificativoUnivocoVersamento"`
	IUR     string `xml:"identificativoUnivocoRiscossione"`
	Indice  int    `xml:"indiceDatiSingoloPagamento"`
	Importo string `xml:"singoloImportoPagato"`
	Esito   string `xml:"codiceEsitoSingoloPagamento"`
	Data    string `xml:"dataEsitoSingoloPagamento"`
}

// flow is one FdR with what the treasury journal needs about it.
type flow struct {
	fdr         FlussoRiversamento
	beneficiary string
	psp         PSP
	cents       int64
}

// CloseDay reports every transfer paid on day (UTC) and not reported yet: one
// FdR per (PSP, beneficiary), settled the next day, and one giornale di cassa
// per beneficiary listing the PSPs' credit transfers. It returns the files written
// (see outPath). Closing the same day again writes only what was paid since.
func (s *Sim) CloseDay(day time.Time) ([]string, error) {
	if s.cfg.Dir == "" && s.cfg.FilesDir == "" {
		return nil, fmt.Errorf("pagopa-sim: nessuna cartella configurata per i flussi")
	}
	day = time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC)
	s.mu.Lock()
	defer s.mu.Unlock()
	groups := map[[2]string][]*payment{}
	for i := range s.payments {
		p := &s.payments[i]
		if p.Reported || p.When.Before(day) || !p.When.Before(day.AddDate(0, 0, 1)) {
			continue
		}
		k := [2]string{p.PSP, p.Beneficiary}
		groups[k] = append(groups[k], p)
	}
	keys := make([][2]string, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i][0]+keys[i][1] < keys[j][0]+keys[j][1] })
	settle := day.AddDate(0, 0, 1)
	var flows []flow
	var files []string
	for _, k := range keys {
		psp, _ := pspByID(k[0])
		s.seq++
		f := flow{beneficiary: k[1], psp: psp}
		f.fdr = FlussoRiversamento{
			VersioneOggetto:                  "1.0",
			IdentificativoFlusso:             fmt.Sprintf("%s%s-%010d", day.Format("2006-01-02"), psp.ID, s.seq),
			DataOraFlusso:                    s.cfg.Now().UTC().Format("2006-01-02T15:04:05"),
			IdentificativoUnivocoRegolamento: fmt.Sprintf("SIMTRN%s%010d", settle.Format("20060102"), s.seq),
			DataRegolamento:                  settle.Format("2006-01-02"),
			IstitutoMittente:                 Mittente{ID: Identificativo{"B", psp.BIC}, Denominazione: psp.Name},
			CodiceBicBancaDiRiversamento:     psp.BIC,
			IstitutoRicevente:                Ricevente{ID: Identificativo{"G", k[1]}},
		}
		for _, p := range groups[k] {
			f.fdr.DatiSingoliPagamenti = append(f.fdr.DatiSingoliPagamenti, SingoloPagato{
				IUV: p.IUV, IUR: p.IUR, Indice: p.Index, Importo: gpd.Decimal(p.Cents), Esito: "0", Data: p.When.Format("2006-01-02")})
			f.cents += p.Cents
		}
		f.fdr.NumeroTotalePagamenti = len(f.fdr.DatiSingoliPagamenti)
		f.fdr.ImportoTotalePagamenti = gpd.Decimal(f.cents)
		path := s.outPath("fdr", f.fdr.IdentificativoFlusso+".xml")
		if err := writeXML(path, f.fdr); err != nil {
			return files, err
		}
		files = append(files, path)
		flows = append(flows, f)
	}
	journals, err := s.writeJournals(day, settle, flows)
	files = append(files, journals...)
	if err != nil {
		return files, err
	}
	for _, k := range keys {
		for _, p := range groups[k] {
			p.Reported = true
		}
	}
	s.markReported(groups)
	s.log(entry{Op: "reported", Day: day.Format("2006-01-02"), Seq: s.seq})
	return files, nil
}

// markReported moves reported transfers and options forward, as GPD does when
// the Nodo reports them.
func (s *Sim) markReported(groups map[[2]string][]*payment) {
	for _, ps := range groups {
		for _, pay := range ps {
			pos, o, err := s.option(pay.Org, "3"+pay.IUV)
			if err != nil {
				continue // the position was deleted after payment: nothing to move
			}
			reported := 0
			for j := range o.Transfer {
				if int(o.Transfer[j].IDTransfer[0]-'0') == pay.Index {
					o.Transfer[j].Status = "T_REPORTED"
				}
				if o.Transfer[j].Status == "T_REPORTED" {
					reported++
				}
			}
			if reported == len(o.Transfer) {
				o.Status = gpd.OptionReported
			} else {
				o.Status = gpd.OptionPartiallyReported
			}
			recompute(pos)
		}
	}
}

// FilesDir is where the end-of-day files go: Config.FilesDir, or else
// Config.Dir (into its fdr/ and opi/).
func (s *Sim) FilesDir() string {
	if s.cfg.FilesDir != "" {
		return s.cfg.FilesDir
	}
	return s.cfg.Dir
}

// outPath is where an end-of-day file goes: FilesDir itself when set, else
// Dir/fdr or Dir/opi (sub).
func (s *Sim) outPath(sub, name string) string {
	if s.cfg.FilesDir != "" {
		return filepath.Join(s.cfg.FilesDir, name)
	}
	return filepath.Join(s.cfg.Dir, sub, name)
}

func writeXML(path string, v any) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	data, err := xml.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append([]byte(xml.Header), append(data, '\n')...), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path) // readers never see half a file
}
