package plan

import (
	"fmt"
	"slices"
	"strings"
)

// Class is the ACN classification of a service (Determina 306/2022).
type Class string

const (
	Ordinario  Class = "ordinario"
	Critico    Class = "critico"
	Strategico Class = "strategico"
)

var Classes = []Class{Ordinario, Critico, Strategico}

// Model is a cloud deployment model of the Strategia Cloud Italia §4.2.
type Model string

const (
	PubblicoNonQualificato Model = "pubblico_non_qualificato"
	PubblicoQualificato    Model = "pubblico_qualificato"
	PubblicoCriptato       Model = "pubblico_criptato"
	PrivatoIbridoLicenza   Model = "privato_ibrido_licenza"
	PrivatoQualificato     Model = "privato_qualificato"
)

var Models = []Model{PubblicoNonQualificato, PubblicoQualificato, PubblicoCriptato, PrivatoIbridoLicenza, PrivatoQualificato}

func (m Model) Label() string {
	switch m {
	case PubblicoNonQualificato:
		return "Cloud pubblico non qualificato"
	case PubblicoQualificato:
		return "Cloud pubblico qualificato (UE)"
	case PubblicoCriptato:
		return "Cloud pubblico criptato (IT)"
	case PrivatoIbridoLicenza:
		return "Cloud privato/ibrido «su licenza» (IT)"
	case PrivatoQualificato:
		return "Cloud privato qualificato (IT)"
	}
	return string(m)
}

// Allowed lists the models the Strategy names for a class.
func Allowed(c Class) []Model {
	switch c {
	case Ordinario:
		return []Model{PubblicoQualificato, PubblicoCriptato}
	case Critico:
		return []Model{PubblicoCriptato, PrivatoIbridoLicenza, PrivatoQualificato}
	case Strategico:
		return []Model{PrivatoIbridoLicenza, PrivatoQualificato}
	}
	return nil
}

// strictness orders models by how much control stays in Italy; used only
// to word the warning for a stricter-than-listed choice.
func strictness(m Model) int { return slices.Index(Models, m) }

// CheckModel returns a warning when the chosen destination does not fit the
// class, or "" when it does. A stricter model than the class needs is still
// flagged: the Strategy does not list it, accepting it is an inference.
func CheckModel(c Class, m Model) string {
	if m == "" {
		return ""
	}
	if c == "" {
		return "servizio non classificato: classificarlo secondo il modello ACN prima di scegliere la destinazione"
	}
	allowed := Allowed(c)
	if slices.Contains(allowed, m) {
		return ""
	}
	names := make([]string, len(allowed))
	for i, a := range allowed {
		names[i] = a.Label()
	}
	if m != PubblicoNonQualificato && strictness(m) > strictness(allowed[len(allowed)-1]) {
		return fmt.Sprintf("%s è più restrittivo di quanto la Strategia indica per la classe %s (%s): verificare costi e motivazione", m.Label(), c, strings.Join(names, ", "))
	}
	return fmt.Sprintf("%s non è ammesso per un servizio %s: modelli ammessi %s", m.Label(), c, strings.Join(names, ", "))
}
