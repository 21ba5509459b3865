package kit

import (
	"bytes"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"
)

// SkillStrategies are the strategy columns of the skills template, in order
// (Retain needs no skills and is not in the template).
var SkillStrategies = [5]string{"Repurchase", "Rehost", "Replatform", "Rearchitect", "Retire"}

// Skill is one row of "Modifica Skills" with the team's self-assessed level
// from "Assessment". Levels use the Dreyfus scale 0..5.
type Skill struct {
	Name        string
	Team        int
	Required    [5]int // indexed like SkillStrategies
	Description string
}

const (
	skillsMasterSheet = "Modifica Skills"
	skillsTeamSheet   = "Assessment"
)

// SkillsCSVHeaders: master columns with the team level after the name.
var SkillsCSVHeaders = []string{"Competenze", "Livello del team", "Repurchase", "Rehost", "Replatform", "Rearchitect", "Retire", "Descrizione"}

func parseLevel(v, sheet, ref string, es *Errors) int {
	if v == "" {
		return 0
	}
	canon, ok := oneOf(v, SkillLevels)
	if !ok {
		// Spreadsheets store typed numbers as "3" but may hand back "3.0".
		if f, err := strconv.ParseFloat(v, 64); err == nil && f == float64(int(f)) && f >= 0 && f <= 5 {
			return int(f)
		}
		*es = append(*es, CellError{Sheet: sheet, Cell: ref, Value: v, Expected: SkillLevels})
		return 0
	}
	n, _ := strconv.Atoi(canon)
	return n
}

// ReadSkillsXLSX reads the skills master and the team's levels. Rows pair
// up by number: the template's Assessment sheet mirrors Modifica Skills row
// by row.
func ReadSkillsXLSX(r io.Reader) ([]Skill, error) {
	f, err := excelize.OpenReader(r)
	if err != nil {
		return nil, Errors{{Sheet: skillsMasterSheet, Cell: "-", Msg: "file xlsx non leggibile: " + err.Error()}}
	}
	defer f.Close()
	for _, s := range []string{skillsMasterSheet, skillsTeamSheet} {
		if err := requireSheet(f, s); err != nil {
			return nil, err
		}
	}
	var es Errors
	master := append([]string{"Competenze"}, append(SkillStrategies[:], "Descrizione")...)
	for i, h := range master {
		checkHeader(f, skillsMasterSheet, cellName(i+1, 1), h, &es)
	}
	checkHeader(f, skillsTeamSheet, "B1", "Competenze", &es)
	if len(es) > 0 {
		return nil, es
	}
	rows, _ := f.GetRows(skillsMasterSheet, excelize.Options{RawCellValue: true})
	var skills []Skill
	seen := map[string]int{}
	for i := 1; i < len(rows); i++ {
		row := i + 1
		v := pad(rows[i], 7)
		if allEmpty(v) {
			continue
		}
		s := Skill{Name: v[0], Description: v[6]}
		if s.Name == "" {
			es = append(es, CellError{Sheet: skillsMasterSheet, Cell: cellName(1, row), Msg: "il nome della competenza è obbligatorio"})
		} else if prev, dup := seen[s.Name]; dup {
			es = append(es, CellError{Sheet: skillsMasterSheet, Cell: cellName(1, row), Value: s.Name, Msg: "competenza già presente alla riga " + itoa(prev)})
		}
		seen[s.Name] = row
		for j := range s.Required {
			s.Required[j] = parseLevel(v[j+1], skillsMasterSheet, cellName(j+2, row), &es)
		}
		ref := cellName(2, row)
		s.Team = parseLevel(cell(f, skillsTeamSheet, ref), skillsTeamSheet, ref, &es)
		skills = append(skills, s)
	}
	return skills, es.err()
}

// WriteSkillsXLSX fills a copy of the template. The mirror sheets get
// row-by-row formulas pointing at Modifica Skills (the template's own
// formulas are off by one from row 5) and the workbook asks for a full
// recalculation on open.
func WriteSkillsXLSX(w io.Writer, skills []Skill) error {
	f, err := openTemplate(skillsTemplate)
	if err != nil {
		return err
	}
	defer f.Close()
	rows, _ := f.GetRows(skillsMasterSheet)
	last := max(len(rows), len(skills)+1)
	mirrors := []struct {
		sheet string
		cols  []string // master column for each mirror column starting at A
	}{
		{skillsTeamSheet, []string{"A", "", "B", "C", "D", "E", "F"}},
		{"Valutazione Re-purchase", []string{"A", "", "B"}},
		{"Valutazione Re-host", []string{"A", "", "C"}},
		{"Valutazione Re-platform", []string{"A", "", "D"}},
		{"Valutazione Re-architect", []string{"A", "", "E"}},
		{"Valutazione Retire", []string{"A", "", "F"}},
	}
	for i := 0; i < last-1; i++ {
		row := i + 2
		vals := make([]string, 7)
		team := ""
		if i < len(skills) {
			s := skills[i]
			vals[0], vals[6] = s.Name, s.Description
			for j, n := range s.Required {
				vals[j+1] = strconv.Itoa(n)
			}
			team = strconv.Itoa(s.Team)
		}
		for j, v := range vals {
			if err := setLevelOrText(f, skillsMasterSheet, cellName(j+1, row), v, j >= 1 && j <= 5); err != nil {
				return err
			}
		}
		for _, m := range mirrors {
			for c, src := range m.cols {
				ref := cellName(c+1, row)
				switch {
				case src != "" && i < len(skills):
					err = f.SetCellFormula(m.sheet, ref, "'"+skillsMasterSheet+"'!"+src+strconv.Itoa(row))
				case src == "" && i < len(skills) && m.sheet == skillsTeamSheet:
					err = setLevelOrText(f, m.sheet, ref, team, true)
				case src == "" && i < len(skills):
					err = f.SetCellFormula(m.sheet, ref, skillsTeamSheet+"!B"+strconv.Itoa(row))
				default:
					err = f.SetCellStr(m.sheet, ref, "")
				}
				if err != nil {
					return err
				}
			}
		}
	}
	full := true
	_ = f.SetCalcProps(&excelize.CalcPropsOptions{FullCalcOnLoad: &full})
	_ = f.SetDocProps(&excelize.DocProperties{Description: derivedNote})
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return err
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// setLevelOrText writes levels as numbers, so the template's charts plot them.
func setLevelOrText(f *excelize.File, sheet, ref, v string, level bool) error {
	if level && v != "" {
		n, _ := strconv.Atoi(v)
		return f.SetCellInt(sheet, ref, int64(n))
	}
	return f.SetCellStr(sheet, ref, v)
}

// ReadSkillsCSV reads the CSV form (SkillsCSVHeaders).
func ReadSkillsCSV(r io.Reader) ([]Skill, error) {
	recs, err := readCSV(r, CSVSheet)
	if err != nil {
		return nil, err
	}
	idx, es := columnIndex(recs[0], SkillsCSVHeaders[:7], CSVSheet)
	if len(es) > 0 {
		return nil, es
	}
	desc := -1
	if d, _ := columnIndex(recs[0], SkillsCSVHeaders[7:], CSVSheet); d != nil {
		if i, ok := d[SkillsCSVHeaders[7]]; ok {
			desc = i
		}
	}
	var skills []Skill
	seen := map[string]int{}
	for i, rec := range recs[1:] {
		row := i + 2
		if allEmpty(pad(rec, len(rec))) {
			continue
		}
		nameCol := idx[SkillsCSVHeaders[0]]
		s := Skill{Name: get(rec, nameCol), Description: get(rec, desc)}
		if s.Name == "" {
			es = append(es, CellError{Sheet: CSVSheet, Cell: cellName(nameCol+1, row), Msg: "il nome della competenza è obbligatorio"})
		} else if prev, dup := seen[s.Name]; dup {
			es = append(es, CellError{Sheet: CSVSheet, Cell: cellName(nameCol+1, row), Value: s.Name, Msg: "competenza già presente alla riga " + itoa(prev)})
		}
		seen[s.Name] = row
		c := idx[SkillsCSVHeaders[1]]
		s.Team = parseLevel(get(rec, c), CSVSheet, cellName(c+1, row), &es)
		for j := range s.Required {
			c := idx[SkillsCSVHeaders[j+2]]
			s.Required[j] = parseLevel(get(rec, c), CSVSheet, cellName(c+1, row), &es)
		}
		skills = append(skills, s)
	}
	return skills, es.err()
}

// WriteSkillsCSV writes the CSV form.
func WriteSkillsCSV(w io.Writer, skills []Skill) error {
	recs := [][]string{SkillsCSVHeaders}
	for _, s := range skills {
		rec := []string{s.Name, strconv.Itoa(s.Team)}
		for _, n := range s.Required {
			rec = append(rec, strconv.Itoa(n))
		}
		recs = append(recs, append(rec, s.Description))
	}
	return writeCSV(w, recs)
}
