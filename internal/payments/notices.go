package payments

import (
	"context"
	"io"
	"strings"

	"github.com/arengo-pa/arengo/internal/payments/notice"
)

// noticeOf lays a position out for the printed notice.
func (s *Service) noticeOf(ctx context.Context, p *Position) notice.Notice {
	postal := s.cfg.PostalAccount
	if dt, err := s.debtType(ctx, s.d.DB, p.DebtType); err == nil && dt.PostalAccount != "" {
		postal = dt.PostalAccount
	}
	d := p.Debtor
	addr := strings.TrimSpace(strings.Join(nonEmpty(d.Street+" "+d.Civic, strings.TrimSpace(d.PostalCode+" "+d.City), paren(d.Province)), ", "))
	n := notice.Notice{
		Subject: p.Description,
		Creditor: notice.Creditor{FiscalCode: s.cfg.CreditorCF, Name: s.cfg.CreditorName, Office: s.cfg.Office,
			Info: s.cfg.Info, PostalAccount: postal, PosteAuth: s.cfg.PosteAuth},
		Debtor: notice.Debtor{FiscalCode: d.FiscalCode, Name: d.Name, Address: addr},
	}
	for _, o := range p.Options {
		opt := notice.Option{NoticeNumber: o.NoticeNumber, AmountCents: o.AmountCents, DueDate: o.DueDate}
		if o.IsPartial {
			n.Installments = append(n.Installments, opt)
		} else if n.Single == nil {
			n.Single = &opt
			n.IUV = o.IUV
		}
	}
	if n.IUV == "" && len(p.Options) > 0 {
		n.IUV = p.Options[0].IUV
	}
	return n
}

// WriteNotice draws a position's notice PDF.
func (s *Service) WriteNotice(ctx context.Context, w io.Writer, p *Position) error {
	return notice.Write(w, s.noticeOf(ctx, p))
}

// WriteNoticesZip streams the notices of every payable position matching f into
// a zip, reading positions page by page so memory stays flat.
func (s *Service) WriteNoticesZip(ctx context.Context, w io.Writer, f Filter) (int, error) {
	return notice.WriteZip(w, s.noticeSource(ctx, f))
}

// WriteNoticesPDF streams the same notices into one PDF, for a print run;
// duplex pads each notice to an even number of pages.
func (s *Service) WriteNoticesPDF(ctx context.Context, w io.Writer, f Filter, duplex bool) (int, error) {
	return notice.WritePDF(w, s.noticeSource(ctx, f), notice.PDFOptions{Duplex: duplex,
		Title: "Avvisi di pagamento - " + s.cfg.CreditorName})
}

// noticeSource yields the notices of the payable positions matching f, reading
// positions page by page.
func (s *Service) noticeSource(ctx context.Context, f Filter) notice.Source {
	const page = 200
	var buf []*Position
	offset := 0
	done := false
	return func() (notice.Notice, bool, error) {
		for len(buf) == 0 {
			if done {
				return notice.Notice{}, false, nil
			}
			f.Limit, f.Offset = page, offset
			list, _, err := s.Search(ctx, f)
			if err != nil {
				return notice.Notice{}, false, err
			}
			offset += page
			done = len(list) < page
			for _, p := range list {
				if p.Status == "VALID" || p.Status == "PARTIALLY_PAID" || p.Status == "PUBLISHED" {
					buf = append(buf, p)
				}
			}
		}
		p := buf[0]
		buf = buf[1:]
		if err := s.loadOptions(ctx, s.d.DB, p); err != nil {
			return notice.Notice{}, false, err
		}
		return s.noticeOf(ctx, p), true, nil
	}
}

func nonEmpty(parts ...string) []string {
	var out []string
	for _, p := range parts {
		if strings.TrimSpace(p) != "" && p != "()" {
			out = append(out, strings.TrimSpace(p))
		}
	}
	return out
}

func paren(s string) string {
	if s == "" {
		return ""
	}
	return "(" + s + ")"
}
