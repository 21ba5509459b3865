package gen

import (
	"fmt"
	"strconv"
)

// iuv builds an aux-digit-3 IUV (17 digits): segregation code, "00", an
// 11-digit progressive and the mod-93 check digits of "3" + the 15 digits.
func iuv(segregation string, n int64) string {
	base := fmt.Sprintf("%s00%011d", segregation, n)
	prefix, _ := strconv.ParseUint("3"+base, 10, 64)
	return fmt.Sprintf("%s%02d", base, prefix%93)
}
