package open311

import (
	"slices"
	"strconv"
	"strings"
)

// Check validates the answers of a POST against the definition: required
// questions answered, list values among the keys, numbers and datetimes
// parseable, single-line strings without line breaks. It returns the answers
// normalised (datetimes as RFC 3339 UTC) and keeps only variable attributes
// the definition knows: clients such as FixMyStreet always send extra ones.
func (d ServiceDefinition) Check(answers map[string][]string) (map[string][]string, error) {
	var p problems
	out := map[string][]string{}
	for _, a := range d.Attributes {
		if !a.Variable {
			continue
		}
		vals := answers[a.Code]
		if len(vals) == 0 {
			if a.Required {
				p.add("attribute[%s] obbligatorio: %s", a.Code, a.Description)
			}
			continue
		}
		if a.Datatype != MultiValueList && len(vals) > 1 {
			p.add("attribute[%s] ammette un solo valore", a.Code)
			continue
		}
		norm := make([]string, 0, len(vals))
		for _, v := range vals {
			nv, ok := a.normalise(v)
			if !ok {
				p.add("attribute[%s]: %q non è valido (%s)", a.Code, v, a.expects())
				continue
			}
			norm = append(norm, nv)
		}
		out[a.Code] = norm
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	return out, nil
}

func (a Attribute) normalise(v string) (string, bool) {
	switch a.Datatype {
	case Number:
		f, err := strconv.ParseFloat(strings.Replace(v, ",", ".", 1), 64)
		if err != nil || f != f {
			return "", false
		}
		return strconv.FormatFloat(f, 'f', -1, 64), true
	case Datetime:
		t, err := ParseTime(v)
		if err != nil {
			return "", false
		}
		return t.Format("2006-01-02T15:04:05Z07:00"), true
	case String:
		return v, !strings.ContainsAny(v, "\r\n")
	case SingleValueList, MultiValueList:
		return v, slices.ContainsFunc(a.Values, func(x Value) bool { return x.Key == v })
	}
	return v, true
}

func (a Attribute) expects() string {
	switch a.Datatype {
	case Number:
		return "atteso un numero"
	case Datetime:
		return "attesa una data W3C con fuso orario"
	case String:
		return "atteso testo su una riga"
	case SingleValueList, MultiValueList:
		keys := make([]string, len(a.Values))
		for i, v := range a.Values {
			keys[i] = v.Key
		}
		return "valori ammessi: " + strings.Join(keys, ", ")
	}
	return "testo"
}
