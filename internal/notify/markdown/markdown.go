// Package markdown renders the Markdown subset App IO displays (headings,
// bold, italic, bullet and numbered lists, paragraphs, links) to HTML, so
// the e-mail and the Area personale inbox show a message the way IO does.
// Everything else is shown as text; all text is escaped.
package markdown

import (
	"html"
	"regexp"
	"strings"
)

var (
	heading  = regexp.MustCompile(`^(#{1,6})\s+(.*)$`)
	bullet   = regexp.MustCompile(`^\s*[-*+]\s+(.*)$`)
	numbered = regexp.MustCompile(`^\s*\d+[.)]\s+(.*)$`)
	bold     = regexp.MustCompile(`\*\*([^*]+)\*\*|__([^_]+)__`)
	italic   = regexp.MustCompile(`\*([^*]+)\*|_([^_]+)_`)
	link     = regexp.MustCompile(`\[([^\]]+)\]\((https?://[^\s)]+)\)`)
)

// HTML renders src. The result is safe to embed in a page.
func HTML(src string) string {
	var b strings.Builder
	var para []string
	list := "" // "ul", "ol" or ""
	flushPara := func() {
		if len(para) > 0 {
			b.WriteString("<p>" + inline(strings.Join(para, " ")) + "</p>\n")
			para = nil
		}
	}
	closeList := func() {
		if list != "" {
			b.WriteString("</" + list + ">\n")
			list = ""
		}
	}
	openList := func(kind string) {
		if list != kind {
			closeList()
			b.WriteString("<" + kind + ">\n")
			list = kind
		}
	}
	for _, line := range strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n") {
		switch m := heading.FindStringSubmatch(line); {
		case strings.TrimSpace(line) == "":
			flushPara()
			closeList()
		case m != nil:
			flushPara()
			closeList()
			level := string(rune('0' + min(len(m[1])+1, 6))) // h1 is the page's: message headings start at h2
			b.WriteString("<h" + level + ">" + inline(m[2]) + "</h" + level + ">\n")
		case bullet.MatchString(line):
			flushPara()
			openList("ul")
			b.WriteString("<li>" + inline(bullet.FindStringSubmatch(line)[1]) + "</li>\n")
		case numbered.MatchString(line):
			flushPara()
			openList("ol")
			b.WriteString("<li>" + inline(numbered.FindStringSubmatch(line)[1]) + "</li>\n")
		default:
			closeList()
			para = append(para, strings.TrimSpace(line))
		}
	}
	flushPara()
	closeList()
	return b.String()
}

// inline escapes the text, then applies links, bold and italic.
func inline(s string) string {
	s = html.EscapeString(s)
	s = link.ReplaceAllString(s, `<a href="$2">$1</a>`)
	s = bold.ReplaceAllString(s, "<strong>$1$2</strong>")
	s = italic.ReplaceAllString(s, "<em>$1$2</em>")
	return s
}

// Text turns the markdown into readable plain text for the text/plain part.
func Text(src string) string {
	s := link.ReplaceAllString(src, "$1 ($2)")
	s = bold.ReplaceAllString(s, "$1$2")
	return s
}
