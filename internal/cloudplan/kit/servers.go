package kit

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Server is one virtual machine from the virtualisation platform's inventory.
type Server struct {
	Name         string
	VCPU         int
	MemoryMB     int64
	DisksMB      []int64
	OS           string
	Cluster      string
	Applications []string
}

// DiskMB is the total provisioned disk.
func (s Server) DiskMB() int64 {
	var t int64
	for _, d := range s.DisksMB {
		t += d
	}
	return t
}

// ServerCSVHeaders is the header Arengo writes; the reader also accepts the
// column names of common exports (RVTools, oVirt, Proxmox, Italian
// spreadsheets), listed in serverColumns.
var ServerCSVHeaders = []string{"name", "vcpu", "memory_mb", "disks", "os", "cluster", "application"}

var serverColumns = [][]string{
	{"name", "nome", "vm", "vm name", "nome vm", "server", "hostname"},
	{"vcpu", "vcpus", "cpus", "cpu", "num cpu", "cores", "numero cpu"},
	{"memory_mb", "memory", "memoria", "ram", "memory mb", "memory (mb)", "memory gb", "memory (gb)", "ram (gb)", "ram gb", "memoria (gb)", "memoria (mb)"},
	{"disks", "disk", "dischi", "disco", "storage", "provisioned mb", "provisioned (mb)", "disk gb", "disk (gb)", "dischi (gb)", "provisioned gb"},
	{"os", "guest os", "sistema operativo", "os according to the configuration file", "os according to the vmware tools"},
	{"cluster", "host cluster", "nodo", "node"},
	{"application", "applicativo", "applicativi", "app", "applications", "applicazione"},
}

// ReadServersCSV reads a server inventory. Name is required; the other
// columns may be missing from the export.
func ReadServersCSV(r io.Reader) ([]Server, error) {
	recs, err := readCSV(r, CSVSheet)
	if err != nil {
		return nil, err
	}
	col := make([]int, len(serverColumns))
	unit := make([]int64, len(serverColumns))
	for k := range col {
		col[k] = -1
	}
	for i, h := range recs[0] {
		key := normKey(h)
		for k, aliases := range serverColumns {
			if col[k] < 0 && slices.Contains(aliases, key) {
				col[k], unit[k] = i, headerUnit(h)
			}
		}
	}
	if col[0] < 0 {
		return nil, Errors{{Sheet: CSVSheet, Cell: "A1", Expected: serverColumns[0], Msg: "manca la colonna con il nome del server"}}
	}
	var es Errors
	var out []Server
	seen := map[string]int{}
	for i, rec := range recs[1:] {
		row := i + 2
		if allEmpty(pad(rec, len(rec))) {
			continue
		}
		ref := func(k int) string { return cellName(col[k]+1, row) }
		s := Server{Name: get(rec, col[0]), OS: get(rec, col[4]), Cluster: get(rec, col[5])}
		if s.Name == "" {
			es = append(es, CellError{Sheet: CSVSheet, Cell: ref(0), Msg: "il nome del server è obbligatorio"})
		} else if prev, dup := seen[strings.ToLower(s.Name)]; dup {
			es = append(es, CellError{Sheet: CSVSheet, Cell: ref(0), Value: s.Name, Msg: "server già presente alla riga " + itoa(prev)})
		}
		seen[strings.ToLower(s.Name)] = row
		if v := get(rec, col[1]); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 4096 {
				es = append(es, CellError{Sheet: CSVSheet, Cell: ref(1), Value: v, Msg: "atteso un numero di vCPU tra 1 e 4096"})
			}
			s.VCPU = n
		}
		if v := get(rec, col[2]); v != "" {
			mb, err := ParseMB(v, orDefault(unit[2], 1))
			if err != nil {
				es = append(es, CellError{Sheet: CSVSheet, Cell: ref(2), Value: v, Msg: err.Error()})
			}
			s.MemoryMB = mb
		}
		if v := get(rec, col[3]); v != "" {
			for _, d := range strings.FieldsFunc(v, func(r rune) bool { return r == ';' || r == '|' || r == '+' || r == '\n' }) {
				if strings.TrimSpace(d) == "" {
					continue
				}
				mb, err := ParseMB(d, orDefault(unit[3], 1024))
				if err != nil {
					es = append(es, CellError{Sheet: CSVSheet, Cell: ref(3), Value: v, Msg: err.Error()})
					break
				}
				s.DisksMB = append(s.DisksMB, mb)
			}
		}
		for _, a := range strings.FieldsFunc(get(rec, col[6]), func(r rune) bool { return r == ';' || r == '|' || r == '\n' }) {
			if a = strings.TrimSpace(a); a != "" {
				s.Applications = append(s.Applications, a)
			}
		}
		out = append(out, s)
	}
	return out, es.err()
}

func orDefault(v, d int64) int64 {
	if v == 0 {
		return d
	}
	return v
}

// headerUnit reads "(GB)"-style hints in a header, in MB.
func headerUnit(h string) int64 {
	l := strings.ToLower(h)
	switch {
	case strings.Contains(l, "tb"):
		return 1 << 20
	case strings.Contains(l, "gb"), strings.Contains(l, "gib"):
		return 1024
	case strings.Contains(l, "mb"), strings.Contains(l, "mib"):
		return 1
	}
	return 0
}

// ParseMB reads "8192", "8 GB", "1,5 TB"; a bare number is in defUnit MB.
func ParseMB(v string, defUnit int64) (int64, error) {
	s := strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(v), " ", ""))
	s = strings.ReplaceAll(s, "IB", "B")
	mult := defUnit
	for _, u := range []struct {
		suffix string
		mb     int64
	}{{"TB", 1 << 20}, {"GB", 1024}, {"MB", 1}, {"T", 1 << 20}, {"G", 1024}, {"M", 1}} {
		if num, ok := strings.CutSuffix(s, u.suffix); ok {
			s, mult = num, u.mb
			break
		}
	}
	f, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
	if err != nil || f < 0 || math.IsNaN(f) || f*float64(mult) > 1<<40 {
		return 0, fmt.Errorf("attesa una dimensione, es. 8192 o 8 GB")
	}
	return int64(math.Round(f * float64(mult))), nil
}

func formatMB(mb int64) string {
	if mb != 0 && mb%1024 == 0 {
		return strconv.FormatInt(mb/1024, 10) + " GB"
	}
	return strconv.FormatInt(mb, 10) + " MB"
}

// WriteServersCSV writes the inventory with ServerCSVHeaders.
func WriteServersCSV(w io.Writer, servers []Server) error {
	recs := [][]string{ServerCSVHeaders}
	for _, s := range servers {
		disks := make([]string, len(s.DisksMB))
		for i, d := range s.DisksMB {
			disks[i] = formatMB(d)
		}
		vcpu := ""
		if s.VCPU > 0 {
			vcpu = strconv.Itoa(s.VCPU)
		}
		mem := ""
		if s.MemoryMB > 0 {
			mem = strconv.FormatInt(s.MemoryMB, 10)
		}
		recs = append(recs, []string{s.Name, vcpu, mem, strings.Join(disks, "; "), s.OS, s.Cluster, strings.Join(s.Applications, "; ")})
	}
	return writeCSV(w, recs)
}
