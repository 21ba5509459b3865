package pagopasim

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"sort"
	"time"

	"github.com/arengo-pa/arengo/internal/payments/gpd"
)

// GiornaleDiCassa is the OPI treasury journal, OPI_GDC_1_6_1.xsd (no namespace).
type GiornaleDiCassa struct {
	XMLName          xml.Name  `xml:"flusso_giornale_di_cassa"`
	Signature        Signature `xml:"http://www.w3.org/2000/09/xmldsig# Signature"`
	Testata          Testata   `xml:"testata_messaggio"`
	IdentificativoBT string    `xml:"identificativo_flusso_BT"`
	Pagina           int       `xml:"pagina"`
	PagineTotali     int       `xml:"pagine_totali"`
	Esercizio        int       `xml:"esercizio"`
	DataRiferimento  string    `xml:"data_riferimento_GdC"`
	Conti            []Conto   `xml:"informazioni_conto_evidenza"`
	TotaleEntrate    string    `xml:"totale_complessivo_entrate"`
	TotaleUscite     string    `xml:"totale_complessivo_uscite"`
}

type Testata struct {
	ABI           string `xml:"codice_ABI_BT"`
	Creazione     string `xml:"data_ora_creazione_flusso"`
	CodiceEnte    string `xml:"codice_ente"`
	Descrizione   string `xml:"descrizione_ente"`
	ISTAT         string `xml:"codice_istat_ente"`
	CodiceFiscale string `xml:"codice_fiscale_ente"`
	TramiteEnte   string `xml:"codice_tramite_ente"`
	TramiteBT     string `xml:"codice_tramite_BT"`
	CodiceEnteBT  string `xml:"codice_ente_BT"`
}

type Conto struct {
	Conto       string      `xml:"conto_evidenza"`
	Descrizione string      `xml:"descrizione_conto_evidenza"`
	Movimenti   []Movimento `xml:"movimento_conto_evidenza"`
}

type Movimento struct {
	IdentificativoFlusso string  `xml:"identificativo_flusso"`
	Numero               int64   `xml:"numero_movimento"`
	TipoMovimento        string  `xml:"tipo_movimento"`
	TipoDocumento        string  `xml:"tipo_documento"`
	TipoOperazione       string  `xml:"tipo_operazione"`
	NumeroDocumento      int64   `xml:"numero_documento"`
	Progressivo          int64   `xml:"progressivo_documento"`
	Importo              string  `xml:"importo"`
	Bolletta             int64   `xml:"numero_bolletta_quietanza"`
	DataMovimento        string  `xml:"data_movimento"`
	DataSiope            string  `xml:"data_movimento_siope"`
	DataValuta           string  `xml:"data_valuta_ente"`
	TipoEsecuzione       string  `xml:"tipo_esecuzione"`
	EndToEndID           string  `xml:"end_to_end_id"`
	Bollo                string  `xml:"assoggettamento_bollo"`
	Cliente              Cliente `xml:"cliente"`
	Causale              string  `xml:"causale"`
	Sospeso              Sospeso `xml:"sospeso"`
}

type Cliente struct {
	Anagrafica    string `xml:"anagrafica_cliente"`
	CodiceFiscale string `xml:"codice_fiscale_cliente"`
}

type Sospeso struct {
	Numero  int64  `xml:"numero_provvisorio"`
	Importo string `xml:"importo_provvisorio"`
}

// Signature is an XML-DSig envelope with the right shape. The simulator holds no
// treasury key: the digest is real (SHA-256 of the journal body) but the
// signature value is not a signature, so consumers must not verify it.
type Signature struct {
	SignedInfo     SignedInfo `xml:"SignedInfo"`
	SignatureValue string     `xml:"SignatureValue"`
}

type SignedInfo struct {
	Canonicalization Algorithm `xml:"CanonicalizationMethod"`
	Method           Algorithm `xml:"SignatureMethod"`
	Reference        Reference `xml:"Reference"`
}

type Algorithm struct {
	Algorithm string `xml:"Algorithm,attr"`
}

type Reference struct {
	URI          string    `xml:"URI,attr"`
	DigestMethod Algorithm `xml:"DigestMethod"`
	DigestValue  string    `xml:"DigestValue"`
}

// writeJournals writes one giornale di cassa per beneficiary: each FdR becomes
// a provisional receipt ("sospeso di entrata") credited by the PSP's SCT, whose
// causale carries the flow id as SACI prescribes.
func (s *Sim) writeJournals(day, settle time.Time, flows []flow) ([]string, error) {
	byBen := map[string][]flow{}
	for _, f := range flows {
		byBen[f.beneficiary] = append(byBen[f.beneficiary], f)
	}
	bens := make([]string, 0, len(byBen))
	for b := range byBen {
		bens = append(bens, b)
	}
	sort.Strings(bens)
	var files []string
	for _, ben := range bens {
		id := fmt.Sprintf("GDC-%s%s%s#001#001", settle.Format("20060102"), "SIMTESORERIA", ben)
		g := GiornaleDiCassa{
			Testata: Testata{ABI: s.cfg.TreasuryABI, Creazione: s.cfg.Now().UTC().Format("2006-01-02T15:04:05"),
				CodiceEnte: s.cfg.EnteCode, Descrizione: "Ente " + ben, ISTAT: s.cfg.EnteISTAT, CodiceFiscale: ben,
				TramiteEnte: "A2A-00000001", TramiteBT: "A2A-00000002", CodiceEnteBT: ben},
			IdentificativoBT: id, Pagina: 1, PagineTotali: 1, Esercizio: settle.Year(),
			DataRiferimento: settle.Format("2006-01-02"), TotaleUscite: "0.00",
		}
		conto := Conto{Conto: "0000001", Descrizione: "Conto di tesoreria"}
		var total int64
		for _, f := range byBen[ben] {
			s.seq++
			conto.Movimenti = append(conto.Movimenti, Movimento{
				IdentificativoFlusso: fmt.Sprintf("GDC%s%06d", settle.Format("20060102"), s.seq),
				Numero:               s.seq, TipoMovimento: "ENTRATA", TipoDocumento: "SOSPESO ENTRATA",
				TipoOperazione: "ESEGUITO", NumeroDocumento: s.seq, Progressivo: 0, Importo: gpd.Decimal(f.cents),
				Bolletta: s.seq, DataMovimento: settle.Format("2006-01-02"), DataSiope: settle.Format("2006-01-02"),
				DataValuta: settle.Format("2006-01-02"), TipoEsecuzione: "SEPA CREDIT TRANSFER",
				EndToEndID: f.fdr.IdentificativoUnivocoRegolamento, Bollo: "ESENTE BOLLO",
				Cliente: Cliente{Anagrafica: f.psp.Name + " Servizio pagoPA", CodiceFiscale: f.psp.FiscalCode},
				Causale: "/PUR/LGPE-RIVERSAMENTO/URI/" + f.fdr.IdentificativoFlusso,
				Sospeso: Sospeso{Numero: s.seq, Importo: gpd.Decimal(f.cents)},
			})
			total += f.cents
		}
		g.Conti = []Conto{conto}
		g.TotaleEntrate = gpd.Decimal(total)
		body, err := xml.Marshal(g.Conti)
		if err != nil {
			return files, err
		}
		sum := sha256.Sum256(body)
		g.Signature = Signature{
			SignedInfo: SignedInfo{
				Canonicalization: Algorithm{"http://www.w3.org/2001/10/xml-exc-c14n#"},
				Method:           Algorithm{"http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"},
				Reference: Reference{URI: "", DigestMethod: Algorithm{"http://www.w3.org/2001/04/xmlenc#sha256"},
					DigestValue: base64.StdEncoding.EncodeToString(sum[:])},
			},
			SignatureValue: base64.StdEncoding.EncodeToString([]byte("pagopa-sim: non firmato")),
		}
		// The first movement's number tells apart the journals of a day closed
		// twice (the demo's button), which would otherwise overwrite each other.
		path := s.outPath("opi", fmt.Sprintf("GDC_%s_%s_%06d.xml", ben, settle.Format("20060102"), conto.Movimenti[0].Numero))
		if err := writeXML(path, g); err != nil {
			return files, err
		}
		files = append(files, path)
	}
	return files, nil
}
