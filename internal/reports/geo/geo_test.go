package geo

import (
	"math"
	"math/rand/v2"
	"testing"
)

var padova = Point{Lat: 45.4064, Lon: 11.8768}

func TestDistanceKnownValues(t *testing.T) {
	venezia := Point{Lat: 45.4408, Lon: 12.3155}
	if d := Distance(padova, venezia); math.Abs(d-34500) > 500 {
		t.Errorf("Padova–Venezia = %.0f m, want about 34.5 km", d)
	}
	north := Point{Lat: padova.Lat + 0.001, Lon: padova.Lon}
	if d := Distance(padova, north); math.Abs(d-111.2) > 0.5 {
		t.Errorf("0.001° of latitude = %.2f m, want 111.2", d)
	}
	if Distance(padova, padova) != 0 {
		t.Error("distance to itself")
	}
}

func TestBoxAroundHoldsEveryPointWithinRadius(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, c := range []Point{padova, {Lat: 70, Lon: 20}, {Lat: -33.9, Lon: 18.4}} {
		for _, radius := range []float64{50, 250, 1000} {
			b := BoxAround(c, radius)
			for range 2000 {
				p := Point{Lat: c.Lat + (rng.Float64()-0.5)*0.05, Lon: c.Lon + (rng.Float64()-0.5)*0.05}
				if Distance(c, p) <= radius && !b.Contains(p) {
					t.Fatalf("%v within %.0f m of %v but outside %+v", p, radius, c, b)
				}
			}
			// The box is tight: its corners lie within sqrt(2)·radius + slack.
			if d := Distance(c, Point{b.MaxLat, b.MaxLon}); d > radius*1.5 {
				t.Errorf("box around %v r=%.0f too loose: corner at %.0f m", c, radius, d)
			}
		}
	}
}

func TestNearestOrdersAndFilters(t *testing.T) {
	items := []Point{
		{padova.Lat + 0.002, padova.Lon},  // ~222 m
		{padova.Lat + 0.0005, padova.Lon}, // ~56 m
		{padova.Lat + 0.01, padova.Lon},   // ~1.1 km
		{padova.Lat, padova.Lon + 0.001},  // ~78 m
	}
	got := Nearest(padova, 250, 2, items, func(p Point) Point { return p })
	if len(got) != 2 || got[0].Item != items[1] || got[1].Item != items[3] {
		t.Errorf("nearest = %+v", got)
	}
	if all := Nearest(padova, 250, 0, items, func(p Point) Point { return p }); len(all) != 3 {
		t.Errorf("within 250 m = %d, want 3", len(all))
	}
}

func TestPolygonContains(t *testing.T) {
	square := Polygon{{45.40, 11.87}, {45.40, 11.88}, {45.41, 11.88}, {45.41, 11.87}}
	if !square.Contains(Point{45.405, 11.875}) {
		t.Error("centre not inside")
	}
	if square.Contains(Point{45.415, 11.875}) || square.Contains(Point{45.405, 11.869}) {
		t.Error("outside point inside")
	}
	if b := square.Bounds(); b.MinLat != 45.40 || b.MaxLon != 11.88 {
		t.Errorf("bounds %+v", b)
	}
}
