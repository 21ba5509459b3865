package kit

import (
	"bytes"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// The embedded copies are byte-identical to the kit (see SOURCES.md checksums).
const specDir = "templates/"

func ptr(n int64) *int64 { return &n }

func sampleApps() []Application {
	return []Application{
		{Name: "Protocollo 4.2", Interlocutor: "Fornitore X", Services: "Protocollo informatico", Licences: "sito, scade 2026-12-31", Opportunity: "Alto", Risk: "Medio", Ease: "Basso"},
		{Name: "Tributi 2.0", Interlocutor: "Ufficio tributi", Services: "IMU; TARI", Opportunity: "", Risk: "Basso", Ease: "Alto"},
	}
}

func sampleAssessment() Assessment {
	return Assessment{
		Name: "Protocollo 4.2", Services: "Protocollo informatico",
		Stack: "PostgreSQL 12, Java 11, Tomcat 9", ReplaceableComponents: []string{"database", "SMTP"},
		Sizing: "2 server, 8 vCPU, 32 GB RAM, 500 GB storage", Usage: "CPU 20%, RAM 40%",
		HardwareDependency: "macchine virtuali", SecurityMeasures: "dati personali",
		OnPremDependencies: []string{"LDAP"}, OnPremDependents: []string{"Conservazione"},
		ValidationTests: "Sì, test funzionali", Modifiability: "Parziale", TechDocs: "Sì", Connectivity: "Internet",
		DataBytes: ptr(120 << 30), ReadsPerYear: ptr(100000), WritesPerYear: ptr(20000), DataLifecycle: "10 anni",
		SameDataApps: []string{"Albo pretorio"}, ImpactedProcesses: "protocollazione in ingresso",
		UsersAvg: ptr(120), UsersMax: ptr(300), UsersMin: ptr(0), PeriodsWeek: "lun-ven 8-14", PeriodsMonth: "utilizzo omogeneo",
		PeriodsYear: "utilizzo omogeneo", InfraCostCents: ptr(1200050), Criticalities: "lentezza", Evolution: "alta: nuova PDND",
		SaaSAlternatives: []string{"Protocollo Cloud S.p.A."}, DataImport: "Sì",
		Licences:        []Licence{{Name: "Oracle", AnnualCents: ptr(120000), Expiry: "2026-12-31"}, {Name: "Libera"}},
		Representatives: []Representative{{Name: "Anna", Surname: "Bianchi", Role: "dirigente", Mode: "Da coinvolgere"}},
	}
}

func TestShippedTemplatesImportEmpty(t *testing.T) {
	for _, tc := range []struct {
		file string
		read func(f *os.File) (int, error)
		want int
	}{
		{"Allegato_Lista_degli_applicativi.xlsx", func(f *os.File) (int, error) { a, err := ReadAppListXLSX(f); return len(a), err }, 0},
		{"Allegato_Valutazione_competenze.xlsx", func(f *os.File) (int, error) { s, err := ReadSkillsXLSX(f); return len(s), err }, 16},
	} {
		f, err := os.Open(specDir + tc.file)
		if err != nil {
			t.Fatal(err)
		}
		n, err := tc.read(f)
		f.Close()
		if err != nil || n != tc.want {
			t.Errorf("%s: %d rows, err %v; want %d", tc.file, n, err, tc.want)
		}
	}
	// The empty assessment template has no application name: that is the one
	// required cell.
	f, _ := os.Open(specDir + "Allegato_Scheda_di_assessment_dell_applicativo.xlsx")
	defer f.Close()
	_, err := ReadAssessmentXLSX(f)
	var es Errors
	if !errors.As(err, &es) || len(es) != 1 || es[0].Cell != "C4" {
		t.Fatalf("empty assessment: %v", err)
	}
}

func TestSkillsTemplateValues(t *testing.T) {
	f, _ := os.Open(specDir + "Allegato_Valutazione_competenze.xlsx")
	defer f.Close()
	skills, err := ReadSkillsXLSX(f)
	if err != nil {
		t.Fatal(err)
	}
	first, last := skills[0], skills[15]
	if first.Name != "CONTINUOUS INTEGRATION" || first.Team != 1 || first.Required != [5]int{0, 2, 4, 5, 0} {
		t.Errorf("first skill %+v", first)
	}
	if last.Name != "GESTIONE DI MIGRAZIONE DI DATI" || last.Team != 2 || last.Required != [5]int{3, 4, 4, 4, 3} {
		t.Errorf("last skill %+v", last)
	}
}

func TestAppListRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteAppListXLSX(&buf, sampleApps()); err != nil {
		t.Fatal(err)
	}
	got, err := ReadAppListXLSX(bytes.NewReader(buf.Bytes()))
	if err != nil || !reflect.DeepEqual(got, sampleApps()) {
		t.Fatalf("xlsx round trip: %v\n%+v", err, got)
	}
	var again bytes.Buffer
	_ = WriteAppListXLSX(&again, got)
	got2, _ := ReadAppListXLSX(bytes.NewReader(again.Bytes()))
	if !reflect.DeepEqual(got2, got) {
		t.Fatal("second round trip differs")
	}
	var csvBuf bytes.Buffer
	if err := WriteAppListCSV(&csvBuf, got); err != nil {
		t.Fatal(err)
	}
	fromCSV, err := ReadAppListCSV(&csvBuf)
	if err != nil || !reflect.DeepEqual(fromCSV, sampleApps()) {
		t.Fatalf("csv round trip: %v\n%+v", err, fromCSV)
	}
}

func TestAppListWrongValueNamesCell(t *testing.T) {
	f, _ := excelize.OpenFile(specDir + "Allegato_Lista_degli_applicativi.xlsx")
	_ = f.SetCellStr("Applicativi", "A7", "Anagrafe 1.0")
	_ = f.SetCellStr("Applicativi", "F7", "Altissimo")
	_ = f.SetCellStr("Applicativi", "E8", "alto") // case is forgiven
	_ = f.SetCellStr("Applicativi", "A8", "Tributi")
	var buf bytes.Buffer
	_ = f.Write(&buf)
	apps, err := ReadAppListXLSX(&buf)
	var es Errors
	if !errors.As(err, &es) || len(es) != 1 {
		t.Fatalf("want one error, got %v (apps %v)", err, apps)
	}
	msg := es[0].Error()
	for _, want := range []string{`"Applicativi"`, "F7", `"Altissimo"`, "Alto, Medio, Basso"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %s", msg, want)
		}
	}
}

func TestAppListRefusesOtherTemplate(t *testing.T) {
	f, _ := excelize.OpenFile(specDir + "Allegato_Lista_degli_applicativi.xlsx")
	_ = f.SetCellStr("Applicativi", "F3", "PRIORITÀ")
	var buf bytes.Buffer
	_ = f.Write(&buf)
	_, err := ReadAppListXLSX(&buf)
	if err == nil || !strings.Contains(err.Error(), "F3") || !strings.Contains(err.Error(), "RISCHIO") {
		t.Fatalf("got %v", err)
	}
}

func TestAppListCSVErrorsUseCSVColumns(t *testing.T) {
	in := "RISCHIO;NOME APPLICATIVO;INTERLOCUTORE;SERVIZI SUPPORTATI;LICENZE;OPPORTUNITÀ DA COGLIERE;FACILITÀ DI MIGRAZIONE\n" +
		"Basso;Anagrafe;;;;Alto;Alto\n" +
		"Forse;Tributi;;;;;\n" +
		"Basso;Anagrafe;;;;;\n"
	_, err := ReadAppListCSV(strings.NewReader(in))
	var es Errors
	if !errors.As(err, &es) || len(es) != 2 || es[0].Cell != "A3" || es[1].Cell != "B4" {
		t.Fatalf("got %#v", err)
	}
}

func TestAssessmentRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteAssessmentXLSX(&buf, sampleAssessment()); err != nil {
		t.Fatal(err)
	}
	got, err := ReadAssessmentXLSX(bytes.NewReader(buf.Bytes()))
	if err != nil || !reflect.DeepEqual(got, sampleAssessment()) {
		t.Fatalf("xlsx: %v\n got %+v\nwant %+v", err, got, sampleAssessment())
	}
	var csvBuf bytes.Buffer
	if err := WriteAssessmentsCSV(&csvBuf, []Assessment{got, {Name: "Vuoto"}}); err != nil {
		t.Fatal(err)
	}
	back, err := ReadAssessmentsCSV(&csvBuf)
	if err != nil || len(back) != 2 || !reflect.DeepEqual(back[0], sampleAssessment()) || back[1].Name != "Vuoto" {
		t.Fatalf("csv: %v\n%+v", err, back)
	}
}

func TestAssessmentWrongValues(t *testing.T) {
	f, _ := excelize.OpenFile(specDir + "Allegato_Scheda_di_assessment_dell_applicativo.xlsx")
	_ = f.SetCellStr("Scheda di assessment", "C4", "Protocollo")
	_ = f.SetCellStr("Scheda di assessment", "C19", "Totale")
	_ = f.SetCellStr("Scheda di assessment", "C21", "internet")
	_ = f.SetCellStr("Scheda di assessment", "C24", "120")
	_ = f.SetCellStr("Scheda di assessment", "C34", "molti")
	_ = f.SetCellStr("Rappresentanti delle aree impat", "D3", "Informare")
	_ = f.SetCellFloat("Licenze", "B3", 1500.5, -1, 64)
	_ = f.SetCellInt("Licenze", "C3", 46022) // Excel serial day for 2025-12-31
	_ = f.SetCellStr("Licenze", "A3", "Suite")
	var buf bytes.Buffer
	_ = f.Write(&buf)
	_, err := ReadAssessmentXLSX(&buf)
	var es Errors
	if !errors.As(err, &es) {
		t.Fatal(err)
	}
	got := map[string]CellError{}
	for _, e := range es {
		got[e.Sheet+"!"+e.Cell] = e
	}
	if len(es) != 4 {
		t.Errorf("want 4 errors, got %v", es)
	}
	if e := got["Scheda di assessment!C19"]; !reflect.DeepEqual(e.Expected, Modifiabilities) || e.Value != "Totale" {
		t.Errorf("C19: %+v", e)
	}
	for _, k := range []string{"Scheda di assessment!C24", "Scheda di assessment!C34", "Rappresentanti delle aree impat!D3"} {
		if _, ok := got[k]; !ok {
			t.Errorf("missing error at %s: %v", k, es)
		}
	}
}

func TestAssessmentLicenceDateAndAmountFromExcel(t *testing.T) {
	f, _ := excelize.OpenFile(specDir + "Allegato_Scheda_di_assessment_dell_applicativo.xlsx")
	_ = f.SetCellStr("Scheda di assessment", "C4", "Protocollo")
	_ = f.SetCellStr("Licenze", "A3", "Suite")
	_ = f.SetCellFloat("Licenze", "B3", 1500.5, -1, 64)
	_ = f.SetCellInt("Licenze", "C3", 46022)
	_ = f.SetCellStr("Licenze", "A4", "Altro")
	_ = f.SetCellStr("Licenze", "B4", "1.200,00 €")
	_ = f.SetCellStr("Licenze", "C4", "31/12/2027")
	var buf bytes.Buffer
	_ = f.Write(&buf)
	a, err := ReadAssessmentXLSX(&buf)
	if err != nil {
		t.Fatal(err)
	}
	want := []Licence{{"Suite", ptr(150050), "2025-12-31"}, {"Altro", ptr(120000), "2027-12-31"}}
	if !reflect.DeepEqual(a.Licences, want) {
		t.Fatalf("got %+v", a.Licences)
	}
}

func TestSkillsRoundTrip(t *testing.T) {
	f, _ := os.Open(specDir + "Allegato_Valutazione_competenze.xlsx")
	skills, err := ReadSkillsXLSX(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	skills[0].Team = 5
	skills = append(skills, Skill{Name: "FINOPS", Team: 1, Required: [5]int{2, 2, 3, 3, 0}, Description: "costi cloud"})
	for _, n := range []int{len(skills), 3} {
		var buf bytes.Buffer
		if err := WriteSkillsXLSX(&buf, skills[:n]); err != nil {
			t.Fatal(err)
		}
		got, err := ReadSkillsXLSX(&buf)
		if err != nil || !reflect.DeepEqual(got, skills[:n]) {
			t.Fatalf("%d skills: %v\n%+v", n, err, got)
		}
	}
	var csvBuf bytes.Buffer
	_ = WriteSkillsCSV(&csvBuf, skills)
	got, err := ReadSkillsCSV(&csvBuf)
	if err != nil || !reflect.DeepEqual(got, skills) {
		t.Fatalf("csv: %v", err)
	}
}

func TestSkillsWrongLevel(t *testing.T) {
	f, _ := excelize.OpenFile(specDir + "Allegato_Valutazione_competenze.xlsx")
	_ = f.SetCellStr("Assessment", "B4", "7")
	_ = f.SetCellStr("Modifica Skills", "D9", "alto")
	var buf bytes.Buffer
	_ = f.Write(&buf)
	_, err := ReadSkillsXLSX(&buf)
	if err == nil || !strings.Contains(err.Error(), `foglio "Assessment", cella B4: valore "7"; valori attesi: 0, 1, 2, 3, 4, 5`) ||
		!strings.Contains(err.Error(), `"Modifica Skills", cella D9`) {
		t.Fatalf("got %v", err)
	}
}

func TestServersCSV(t *testing.T) {
	in := "\ufeffVM;CPUs;Memory (GB);Disks;Guest OS;Cluster;Applicativo\n" +
		"srv-proto-01;4;16;100;Debian 12;CL-A;Protocollo 4.2\n" +
		"srv-db-01;8;64;\"200 GB| 1,5 TB\";Rocky 9;CL-B;Protocollo 4.2; Tributi 2.0\n"
	got, err := ReadServersCSV(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []Server{
		{Name: "srv-proto-01", VCPU: 4, MemoryMB: 16384, DisksMB: []int64{102400}, OS: "Debian 12", Cluster: "CL-A", Applications: []string{"Protocollo 4.2"}},
		{Name: "srv-db-01", VCPU: 8, MemoryMB: 65536, DisksMB: []int64{204800, 1572864}, OS: "Rocky 9", Cluster: "CL-B", Applications: []string{"Protocollo 4.2"}},
	}
	// The unquoted "; Tributi 2.0" is an extra column in a ';' file: ignored.
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v", got)
	}
	var buf bytes.Buffer
	_ = WriteServersCSV(&buf, got)
	back, err := ReadServersCSV(&buf)
	if err != nil || !reflect.DeepEqual(back, got) {
		t.Fatalf("round trip %v %+v", err, back)
	}
	_, err = ReadServersCSV(strings.NewReader("name,vcpu,memory_mb\nsrv1,zero,abc\nsrv1,2,2048\n"))
	if err == nil || !strings.Contains(err.Error(), "cella B2") || !strings.Contains(err.Error(), "cella C2") || !strings.Contains(err.Error(), "cella A3") {
		t.Fatalf("got %v", err)
	}
}

func TestAssessmentFieldsEditLikeImport(t *testing.T) {
	a := sampleAssessment()
	fields := a.Fields()
	if len(fields) != len(assessmentFields)-1 || fields[0].Label != "SERVIZI SUPPORTATI" {
		t.Fatalf("%d fields, first %q", len(fields), fields[0].Label)
	}
	var b Assessment
	for _, f := range fields {
		if err := b.Set(f.Key, f.Value); err != nil {
			t.Fatal(err)
		}
	}
	b.Name, b.Licences, b.Representatives = a.Name, a.Licences, a.Representatives
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("edit round trip\n%+v\n%+v", a, b)
	}
	err := b.Set("c19", "Totale")
	if err == nil || !strings.Contains(err.Error(), "cella C19") || !strings.Contains(err.Error(), "No, Parziale, Completa") {
		t.Fatalf("got %v", err)
	}
}
