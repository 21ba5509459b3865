package mypay

import (
	"bufio"
	"io"
	"strconv"
	"strings"
)

// RejectionWriter writes the rejection file: a header "row;code;description" and
// one line per rejected row, codes joined with "|" as MyPay does.
type RejectionWriter struct {
	w     *bufio.Writer
	wrote bool
}

func NewRejectionWriter(w io.Writer) *RejectionWriter {
	return &RejectionWriter{w: bufio.NewWriter(w)}
}

func (rw *RejectionWriter) Write(line int, problems []Problem) error {
	if !rw.wrote {
		rw.wrote = true
		if _, err := rw.w.WriteString("row;code;description\n"); err != nil {
			return err
		}
	}
	codes := make([]string, len(problems))
	descs := make([]string, len(problems))
	for i, p := range problems {
		codes[i] = p.Code
		descs[i] = cleanCell(p.Description)
	}
	_, err := rw.w.WriteString(strconv.Itoa(line) + ";" + strings.Join(codes, "|") + ";" + strings.Join(descs, " | ") + "\n")
	return err
}

// Flush writes out buffered lines; a file without rejections still gets its header.
func (rw *RejectionWriter) Flush() error {
	if !rw.wrote {
		rw.wrote = true
		if _, err := rw.w.WriteString("row;code;description\n"); err != nil {
			return err
		}
	}
	return rw.w.Flush()
}

var cellCleaner = strings.NewReplacer(";", ",", "\n", " ", "\r", " ")

// cleanCell keeps a value on one line and inside its column.
func cleanCell(s string) string {
	return cellCleaner.Replace(s)
}
