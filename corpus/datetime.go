package corpus

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/callqa/callqa/corpus/internal/textread"
)

// A turn line may start with the date and time it was said, as call
// systems write them: "2026-03-01 10:00:01 坐席：…", "2026/03/01
// 10:00:01.250 坐席：…" or "[2026-03-01 10:00:01] 坐席：…". The stamps of
// a call become Turn.Start, seconds from the start of the call: from its
// started_at header when that is no later than the first stamp, else from
// the earliest stamp, which then gives started_at when the header is
// missing. A stamp has no time zone: it is read in the zone of the
// started_at header, else in the local one (as search reads dates).

// dateTime is a date and time as written in a stamp, without a zone.
type dateTime struct {
	year, month, day, hour, min, sec, nsec int
}

// in returns d as a time in loc.
func (d dateTime) in(loc *time.Location) time.Time {
	return time.Date(d.year, time.Month(d.month), d.day, d.hour, d.min, d.sec, d.nsec, loc)
}

// valid reports whether d names a real date and time of day.
func (d dateTime) valid() bool {
	t := d.in(time.UTC)
	return d.hour < 24 && d.min < 60 && d.sec < 60 &&
		t.Year() == d.year && int(t.Month()) == d.month && t.Day() == d.day
}

// The forms errors about stamps ask for, bare and in brackets.
const (
	dateTimeExample          = "2026-03-01 10:00:01 or 2026/03/01 10:00:01, optionally with .mmm"
	bracketedDateTimeExample = "[2026-03-01 10:00:01] or [2026/03/01 10:00:01], optionally with .mmm"
)

// The results of scanDateTime.
const (
	noStamp  = iota // s does not start with a date and time
	badStamp        // it does, in the right form, but out of range (month 13, 25:00:00)
	stampOK
)

// scanDateTime reads a date and time at the start of s: yyyy-mm-dd or
// yyyy/mm/dd (one or two digits for the month and day), a space or a 'T',
// and hh:mm:ss (one or two digits for the hour) with an optional fraction
// of up to 9 digits after '.' or ','. It returns the stamp, the bytes it
// takes and one of noStamp, badStamp and stampOK.
func scanDateTime(s string) (d dateTime, n int, result int) {
	p := &stampScanner{s: s}
	var ok bool
	if d.year, ok = p.digits(4, 4); !ok || !p.oneOf("-/") {
		return d, 0, noStamp
	}
	sep := s[p.i-1]
	if d.month, ok = p.digits(1, 2); !ok || !p.char(sep) {
		return d, 0, noStamp
	}
	if d.day, ok = p.digits(1, 2); !ok || !p.char('T') && !p.spaces() {
		return d, 0, noStamp
	}
	if d.hour, ok = p.digits(1, 2); !ok || !p.char(':') {
		return d, 0, noStamp
	}
	if d.min, ok = p.digits(2, 2); !ok || !p.char(':') {
		return d, 0, noStamp
	}
	if d.sec, ok = p.digits(2, 2); !ok {
		return d, 0, noStamp
	}
	if p.oneOf(".,") {
		start := p.i
		frac, ok := p.digits(1, 9)
		if !ok {
			return d, 0, noStamp
		}
		for range 9 - (p.i - start) {
			frac *= 10
		}
		d.nsec = frac
	}
	if p.i < len(s) && '0' <= s[p.i] && s[p.i] <= '9' {
		return d, 0, noStamp // more digits: not this form
	}
	if !d.valid() {
		return d, p.i, badStamp
	}
	return d, p.i, stampOK
}

// stampScanner steps through a stamp byte by byte.
type stampScanner struct {
	s string
	i int
}

// digits reads lo to hi decimal digits.
func (p *stampScanner) digits(lo, hi int) (int, bool) {
	v, n := 0, 0
	for n < hi && p.i < len(p.s) && '0' <= p.s[p.i] && p.s[p.i] <= '9' {
		v = v*10 + int(p.s[p.i]-'0')
		p.i++
		n++
	}
	return v, n >= lo
}

// char reads c.
func (p *stampScanner) char(c byte) bool {
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

// oneOf reads one of the bytes of set.
func (p *stampScanner) oneOf(set string) bool {
	if p.i < len(p.s) && strings.IndexByte(set, p.s[p.i]) >= 0 {
		p.i++
		return true
	}
	return false
}

// spaces reads one or more spaces or tabs.
func (p *stampScanner) spaces() bool {
	start := p.i
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t') {
		p.i++
	}
	return p.i > start
}

// splitDateTime takes a leading bare date and time off line (a bracketed
// one is splitTimestamp's). A line that starts with a date in another form
// is left alone, as a turn's text may go on with a date; one in the right
// form but out of range is an error.
func splitDateTime(line string) (d dateTime, rest string, ok bool, err error) {
	d, n, result := scanDateTime(line)
	switch result {
	case stampOK:
		return d, textread.TrimLine(line[n:]), true, nil
	case badStamp:
		return d, line, false, fmt.Errorf("bad date-time stamp %q (want %s)", line[:n], dateTimeExample)
	}
	return d, line, false, nil
}

// stamp is the time a turn line starts with: a clock time, seconds from
// the start of the call, or a date and time.
type stamp struct {
	sec   float64
	at    dateTime
	dated bool
}

// splitStamp takes a leading stamp off line: a date and time, bare or in
// brackets, or a clock time in brackets (see splitTimestamp). Brackets
// holding a date and something with a colon must hold a whole date and
// time.
func splitStamp(line string) (st stamp, rest string, ok bool, err error) {
	if inner, n, bracketed := bracketed(line); bracketed && startsWithDate(inner) && timeLike(inner) {
		d, m, result := scanDateTime(inner)
		if result != stampOK || m != len(inner) {
			return st, line, false, fmt.Errorf("bad date-time stamp %q (want %s)", line[:n], bracketedDateTimeExample)
		}
		return stamp{at: d, dated: true}, textread.TrimLine(line[n:]), true, nil
	}
	if d, rest, ok, err := splitDateTime(line); ok || err != nil {
		return stamp{at: d, dated: true}, rest, ok, err
	}
	sec, rest, ok, err := splitTimestamp(line)
	return stamp{sec: sec}, rest, ok, err
}

// bracketed returns the trimmed content of the [], 【】 or ［］ brackets
// line starts with, and the bytes up to the closing bracket.
func bracketed(line string) (inner string, n int, ok bool) {
	open, size := utf8.DecodeRuneInString(line)
	if open != '[' && open != '【' && open != '［' {
		return "", 0, false
	}
	end := strings.IndexAny(line[size:], "]】］")
	if end < 0 {
		return "", 0, false
	}
	_, closeSize := utf8.DecodeRuneInString(line[size+end:])
	return strings.TrimSpace(line[size : size+end]), size + end + closeSize, true
}

// startsWithDate reports whether s starts like a date: four digits and a
// '-' or '/'.
func startsWithDate(s string) bool {
	p := &stampScanner{s: s}
	_, ok := p.digits(4, 4)
	return ok && p.oneOf("-/")
}

// datedTurn is the date and time turn i of a call starts with.
type datedTurn struct {
	i  int
	at dateTime
}

// setDatedStarts turns the date-time stamps of c's turns into Turn.Start,
// seconds from the start of the call: its started_at when that is no later
// than the earliest stamp, else the earliest stamp (to the second), which
// becomes started_at when c has none. The stamps are read in the zone of
// started_at, else in the local one.
func setDatedStarts(c *Call, dated []datedTurn) {
	if len(dated) == 0 {
		return
	}
	loc := time.Local
	header, err := time.Parse(time.RFC3339, c.StartedAt)
	haveHeader := c.StartedAt != "" && err == nil
	if haveHeader {
		loc = header.Location()
	}
	first := dated[0].at.in(loc)
	for _, d := range dated[1:] {
		if t := d.at.in(loc); t.Before(first) {
			first = t
		}
	}
	ref := header
	if !haveHeader || header.After(first) {
		ref = first.Truncate(time.Second)
	}
	if c.StartedAt == "" {
		c.StartedAt = ref.Format(time.RFC3339)
	}
	for _, d := range dated {
		sec := d.at.in(loc).Sub(ref).Seconds()
		c.Turns[d.i].Start = &sec
	}
}
