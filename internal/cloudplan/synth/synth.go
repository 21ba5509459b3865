// Package synth generates a synthetic application portfolio shaped like a
// large Comune's (Padova: ~300 virtual servers, 200+ applications): for the
// benchmark and the demo data. Same seed, same portfolio.
package synth

import (
	"fmt"
	"math/rand"

	"github.com/arengo-pa/arengo/internal/cloudplan/kit"
	"github.com/arengo-pa/arengo/internal/cloudplan/plan"
)

// Portfolio is a generated inventory.
type Portfolio struct {
	Apps    []plan.App
	Servers []kit.Server
}

var areas = []string{"Anagrafe", "Stato civile", "Elettorale", "Protocollo", "Albo pretorio", "Atti amministrativi",
	"Tributi", "Contabilità", "Economato", "Personale", "Paghe", "SUAP", "SUE", "Polizia locale", "Servizi sociali",
	"Mensa scolastica", "Biblioteche", "Cimiteri", "Patrimonio", "Lavori pubblici", "GIS", "Portale istituzionale",
	"Protezione civile", "Segnalazioni", "Musei", "Sport", "Mobilità", "Ambiente", "Contratti", "Conservazione"}

var vendors = []string{"Fornitore regionale", "Software house locale", "Sviluppo interno", "Grande vendor", "Ente pubblico (riuso)"}
var ratings = []string{"Alto", "Medio", "Basso"}
var oses = []string{"Debian 12", "Rocky Linux 9", "Ubuntu 22.04", "Windows Server 2019", "Windows Server 2012 R2", "CentOS 7"}

// Generate builds nApps applications over nServers servers.
func Generate(seed int64, nServers, nApps int) Portfolio {
	r := rand.New(rand.NewSource(seed))
	p := Portfolio{Apps: make([]plan.App, nApps)}
	core := max(1, nApps/5)
	for i := range p.Apps {
		area := areas[i%len(areas)]
		name := fmt.Sprintf("%s %d.%d", area, 1+i/len(areas), r.Intn(10))
		a := plan.App{ID: fmt.Sprintf("app-%04d", i), Name: name,
			Opportunity: ratings[r.Intn(3)], Risk: ratings[r.Intn(3)], Ease: ratings[r.Intn(3)],
			Class:      []plan.Class{plan.Ordinario, plan.Ordinario, plan.Critico, plan.Strategico, ""}[r.Intn(5)],
			Origin:     []plan.Origin{plan.OnPremStrutturato, plan.OnPremStrutturato, plan.OnPremDestrutturato, plan.IaaSNonQualificato}[r.Intn(4)],
			EffortDays: 2 + r.Intn(40), State: plan.StateToAssess}
		// Most destinations fit the class; a few do not, as in real plans.
		if allowed := plan.Allowed(a.Class); len(allowed) > 0 && r.Intn(2) == 0 {
			a.Model = allowed[r.Intn(len(allowed))]
			if r.Intn(8) == 0 {
				a.Model = plan.PubblicoQualificato
			}
		}
		a.Assessment = assessment(r, name, area)
		a.Judgements = plan.Judgements{StackObsolete: r.Intn(5) == 0, StackSupportedCSP: r.Intn(2) == 0, StackModular: r.Intn(2) == 0,
			LicencesTransferable: kit.Tri(r.Intn(3))}
		cloud := int64(1000+r.Intn(20000)) * 100
		a.Costs = plan.Costs{OnPremYear: int64(2000+r.Intn(30000)) * 100, Initial: int64(1000+r.Intn(40000)) * 100, Termination: int64(r.Intn(5000)) * 100}
		if r.Intn(3) > 0 {
			a.Costs.CloudYear = &cloud
		}
		// Mostly a DAG towards the core services, plus a few back edges
		// that make cycles, as real portfolios have.
		if i > 0 {
			for k := r.Intn(4); k > 0; k-- {
				a.DependsOn = appendUnique(a.DependsOn, fmt.Sprintf("app-%04d", r.Intn(min(i, core))))
			}
		}
		p.Apps[i] = a
	}
	// A few core services also depend back on one of their dependents
	// (shared data kept in sync both ways): those pairs must move together.
	for i := core; i < nApps; i++ {
		if deps := p.Apps[i].DependsOn; len(deps) > 0 && r.Intn(30) == 0 {
			var k int
			fmt.Sscanf(deps[0], "app-%d", &k)
			p.Apps[k].DependsOn = appendUnique(p.Apps[k].DependsOn, p.Apps[i].ID)
		}
	}
	p.Servers = make([]kit.Server, nServers)
	for i := range p.Servers {
		app := &p.Apps[i%max(1, nApps)]
		if i >= nApps && nApps > 0 {
			app = &p.Apps[r.Intn(nApps)]
		}
		s := kit.Server{Name: fmt.Sprintf("srv-%03d", i), VCPU: []int{1, 2, 2, 4, 4, 8, 16}[r.Intn(7)],
			MemoryMB: int64([]int{2, 4, 8, 8, 16, 32, 64}[r.Intn(7)]) * 1024, DisksMB: []int64{int64(20+r.Intn(200)) * 1024},
			OS: oses[r.Intn(len(oses))], Cluster: fmt.Sprintf("CL-%c", 'A'+r.Intn(4))}
		if r.Intn(3) == 0 {
			s.DisksMB = append(s.DisksMB, int64(100+r.Intn(900))*1024)
		}
		if nApps > 0 {
			s.Applications = []string{app.Name}
			app.Servers++
		}
		p.Servers[i] = s
	}
	return p
}

func appendUnique(list []string, v string) []string {
	for _, x := range list {
		if x == v {
			return list
		}
	}
	return append(list, v)
}

func assessment(r *rand.Rand, name, area string) *kit.Assessment {
	a := &kit.Assessment{Name: name, Services: area,
		Stack:              []string{"PostgreSQL 15, Java 17, Tomcat 10", "Oracle 12c, .NET 4.8, IIS", "MySQL 8, PHP 8, Apache", "SQL Server 2016, ASP.NET"}[r.Intn(4)],
		HardwareDependency: []string{"macchine virtuali", "macchine virtuali", "container", "server fisico", "VM e un server fisico"}[r.Intn(5)],
		Modifiability:      kit.Modifiabilities[r.Intn(3)],
		Connectivity:       []string{"Internet", "Internet", "Internet", "Rete locale"}[r.Intn(4)],
		ValidationTests:    []string{"Sì", "No", ""}[r.Intn(3)],
		TechDocs:           []string{"Sì", "No", "parziale"}[r.Intn(3)],
		DataImport:         []string{"Sì", "No", ""}[r.Intn(3)],
		Evolution:          []string{"bassa", "media", "alta", ""}[r.Intn(4)],
		Usage:              fmt.Sprintf("CPU %d%%, RAM %d%%", 5+r.Intn(90), 10+r.Intn(85)),
		PeriodsWeek:        []string{"utilizzo omogeneo", "lun-ven 8-14"}[r.Intn(2)],
	}
	if r.Intn(2) == 0 {
		a.ReplaceableComponents = []string{[]string{"database", "SMTP", "LDAP", "load balancer"}[r.Intn(4)]}
	}
	if r.Intn(3) == 0 {
		a.SaaSAlternatives = []string{"Soluzione SaaS qualificata per " + area}
	}
	users := int64(r.Intn(500))
	peak := users * int64(1+r.Intn(4))
	writes := int64(r.Intn(3) * r.Intn(10000))
	reads := int64(r.Intn(50000))
	a.UsersAvg, a.UsersMax, a.WritesPerYear, a.ReadsPerYear = &users, &peak, &writes, &reads
	return a
}
