package plan

import (
	"strings"
	"time"

	"github.com/arengo-pa/arengo/internal/cloudplan/kit"
)

// App is everything the planner knows about one application.
type App struct {
	ID, Name                string
	Opportunity, Risk, Ease string // the list's green ratings
	LevelOverride           int    // 1..4 set by a person, 0 = computed
	Class                   Class
	Model                   Model // chosen destination deployment model
	Assessment              *kit.Assessment
	Judgements              Judgements
	Chosen                  Strategy // a person's choice, "" = not yet
	Target                  Target
	Origin                  Origin
	DeclaredMode            Mode
	Started, FirstStep      time.Time
	DependsOn               []string // app IDs
	Servers                 int
	EffortDays              int
	Costs                   Costs
	State                   AppState
}

// Measure is what a wave's capacity counts.
type Measure string

const (
	ByServers Measure = "servers"
	ByEffort  Measure = "effort"
)

// Options are the user's planning choices.
type Options struct {
	Capacity int
	Measure  Measure
	Years    int
}

// AppPlan is the planner's view of one application.
type AppPlan struct {
	App         *App
	Level       int
	Priority    int
	Suggestions []Suggestion
	Strategy    Strategy // chosen, else the best suggestion
	Suggested   bool     // Strategy comes from the rules, not a person
	ModelWarn   string
	ChoiceWarn  string // a person chose a strategy the kit's rules do not support
	PNRR        Admissibility
	ModeWarn    string
	TCO         TCO
	Wave        int // 0 = not in a wave (retained or no strategy)
}

// StrategyGaps is the skills gap of one strategy used in the plan.
type StrategyGaps struct {
	Strategy Strategy
	Apps     int
	Gaps     []SkillGap
	Ready    bool
}

// Plan is the whole computed plan.
type Plan struct {
	Options Options
	Apps    []AppPlan
	Waves   Waves
	Total   TCO
	Skills  []StrategyGaps
}

// Build computes the plan. It is cheap enough to run on every change.
func Build(apps []App, skills []kit.Skill, opt Options) Plan {
	if opt.Years <= 0 {
		opt.Years = DefaultYears
	}
	if opt.Measure == "" {
		opt.Measure = ByServers
	}
	p := Plan{Options: opt, Apps: make([]AppPlan, len(apps)), Total: TCO{Years: opt.Years}}
	var nodes []Node
	used := map[Strategy]int{}
	for i := range apps {
		a := &apps[i]
		ap := AppPlan{App: a, Level: a.LevelOverride}
		if ap.Level < 1 || ap.Level > 4 {
			ap.Level = PriorityLevel(a.Opportunity, a.Risk, a.Ease)
		}
		ap.Priority = PriorityKey(ap.Level, a.Opportunity, a.Risk, a.Ease)
		if a.Assessment != nil {
			ap.Suggestions = Evaluate(FactsFrom(*a.Assessment, a.Judgements))
		}
		ap.Strategy = a.Chosen
		for _, sg := range ap.Suggestions {
			if a.Chosen != "" && sg.Strategy == a.Chosen && !sg.Applicable {
				ap.ChoiceWarn = "la strategia scelta non soddisfa i requisiti del kit: " + strings.Join(sg.Missing, "; ")
			}
		}
		if ap.Strategy == "" {
			ap.Strategy, ap.Suggested = Best(ap.Suggestions), true
		}
		ap.ModelWarn = CheckModel(a.Class, a.Model)
		if ap.Strategy != "" {
			target := a.Target
			if target == "" {
				target = PresumedTarget(ap.Strategy)
			}
			ap.PNRR = Admissible(PNRRInput{Class: a.Class, Strategy: ap.Strategy, Origin: a.Origin, Target: target, Started: a.Started, FirstStep: a.FirstStep})
			if a.Target == "" && target != "" {
				ap.PNRR.Reason += " (destinazione presunta: " + target.Label() + ")"
			}
			if _, warn := DeclaredModeOK(a.DeclaredMode, ap.PNRR.Mode); warn != "" {
				ap.ModeWarn = warn
			}
			ap.TCO = ComputeTCO(ap.Strategy, a.Costs, opt.Years)
			if ap.Strategy != Retain {
				p.Total = p.Total.Add(ap.TCO)
			}
			used[ap.Strategy]++
		}
		if ap.Strategy.Moves() {
			size := a.Servers
			if opt.Measure == ByEffort {
				size = a.EffortDays
			}
			nodes = append(nodes, Node{ID: a.ID, Size: size, Deps: a.DependsOn, Priority: ap.Priority})
		}
		p.Apps[i] = ap
	}
	p.Waves = PlanWaves(nodes, opt.Capacity)
	for i := range p.Apps {
		p.Apps[i].Wave = p.Waves.WaveOf[p.Apps[i].App.ID]
	}
	if len(skills) == 0 {
		skills = DefaultSkills()
	}
	for _, s := range Strategies {
		if used[s] == 0 || s == Retain {
			continue
		}
		gaps, ready := Gaps(skills, s)
		p.Skills = append(p.Skills, StrategyGaps{Strategy: s, Apps: used[s], Gaps: gaps, Ready: ready})
	}
	return p
}
