package notice

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"time"

	"github.com/go-pdf/fpdf"
)

// PDFOptions shape a batch printed as one PDF.
type PDFOptions struct {
	// Duplex pads every notice to an even number of pages with a blank page, so
	// that on a double-sided print run each notice starts on its own sheet.
	Duplex bool
	Title  string // document title; "Avvisi di pagamento" when empty
}

// sectionSize is how many notices go into one revision of the output file.
// Each revision ends with its own cross-reference section and page-tree node,
// which is what keeps memory flat: only the current revision's object offsets
// and page ids are held, whatever the size of the batch.
var sectionSize = 500

// WritePDF streams a batch into ONE PDF, in the order next yields the notices.
//
// fpdf keeps a whole document in memory until Output, so a batch of thousands
// is not drawn as one fpdf document. Each notice is rendered on its own (as for
// the zip), then its objects are copied into the output with new numbers: its
// pages hang from a page-tree node per section of sectionSize notices, and every
// section is closed by a cross-reference table chained to the previous one with
// /Prev, the layout of a PDF incremental update. The root page tree, catalog
// and info come last. Memory holds one rendered notice plus one section's
// offsets; the output is written as it is produced.
func WritePDF(w io.Writer, next Source, opt PDFOptions) (int, error) {
	m := &merger{w: bufio.NewWriterSize(w, 64<<10), next: 4, prevXref: -1}
	m.printf("%%PDF-1.4\n%%\xe2\xe3\xcf\xd3\n")
	var buf bytes.Buffer
	count, err := renderEach(next, func(i int, n Notice, pdf *fpdf.Fpdf) error {
		buf.Reset()
		if err := pdf.Output(&buf); err != nil {
			return fmt.Errorf("avviso %s: %w", n.IUV, err)
		}
		if i%sectionSize == 0 {
			if err := m.closeSection(false); err != nil {
				return err
			}
			m.openSection()
		}
		if err := m.copyDoc(buf.Bytes(), opt.Duplex); err != nil {
			return fmt.Errorf("avviso %s: %w", n.IUV, err)
		}
		return m.err
	})
	if err != nil {
		return count, err
	}
	if count == 0 {
		return 0, errors.New("nessun avviso da stampare")
	}
	if err := m.finish(opt); err != nil {
		return count, err
	}
	return count, m.w.Flush()
}

// merger writes the output file. Object numbers 1, 2 and 3 are the root page
// tree, the catalog and the info dictionary, written at the end.
type merger struct {
	w   *bufio.Writer
	pos int64
	err error

	next     int     // next free object number
	prevXref int64   // offset of the previous cross-reference section, -1 before the first
	secFirst int     // first object number of the open section
	offsets  []int64 // offsets of the open section's objects, from secFirst
	node     int     // page-tree node of the open section (0: none open)
	kids     []int   // its pages
	nodes    []int   // every section's node, for the root
	pages    int     // pages written in all
	mediaBox string  // from the first notice's page tree
}

func (m *merger) printf(format string, args ...any) {
	if m.err != nil {
		return
	}
	n, err := fmt.Fprintf(m.w, format, args...)
	m.pos += int64(n)
	m.err = err
}

func (m *merger) write(b []byte) {
	if m.err != nil {
		return
	}
	n, err := m.w.Write(b)
	m.pos += int64(n)
	m.err = err
}

// begin starts object id, which must be the next of the open section.
func (m *merger) begin(id int) {
	if id != m.secFirst+len(m.offsets) {
		m.err = fmt.Errorf("oggetto %d fuori sequenza", id)
		return
	}
	m.offsets = append(m.offsets, m.pos)
	m.printf("%d 0 obj\n", id)
}

func (m *merger) alloc() int {
	m.next++
	return m.next - 1
}

func (m *merger) openSection() {
	m.secFirst = m.next
	m.offsets = m.offsets[:0]
	m.node = m.alloc()
	m.kids = m.kids[:0]
	// The node is written when the section closes: reserve its slot now so the
	// section's object numbers stay contiguous.
	m.offsets = append(m.offsets, -1)
}

// closeSection writes the open section's page-tree node and its
// cross-reference table; last adds the root objects and the final trailer.
func (m *merger) closeSection(last bool) error {
	if m.node == 0 {
		return m.err
	}
	m.offsets[0] = m.pos
	m.printf("%d 0 obj\n<</Type /Pages\n/Parent 1 0 R\n/Kids [", m.node)
	for _, k := range m.kids {
		m.printf("%d 0 R ", k)
	}
	m.printf("]\n/Count %d\n>>\nendobj\n", len(m.kids))
	m.nodes = append(m.nodes, m.node)
	m.node = 0
	if last {
		return m.err
	}
	m.xref(nil)
	return m.err
}

// xref writes the open section's table (and, for the final one, objects 0-3)
// with a trailer chained to the previous table.
func (m *merger) xref(root []int64) {
	start := m.pos
	m.printf("xref\n")
	if root != nil {
		m.printf("0 4\n0000000000 65535 f \n")
		for _, off := range root {
			m.printf("%010d 00000 n \n", off)
		}
	}
	if len(m.offsets) > 0 {
		m.printf("%d %d\n", m.secFirst, len(m.offsets))
		for _, off := range m.offsets {
			m.printf("%010d 00000 n \n", off)
		}
	}
	m.printf("trailer\n<</Size %d\n/Root 2 0 R\n", m.next)
	if root != nil {
		m.printf("/Info 3 0 R\n")
	}
	if m.prevXref >= 0 {
		m.printf("/Prev %d\n", m.prevXref)
	}
	m.printf(">>\nstartxref\n%d\n%%%%EOF\n", start)
	m.prevXref = start
	m.offsets = m.offsets[:0]
	m.secFirst = m.next
}

var (
	refRE      = regexp.MustCompile(`(\d+) 0 R`)
	trailerRE  = regexp.MustCompile(`/Root (\d+) 0 R[\s\S]*?/Info (\d+) 0 R|/Info (\d+) 0 R[\s\S]*?/Root (\d+) 0 R`)
	startxRE   = regexp.MustCompile(`startxref\s+(\d+)`)
	mediaBoxRE = regexp.MustCompile(`/MediaBox\s*\[[^\]]*\]`)
	lengthRE   = regexp.MustCompile(`/Length (\d+)`)
)

// copyDoc appends one notice, as fpdf wrote it, to the open section.
func (m *merger) copyDoc(doc []byte, duplex bool) error {
	objs, root, info, err := splitPDF(doc)
	if err != nil {
		return err
	}
	if len(objs) < 2 || objs[1] == nil {
		return errors.New("PDF senza albero delle pagine")
	}
	if m.mediaBox == "" {
		m.mediaBox = string(mediaBoxRE.Find(objs[1]))
	}
	// New numbers: fpdf's page tree (1) becomes the section node; catalog and
	// info are dropped; the rest are renumbered in order, keeping them contiguous.
	ids := make([]int, len(objs))
	ids[1] = m.node
	for k := 2; k < len(objs); k++ {
		if objs[k] != nil && k != root && k != info {
			ids[k] = m.alloc()
		}
	}
	var kids []int
	for _, ref := range refRE.FindAllSubmatch(objs[1], -1) {
		if k, _ := strconv.Atoi(string(ref[1])); k > 0 && k < len(ids) && ids[k] != 0 {
			kids = append(kids, ids[k])
		}
	}
	if len(kids) == 0 {
		return errors.New("PDF senza pagine")
	}
	for k := 2; k < len(objs); k++ {
		if ids[k] == 0 {
			continue
		}
		m.begin(ids[k])
		body := objs[k]
		dict, rest := body, []byte(nil)
		if i := bytes.Index(body, []byte("stream\n")); i >= 0 {
			dict, rest = body[:i], body[i:]
		}
		m.write(refRE.ReplaceAllFunc(dict, func(ref []byte) []byte {
			k, _ := strconv.Atoi(string(ref[:bytes.IndexByte(ref, ' ')]))
			if k <= 0 || k >= len(ids) || ids[k] == 0 {
				m.err = fmt.Errorf("riferimento %s non risolto", ref)
				return ref
			}
			return []byte(strconv.Itoa(ids[k]) + " 0 R")
		}))
		m.write(rest)
		m.printf("endobj\n")
	}
	m.kids = append(m.kids, kids...)
	m.pages += len(kids)
	if duplex && len(kids)%2 == 1 {
		id := m.alloc()
		m.begin(id)
		m.printf("<</Type /Page\n/Parent %d 0 R\n/Resources <<>>\n>>\nendobj\n", m.node)
		m.kids = append(m.kids, id)
		m.pages++
	}
	return m.err
}

func (m *merger) finish(opt PDFOptions) error {
	if err := m.closeSection(true); err != nil {
		return err
	}
	title := opt.Title
	if title == "" {
		title = "Avvisi di pagamento"
	}
	root := make([]int64, 3)
	root[0] = m.pos
	m.printf("1 0 obj\n<</Type /Pages\n/Kids [")
	for _, n := range m.nodes {
		m.printf("%d 0 R ", n)
	}
	m.printf("]\n/Count %d\n%s\n>>\nendobj\n", m.pages, m.mediaBox)
	root[1] = m.pos
	m.printf("2 0 obj\n<</Type /Catalog\n/Pages 1 0 R\n>>\nendobj\n")
	root[2] = m.pos
	m.printf("3 0 obj\n<</Producer (Arengo)\n/Title %s\n/CreationDate (D:%s)\n>>\nendobj\n",
		pdfString(title), time.Now().UTC().Format("20060102150405Z"))
	m.xref(root)
	return m.err
}

// pdfString writes s as a PDF text string (UTF-16BE with BOM, hex).
func pdfString(s string) string {
	var b bytes.Buffer
	b.WriteString("<FEFF")
	for _, r := range s {
		if r > 0xFFFF {
			r = '?'
		}
		fmt.Fprintf(&b, "%04X", r)
	}
	b.WriteString(">")
	return b.String()
}

// splitPDF cuts a PDF written by fpdf (one classic cross-reference table, no
// object streams) into its objects: objs[k] is object k's body after the
// "k 0 obj" line and before "endobj".
func splitPDF(doc []byte) (objs [][]byte, root, info int, err error) {
	sx := startxRE.FindAllSubmatch(doc, -1)
	if len(sx) == 0 {
		return nil, 0, 0, errors.New("PDF senza startxref")
	}
	xrefAt, _ := strconv.Atoi(string(sx[len(sx)-1][1]))
	if xrefAt <= 0 || xrefAt >= len(doc) || !bytes.HasPrefix(doc[xrefAt:], []byte("xref")) {
		return nil, 0, 0, errors.New("tabella xref non trovata")
	}
	tail := doc[xrefAt:]
	if t := trailerRE.FindSubmatch(tail); t != nil {
		if len(t[1]) > 0 {
			root, _ = strconv.Atoi(string(t[1]))
			info, _ = strconv.Atoi(string(t[2]))
		} else {
			info, _ = strconv.Atoi(string(t[3]))
			root, _ = strconv.Atoi(string(t[4]))
		}
	}
	lines := bytes.Split(tail, []byte("\n"))
	if len(lines) < 3 {
		return nil, 0, 0, errors.New("tabella xref troncata")
	}
	var first, size int
	if _, err := fmt.Sscanf(string(lines[1]), "%d %d", &first, &size); err != nil || first != 0 || size < 2 || len(lines) < 2+size {
		return nil, 0, 0, errors.New("tabella xref illeggibile")
	}
	offs := make([]int, size)
	for k := 1; k < size; k++ {
		line := lines[2+k]
		if len(line) < 18 || line[17] != 'n' {
			continue
		}
		offs[k], _ = strconv.Atoi(string(line[:10]))
	}
	objs = make([][]byte, size)
	for k := 1; k < size; k++ {
		off := offs[k]
		if off <= 0 || off >= xrefAt {
			continue
		}
		head := []byte(strconv.Itoa(k) + " 0 obj\n")
		if !bytes.HasPrefix(doc[off:], head) {
			return nil, 0, 0, fmt.Errorf("oggetto %d non trovato all'offset %d", k, off)
		}
		body := doc[off+len(head) : xrefAt]
		end := bytes.Index(body, []byte("endobj"))
		if i := bytes.Index(body, []byte("stream\n")); i >= 0 && i < end {
			// A stream may hold the bytes "endobj": skip its data by length.
			lm := lengthRE.FindSubmatch(body[:i])
			if lm == nil {
				return nil, 0, 0, fmt.Errorf("oggetto %d: stream senza /Length", k)
			}
			l, _ := strconv.Atoi(string(lm[1]))
			from := i + len("stream\n") + l
			if from > len(body) {
				return nil, 0, 0, fmt.Errorf("oggetto %d: stream troncato", k)
			}
			end = from + bytes.Index(body[from:], []byte("endobj"))
			if end < from {
				return nil, 0, 0, fmt.Errorf("oggetto %d: endobj mancante", k)
			}
		}
		if end < 0 {
			return nil, 0, 0, fmt.Errorf("oggetto %d: endobj mancante", k)
		}
		objs[k] = body[:end]
	}
	return objs, root, info, nil
}
