// Package match is the reconciliation engine: it classifies payments, reporting
// flows and treasury movements with MyPivot's codes. Every function here is pure:
// the result depends only on the evidence that shares a key (an IUV, a flow id
// or a movement), so the caller reclassifies only the keys touched by new
// evidence, and classifying the same evidence twice gives the same answer.
package match

// Code is a MyPivot / PU classification code; the strings are kept unchanged so
// exports stay compatible with both.
type Code string

const (
	IUDRTIUFTES   Code = "IUD_RT_IUF_TES"
	IUDRTIUF      Code = "IUD_RT_IUF"
	RTIUFTES      Code = "RT_IUF_TES"
	RTIUF         Code = "RT_IUF"
	RTTES         Code = "RT_TES"
	RTNoIUF       Code = "RT_NO_IUF"
	RTNoIUD       Code = "RT_NO_IUD"
	IUDNoRT       Code = "IUD_NO_RT"
	IUVNoRT       Code = "IUV_NO_RT"
	IUFNoTES      Code = "IUF_NO_TES"
	IUFTESDivImp  Code = "IUF_TES_DIV_IMP"
	TESNoIUFOrIUV Code = "TES_NO_IUF_OR_IUV"
	TESNoMatch    Code = "TES_NO_MATCH"
	Doppi         Code = "DOPPI"
	Unknown       Code = "UNKNOWN"
)

// Severity follows PU (IUF_NO_TES is a WARNING, as most PU versions have it).
type Severity string

const (
	Info    Severity = "INFO"
	Warning Severity = "WARNING"
	Error   Severity = "ERROR"
)

type codeInfo struct {
	label    string // MyPivot's Italian label
	severity Severity
}

var codes = map[Code]codeInfo{
	IUDRTIUFTES:   {"Pagamenti notificati", Info},
	IUDRTIUF:      {"Pagamenti notificati e rendicontati", Info},
	RTIUFTES:      {"Pagamenti riversati cumulativamente", Info},
	RTIUF:         {"Pagamenti rendicontati", Info},
	RTTES:         {"Pagamenti riversati puntualmente", Info},
	RTNoIUF:       {"Pagamenti non correttamente rendicontati", Warning},
	RTNoIUD:       {"Pagamenti non correttamente notificati", Warning},
	IUDNoRT:       {"Notifiche di pagamenti non eseguiti", Error},
	IUVNoRT:       {"Rendicontazioni di pagamenti non eseguiti", Error},
	IUFNoTES:      {"Rendicontazioni non correttamente riversate", Warning},
	IUFTESDivImp:  {"Rendicontazioni riversate con importo scorretto", Error},
	TESNoIUFOrIUV: {"Riversamenti non rendicontati o di pagamenti non eseguiti", Error},
	TESNoMatch:    {"Riversamenti di tesoreria sconosciuti", Error},
	Doppi:         {"Pagamenti doppi", Error},
	Unknown:       {"Non classificato", Error},
}

// AllCodes lists every code in MyPivot's order.
var AllCodes = []Code{IUDRTIUFTES, IUDRTIUF, RTIUFTES, RTIUF, RTTES, RTNoIUF, RTNoIUD, IUDNoRT, IUVNoRT, IUFNoTES, IUFTESDivImp, TESNoIUFOrIUV, TESNoMatch, Doppi, Unknown}

// Label is MyPivot's Italian name of the code.
func (c Code) Label() string { return codes[c].label }

// Severity of the code; an unknown string is an Error.
func (c Code) Severity() Severity {
	if i, ok := codes[c]; ok {
		return i.severity
	}
	return Error
}

// Valid reports whether c is one of the known codes.
func (c Code) Valid() bool { _, ok := codes[c]; return ok }
