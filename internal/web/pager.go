package web

import (
	"net/http"
	"net/url"
	"strconv"
)

// Pager is the one pagination convention of lists, pages and API alike:
// ?page=N&page_size=M, pages counted from 1.
type Pager struct {
	Page, PageSize, Total int
	url                   url.URL
}

// NewPager reads page and page_size from the request (default size def,
// at most 1000).
func NewPager(r *http.Request, def int) Pager {
	q := r.URL.Query()
	page, _ := strconv.Atoi(q.Get("page"))
	size, _ := strconv.Atoi(q.Get("page_size"))
	if page < 1 {
		page = 1
	}
	if size < 1 {
		size = def
	}
	size = min(size, 1000)
	return Pager{Page: page, PageSize: size, url: *r.URL}
}

// Offset is the first row of the page.
func (p Pager) Offset() int { return (p.Page - 1) * p.PageSize }

// Pages is how many pages Total fills.
func (p Pager) Pages() int {
	if p.PageSize <= 0 {
		return 1
	}
	return max(1, (p.Total+p.PageSize-1)/p.PageSize)
}

// Link is the URL of page n with the other query parameters kept.
func (p Pager) Link(n int) string {
	u := p.url
	q := u.Query()
	q.Set("page", strconv.Itoa(n))
	u.RawQuery = q.Encode()
	return u.RequestURI()
}
