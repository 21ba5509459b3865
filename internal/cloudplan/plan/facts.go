package plan

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/arengo-pa/arengo/internal/cloudplan/kit"
)

// Judgements are the engine keys the assessment template has no cell for;
// staff set them while reviewing the sheet.
type Judgements struct {
	StackObsolete        bool
	StackSupportedCSP    bool
	StackModular         bool
	RequiresOnPrem       bool    // security/privacy reasons to keep (part of) data on-prem
	LicencesTransferable kit.Tri // on-prem licences recoverable in cloud
	LifecycleEnded       bool    // the data's retention period is over
	StructuralIssues     bool    // criticità call for a structural redesign
	Evolution            string  // bassa|media|alta; overrides what the sheet's text says
	HardwareDependency   string  // fisico|virtuale|container|misto; overrides the text
}

// Facts are the normalised engine keys of cloud-migration.md §4 that the
// strategy rules read.
type Facts struct {
	Judgements
	ReplaceableComponents []string
	OnPremLinks           int // dependencies + dependents on-prem
	ValidationTests       kit.Tri
	Modifiability         string
	TechDocs              kit.Tri
	Connectivity          string
	ReadsPerYear          *int64
	WritesPerYear         *int64
	SameDataApps          []string
	SaaSAlternatives      []string
	DataImport            kit.Tri
	Criticalities         string
	UsageVariable         bool
	UsageAbsent           bool
	Oversized             bool
	Undersized            bool
}

// Thresholds that are ours, not the kit's (cloud-migration.md §4 "ours").
const (
	peakRatio        = 2.0
	troughRatio      = 0.5
	oversizedPct     = 50
	undersizedPct    = 85
	manyOnPremLinks  = 3
	homogeneousUsage = "utilizzo omogeneo"
)

// FactsFrom normalises a filled assessment sheet plus staff judgements.
func FactsFrom(a kit.Assessment, j Judgements) Facts {
	f := Facts{
		Judgements:            j,
		ReplaceableComponents: a.ReplaceableComponents,
		OnPremLinks:           len(a.OnPremDependencies) + len(a.OnPremDependents),
		ValidationTests:       kit.YesNo(a.ValidationTests),
		Modifiability:         a.Modifiability,
		TechDocs:              kit.YesNo(a.TechDocs),
		Connectivity:          a.Connectivity,
		ReadsPerYear:          a.ReadsPerYear,
		WritesPerYear:         a.WritesPerYear,
		SameDataApps:          a.SameDataApps,
		SaaSAlternatives:      a.SaaSAlternatives,
		DataImport:            kit.YesNo(a.DataImport),
		Criticalities:         a.Criticalities,
	}
	if f.Evolution == "" {
		f.Evolution = evolutionFromText(a.Evolution)
	}
	if f.HardwareDependency == "" {
		f.HardwareDependency = hardwareFromText(a.HardwareDependency)
	}
	if !f.StructuralIssues {
		f.StructuralIssues = structuralWords.MatchString(a.Criticalities)
	}
	f.UsageVariable, f.UsageAbsent = usage(a)
	cpu, ram := utilisation(a.Usage)
	f.Oversized = (cpu >= 0 && cpu < oversizedPct) || (ram >= 0 && ram < oversizedPct)
	f.Undersized = cpu > undersizedPct || ram > undersizedPct
	return f
}

func evolutionFromText(t string) string {
	w := strings.ToLower(strings.TrimSpace(t))
	for _, lvl := range []string{"bassa", "media", "alta"} {
		if strings.HasPrefix(w, lvl) {
			return lvl
		}
	}
	return ""
}

func hardwareFromText(t string) string {
	l := strings.ToLower(t)
	var found []string
	if strings.Contains(l, "fisic") || strings.Contains(l, "bare metal") {
		found = append(found, "fisico")
	}
	if strings.Contains(l, "virtual") || strings.Contains(l, "vm") {
		found = append(found, "virtuale")
	}
	if strings.Contains(l, "container") || strings.Contains(l, "docker") || strings.Contains(l, "kubernetes") {
		found = append(found, "container")
	}
	switch len(found) {
	case 0:
		return ""
	case 1:
		return found[0]
	}
	return "misto"
}

var (
	structuralWords = regexp.MustCompile(`(?i)architettur|scalabil|monolit|debito tecnico|riprogett`)
	utilRe          = regexp.MustCompile(`(?i)(cpu|ram|memoria)\D{0,12}?(\d+(?:[.,]\d+)?)\s*%`)
)

// utilisation reads "CPU 20%, RAM 40%" style measurements; -1 when absent.
func utilisation(t string) (cpu, ram float64) {
	cpu, ram = -1, -1
	for _, m := range utilRe.FindAllStringSubmatch(t, -1) {
		v, err := strconv.ParseFloat(strings.Replace(m[2], ",", ".", 1), 64)
		if err != nil {
			continue
		}
		if strings.EqualFold(m[1], "cpu") {
			cpu = v
		} else {
			ram = v
		}
	}
	return cpu, ram
}

func usage(a kit.Assessment) (variable, absent bool) {
	for _, p := range []string{a.PeriodsWeek, a.PeriodsMonth, a.PeriodsYear} {
		if p != "" && !strings.EqualFold(strings.TrimSpace(p), homogeneousUsage) {
			variable = true
		}
	}
	if a.UsersAvg != nil && *a.UsersAvg > 0 {
		avg := float64(*a.UsersAvg)
		if a.UsersMax != nil && float64(*a.UsersMax)/avg >= peakRatio {
			variable = true
		}
		if a.UsersMin != nil && float64(*a.UsersMin)/avg <= troughRatio {
			variable = true
		}
	}
	absent = a.UsersAvg != nil && *a.UsersAvg == 0 && (a.UsersMax == nil || *a.UsersMax <= 2)
	return variable, absent
}

func containsFold(hay string, needles []string) string {
	l := strings.ToLower(hay)
	for _, n := range needles {
		if n != "" && strings.Contains(l, strings.ToLower(n)) {
			return n
		}
	}
	return ""
}
