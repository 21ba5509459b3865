package flows

import (
	"encoding/xml"
	"errors"
	"io"
	"strings"
)

// xmlWalker streams an XML document token by token and reports every leaf
// element with its path of local names ("a/b/c"), its text and its line. It
// keeps only the current path and one text buffer in memory.
type xmlWalker struct {
	dec    *xml.Decoder
	format string
	path   []string
	text   strings.Builder
	starts []int // line of each open element
}

func newXMLWalker(r io.Reader, format string) *xmlWalker {
	d := xml.NewDecoder(r)
	// Only UTF-8 and its subset US-ASCII appear in these flows; anything else is refused clearly.
	d.CharsetReader = func(label string, in io.Reader) (io.Reader, error) {
		switch strings.ToLower(label) {
		case "utf-8", "utf8", "us-ascii", "ascii":
			return in, nil
		}
		return nil, errors.New("codifica " + label + " non supportata (serve UTF-8)")
	}
	return &xmlWalker{dec: d, format: format}
}

func (w *xmlWalker) line() int {
	l, _ := w.dec.InputPos()
	return l
}

func (w *xmlWalker) errf(field, msg string) error {
	return &ParseError{Format: w.format, Line: w.line(), Field: field, Msg: msg}
}

// walk calls leaf for each element closed with text only, and end for every
// closing element (after leaf, if any). Both get the path of the element.
func (w *xmlWalker) walk(leaf func(path, text string, line int) error, end func(path string, line int) error) error {
	sawRoot := false
	childSeen := []bool{}
	for {
		tok, err := w.dec.Token()
		if err == io.EOF {
			if !sawRoot {
				return w.errf("", "documento vuoto")
			}
			if len(w.path) > 0 {
				return w.errf(w.path[len(w.path)-1], "file troncato: elemento non chiuso")
			}
			return nil
		}
		if err != nil {
			return w.errf(w.current(), "XML non valido: "+strings.TrimPrefix(err.Error(), "XML syntax error on line "))
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if sawRoot && len(w.path) == 0 {
				return w.errf(t.Name.Local, "contenuto dopo la fine del documento")
			}
			sawRoot = true
			if len(childSeen) > 0 {
				childSeen[len(childSeen)-1] = true
			}
			w.path = append(w.path, t.Name.Local)
			w.starts = append(w.starts, w.line())
			childSeen = append(childSeen, false)
			w.text.Reset()
		case xml.CharData:
			if len(w.path) > 0 && w.text.Len() < 1<<16 {
				w.text.Write(t)
			}
		case xml.EndElement:
			p := strings.Join(w.path, "/")
			line := w.starts[len(w.starts)-1]
			if !childSeen[len(childSeen)-1] {
				if err := leaf(p, strings.TrimSpace(w.text.String()), line); err != nil {
					return err
				}
			}
			if err := end(p, line); err != nil {
				return err
			}
			w.path = w.path[:len(w.path)-1]
			w.starts = w.starts[:len(w.starts)-1]
			childSeen = childSeen[:len(childSeen)-1]
			w.text.Reset()
		}
	}
}

func (w *xmlWalker) current() string {
	if len(w.path) == 0 {
		return ""
	}
	return w.path[len(w.path)-1]
}
