package kit

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

// Every CSV parser must refuse or accept any input without panicking, and
// what it accepts must survive its own export.

func FuzzServersCSV(f *testing.F) {
	f.Add("name,vcpu,memory_mb,disks,os,cluster,application\nsrv,2,2048,10 GB; 5 GB,Debian,CL,App\n")
	f.Add("VM;CPUs;Memory (GB);Disks\nx;1;1,5;1 TB\n")
	f.Add("\ufeffnome\n\"a\"\"b\"\n")
	f.Fuzz(func(t *testing.T, in string) {
		got, err := ReadServersCSV(strings.NewReader(in))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := WriteServersCSV(&buf, got); err != nil {
			t.Fatal(err)
		}
		back, err := ReadServersCSV(&buf)
		if err != nil || !reflect.DeepEqual(normServers(back), normServers(got)) {
			t.Fatalf("round trip: %v\n%+v\n%+v", err, got, back)
		}
	})
}

func normServers(ss []Server) []Server {
	for i := range ss {
		if len(ss[i].DisksMB) == 0 {
			ss[i].DisksMB = nil
		}
		if len(ss[i].Applications) == 0 {
			ss[i].Applications = nil
		}
	}
	return ss
}

func FuzzAppListCSV(f *testing.F) {
	f.Add(strings.Join(AppListHeaders, ",") + "\nA,b,c,d,Alto,Basso,Medio\n")
	f.Add(strings.Join(AppListHeaders, ";") + "\n\"x;y\";;;;;;\n")
	f.Fuzz(func(t *testing.T, in string) {
		got, err := ReadAppListCSV(strings.NewReader(in))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		_ = WriteAppListCSV(&buf, got)
		back, err := ReadAppListCSV(&buf)
		if err != nil || len(back) != len(got) {
			t.Fatalf("round trip: %v", err)
		}
	})
}

func FuzzAssessmentsCSV(f *testing.F) {
	// Small seeds: the fuzzer minimises every new input, and a full-width
	// export makes each minimisation take most of the fuzzing time.
	f.Add("NOME DELL'APPLICATIVO,Modificabilità del codice sorgente,Connettività minima necessaria,Frequenza di aggiornamento dei dati (annuale)\nA,Parziale,Internet,12.000\n")
	f.Add("NOME DELL'APPLICATIVO;Rappresentanti delle aree impattate;Costi dell'infrastruttura\nB;\"Anna; Rossi; RTD; Da coinvolgere\";1.234,56 €\n")
	f.Add("NOME DELL'APPLICATIVO,Dimensione della base dati,Licenze\nA,1.5 TB,\"x; 1.200,00; 31/12/2026\n y\"\n")
	f.Fuzz(func(t *testing.T, in string) {
		got, err := ReadAssessmentsCSV(strings.NewReader(in))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		_ = WriteAssessmentsCSV(&buf, got)
		if _, err := ReadAssessmentsCSV(&buf); err != nil {
			t.Fatalf("own export refused: %v", err)
		}
	})
}

func FuzzSkillsCSV(f *testing.F) {
	f.Add(strings.Join(SkillsCSVHeaders, ",") + "\nCI,1,0,2,4,5,0,desc\n")
	f.Fuzz(func(t *testing.T, in string) {
		got, err := ReadSkillsCSV(strings.NewReader(in))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		_ = WriteSkillsCSV(&buf, got)
		back, err := ReadSkillsCSV(&buf)
		if err != nil || !reflect.DeepEqual(back, got) {
			t.Fatalf("round trip: %v", err)
		}
	})
}
