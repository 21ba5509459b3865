package main

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/arengo-pa/arengo/internal/reports"
	"github.com/arengo-pa/arengo/internal/reports/workflow"
	"github.com/arengo-pa/arengo/internal/store"
)

// categories are the modello Comuni list plus the usual Padova split.
var categories = []string{
	"Buche stradali", "Marciapiedi dissestati", "Segnaletica", "Semafori guasti", "Illuminazione pubblica",
	"Rifiuti abbandonati", "Cestini pieni", "Pulizia strade", "Graffiti", "Alberi pericolosi",
	"Verde pubblico", "Giochi nei parchi", "Allagamenti", "Tombini", "Fognature",
	"Arredo urbano", "Animali randagi", "Disinfestazione", "Barriere architettoniche", "Rumore",
}

var padova = [2]float64{45.4064, 11.8768}

// generate fills the database with n reports over the five years before
// now: evenly spread in time and inserted in time order, spread over about 12 × 12 km around the centre,
// older reports mostly fixed or closed, recent ones mostly open. Rows go in
// with multi-row INSERTs, straight into the module's tables: this is test
// data, not a module write, so it skips the outbox.
func generate(ctx context.Context, db *store.DB, svc *reports.Service, n int, now time.Time) ([]reports.Category, error) {
	var cats []reports.Category
	for i, name := range categories {
		c, err := svc.SaveCategory(ctx, reports.Category{Code: fmt.Sprintf("c%02d", i+1), Name: name, RadiusM: 250, DeadlineDays: 15, Active: true})
		if err != nil {
			return nil, err
		}
		cats = append(cats, c)
	}
	rng := rand.New(rand.NewPCG(42, 2026))
	span := 5 * 365 * 24 * time.Hour
	perYear := map[int]int{}
	cols := []string{"id", "number", "token", "category_id", "state", "state_type", "title", "details", "lat", "lon", "address",
		"channel", "reporter_kind", "reporter_fc", "reporter_email", "created_at", "updated_at", "taken_at", "fixed_at", "closed_at", "deadline_at",
		"o311_json", "o311_xml"}
	ph := make([]string, len(cols))
	for i := range ph {
		ph[i] = fmt.Sprintf("$%d", i+1)
	}
	// One prepared single-row INSERT per transaction: SQLite looks $N names
	// up linearly, so multi-row statements with thousands of parameters
	// cost quadratic time.
	insert := "INSERT INTO reports_report (" + strings.Join(cols, ",") + ") VALUES (" + strings.Join(ph, ",") + ")"
	const perTx = 10_000
	for done := 0; done < n; {
		err := db.Transact(ctx, func(tx *store.Tx) error {
			stmt, err := tx.PrepareContext(ctx, insert)
			if err != nil {
				return err
			}
			defer stmt.Close()
			for inTx := 0; inTx < perTx && done < n; inTx++ {
				args, err := row(rng, cats, now, span, perYear, done, n)
				if err != nil {
					return err
				}
				if _, err := stmt.ExecContext(ctx, args...); err != nil {
					return fmt.Errorf("generate: %w", err)
				}
				done++
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return cats, db.Transact(ctx, func(tx *store.Tx) error {
		for y, last := range perYear {
			if _, err := tx.ExecContext(ctx, `INSERT INTO reports_counter (year, last) VALUES ($1, $2)
				ON CONFLICT (year) DO UPDATE SET last = $2`, y, last); err != nil {
				return err
			}
		}
		return nil
	})
}

func row(rng *rand.Rand, cats []reports.Category, now time.Time, span time.Duration, perYear map[int]int, seq, total int) ([]any, error) {
	// Reports arrive in time order, as in production, so a time window is a
	// contiguous run of table pages.
	created := now.Add(-span + time.Duration(float64(span)*float64(seq)/float64(total)) + time.Duration(rng.Int64N(int64(time.Minute)))).UTC().Truncate(time.Microsecond)
	year := created.Year()
	perYear[year]++
	cat := cats[rng.IntN(len(cats))]
	lat := padova[0] + (rng.Float64()-0.5)*0.11
	lon := padova[1] + (rng.Float64()-0.5)*0.155
	age := now.Sub(created)
	state, typ := "confirmed", workflow.Open
	var taken, fixed, closed any
	switch p := rng.Float64(); {
	case age > 60*24*time.Hour && p < 0.8, age > 15*24*time.Hour && p < 0.5:
		state, typ = "fixed_council", workflow.Fixed
		t1 := created.Add(time.Duration(rng.Int64N(int64(72 * time.Hour))))
		t2 := t1.Add(time.Duration(rng.Int64N(int64(25 * 24 * time.Hour))))
		taken, fixed, closed = t1, t2, t2
	case age > 60*24*time.Hour && p < 0.93:
		state, typ = "not_responsible", workflow.Closed
		t1 := created.Add(time.Duration(rng.Int64N(int64(72 * time.Hour))))
		taken, closed = t1, t1
	case p < 0.97:
		state = "in_progress"
		taken = created.Add(time.Duration(rng.Int64N(int64(72 * time.Hour))))
	}
	id := store.NewID()
	r := &reports.Report{ID: id, Number: fmt.Sprintf("SGN-%d-G%07d", year, perYear[year]), StateType: typ,
		Title: "Segnalazione " + cat.Name, Details: "Descrizione generata per il banco di prova",
		Lat: sql.NullFloat64{Float64: lat, Valid: true}, Lon: sql.NullFloat64{Float64: lon, Valid: true},
		Address: "Via di prova " + fmt.Sprint(rng.IntN(200)+1), CreatedAt: created, UpdatedAt: created, DeadlineAt: created.Add(15 * 24 * time.Hour)}
	// The stored Open311 fragment, rendered as the module renders it.
	frag, err := reports.Open311Fragment(r)
	if err != nil {
		return nil, err
	}
	return []any{id, r.Number, id, cat.ID, state, string(typ), r.Title, r.Details, lat, lon, r.Address,
		"web", "citizen", "RSSMRA80A01H501U", "cittadino@example.it", created, created, taken, fixed, closed,
		r.DeadlineAt, frag.JSON, frag.XML}, nil
}
