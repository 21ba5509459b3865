// Package mypay reads and writes the flat files of MyPay (Regione del Veneto), the
// payment platform Veneto comuni already feed: the "flusso dovuti" import (CSV in a
// zip, versions 1.0 to 1.4) and the export of paid dovuti. The reader streams: it
// holds one row at a time whatever the size of the file.
package mypay

import (
	"archive/zip"
	"fmt"
	"io"
	"path"
	"strings"
)

// Version of the import layout; it decides the number and meaning of the columns.
type Version string

const (
	V1_0 Version = "1_0"
	V1_1 Version = "1_1"
	V1_2 Version = "1_2"
	V1_3 Version = "1_3"
	V1_4 Version = "1_4"
)

// columns is the number of columns of each version, the action being the last.
var columns = map[Version]int{V1_0: 20, V1_1: 20, V1_2: 21, V1_3: 22, V1_4: 35}

// FileName is the parsed name of an import package: <IPA>-<flow id>-<version>.zip.
type FileName struct {
	IPA     string
	FlowID  string
	Version Version
}

// Base is the name without extension, shared by the zip and the CSV inside it.
func (f FileName) Base() string { return f.IPA + "-" + f.FlowID + "-" + string(f.Version) }

// ParseFileName checks a package (or CSV) name. The flow id cannot contain "-"
// because MyPay splits the name on it and wants exactly three parts.
func ParseFileName(name string) (FileName, error) {
	base := path.Base(strings.ReplaceAll(name, "\\", "/"))
	lower := strings.ToLower(base)
	switch {
	case strings.HasSuffix(lower, ".zip"), strings.HasSuffix(lower, ".csv"):
		base = base[:len(base)-4]
	default:
		return FileName{}, fmt.Errorf("PAA_IMPORT_NOME_FILE_ERR: %q non termina con .zip o .csv", name)
	}
	parts := strings.Split(base, "-")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" {
		return FileName{}, fmt.Errorf("PAA_IMPORT_NOME_FILE_ERR: %q non ha la forma <codice IPA>-<identificativo flusso>-<versione>.zip", name)
	}
	v := Version(parts[2])
	if _, ok := columns[v]; !ok {
		return FileName{}, fmt.Errorf("PAA_IMPORT_FILE_VERSIONE_ERR: versione %q sconosciuta (ammesse 1_0, 1_1, 1_2, 1_3, 1_4)", parts[2])
	}
	return FileName{IPA: parts[0], FlowID: parts[1], Version: v}, nil
}

// OpenZip finds, inside a package, the CSV named like the package and opens it.
// The CSV is decompressed as it is read.
func OpenZip(zr *zip.Reader, name FileName) (io.ReadCloser, error) {
	want := name.Base() + ".csv"
	for _, f := range zr.File {
		if strings.EqualFold(path.Base(f.Name), want) {
			return f.Open()
		}
	}
	return nil, fmt.Errorf("PAA_IMPORT_NO_CSV: il pacchetto non contiene %s", want)
}
