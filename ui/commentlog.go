package ui

import (
	"time"

	"showcaster/app"
	"showcaster/internal/clock"
)

// maxComments is how many rows the comments panel keeps. A big show sends
// thousands of comments a second; the host reads the newest, so the oldest
// fall off and memory stays flat however long the show runs.
const maxComments = 5000

type rowKind int

const (
	rowComment rowKind = iota
	rowReply
)

// commentRow is one line of the panel: a viewer's comment or a reply to one.
type commentRow struct {
	kind    rowKind
	comment app.Comment // for a reply: the comment it answers, as far as known
	reply   app.Reply
	at      time.Time
	onAir   bool // the comment is shown on stream
	replied bool // someone answered the comment
}

// commentLog is a ring of the last maxComments rows with an index from
// comment ID to row, both bounded together.
type commentLog struct {
	rows  []commentRow
	start int   // index in rows of the oldest row
	n     int   // rows in use
	first int64 // sequence number of the oldest row
	byID  map[string]int64
	clk   clock.Clock // stamps rows that come without a time
}

func newCommentLog(capacity int, clk clock.Clock) *commentLog {
	return &commentLog{rows: make([]commentRow, capacity), byID: map[string]int64{}, clk: clock.OrReal(clk)}
}

func (l *commentLog) Len() int { return l.n }

// Reset forgets every row (another show was selected).
func (l *commentLog) Reset() {
	clear(l.rows)
	l.start, l.n, l.first = 0, 0, 0
	clear(l.byID)
}

// At returns the i-th row from the oldest (0 ≤ i < Len).
func (l *commentLog) At(i int) *commentRow {
	return &l.rows[(l.start+i)%len(l.rows)]
}

func (l *commentLog) push(r commentRow) {
	if l.n == len(l.rows) {
		l.dropOldest()
	}
	l.rows[(l.start+l.n)%len(l.rows)] = r
	if r.kind == rowComment && r.comment.ID != "" {
		l.byID[r.comment.ID] = l.first + int64(l.n)
	}
	l.n++
}

func (l *commentLog) dropOldest() {
	old := &l.rows[l.start]
	if old.kind == rowComment {
		delete(l.byID, old.comment.ID)
	}
	*old = commentRow{}
	l.start = (l.start + 1) % len(l.rows)
	l.first++
	l.n--
}

// insert puts r at index i (0 ≤ i ≤ Len), moving the rows from i on one
// down. A full log first lets its oldest row go, so i must be above 0 then.
func (l *commentLog) insert(i int, r commentRow) {
	if i >= l.n {
		l.push(r)
		return
	}
	if l.n == len(l.rows) {
		l.dropOldest()
		i--
	}
	for j := l.n; j > i; j-- {
		moved := l.At(j - 1)
		*l.At(j) = *moved
		if moved.kind == rowComment && moved.comment.ID != "" {
			l.byID[moved.comment.ID] = l.first + int64(j)
		}
	}
	l.n++
	*l.At(i) = r
}

// AddComment appends a comment; a repeat of a known ID (a replay after a
// reconnect) is ignored.
func (l *commentLog) AddComment(c app.Comment) bool {
	if _, ok := l.byID[c.ID]; ok && c.ID != "" {
		return false
	}
	at := c.At
	if at.IsZero() {
		at = l.clk.Now()
	}
	l.push(commentRow{kind: rowComment, comment: c, at: at})
	return true
}

// Find returns the row of a comment still held, or nil.
func (l *commentLog) Find(commentID string) *commentRow {
	i := l.Index(commentID)
	if i < 0 {
		return nil
	}
	return l.At(i)
}

// Index is the row of a comment still held (0 the oldest), or -1.
func (l *commentLog) Index(commentID string) int {
	seq, ok := l.byID[commentID]
	if !ok || commentID == "" {
		return -1
	}
	return int(seq - l.first)
}

// AddReply puts a reply under the comment it answers, after the answers it
// already has, and marks that comment answered: the list reads the same
// whether the replies came live or from the show's history after a restart.
// A reply whose comment is no longer held goes at the end. at is when the
// platform took the reply.
func (l *commentLog) AddReply(r app.Reply, at time.Time) {
	row := commentRow{kind: rowReply, reply: r, at: at}
	ci := l.Index(r.CommentID)
	if ci < 0 {
		l.push(row)
		return
	}
	c := l.At(ci)
	c.replied = true
	row.comment = c.comment
	i := ci + 1
	for i < l.n {
		next := l.At(i)
		if next.kind != rowReply || next.reply.CommentID != r.CommentID {
			break
		}
		i++
	}
	if ci == 0 && l.n == len(l.rows) && i < l.n {
		// The answered comment is the oldest and about to go: its answer
		// follows the newest rows rather than taking its place.
		l.push(row)
		return
	}
	l.insert(i, row)
}

// SetOnAir marks which comment is on stream ("" for none).
func (l *commentLog) SetOnAir(commentID string) {
	for i := 0; i < l.n; i++ {
		r := l.At(i)
		r.onAir = r.kind == rowComment && commentID != "" && r.comment.ID == commentID
	}
}
