package reports

import (
	"encoding/csv"
	"net/http"
	"time"
)

// publicCSV exports the public list with the GeoReport Bulk columns (open
// data): no reporter field, only public reports.
func (m *Module) publicCSV(w http.ResponseWriter, r *http.Request) {
	f := filterFrom(r.URL.Query())
	f.Public, f.Size = true, 1000
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", "attachment; filename=\"segnalazioni-pubbliche.csv\"")
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"service_request_id", "requested_datetime", "updated_datetime", "closed_date", "status_description",
		"source", "service_name", "description", "agency_responsible", "address", "lat", "long"})
	for page := 1; ; page++ {
		f.Page = page
		list, _, err := m.svc.List(r.Context(), f)
		if err != nil {
			m.deps.Log.Error("reports public csv", "err", err)
			return
		}
		for _, rep := range list {
			_ = cw.Write([]string{rep.Number, rep.CreatedAt.Format(time.RFC3339), rep.UpdatedAt.Format(time.RFC3339),
				timeOrEmpty(rep.ClosedAt.Time), rep.StateLabel, rep.Channel, rep.CategoryName, rep.Title + "\n" + rep.Details,
				rep.Office, rep.Address, coord(rep.Lat.Float64, rep.Lat.Valid), coord(rep.Lon.Float64, rep.Lon.Valid)})
		}
		if len(list) < f.Size {
			break
		}
	}
	cw.Flush()
}
