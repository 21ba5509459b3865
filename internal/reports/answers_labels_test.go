package reports

import (
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/arengo-pa/arengo/internal/reports/open311"
)

func TestAnswerLabels(t *testing.T) {
	c := Category{Attributes: []open311.Attribute{
		{Code: "lati", Order: 2, Description: "Quali lati?", Datatype: open311.MultiValueList, Values: []open311.Value{{Key: "n", Name: "Nord"}, {Key: "s", Name: "Sud"}}},
		{Code: "pericolo", Order: 1, Description: "È pericolosa?", Datatype: open311.SingleValueList, Values: []open311.Value{{Key: "si", Name: "Sì"}, {Key: "no", Name: "No"}}},
		{Code: "note", Order: 3, Description: "Note", Datatype: open311.String},
	}}
	got := answerLabels(c, map[string][]string{"lati": {"s", "n", "ovest"}, "pericolo": {"si"}, "note": {"vicino al 3"}, "vecchia": {"x"}, "vuota": {}})
	want := []Answer{
		{Question: "È pericolosa?", Values: []string{"Sì"}},
		{Question: "Quali lati?", Values: []string{"Sud", "Nord", "ovest"}}, // a value no longer offered keeps its key
		{Question: "Note", Values: []string{"vicino al 3"}},
		{Question: "vecchia", Values: []string{"x"}}, // a question removed from the category keeps its code
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	if got[1].Text() != "Sud, Nord, ovest" {
		t.Errorf("text %q", got[1].Text())
	}
}

// TestAnswersShownInWords: the summary before sending and the back office
// show the question and the value's name, never the codes.
func TestAnswersShownInWords(t *testing.T) {
	e := fullEnv(t)
	base := e.app.URL
	c := e.app.Client(t)
	e.app.LoginCitizen(t, c, mario)
	resp, err := c.PostForm(base+"/segnalazioni/nuova", url.Values{"privacy": {"1"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	fields := url.Values{"category": {"buche"}, "title": {"Buca profonda"}, "details": {"In mezzo alla strada"}, "address": {"Via Roma 1"},
		"attr_pericolo": {"si"}, "action": {"next"}}
	st, body, loc := postMultipart(t, c, base+resp.Header.Get("Location"), fields)
	if st != http.StatusSeeOther {
		t.Fatalf("data step: %d %s", st, truncate(body, 3000))
	}
	_, body, _ = get(t, c, base+loc)
	summary := body[strings.Index(body, `id="s-dis"`):]
	mustContain(t, summary, "<dt class=\"col-sm-3\">È pericolosa?</dt><dd class=\"col-sm-9\">Sì</dd>")
	mustNotContain(t, summary, ">pericolo<", ">si<")
	number := fileReport(t, e, c, fields)
	staff := e.app.Client(t)
	e.app.LoginStaff(t, staff, "operatore", PermManage)
	_, body, _ = get(t, staff, base+"/admin/segnalazioni/r/"+number)
	mustContain(t, body, "<dt class=\"col-sm-4\">È pericolosa?</dt><dd class=\"col-sm-8\">Sì</dd>")
	mustNotContain(t, body, "pericolo: si")
	rep, err := e.svc.Get(t.Context(), number)
	if err != nil {
		t.Fatal(err)
	}
	if got := receiptAnswers(e.mod.reportAnswers(t.Context(), rep)); len(got) != 1 || got[0].Question != "È pericolosa?" || got[0].Value != "Sì" {
		t.Errorf("receipt answers %+v", got)
	}
}
