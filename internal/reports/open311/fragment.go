package open311

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"strings"
)

// A Fragment is one Request already encoded in JSON and XML, as it appears
// inside a RequestList, so that a listing is a concatenation instead of an
// encoding. The fields that come from shared tables — status_notes (the
// state's label), service_name, service_code and service_notice (the
// category's) — and the site's base URL before a relative media path are left
// as holes, one marker byte each, filled when the listing is assembled:
// renaming a category or a state then changes no stored fragment. The marker
// bytes are control characters that no encoded value can contain (JSON
// escapes them, XML replaces them), so they are found by a byte search.
//
// Every byte of a filled fragment comes from the same encoders Encode uses,
// and the tests check that an assembled page equals Encode of the same list.
type Fragment struct {
	JSON string
	XML  string
}

// Hole markers, in the order they appear.
const (
	holeStatusNotes = '\x01'
	holeService     = '\x02'
	holeNotice      = '\x03'
	holeBase        = '\x04'
)

// NewFragment encodes r without its shared fields (StatusNotes,
// ServiceName, ServiceCode, ServiceNotice are ignored) and without Notes.
// A MediaURL starting with "/" is a path on this site: the base URL goes in
// front of it when the page is assembled.
func NewFragment(r Request) (Fragment, error) {
	type head struct {
		ServiceRequestID string `xml:"service_request_id" json:"service_request_id"`
		Status           string `xml:"status" json:"status"`
	}
	type middle struct {
		Description       Text `xml:"description" json:"description"`
		AgencyResponsible Text `xml:"agency_responsible" json:"agency_responsible"`
	}
	type tail struct {
		RequestedDatetime Time    `xml:"requested_datetime" json:"requested_datetime"`
		UpdatedDatetime   Time    `xml:"updated_datetime" json:"updated_datetime"`
		ExpectedDatetime  Time    `xml:"expected_datetime" json:"expected_datetime"`
		Address           Text    `xml:"address" json:"address"`
		AddressID         Text    `xml:"address_id" json:"address_id"`
		Zipcode           Text    `xml:"zipcode" json:"zipcode"`
		Lat               float64 `xml:"lat" json:"lat"`
		Long              float64 `xml:"long" json:"long"`
	}
	h := head{r.ServiceRequestID, r.Status}
	m := middle{r.Description, r.AgencyResponsible}
	t := tail{r.RequestedDatetime, r.UpdatedDatetime, r.ExpectedDatetime, r.Address, r.AddressID, r.Zipcode, r.Lat, r.Long}
	relative := strings.HasPrefix(string(r.MediaURL), "/")

	var j strings.Builder
	j.WriteString("{")
	for i, part := range []any{h, m, t} {
		inner, err := jsonInner(part)
		if err != nil {
			return Fragment{}, err
		}
		j.WriteString(inner)
		j.WriteString(",")
		switch i {
		case 0:
			j.WriteString(string([]byte{holeStatusNotes, holeService}))
		case 1:
			j.WriteByte(holeNotice)
		}
	}
	j.WriteString(`"media_url":`)
	if relative {
		quoted, err := jsonString(string(r.MediaURL))
		if err != nil {
			return Fragment{}, err
		}
		j.WriteString(`"`)
		j.WriteByte(holeBase)
		j.Write(quoted[1:])
	} else {
		v, err := r.MediaURL.MarshalJSON()
		if err != nil {
			return Fragment{}, err
		}
		j.Write(v)
	}
	j.WriteString("}")

	var x strings.Builder
	x.WriteString("<request>")
	for i, part := range []any{h, m, t} {
		inner, err := xmlInner(part)
		if err != nil {
			return Fragment{}, err
		}
		x.WriteString(inner)
		switch i {
		case 0:
			x.WriteString(string([]byte{holeStatusNotes, holeService}))
		case 1:
			x.WriteByte(holeNotice)
		}
	}
	x.WriteString("<media_url>")
	if relative {
		x.WriteByte(holeBase)
	}
	if err := xml.EscapeText(&x, []byte(r.MediaURL)); err != nil {
		return Fragment{}, err
	}
	x.WriteString("</media_url></request>")
	return Fragment{JSON: j.String(), XML: x.String()}, nil
}

// jsonInner is the encoding of struct v without its braces.
func jsonInner(v any) (string, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	b := bytes.TrimRight(buf.Bytes(), "\n")
	return string(b[1 : len(b)-1]), nil
}

// xmlInner is the encoding of struct v's fields without an enclosing element.
func xmlInner(v any) (string, error) {
	b, err := xml.Marshal(struct {
		XMLName xml.Name `xml:"x"`
		V       any
	}{V: v})
	if err != nil {
		return "", err
	}
	s := string(b)
	// <x><V>…</V></x>: the anonymous struct field is wrapped in its own element.
	s = strings.TrimPrefix(s, "<x><V>")
	s = strings.TrimSuffix(s, "</V></x>")
	return s, nil
}

// Fills are the encoded shared fields of one format, computed once per page
// for every state and category it may meet.
type Fills struct {
	f Format
	// Base is the encoded base URL of the site.
	base string
}

// NewFills prepares the fills of format f with the site's base URL.
func NewFills(f Format, baseURL string) (Fills, error) {
	fl := Fills{f: f}
	if f == JSON {
		q, err := jsonString(baseURL)
		if err != nil {
			return fl, err
		}
		fl.base = string(q[1 : len(q)-1])
	} else {
		var b strings.Builder
		if err := xml.EscapeText(&b, []byte(baseURL)); err != nil {
			return fl, err
		}
		fl.base = b.String()
	}
	return fl, nil
}

// StateFill is the encoded status_notes of a state with this label.
func (fl Fills) StateFill(label Text) (string, error) {
	if fl.f == JSON {
		return jsonField("status_notes", label)
	}
	return xmlField("status_notes", label)
}

// ServiceFill is the encoded service_name and service_code of a category.
func (fl Fills) ServiceFill(name, code string) (string, error) {
	if fl.f == JSON {
		n, err := jsonField("service_name", name)
		if err != nil {
			return "", err
		}
		c, err := jsonField("service_code", code)
		return n + c, err
	}
	n, err := xmlField("service_name", name)
	if err != nil {
		return "", err
	}
	c, err := xmlField("service_code", code)
	return n + c, err
}

// NoticeFill is the encoded service_notice of a category.
func (fl Fills) NoticeFill(notice Text) (string, error) {
	if fl.f == JSON {
		return jsonField("service_notice", notice)
	}
	return xmlField("service_notice", notice)
}

func jsonField(name string, v any) (string, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return `"` + name + `":` + strings.TrimRight(buf.String(), "\n") + ",", nil
}

func xmlField(name string, v any) (string, error) {
	var buf bytes.Buffer
	if err := xml.NewEncoder(&buf).EncodeElement(v, xml.StartElement{Name: xml.Name{Local: name}}); err != nil {
		return "", err
	}
	return buf.String(), nil
}

// Page assembles a RequestList from fragments; its bytes equal Encode of the
// same list.
type Page struct {
	fl  Fills
	buf []byte
	n   int
}

// NewPage starts a page of format f; sizeHint is the expected byte size.
func NewPage(fl Fills, sizeHint int) *Page {
	return NewPageIn(fl, make([]byte, 0, sizeHint+64))
}

// NewPageIn is NewPage writing over buf's memory (a pooled buffer: a fresh
// one of a page's size costs its zeroing at every page).
func NewPageIn(fl Fills, buf []byte) *Page {
	p := &Page{fl: fl, buf: buf[:0]}
	if fl.f == JSON {
		p.buf = append(p.buf, '[')
	} else {
		p.buf = append(p.buf, `<?xml version="1.0" encoding="UTF-8"?>`+"\n<service_requests>"...)
	}
	return p
}

// Parts is a fragment cut at its holes, ready to be added to pages without
// searching it again. The strings share the fragment's memory.
type Parts struct {
	head, mid, tail, media string
	base                   bool // media is a path after the base URL
}

// SplitFragment cuts frag (JSON or XML) at its holes.
func SplitFragment(frag string) (Parts, error) {
	i := strings.IndexByte(frag, holeStatusNotes)
	k := strings.IndexByte(frag, holeNotice)
	if i < 0 || k < i+2 || frag[i+1] != holeService {
		return Parts{}, fmt.Errorf("open311: malformed fragment")
	}
	pt := Parts{head: frag[:i], mid: frag[i+2 : k], tail: frag[k+1:]}
	if b := strings.IndexByte(pt.tail, holeBase); b >= 0 {
		pt.tail, pt.media, pt.base = pt.tail[:b], pt.tail[b+1:], true
	}
	return pt, nil
}

// Add appends one request: frag is its fragment in the page's format,
// state, service and notice the fills of its state and category, notes its
// encoded notes (see EncodeNotes) or nil.
func (p *Page) Add(frag, state, service, notice string, notes []byte) error {
	pt, err := SplitFragment(frag)
	if err != nil {
		return err
	}
	p.AddParts(&pt, state, service, notice, notes)
	return nil
}

// AddParts is Add for a fragment already split.
func (p *Page) AddParts(pt *Parts, state, service, notice string, notes []byte) {
	if p.fl.f == JSON && p.n > 0 {
		p.buf = append(p.buf, ',')
	}
	p.n++
	p.buf = append(p.buf, pt.head...)
	p.buf = append(p.buf, state...)
	p.buf = append(p.buf, service...)
	p.buf = append(p.buf, pt.mid...)
	p.buf = append(p.buf, notice...)
	rest := pt.tail
	if pt.base {
		p.buf = append(p.buf, pt.tail...)
		p.buf = append(p.buf, p.fl.base...)
		rest = pt.media
	}
	end := "}"
	if p.fl.f == XML {
		end = "</request>"
		if notes == nil {
			// encoding/xml writes the notes>note parent even when empty.
			notes = emptyXMLNotes
		}
	}
	if notes == nil {
		p.buf = append(p.buf, rest...)
		return
	}
	// The notes go last, before the closing of the request.
	p.buf = append(p.buf, strings.TrimSuffix(rest, end)...)
	p.buf = append(p.buf, notes...)
	p.buf = append(p.buf, end...)
}

var emptyXMLNotes = []byte("<notes></notes>")

// Bytes closes the page and returns it.
func (p *Page) Bytes() []byte {
	if p.fl.f == JSON {
		return append(p.buf, "]\n"...)
	}
	return append(p.buf, "</service_requests>\n"...)
}

// EncodeNotes encodes the notes extension of one request as it goes inside
// the request, or nil when there are none (the field is omitted).
func EncodeNotes(f Format, notes []Note) ([]byte, error) {
	if len(notes) == 0 {
		return nil, nil
	}
	if f == JSON {
		var buf bytes.Buffer
		buf.WriteString(`,"notes":`)
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(notes); err != nil {
			return nil, err
		}
		return bytes.TrimRight(buf.Bytes(), "\n"), nil
	}
	return xml.Marshal(struct {
		XMLName xml.Name `xml:"notes"`
		Items   []Note   `xml:"note"`
	}{Items: notes})
}
