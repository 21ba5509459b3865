// Package open311 speaks Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2):
// the resources the spec defines, their JSON and XML encodings in the Spark
// convention, the spec's error format, and the parsing of the inputs — the
// form-encoded POST with its attribute[code] syntax and the filters of
// GET requests with the spec's limits — plus the extensions real deployments
// use (page/page_size, notes, servicerequestupdates, media).
//
// It knows nothing about storage or HTTP routing: the reports module maps its
// own rows to these types.
package open311
