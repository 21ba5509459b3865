package snapshot

// JSONSchema is the JSON Schema (draft 2020-12) of one table's rows.
func JSONSchema(t Table) map[string]any {
	props := map[string]any{}
	required := []string{}
	for _, c := range t.Columns {
		var p map[string]any
		switch c.Type {
		case Integer:
			p = map[string]any{"type": "integer"}
		case Boolean:
			p = map[string]any{"type": "boolean"}
		case Timestamp:
			p = map[string]any{"type": "string", "format": "date-time"}
		case Real:
			p = map[string]any{"type": "number"}
		case Bytes:
			p = map[string]any{"type": "string", "contentEncoding": "base64"}
		default:
			p = map[string]any{"type": "string"}
		}
		if c.Nullable {
			p["type"] = []any{p["type"], "null"}
		}
		props[c.Name] = p
		required = append(required, c.Name)
	}
	pk := t.PrimaryKey
	if pk == nil {
		pk = []string{}
	}
	return map[string]any{
		"$schema":              "https://json-schema.org/draft/2020-12/schema",
		"$id":                  "https://arengo.it/export/v1/" + t.Name + ".schema.json",
		"title":                t.Name,
		"type":                 "object",
		"properties":           props,
		"required":             required,
		"additionalProperties": false,
		"x-primary-key":        pk,
	}
}
