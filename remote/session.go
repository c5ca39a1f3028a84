package remote

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"sync"

	"github.com/coder/websocket"
	"github.com/vmihailenco/msgpack/v5"
)

// session is one client connection: the handshake, then requests answered
// in the order they came, with events interleaved by one writer.
type session struct {
	s       *Server
	c       *websocket.Conn
	msgpack bool

	challenge, salt string

	out  chan outMsg // what the writer sends, in order
	done chan struct{}

	mu         sync.Mutex
	identified bool
	subs       int
	closing    bool
	closeCode  websocket.StatusCode
	closeWhy   string
	incoming   int64
	outgoing   int64
	// inRequest is set while a request runs; a shutdown then waits for
	// its answer to be queued (shutAfter) before closing.
	inRequest bool
	shutAfter bool
}

// shutdown closes the session once the request under way (if any) is
// answered.
func (ss *session) shutdown() {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.inRequest {
		ss.shutAfter = true
		return
	}
	ss.closeLocked(websocket.StatusGoingAway, "The studio is closing.")
}

type outMsg struct {
	op int
	d  map[string]any
}

// outQueue bounds what one client may have waiting; a client that does not
// read is disconnected instead of growing memory.
const outQueue = 256

func newSession(s *Server, c *websocket.Conn, mp bool) *session {
	return &session{s: s, c: c, msgpack: mp, out: make(chan outMsg, outQueue), done: make(chan struct{})}
}

func (ss *session) codecName() string {
	if ss.msgpack {
		return subprotocolMsgpack
	}
	return subprotocolJSON
}

func (ss *session) run(ctx context.Context) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	written := make(chan struct{})
	go ss.writer(ctx, written)
	defer func() {
		ss.close(websocket.StatusNormalClosure, "")
		<-written
	}()

	hello := map[string]any{"obsWebSocketVersion": obsWebSocketVersion, "rpcVersion": rpcVersion}
	if ss.s.cfg.Password != "" {
		ss.challenge, ss.salt = NewPassword()+NewPassword(), NewPassword()+NewPassword()
		hello["authentication"] = map[string]any{"challenge": ss.challenge, "salt": ss.salt}
	}
	ss.send(opHello, hello)

	for {
		typ, data, err := ss.c.Read(ctx)
		if err != nil {
			return
		}
		ss.mu.Lock()
		ss.incoming++
		ss.mu.Unlock()
		msg, err := ss.decode(typ, data)
		if err != nil {
			ss.close(closeMessageDecodeError, "The message could not be decoded.")
			return
		}
		op, ok := number(msg["op"])
		d, dok := msg["d"].(map[string]any)
		if !ok || !dok {
			ss.close(closeMissingDataField, "The message lacks op or d.")
			return
		}
		if !ss.handle(ctx, int(op), d) {
			return
		}
	}
}

// handle answers one message; false ends the session.
func (ss *session) handle(ctx context.Context, op int, d map[string]any) bool {
	ss.mu.Lock()
	identified := ss.identified
	ss.mu.Unlock()
	switch op {
	case opIdentify:
		if identified {
			ss.close(closeAlreadyIdentified, "You are already identified.")
			return false
		}
		return ss.identify(d, false)
	case opReidentify:
		if !identified {
			ss.close(closeNotIdentified, "Identify first.")
			return false
		}
		return ss.identify(d, true)
	case opRequest, opRequestBatch:
		if !identified {
			ss.close(closeNotIdentified, "Identify first.")
			return false
		}
		ss.mu.Lock()
		ss.inRequest = true
		ss.mu.Unlock()
		var op2 int
		var resp map[string]any
		if op == opRequest {
			op2, resp = opRequestResponse, ss.request(ctx, d)
		} else {
			op2, resp = opRequestBatchResponse, ss.batch(ctx, d)
		}
		ss.mu.Lock()
		defer ss.mu.Unlock()
		ss.inRequest = false
		ss.sendLocked(op2, resp)
		if ss.shutAfter {
			ss.closeLocked(websocket.StatusGoingAway, "The studio is closing.")
			return false
		}
		return true
	}
	if !identified {
		ss.close(closeNotIdentified, "Identify first.")
	} else {
		ss.close(closeUnknownOpCode, "Unknown op code.")
	}
	return false
}

func (ss *session) identify(d map[string]any, again bool) bool {
	if !again {
		v, ok := number(d["rpcVersion"])
		if !ok {
			ss.close(closeMissingDataField, "Identify lacks rpcVersion.")
			return false
		}
		if int(v) != rpcVersion {
			ss.close(closeUnsupportedRpcVersion, "Only rpcVersion 1 is supported.")
			return false
		}
		if ss.s.cfg.Password != "" {
			got, _ := d["authentication"].(string)
			want := authResponse(ss.s.cfg.Password, ss.salt, ss.challenge)
			if subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
				ss.s.logf("remote control: a client gave a wrong password")
				ss.close(closeAuthenticationFailed, "Authentication failed.")
				return false
			}
		}
	}
	subs := subAll
	if v, ok := number(d["eventSubscriptions"]); ok {
		subs = int(v)
	}
	ss.mu.Lock()
	ss.identified, ss.subs = true, subs
	ss.mu.Unlock()
	ss.send(opIdentified, map[string]any{"negotiatedRpcVersion": rpcVersion})
	return true
}

// send queues a message; a client too far behind is disconnected.
func (ss *session) send(op int, d map[string]any) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	ss.sendLocked(op, d)
}

func (ss *session) sendLocked(op int, d map[string]any) {
	if ss.closing {
		return
	}
	select {
	case ss.out <- outMsg{op, d}:
		ss.outgoing++
	default:
		ss.closeLocked(closeUnknownReason, "Too many messages waiting; read faster.")
	}
}

func (ss *session) event(typ string, intent int, data map[string]any) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if !ss.identified || ss.subs&intent == 0 {
		return
	}
	d := map[string]any{"eventType": typ, "eventIntent": intent}
	if data != nil {
		d["eventData"] = data
	}
	ss.sendLocked(opEvent, d)
}

// close sends what is queued, then closes with code.
func (ss *session) close(code websocket.StatusCode, why string) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	ss.closeLocked(code, why)
}

func (ss *session) closeLocked(code websocket.StatusCode, why string) {
	if ss.closing {
		return
	}
	ss.closing, ss.closeCode, ss.closeWhy = true, code, why
	close(ss.done)
}

func (ss *session) writer(ctx context.Context, finished chan<- struct{}) {
	defer close(finished)
	write := func(m outMsg) bool {
		typ, b, err := ss.encode(m)
		if err != nil {
			ss.s.logf("remote control: encoding a reply: %v", err)
			return true
		}
		return ss.c.Write(ctx, typ, b) == nil
	}
	for {
		select {
		case m := <-ss.out:
			if !write(m) {
				ss.c.CloseNow()
				return
			}
		case <-ss.done:
		drain:
			for {
				select {
				case m := <-ss.out:
					if !write(m) {
						ss.c.CloseNow()
						return
					}
				default:
					break drain
				}
			}
			ss.mu.Lock()
			code, why := ss.closeCode, ss.closeWhy
			ss.mu.Unlock()
			ss.c.Close(code, why)
			return
		}
	}
}

func (ss *session) encode(m outMsg) (websocket.MessageType, []byte, error) {
	msg := map[string]any{"op": m.op, "d": m.d}
	if ss.msgpack {
		b, err := msgpack.Marshal(msg)
		return websocket.MessageBinary, b, err
	}
	b, err := json.Marshal(msg)
	return websocket.MessageText, b, err
}

func (ss *session) decode(typ websocket.MessageType, data []byte) (map[string]any, error) {
	var msg map[string]any
	if ss.msgpack {
		if typ != websocket.MessageBinary {
			return nil, errors.New("msgpack sessions send binary messages")
		}
		err := msgpack.Unmarshal(data, &msg)
		return msg, err
	}
	if typ != websocket.MessageText {
		return nil, errors.New("json sessions send text messages")
	}
	err := json.Unmarshal(data, &msg)
	return msg, err
}

func (ss *session) counts() (in, out int64) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	return ss.incoming, ss.outgoing
}
