package cloudplan

import (
	"context"
	"fmt"
	"strings"

	"github.com/arengo-pa/arengo/internal/cloudplan/kit"
	"github.com/arengo-pa/arengo/internal/errs"
	"github.com/arengo-pa/arengo/internal/store"
)

// storeParsed writes one parsed file inside tx. Everything is keyed by
// name, so importing the same file twice changes nothing the second time.
func storeParsed(ctx context.Context, tx *store.Tx, p parsed) (string, error) {
	byName, err := appsByName(ctx, tx)
	if err != nil {
		return "", err
	}
	switch {
	case p.apps != nil:
		created, updated := 0, 0
		for _, in := range p.apps {
			a, ok := byName[strings.ToLower(in.Name)]
			if !ok {
				a = &App{}
				a.Name = in.Name
			}
			before := *a
			a.Interlocutor, a.Services, a.Licences = in.Interlocutor, in.Services, in.Licences
			a.Opportunity, a.Risk, a.Ease = in.Opportunity, in.Risk, in.Ease
			if err := saveImported(ctx, tx, a, ok, before, &created, &updated); err != nil {
				return "", err
			}
			byName[strings.ToLower(a.Name)] = a
		}
		return fmt.Sprintf("%d applicativi nuovi, %d aggiornati", created, updated), nil
	case p.assessments != nil:
		created, updated, links := 0, 0, 0
		for i := range p.assessments {
			in := p.assessments[i]
			a, ok := byName[strings.ToLower(in.Name)]
			if !ok {
				a = &App{}
				a.Name, a.Services = in.Name, in.Services
			}
			before := *a
			a.Assessment = &in
			if err := saveImported(ctx, tx, a, ok, before, &created, &updated); err != nil {
				return "", err
			}
			byName[strings.ToLower(a.Name)] = a
		}
		// Dependencies named in the sheets become graph edges when they name
		// a known application; other systems stay as text in the sheet.
		for i := range p.assessments {
			in := p.assessments[i]
			a := byName[strings.ToLower(in.Name)]
			for _, e := range []struct {
				names []string
				kind  string
			}{{in.OnPremDependencies, "dipendenza"}, {in.SameDataApps, "dati_condivisi"}} {
				for _, n := range e.names {
					d, ok := byName[strings.ToLower(n)]
					if !ok || d.ID == a.ID {
						continue
					}
					res, err := tx.ExecContext(ctx, `INSERT INTO cloudplan_dependency (app_id, depends_on, kind) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, a.ID, d.ID, e.kind)
					if err != nil {
						return "", err
					}
					if n, _ := res.RowsAffected(); n > 0 {
						links++
					}
				}
			}
			for _, n := range in.OnPremDependents {
				d, ok := byName[strings.ToLower(n)]
				if !ok || d.ID == a.ID {
					continue
				}
				res, err := tx.ExecContext(ctx, `INSERT INTO cloudplan_dependency (app_id, depends_on) VALUES ($1, $2) ON CONFLICT DO NOTHING`, d.ID, a.ID)
				if err != nil {
					return "", err
				}
				if n, _ := res.RowsAffected(); n > 0 {
					links++
				}
			}
		}
		return fmt.Sprintf("%d schede importate (%d applicativi nuovi), %d dipendenze aggiunte", created+updated, created, links), nil
	case p.skills != nil:
		if _, err := tx.ExecContext(ctx, `DELETE FROM cloudplan_skill`); err != nil {
			return "", err
		}
		for i, s := range p.skills {
			if _, err := tx.ExecContext(ctx, `INSERT INTO cloudplan_skill (name, position, team, required, description) VALUES ($1, $2, $3, $4, $5)`,
				s.Name, i, s.Team, jsonText(s.Required), s.Description); err != nil {
				return "", err
			}
		}
		return fmt.Sprintf("%d competenze importate", len(p.skills)), nil
	case p.servers != nil:
		return storeServers(ctx, tx, p.servers, byName)
	}
	return "nessun dato nel file", nil
}

func saveImported(ctx context.Context, tx *store.Tx, a *App, exists bool, before App, created, updated *int) error {
	if !exists {
		*created++
		if err := insertApp(ctx, tx, a); err != nil {
			return err
		}
		return changed(ctx, tx, "app_imported", "app", a.ID, a.Version, nil, a)
	}
	if jsonText(before) == jsonText(*a) {
		return nil
	}
	*updated++
	if err := updateApp(ctx, tx, a); err != nil {
		return err
	}
	return changed(ctx, tx, "app_imported", "app", a.ID, a.Version, before, a)
}

func appsByName(ctx context.Context, tx *store.Tx) (map[string]*App, error) {
	apps, err := loadApps(ctx, tx)
	if err != nil {
		return nil, err
	}
	m := make(map[string]*App, len(apps))
	for i := range apps {
		apps[i].DependsOn, apps[i].Servers = nil, 0
		m[strings.ToLower(apps[i].Name)] = &apps[i]
	}
	return m, nil
}

// storeServers upserts servers by name and replaces their links to the
// applications named in the file; an application the inventory names but
// the list lacks is added, as the kit asks to re-run the list when new
// applications are found.
func storeServers(ctx context.Context, tx *store.Tx, servers []kit.Server, byName map[string]*App) (string, error) {
	created, updated, newApps := 0, 0, 0
	now := store.Now()
	for _, s := range servers {
		var id string
		err := tx.QueryRowContext(ctx, `SELECT id FROM cloudplan_server WHERE name = $1`, s.Name).Scan(&id)
		switch {
		case isNoRows(err):
			id = store.NewID()
			created++
			_, err = tx.ExecContext(ctx, `INSERT INTO cloudplan_server (id, name, vcpu, memory_mb, disks_mb, os, cluster, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)`, id, s.Name, s.VCPU, s.MemoryMB, jsonText(nonNil(s.DisksMB)), s.OS, s.Cluster, now)
		case err == nil:
			updated++
			_, err = tx.ExecContext(ctx, `UPDATE cloudplan_server SET vcpu = $2, memory_mb = $3, disks_mb = $4, os = $5, cluster = $6, updated_at = $7
				WHERE id = $1`, id, s.VCPU, s.MemoryMB, jsonText(nonNil(s.DisksMB)), s.OS, s.Cluster, now)
		}
		if err != nil {
			return "", err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM cloudplan_server_app WHERE server_id = $1`, id); err != nil {
			return "", err
		}
		for _, name := range s.Applications {
			a, ok := byName[strings.ToLower(name)]
			if !ok {
				a = &App{}
				a.Name = name
				if err := insertApp(ctx, tx, a); err != nil {
					return "", err
				}
				if err := changed(ctx, tx, "app_imported", "app", a.ID, a.Version, nil, a); err != nil {
					return "", err
				}
				byName[strings.ToLower(name)] = a
				newApps++
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO cloudplan_server_app (server_id, app_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, id, a.ID); err != nil {
				return "", err
			}
		}
		if err := changed(ctx, tx, "server_imported", "server", id, 0, nil, s); err != nil {
			return "", err
		}
	}
	return fmt.Sprintf("%d server nuovi, %d aggiornati, %d applicativi aggiunti dall'inventario", created, updated, newApps), nil
}

func nonNil(v []int64) []int64 {
	if v == nil {
		return []int64{}
	}
	return v
}

// userMessage is the message of an error meant for the user, "" otherwise.
func userMessage(err error) string {
	if errs.CodeOf(err) != errs.EINTERNAL {
		return errs.MessageOf(err)
	}
	return ""
}
