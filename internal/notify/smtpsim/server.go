// Package smtpsim is an in-process SMTP server for the demo and the tests:
// EHLO, STARTTLS with a self-signed certificate, AUTH PLAIN, MAIL, RCPT, DATA.
// It stores what it receives, keyed by Message-ID so that a resubmission after
// a crash is recognised, and can journal mails to a file to survive restarts.
package smtpsim

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"net/mail"
	"strings"
	"sync"
	"time"

	"github.com/arengo-pa/arengo/internal/notify/simjournal"
)

// Mail is one received message.
type Mail struct {
	From      string    `json:"from"`
	To        []string  `json:"to"`
	MessageID string    `json:"message_id"`
	Subject   string    `json:"subject"`
	Data      string    `json:"data,omitempty"` // the whole RFC 5322 message; not journaled
	TLS       bool      `json:"tls"`
	At        time.Time `json:"at"`
}

type entry struct {
	Mail      *Mail `json:"mail,omitempty"`
	Duplicate bool  `json:"duplicate,omitempty"`
}

// Server is the SMTP simulator.
type Server struct {
	ln      net.Listener
	tlsConf *tls.Config
	pool    *x509.CertPool
	// RequireTLS refuses MAIL before STARTTLS, as a submission server should.
	RequireTLS bool
	// DiscardBodies keeps only the envelope and headers (for benchmarks).
	DiscardBodies bool
	// Users, when not empty, makes AUTH PLAIN mandatory with these user → password pairs.
	Users map[string]string
	// RejectRecipient, when set, refuses RCPT for the addresses it matches
	// with 550 (an unknown mailbox). Set it before mail arrives.
	RejectRecipient func(addr string) bool

	mu         sync.Mutex
	mails      []Mail
	byID       map[string]int
	duplicates int
	journal    *simjournal.Journal[entry]
	wg         sync.WaitGroup
	closed     chan struct{}
}

// Start listens on addr ("127.0.0.1:0" for a free port) and serves until Close.
// With a non-empty journalPath received mails are remembered across restarts.
func Start(addr, journalPath string) (*Server, error) {
	cert, pool, err := selfSigned()
	if err != nil {
		return nil, err
	}
	s := &Server{
		tlsConf: &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12},
		pool:    pool, RequireTLS: true, byID: map[string]int{}, closed: make(chan struct{}),
	}
	if journalPath != "" {
		j, err := simjournal.Open(journalPath, s.replay)
		if err != nil {
			return nil, err
		}
		s.journal = j
	}
	s.ln, err = net.Listen("tcp", addr)
	if err != nil {
		s.Close()
		return nil, err
	}
	s.wg.Add(1)
	go s.accept()
	return s, nil
}

// Addr is the host:port the server listens on.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// ClientTLS returns a TLS configuration that trusts the server's certificate.
func (s *Server) ClientTLS() *tls.Config {
	return &tls.Config{RootCAs: s.pool, ServerName: "localhost", MinVersion: tls.VersionTLS12}
}

// Close stops the listener and waits for open sessions to end.
func (s *Server) Close() error {
	select {
	case <-s.closed:
		return nil
	default:
		close(s.closed)
	}
	var err error
	if s.ln != nil {
		err = s.ln.Close()
	}
	s.wg.Wait()
	if s.journal != nil {
		err = errors.Join(err, s.journal.Close())
	}
	return err
}

// Mails returns a copy of the received mails in arrival order.
func (s *Server) Mails() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.mails...)
}

// Stats returns the number of distinct mails and of resubmissions recognised by Message-ID.
func (s *Server) Stats() (mails, duplicates int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.mails), s.duplicates
}

// HasMessageID reports whether a mail with this Message-ID arrived.
func (s *Server) HasMessageID(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.byID[id]
	return ok
}

func (s *Server) replay(e entry) {
	if e.Duplicate {
		s.duplicates++
		return
	}
	if e.Mail == nil {
		return
	}
	s.byID[e.Mail.MessageID] = len(s.mails)
	s.mails = append(s.mails, *e.Mail)
}

// store records a mail; a Message-ID already seen counts as a duplicate.
func (s *Server) store(m Mail) error {
	if hdr, err := mail.ReadMessage(bufio.NewReader(strings.NewReader(m.Data))); err == nil {
		m.MessageID = strings.Trim(hdr.Header.Get("Message-Id"), "<> ")
		m.Subject = hdr.Header.Get("Subject")
		if dec, err := new(mimeDecoder).DecodeHeader(m.Subject); err == nil {
			m.Subject = dec
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.byID[m.MessageID]; dup && m.MessageID != "" {
		s.duplicates++
		if s.journal != nil {
			return s.journal.Write(entry{Duplicate: true, Mail: &Mail{MessageID: m.MessageID}})
		}
		return nil
	}
	if s.journal != nil {
		light := m
		light.Data = ""
		if err := s.journal.Write(entry{Mail: &light}); err != nil {
			return err
		}
	}
	if m.MessageID != "" {
		s.byID[m.MessageID] = len(s.mails)
	}
	if s.DiscardBodies {
		m.Data = ""
	}
	s.mails = append(s.mails, m)
	return nil
}

func (s *Server) accept() {
	defer s.wg.Done()
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			select {
			case <-s.closed:
				return
			default:
			}
			if ne, ok := err.(net.Error); ok && ne.Timeout() {
				continue
			}
			return
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			newSession(s, conn).serve()
		}()
	}
}
