package smtpsim

import (
	"crypto/tls"
	"encoding/base64"
	"io"
	"mime"
	"net"
	"net/textproto"
	"strings"
	"time"
)

type mimeDecoder = mime.WordDecoder

// maxMessage bounds DATA so a client cannot exhaust memory.
const maxMessage = 10 << 20

type session struct {
	srv    *Server
	conn   net.Conn
	tp     *textproto.Conn
	tls    bool
	authed bool
	helo   bool
	from   string
	to     []string
}

func newSession(s *Server, c net.Conn) *session {
	return &session{srv: s, conn: c, tp: textproto.NewConn(c)}
}

func (ss *session) reply(code int, lines ...string) bool {
	for i, l := range lines {
		sep := " "
		if i < len(lines)-1 {
			sep = "-"
		}
		if err := ss.tp.PrintfLine("%d%s%s", code, sep, l); err != nil {
			return false
		}
	}
	return true
}

func (ss *session) serve() {
	defer ss.conn.Close()
	ss.conn.SetDeadline(time.Now().Add(5 * time.Minute))
	if !ss.reply(220, "localhost ESMTP arengo-smtpsim") {
		return
	}
	for {
		line, err := ss.tp.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO", "HELO":
			ss.helo, ss.from, ss.to = true, "", nil
			ext := []string{"localhost", "8BITMIME", "SIZE 10485760"}
			if !ss.tls {
				ext = append(ext, "STARTTLS")
			} else {
				ext = append(ext, "AUTH PLAIN")
			}
			ss.reply(250, ext...)
		case "STARTTLS":
			if ss.tls {
				ss.reply(503, "5.5.1 TLS already active")
				continue
			}
			ss.reply(220, "2.0.0 Ready to start TLS")
			tc := tls.Server(ss.conn, ss.srv.tlsConf)
			if err := tc.Handshake(); err != nil {
				return
			}
			ss.conn, ss.tp, ss.tls, ss.helo = tc, textproto.NewConn(tc), true, false
		case "AUTH":
			ss.auth(arg)
		case "MAIL":
			switch {
			case !ss.helo:
				ss.reply(503, "5.5.1 EHLO first")
			case ss.srv.RequireTLS && !ss.tls:
				ss.reply(530, "5.7.0 Must issue a STARTTLS command first")
			case len(ss.srv.Users) > 0 && !ss.authed:
				ss.reply(530, "5.7.0 Authentication required")
			default:
				ss.from, ss.to = address(arg), nil
				ss.reply(250, "2.1.0 Ok")
			}
		case "RCPT":
			if ss.from == "" {
				ss.reply(503, "5.5.1 MAIL first")
				continue
			}
			to := address(arg)
			if !strings.Contains(to, "@") {
				ss.reply(501, "5.1.3 Bad recipient address syntax")
				continue
			}
			if reject := ss.srv.RejectRecipient; reject != nil && reject(to) {
				ss.reply(550, "5.1.1 Mailbox unavailable")
				continue
			}
			ss.to = append(ss.to, to)
			ss.reply(250, "2.1.5 Ok")
		case "DATA":
			if len(ss.to) == 0 {
				ss.reply(503, "5.5.1 RCPT first")
				continue
			}
			ss.reply(354, "End data with <CR><LF>.<CR><LF>")
			data, err := io.ReadAll(io.LimitReader(ss.tp.DotReader(), maxMessage+1))
			if err != nil {
				return
			}
			if len(data) > maxMessage {
				ss.reply(552, "5.3.4 Message too big")
				continue
			}
			err = ss.srv.store(Mail{From: ss.from, To: ss.to, Data: string(data), TLS: ss.tls, At: time.Now().UTC()})
			if err != nil {
				ss.reply(451, "4.3.0 "+err.Error())
				continue
			}
			ss.from, ss.to = "", nil
			ss.reply(250, "2.0.0 Ok: queued")
		case "RSET":
			ss.from, ss.to = "", nil
			ss.reply(250, "2.0.0 Ok")
		case "NOOP":
			ss.reply(250, "2.0.0 Ok")
		case "QUIT":
			ss.reply(221, "2.0.0 Bye")
			return
		default:
			ss.reply(502, "5.5.2 Command not recognized")
		}
	}
}

// auth handles AUTH PLAIN, with the credentials inline or on the next line.
func (ss *session) auth(arg string) {
	mech, resp, _ := strings.Cut(arg, " ")
	if !strings.EqualFold(mech, "PLAIN") {
		ss.reply(504, "5.5.4 Unrecognized authentication type")
		return
	}
	if !ss.tls {
		ss.reply(538, "5.7.11 Encryption required")
		return
	}
	if resp == "" {
		ss.reply(334, "")
		line, err := ss.tp.ReadLine()
		if err != nil {
			return
		}
		resp = line
	}
	raw, err := base64.StdEncoding.DecodeString(resp)
	parts := strings.Split(string(raw), "\x00")
	if err != nil || len(parts) != 3 {
		ss.reply(501, "5.5.2 Malformed AUTH PLAIN")
		return
	}
	if want, ok := ss.srv.Users[parts[1]]; len(ss.srv.Users) > 0 && (!ok || want != parts[2]) {
		ss.reply(535, "5.7.8 Authentication credentials invalid")
		return
	}
	ss.authed = true
	ss.reply(235, "2.7.0 Authentication successful")
}

// address extracts the mailbox from "FROM:<a@b>" or "TO:<a@b> SIZE=…".
func address(arg string) string {
	_, v, _ := strings.Cut(arg, ":")
	v = strings.TrimSpace(v)
	if i := strings.IndexByte(v, '>'); strings.HasPrefix(v, "<") && i > 0 {
		return v[1:i]
	}
	v, _, _ = strings.Cut(v, " ")
	return v
}
