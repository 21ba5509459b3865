package plan

import "github.com/arengo-pa/arengo/internal/cloudplan/kit"

// SkillGap is gap(skill, s) = max(0, required − team) for one skill.
type SkillGap struct {
	Skill    string
	Required int
	Team     int
	Gap      int
}

// Gaps returns the per-skill gaps for a strategy; ready when all are zero.
// Retain needs no skills.
func Gaps(skills []kit.Skill, s Strategy) (gaps []SkillGap, ready bool) {
	col := s.skillColumn()
	if col < 0 {
		return nil, true
	}
	ready = true
	for _, sk := range skills {
		g := SkillGap{Skill: sk.Name, Required: sk.Required[col], Team: sk.Team}
		g.Gap = max(0, g.Required-g.Team)
		if g.Gap > 0 {
			ready = false
		}
		gaps = append(gaps, g)
	}
	return gaps, ready
}

// DefaultSkills is the kit's skills master with the minimum levels per
// strategy and no team assessment yet (team level 0).
func DefaultSkills() []kit.Skill {
	rows := []struct {
		name string
		req  [5]int
	}{
		{"CONTINUOUS INTEGRATION", [5]int{0, 2, 4, 5, 0}},
		{"CONTINUOUS DEPLOYMENT", [5]int{0, 2, 4, 5, 0}},
		{"GESTIONE PERFORMANCE E SCALABILITÀ", [5]int{0, 3, 3, 3, 0}},
		{"CONOSCENZA ECOSISTEMA CLOUD IAAS, PAAS", [5]int{0, 2, 3, 4, 2}},
		{"VIRTUALIZZAZIONE DI SISTEMI", [5]int{0, 4, 4, 4, 0}},
		{"SICUREZZA IN CLOUD", [5]int{0, 3, 4, 5, 0}},
		{"SYSTEMS ADMINISTRATION", [5]int{0, 3, 3, 3, 3}},
		{"INFRASTRUCTURE AS CODE", [5]int{0, 2, 3, 5, 0}},
		{"SISTEMI OPERATIVI", [5]int{0, 4, 3, 3, 0}},
		{"MONITORING E ALERTING", [5]int{0, 4, 4, 4, 2}},
		{"GESTIONE E ANALISI DEI LOG", [5]int{0, 4, 4, 4, 2}},
		{"CLUSTERS", [5]int{0, 3, 3, 3, 0}},
		{"CONTAINERS (ES: DOCKER)", [5]int{0, 4, 4, 4, 0}},
		{"ORCHESTRAZIONE (ES: KUBERNETES)", [5]int{0, 4, 4, 3, 0}},
		{"LINGUAGGI DI SCRIPTING", [5]int{3, 3, 3, 3, 0}},
		{"GESTIONE DI MIGRAZIONE DI DATI", [5]int{3, 4, 4, 4, 3}},
	}
	out := make([]kit.Skill, len(rows))
	for i, r := range rows {
		out[i] = kit.Skill{Name: r.name, Required: r.req}
	}
	return out
}
