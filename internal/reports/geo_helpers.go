package reports

import "github.com/arengo-pa/arengo/internal/reports/geo"

func pointOf(r *Report) geo.Point { return geo.Point{Lat: r.Lat.Float64, Lon: r.Lon.Float64} }
