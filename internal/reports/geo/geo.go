// Package geo holds the little geometry the reports module needs: distances
// on the sphere, the bounding box that lets an ordinary (lat, lon) index
// answer "what is near here", and point-in-polygon for the comune's areas.
package geo

import (
	"fmt"
	"math"
	"sort"
)

// earthRadius is the mean Earth radius in metres (IUGG).
const earthRadius = 6371008.8

// Point is a WGS84 position in decimal degrees.
type Point struct {
	Lat, Lon float64
}

// Valid tells whether p is a position on Earth.
func (p Point) Valid() bool {
	return p.Lat >= -90 && p.Lat <= 90 && p.Lon >= -180 && p.Lon <= 180
}

func (p Point) String() string { return fmt.Sprintf("%.6f,%.6f", p.Lat, p.Lon) }

func rad(d float64) float64 { return d * math.Pi / 180 }

// Distance is the great-circle distance in metres (haversine).
func Distance(a, b Point) float64 {
	dLat := rad(b.Lat - a.Lat)
	dLon := rad(b.Lon - a.Lon)
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(rad(a.Lat))*math.Cos(rad(b.Lat))*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * earthRadius * math.Asin(math.Min(1, math.Sqrt(h)))
}

// Box is a latitude/longitude rectangle.
type Box struct {
	MinLat, MaxLat, MinLon, MaxLon float64
}

// Contains tells whether p lies inside b (edges included).
func (b Box) Contains(p Point) bool {
	return p.Lat >= b.MinLat && p.Lat <= b.MaxLat && p.Lon >= b.MinLon && p.Lon <= b.MaxLon
}

// BoxAround is the smallest rectangle holding every point within radius
// metres of c, so a range scan on a (lat, lon) index finds all candidates and
// Distance then drops the corners. Near the poles or the antimeridian (not a
// comune's case) it widens to the full longitude range rather than wrap.
func BoxAround(c Point, radius float64) Box {
	dLat := radius / earthRadius * 180 / math.Pi
	b := Box{MinLat: c.Lat - dLat, MaxLat: c.Lat + dLat, MinLon: -180, MaxLon: 180}
	if b.MaxLat >= 90 || b.MinLat <= -90 {
		b.MinLat, b.MaxLat = math.Max(b.MinLat, -90), math.Min(b.MaxLat, 90)
		return b
	}
	// Longitude span at the box's widest latitude.
	lat := math.Max(math.Abs(b.MinLat), math.Abs(b.MaxLat))
	dLon := dLat / math.Cos(rad(lat))
	if c.Lon-dLon < -180 || c.Lon+dLon > 180 {
		return b
	}
	b.MinLon, b.MaxLon = c.Lon-dLon, c.Lon+dLon
	return b
}

// Near is a candidate with its distance from the reference point.
type Near[T any] struct {
	Item   T
	Metres float64
}

// Nearest keeps the candidates within radius of c, closest first (ties
// keep the input order, so pass them most recent first), at most limit.
func Nearest[T any](c Point, radius float64, limit int, items []T, pos func(T) Point) []Near[T] {
	var out []Near[T]
	for _, it := range items {
		if d := Distance(c, pos(it)); d <= radius {
			out = append(out, Near[T]{Item: it, Metres: d})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Metres < out[j].Metres })
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out
}

// Polygon is a closed ring of points (the last need not repeat the first),
// e.g. the boundary of a quartiere.
type Polygon []Point

// Contains uses ray casting; points on an edge may fall either way, which is
// fine for assigning reports to areas.
func (pg Polygon) Contains(p Point) bool {
	in := false
	for i, j := 0, len(pg)-1; i < len(pg); j, i = i, i+1 {
		a, b := pg[i], pg[j]
		if (a.Lat > p.Lat) != (b.Lat > p.Lat) &&
			p.Lon < (b.Lon-a.Lon)*(p.Lat-a.Lat)/(b.Lat-a.Lat)+a.Lon {
			in = !in
		}
	}
	return in
}

// Bounds is the rectangle around the polygon.
func (pg Polygon) Bounds() Box {
	b := Box{MinLat: 90, MaxLat: -90, MinLon: 180, MaxLon: -180}
	for _, p := range pg {
		b.MinLat, b.MaxLat = math.Min(b.MinLat, p.Lat), math.Max(b.MaxLat, p.Lat)
		b.MinLon, b.MaxLon = math.Min(b.MinLon, p.Lon), math.Max(b.MaxLon, p.Lon)
	}
	return b
}
