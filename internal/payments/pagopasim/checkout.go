package pagopasim

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
)

var checkoutPage = template.Must(template.New("checkout").Funcs(template.FuncMap{
	"euro": func(c int64) string { return fmt.Sprintf("%d,%02d €", c/100, c%100) },
}).Parse(`<!doctype html>
<html lang="it">
<head><meta charset="utf-8"><title>pagoPA (simulatore) - Pagamento</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body>
<header><p><strong>pagoPA</strong> - simulatore di checkout (nessun addebito reale)</p></header>
<main>
<h1>Paga un avviso</h1>
{{if .Error}}<p role="alert">{{.Error}}</p>{{end}}
{{with .Notice}}
<dl>
<dt>Ente creditore</dt><dd>{{.Company}} ({{.Org}})</dd>
<dt>Oggetto</dt><dd>{{.Description}}</dd>
<dt>Codice avviso</dt><dd>{{.NAV}}</dd>
<dt>Importo</dt><dd id="importo">{{euro .AmountCents}}</dd>
<dt>Scadenza</dt><dd>{{.DueDate.Format "02/01/2006"}}</dd>
</dl>
{{if .Payable}}
<form method="post" action="/checkout">
<input type="hidden" name="org" value="{{.Org}}">
<input type="hidden" name="notice" value="{{.NAV}}">
<input type="hidden" name="return" value="{{$.Return}}">
<fieldset><legend>Scegli con chi pagare</legend>
{{range $i, $p := $.PSPs}}<p><input type="radio" id="psp{{$i}}" name="psp" value="{{$p.ID}}"{{if eq $i 0}} checked{{end}}>
<label for="psp{{$i}}">{{$p.Name}}</label></p>{{end}}
</fieldset>
<button type="submit">Paga {{euro .AmountCents}}</button>
</form>
{{else}}<p>Questo avviso non si può pagare: {{.Reason}}.</p>{{end}}
{{end}}
{{if .Return}}<p><a href="{{.Return}}">Torna all'ente</a></p>{{end}}
</main>
</body></html>`))

type checkoutData struct {
	Notice *Notice
	Error  string
	Return string
	PSPs   []PSP
}

// handleCheckout shows a notice: /checkout?org=<cf>&notice=<nav>&return=<url>.
func (s *Sim) handleCheckout(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	data := checkoutData{Return: safeReturn(q.Get("return")), PSPs: PSPs}
	n, err := s.Lookup(q.Get("org"), strings.ReplaceAll(q.Get("notice"), " ", ""))
	if err != nil {
		data.Error = err.Error()
		w.WriteHeader(http.StatusNotFound)
	} else {
		data.Notice = &n
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	checkoutPage.Execute(w, data)
}

// handleCheckoutPay pays and sends the citizen back to the creditor's page.
func (s *Sim) handleCheckoutPay(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	org, nav, ret := r.PostForm.Get("org"), r.PostForm.Get("notice"), safeReturn(r.PostForm.Get("return"))
	rt, err := s.Pay(r.Context(), org, nav, r.PostForm.Get("psp"))
	if err != nil {
		n, _ := s.Lookup(org, nav)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusConflict)
		checkoutPage.Execute(w, checkoutData{Notice: &n, Error: err.Error(), Return: ret, PSPs: PSPs})
		return
	}
	if ret == "" {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintf(w, "Pagamento eseguito. Ricevuta %s\n", rt.Receipt.ReceiptID)
		return
	}
	u, _ := url.Parse(ret)
	v := u.Query()
	v.Set("esito", "OK")
	v.Set("avviso", nav)
	u.RawQuery = v.Encode()
	http.Redirect(w, r, u.String(), http.StatusSeeOther)
}

// safeReturn keeps only absolute http(s) URLs or local paths as return targets.
func safeReturn(s string) string {
	u, err := url.Parse(s)
	if err != nil || s == "" {
		return ""
	}
	if u.Scheme == "http" || u.Scheme == "https" || u.Scheme == "" && strings.HasPrefix(s, "/") && !strings.HasPrefix(s, "//") {
		return s
	}
	return ""
}
