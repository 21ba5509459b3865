package flows

import (
	"bufio"
	"encoding/csv"
	"io"
	"strconv"
	"strings"

	"github.com/arengo-pa/arengo/internal/money"
)

// notifyColumns is the positional layout of the ente's payment notifications
// ("import pagati", MyPivot flow D). Payer columns (3–11) are deliberately not read.
const (
	notifyIUD      = 0
	notifyIUV      = 1
	notifyDate     = 12
	notifyAmount   = 14
	notifyDebtType = 18
	notifyCols     = 20
)

var notifyNames = map[int]string{notifyIUD: "cod_iud", notifyIUV: "IUV", notifyDate: "data esecuzione", notifyAmount: "importo", notifyDebtType: "tipo dovuto"}

// ReadNotifications streams the ente's payment notifications CSV (`;`, header
// line skipped, columns by position as MyPivot reads them).
func ReadNotifications(r io.Reader, n func(Notification) error) (int64, error) {
	const format = "notifiche di pagamento"
	cr := csv.NewReader(bufio.NewReaderSize(r, 64<<10))
	cr.Comma = ';'
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	if _, err := cr.Read(); err != nil {
		return 0, csvErr(format, cr, "", err)
	}
	var read int64
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return read, nil
		}
		if err != nil {
			return read, csvErr(format, cr, "", err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		fail := func(col int, msg string) error {
			return &ParseError{Format: format, Line: line, Field: notifyNames[col], Msg: msg}
		}
		if len(rec) < notifyCols-1 || len(rec) > notifyCols {
			return read, &ParseError{Format: format, Line: line, Msg: "attese " + strconv.Itoa(notifyCols) + " colonne, trovate " + strconv.Itoa(len(rec))}
		}
		v := Notification{Line: line, IUD: strings.TrimSpace(rec[notifyIUD]), IUV: strings.TrimSpace(rec[notifyIUV]), DebtType: strings.TrimSpace(rec[notifyDebtType])}
		if v.IUD == "" || len(v.IUD) > 35 {
			return read, fail(notifyIUD, "IUD da 1 a 35 caratteri")
		}
		if _, err := text35(v.IUV); err != nil {
			return read, fail(notifyIUV, err.Error())
		}
		if v.AmountCents, err = money.ParseCents(strings.TrimSpace(rec[notifyAmount]), false); err != nil || v.AmountCents <= 0 {
			return read, fail(notifyAmount, "importo non valido: "+strconv.Quote(rec[notifyAmount]))
		}
		if v.Date, err = parseDate(rec[notifyDate]); err != nil {
			return read, fail(notifyDate, err.Error())
		}
		read++
		if err := n(v); err != nil {
			return read, err
		}
	}
}
