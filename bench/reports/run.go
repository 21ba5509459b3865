package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"github.com/arengo-pa/arengo/internal/kernel"
	"github.com/arengo-pa/arengo/internal/reports"
	"github.com/arengo-pa/arengo/internal/reports/geo"
	"github.com/arengo-pa/arengo/internal/store"
)

func sleep(ms int) { time.Sleep(time.Duration(ms) * time.Millisecond) }

func run(ctx context.Context, engine string, n int, d time.Duration, conc int) (result, error) {
	res := result{engine: engine, reports: n}
	now := store.Now()
	var cats []reports.Category
	var started time.Time // the server starts, and builds its listing index
	a, err := start(ctx, engine, func(k *kernel.App, mod *reports.Module) error {
		t0 := time.Now()
		var err error
		if cats, err = generate(ctx, k.Deps.DB, mod.Service(), n, now); err != nil {
			return err
		}
		res.generate = time.Since(t0)
		if engine == "postgres" {
			// What autovacuum does to a loaded table: statistics and the
			// visibility map (index-only scans need it).
			if _, err := k.Deps.DB.ExecContext(ctx, `VACUUM ANALYZE`); err != nil {
				return err
			}
		}
		res.heapBefore = heapInUse()
		started = time.Now()
		return nil
	})
	if err != nil {
		return res, err
	}
	defer a.stop()
	db, svc := a.Deps.DB, a.mod.Service()
	before := loadAvg()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: conc * 2}}

	// Listing: the 90 days before now, five categories, both statuses,
	// a page of 1,000.
	codes := make([]string, 5)
	for i := range codes {
		codes[i] = cats[i].Code
	}
	q := url.Values{"start_date": {now.Add(-89 * 24 * time.Hour).Format(time.RFC3339)}, "end_date": {now.Format(time.RFC3339)},
		"service_code": {strings.Join(codes, ",")}, "status": {"open,closed"}, "page_size": {"1000"}}
	listURL := a.url + "/open311/v2/requests.json?" + q.Encode()
	// The process builds its listing index from the table as it starts: the
	// first page comes when it is ready. Its time since the start, and the
	// Go heap before the start and after that page.
	var body []byte
	profiled(engine+".first", func() { body, err = fetch(client, listURL) })
	if err != nil {
		return res, err
	}
	res.firstPage, res.heapAfter = time.Since(started), heapInUse()
	var page []map[string]any
	if err := json.Unmarshal(body, &page); err != nil {
		return res, fmt.Errorf("open311 page: %w", err)
	}
	res.pageBytes, res.pageItems = len(body), len(page)
	a.floor.body = body
	// Each floor is measured before and after what it is the floor of, and
	// the two are pooled: on a shared machine the load drifts during a run,
	// and a floor measured at one end only would carry the drift into the ratio.
	floorList := func(half string) stats {
		return load(engine+".floor"+half, "same bytes, pre-encoded handler", conc, d, func(int, int) error {
			_, err := fetch(client, a.url+"/bench/floor.json")
			return err
		})
	}
	listFloorBefore := floorList("-before")
	res.list = load(engine+".list", "GET /open311/v2/requests.json (page of 1,000)", conc, d, func(int, int) error {
		_, err := fetch(client, listURL)
		return err
	})
	// The same query made unique each time, so the page cache never hits.
	var nonce atomic.Int64
	res.listUncached = load(engine+".uncached", "same, uncached (distinct query each time; fragments remembered)", conc, d, func(int, int) error {
		_, err := fetch(client, listURL+"&nocache="+fmt.Sprint(nonce.Add(1)))
		return err
	})
	// Neither cache: the process's fragment memo is emptied before every
	// request, so every fragment is read from the database.
	res.listCold = load(engine+".cold", "same, uncached and fragments not remembered", conc, d, func(int, int) error {
		svc.ForgetOpen311Fragments()
		_, err := fetch(client, listURL+"&nocache="+fmt.Sprint(nonce.Add(1)))
		return err
	})
	res.listFloor = pool(listFloorBefore, floorList("-after"))

	// The floor stores the same row as the module, pre-rendered Open311
	// fragment included (rendered once here, outside the timing: rendering
	// is the module's work, storing the bytes is the row's).
	sample, err := reports.Open311Fragment(&reports.Report{Number: "SGN-2026-000001", StateType: "open", Title: "Buca profonda",
		Details: "Buca profonda\nDavanti al civico 12", Lat: sql.NullFloat64{Float64: 45.4, Valid: true}, Lon: sql.NullFloat64{Float64: 11.87, Valid: true},
		CreatedAt: now, UpdatedAt: now, DeadlineAt: now.Add(15 * 24 * time.Hour)})
	if err != nil {
		return res, err
	}
	var seq atomic.Int64
	floorInsert := func(withFragment bool) func(w, i int) error {
		cols, vals := "", ""
		if withFragment {
			cols, vals = ", o311_json, o311_xml", ",$12,$13"
		}
		return func(w, i int) error {
			id := store.NewID()
			ts := store.Now()
			args := []any{id, fmt.Sprintf("FLOOR-%d", seq.Add(1)), id, cats[i%len(cats)].ID, "Buca profonda",
				"Buca profonda\nDavanti al civico 12", 45.40 + float64(i%100)/10000, 11.87, "mario@example.it", ts, ts.Add(15 * 24 * time.Hour)}
			if withFragment {
				args = append(args, sample.JSON, sample.XML)
			}
			_, err := db.Writer().ExecContext(ctx, `INSERT INTO reports_report (id, number, token, category_id, state, state_type, title, details,
			lat, lon, address, address_id, zipcode, priority, office, operator, channel, reporter_kind, reporter_email, answers, media_url,
			confirm_code, created_at, updated_at, deadline_at, version`+cols+`) VALUES ($1,$2,$3,$4,'confirmed','open',$5,$6,$7,$8,'','','',2,'','',
			'open311','api',$9,'{}','','',$10,$10,$11,1`+vals+`)`, args...)
			return err
		}
	}
	// Creation through Open311 against a bare INSERT of the same row. On
	// PostgreSQL each of these starts right after a checkpoint: one that
	// fell inside a single measurement (the generator's WAL makes them
	// frequent) would make it log a full image of every page it touches
	// first, and the floors measured at different moments disagreed by up
	// to 1.7× for that.
	settle := func() {
		if engine == "postgres" {
			if _, err := db.ExecContext(ctx, `CHECKPOINT`); err != nil {
				fmt.Println("  checkpoint:", err)
			}
		}
	}
	settle()
	createFloorBefore := load(engine+".insert-before", "bare INSERT of the same row", conc, d, floorInsert(true))
	settle()
	leanBefore := load(engine+".insert-lean-before", "bare INSERT without the fragment columns", conc, d, floorInsert(false))
	settle()
	key := apiKey(ctx, a)
	res.create = load(engine+".create", "POST /open311/v2/requests.json", conc, d, func(w, i int) error {
		form := url.Values{"api_key": {key}, "service_code": {cats[i%len(cats)].Code}, "lat": {fmt.Sprint(45.40 + float64(i%100)/10000)},
			"long": {"11.87"}, "description": {"Buca profonda\nDavanti al civico 12"}, "email": {"mario@example.it"}}
		resp, err := client.PostForm(a.url+"/open311/v2/requests.json", form)
		if err != nil {
			return err
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			return fmt.Errorf("status %d: %s", resp.StatusCode, b)
		}
		return nil
	})
	settle()
	res.createFloor = pool(createFloorBefore, load(engine+".insert-after", "bare INSERT of the same row", conc, d, floorInsert(true)))
	settle()
	res.createFloorLean = pool(leanBefore, load(engine+".insert-lean-after", "bare INSERT without the fragment columns", conc, d, floorInsert(false)))

	// Nearby duplicates at random points of the city.
	rng := rand.New(rand.NewPCG(7, 7))
	var found atomic.Int64
	res.nearby = load(engine+".nearby", "nearby-duplicates lookup", 1, d, func(int, int) error {
		p := geo.Point{Lat: padova[0] + (rng.Float64()-0.5)*0.1, Lon: padova[1] + (rng.Float64()-0.5)*0.14}
		near, err := svc.Nearby(ctx, cats[rng.IntN(len(cats))].Code, p)
		found.Add(int64(len(near)))
		return err
	})
	if res.nearby.ops > 0 {
		res.nearbyFound = float64(found.Load()) / float64(res.nearby.ops)
	}
	res.load = before + " before the measurements, " + loadAvg() + " after"
	return res, nil
}

// heapInUse is the live Go heap after a collection.
func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

func fetch(c *http.Client, u string) ([]byte, error) {
	resp, err := c.Get(u)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		return nil, fmt.Errorf("GET %s: %d %s", u, resp.StatusCode, b)
	}
	return b, err
}

func apiKey(ctx context.Context, a *app) string {
	var key string
	err := a.Deps.DB.Transact(ctx, func(tx *store.Tx) error {
		var err error
		_, key, err = a.Deps.Auth.CreateAPIKey(ctx, tx, "bench", []string{reports.PermOpen311})
		return err
	})
	if err != nil {
		panic(err)
	}
	return key
}
