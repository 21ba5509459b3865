package flows

import (
	"bytes"
	"strings"
)

// Kinds of file the module imports.
const (
	KindFdRXML  = "fdr-xml"
	KindFdRJSON = "fdr-json"
	KindOPI     = "opi"
	KindGdCCSV  = "gdc-csv"
	KindMyPay   = "mypay"
	KindNotify  = "notify"
	KindReceipt = "receipts"
)

// Detect names the kind of a file from its first bytes (a few KiB are enough),
// or returns "" when it is none of the known formats.
func Detect(head []byte) string {
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	t := bytes.TrimLeft(head, " \t\r\n")
	switch {
	case bytes.HasPrefix(t, []byte("{")):
		first, _, _ := bytes.Cut(t, []byte("\n"))
		if bytes.Contains(first, []byte(`"receipt_id"`)) {
			return KindReceipt
		}
		return KindFdRJSON
	case bytes.HasPrefix(t, []byte("<")):
		switch {
		case bytes.Contains(t, []byte("FlussoRiversamento")):
			return KindFdRXML
		case bytes.Contains(t, []byte("flusso_giornale_di_cassa")):
			return KindOPI
		}
		return ""
	}
	first, _, _ := bytes.Cut(t, []byte("\n"))
	h := strings.ToLower(string(first))
	switch {
	case strings.HasPrefix(h, "de_anno_bolletta;"):
		return KindGdCCSV
	case strings.Contains(h, "codiud") && strings.Contains(h, "singoloimportopagato"):
		return KindMyPay
	case strings.HasPrefix(h, "cod_iud;"):
		return KindNotify
	}
	return ""
}
