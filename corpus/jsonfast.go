package corpus

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// The fast path of the JSON reader. Most calls are well formed, and for
// them the positioned reader (jsonParser) does more than it needs to: a
// syntax check of the whole value, then a walk that decodes every string
// through encoding/json. fastJSONCall reads a call in one pass of its own
// over the text instead, with no reflection: turn texts without escapes
// are slices of the text, not copies, and the other strings are unescaped
// straight into the call's fields. Only the texts are slices: they are
// most of the text, and a call's texts live as long as the call, while its
// id, metadata or a speaker label may be kept on their own (a result names
// its call), and a slice would keep the whole text of the call alive with
// them. So the call's other strings are copies (a label once per call). It checks the syntax as strictly as json.Valid
// and applies the same rules through the same code (jsonParser's finish,
// checkTurn, setLabel, addRole, seconds, confidenceValue, setCallID,
// callField, setMeta). Whatever it does not handle or finds wrong
// (a syntax error, a value of the wrong kind, a duplicate or escaped field
// name, a rule broken, nesting deeper than fastMaxDepth, more than
// fastMaxKeys unknown fields in one object) makes it give up, and the
// caller reads the input again with jsonParser, which reports the error
// with its line. So the fast path changes neither a call read nor an
// error reported; FuzzJSONFastPath and TestJSONFastPath check that.

// Limits beyond which the fast path leaves an input to the positioned
// reader.
const (
	fastMaxDepth = 64 // nesting of the values of unknown fields
	fastMaxKeys  = 64 // unknown fields of one object (their duplicates are looked for one by one)
)

// fastJSON is the state of one fast read: the text of one call, the
// position in it, and the line breaks passed so far.
type fastJSON struct {
	s      string
	i      int
	breaks int
	p      jsonParser // for the shared rules; the errors they give are dropped

	// The unknown field names of the call and of the current turn.
	callKeys, turnKeys []string
	// The speaker labels of the call so far, copied once each.
	labels []string
}

// fastJSONCall reads s, the text of one call, as jsonParser.call would:
// name is the file, base the line s starts on minus 1, whole the line of
// errors about the whole input (see jsonParser) and defID the default
// call_id. It reports false when it leaves the input to jsonParser.
func fastJSONCall(name, s string, base, whole int, defID string) (*Call, bool) {
	f := &fastJSON{s: s, p: jsonParser{path: name, base: base, whole: whole}}
	c, ok := f.call(defID)
	if !ok {
		return nil, false
	}
	if f.ws(); f.i != len(f.s) {
		return nil, false
	}
	return c, true
}

// ws skips JSON white space, counting line breaks as jsonParser.line
// does: "\n", "\r\n" and "\r" are one each.
func (f *fastJSON) ws() {
	for f.i < len(f.s) {
		switch f.s[f.i] {
		case ' ', '\t':
		case '\n':
			f.breaks++
		case '\r':
			if f.i+1 >= len(f.s) || f.s[f.i+1] != '\n' {
				f.breaks++
			}
		default:
			return
		}
		f.i++
	}
}

// peek returns the byte after any white space, or 0 at the end.
func (f *fastJSON) peek() byte {
	f.ws()
	if f.i >= len(f.s) {
		return 0
	}
	return f.s[f.i]
}

// eat consumes c, after any white space, and reports whether it was there.
func (f *fastJSON) eat(c byte) bool {
	if f.peek() != c {
		return false
	}
	f.i++
	return true
}

// line is the line of the file that the current position is on.
func (f *fastJSON) line() int { return f.p.base + 1 + f.breaks }

// members reads the members of an object whose '{' is consumed, calling
// member with each field name, the value to be read next. Field names
// with escapes are left to the positioned reader, as are duplicates among
// the unknown ones, which member reports by calling f.unknown.
func (f *fastJSON) members(member func(key string) bool) bool {
	return f.list('}', func() bool {
		if f.peek() != '"' {
			return false
		}
		key, ok := f.key()
		if !ok || !f.eat(':') {
			return false
		}
		f.ws()
		return member(key)
	})
}

// list reads the items of an array or object whose opening bracket is
// consumed, up to and with end (']' or '}'), calling item for each, with
// commas between them.
func (f *fastJSON) list(end byte, item func() bool) bool {
	if f.eat(end) {
		return true
	}
	for {
		if !item() {
			return false
		}
		switch f.peek() {
		case ',':
			f.i++
		case end:
			f.i++
			return true
		default:
			return false
		}
	}
}

// unknown adds key, a field with no place of its own, to the names of
// an object's unknown fields, and reports false when it was there before
// (or there are too many to look through).
func unknown(keys *[]string, key string) bool {
	if len(*keys) >= fastMaxKeys {
		return false
	}
	for _, k := range *keys {
		if k == key {
			return false
		}
	}
	*keys = append(*keys, key)
	return true
}

// once sets bit in seen and reports whether it was not set before.
func once(seen *int, bit int) bool {
	if *seen&bit != 0 {
		return false
	}
	*seen |= bit
	return true
}

// Bits of the known fields seen in an object.
const (
	seenTurns = 1 << iota
	seenRoles
	seenCallID
	seenAgent
	seenTeam
	seenKind
	seenStartedAt
	seenParty
	seenSpeaker
	seenRole
	seenText
	seenStart
	seenEnd
	seenConfidence
)

// call reads the call object.
func (f *fastJSON) call(defID string) (*Call, bool) {
	if !f.eat('{') {
		return nil, false
	}
	c := &Call{ID: defID, Source: f.p.path}
	var (
		turns []jsonTurn
		roles roleMap
		seen  int
	)
	f.callKeys = f.callKeys[:0]
	ok := f.members(func(key string) bool {
		switch key {
		case "turns":
			if !once(&seen, seenTurns) {
				return false
			}
			var ok bool
			turns, ok = f.turns()
			return ok
		case "roles":
			return once(&seen, seenRoles) && f.roles(&roles)
		case keyCallID:
			if !once(&seen, seenCallID) {
				return false
			}
			var (
				id string
				ok bool
			)
			if b := f.peek(); b == '-' || '0' <= b && b <= '9' {
				id, ok = f.number() // kept as written (call_id: 1007)
			} else {
				id, ok = f.optString()
			}
			setCallID(c, strings.Clone(id))
			return ok
		case keyAgent, keyTeam, keyKind, keyStartedAt, keyParty:
			if !once(&seen, fieldBit(key)) {
				return false
			}
			v, ok := f.optString()
			*callField(c, key) = strings.Clone(v)
			return ok
		}
		return unknown(&f.callKeys, key) && f.meta(c, strings.Clone(key))
	})
	if !ok {
		return nil, false
	}
	c, err := f.p.finish(c, turns, &roles, 0, 0)
	return c, err == nil
}

// fieldBit is the bit of a string field of the call.
func fieldBit(key string) int {
	switch key {
	case keyAgent:
		return seenAgent
	case keyTeam:
		return seenTeam
	case keyKind:
		return seenKind
	case keyStartedAt:
		return seenStartedAt
	}
	return seenParty
}

// meta reads the value of the unknown call field key into c.Meta as
// jsonParser.meta does: a string as it is, null not at all, any other
// value as compact JSON.
func (f *fastJSON) meta(c *Call, key string) bool {
	switch f.peek() {
	case '"':
		v, ok := f.str()
		if ok {
			setMeta(c, key, strings.Clone(v))
		}
		return ok
	case 'n':
		return f.literal("null")
	}
	start := f.i
	if !f.skip(0) {
		return false
	}
	raw := f.s[start:f.i]
	if b := raw[0]; b != '{' && b != '[' {
		setMeta(c, key, strings.Clone(raw)) // a number, true or false: compact as it is
		return true
	}
	var buf bytes.Buffer
	if json.Compact(&buf, []byte(raw)) != nil {
		return false
	}
	setMeta(c, key, buf.String())
	return true
}

// roles reads the "roles" object, or null, into roles.
func (f *fastJSON) roles(roles *roleMap) bool {
	if f.peek() == 'n' {
		return f.literal("null")
	}
	if !f.eat('{') {
		return false
	}
	return f.list('}', func() bool {
		if f.peek() != '"' {
			return false
		}
		key, ok := f.str()
		if !ok || !f.eat(':') || f.peek() != '"' {
			return false
		}
		v, ok := f.str()
		return ok && f.p.addRole(roles, key, v, 0) == nil
	})
}

// turns reads the "turns" array, or null.
func (f *fastJSON) turns() ([]jsonTurn, bool) {
	if f.peek() == 'n' {
		return nil, f.literal("null")
	}
	if !f.eat('[') {
		return nil, false
	}
	var turns []jsonTurn
	ok := f.list(']', func() bool {
		t, ok := f.turn(len(turns) + 1)
		turns = append(turns, t)
		return ok
	})
	if !ok {
		return nil, false
	}
	return turns, true
}

// turn reads turn n (1-based).
func (f *fastJSON) turn(n int) (jsonTurn, bool) {
	var t jsonTurn
	if !f.eat('{') {
		return t, false
	}
	t.line = f.line()
	f.turnKeys = f.turnKeys[:0]
	seen := 0
	ok := f.members(func(key string) bool {
		switch key {
		case "speaker", "role":
			bit := seenSpeaker
			if key == "role" {
				bit = seenRole
			}
			if !once(&seen, bit) || f.peek() != '"' {
				return false
			}
			label, ok := f.str()
			return ok && f.p.setLabel(&t, n, key, f.own(label), 0) == nil
		case "text":
			if !once(&seen, seenText) || f.peek() != '"' {
				return false
			}
			var ok bool
			t.text, ok = f.str()
			return ok
		case "start", "end", "confidence":
			return f.turnNumber(&t, n, key, &seen)
		}
		return unknown(&f.turnKeys, key) && f.skip(0)
	})
	if !ok {
		return t, false
	}
	return t, f.p.checkTurn(&t, n, 0, seen&seenText != 0, 0, 0) == nil
}

// own returns a copy of the speaker label l, one per call: labels repeat
// from turn to turn.
func (f *fastJSON) own(l string) string {
	for _, o := range f.labels {
		if o == l {
			return o
		}
	}
	l = strings.Clone(l)
	if len(f.labels) < 16 {
		f.labels = append(f.labels, l)
	}
	return l
}

// turnNumber reads field key of turn n: start, end or confidence.
func (f *fastJSON) turnNumber(t *jsonTurn, n int, key string, seen *int) bool {
	bit, dst := seenStart, &t.start
	switch key {
	case "end":
		bit, dst = seenEnd, &t.end
	case "confidence":
		bit, dst = seenConfidence, &t.confidence
	}
	if !once(seen, bit) {
		return false
	}
	v, raw, set, ok := f.optNumber()
	if !ok || !set {
		return ok
	}
	var err error
	if key == "confidence" {
		*dst, err = f.p.confidenceValue(n, key, 0, v, raw)
	} else {
		*dst, err = f.p.seconds(n, key, 0, v, raw)
	}
	return err == nil
}

// optString reads a string, or null as "".
func (f *fastJSON) optString() (string, bool) {
	switch f.peek() {
	case '"':
		return f.str()
	case 'n':
		return "", f.literal("null")
	}
	return "", false
}

// literal consumes the literal word w (true, false or null).
func (f *fastJSON) literal(w string) bool {
	if !strings.HasPrefix(f.s[f.i:], w) {
		return false
	}
	f.i += len(w)
	return true
}

// key reads a field name: a string without escapes.
func (f *fastJSON) key() (string, bool) {
	start := f.i + 1
	for j := start; j < len(f.s); j++ {
		switch c := f.s[j]; {
		case c == '"':
			f.i = j + 1
			k := f.s[start:j]
			return k, utf8.ValidString(k)
		case c == '\\' || c < 0x20:
			return "", false
		}
	}
	return "", false
}

// str reads a string (f.s[f.i] is its quote) and returns its value: a
// slice of the text when it has no escapes.
func (f *fastJSON) str() (string, bool) {
	start := f.i + 1
	for j := start; j < len(f.s); j++ {
		switch c := f.s[j]; {
		case c == '"':
			f.i = j + 1
			v := f.s[start:j]
			return v, utf8.ValidString(v)
		case c == '\\':
			return f.unescape(start, j)
		case c < 0x20:
			return "", false
		}
	}
	return "", false
}

// unescape reads the rest of a string that starts at start and has its
// first escape at j, as encoding/json decodes it: \u escapes of a
// surrogate pair make one character, and any other surrogate U+FFFD.
func (f *fastJSON) unescape(start, j int) (string, bool) {
	b := make([]byte, 0, j-start+16)
	b = append(b, f.s[start:j]...)
	for j < len(f.s) {
		c := f.s[j]
		switch {
		case c == '"':
			f.i = j + 1
			return string(b), utf8.Valid(b)
		case c < 0x20:
			return "", false
		case c != '\\':
			b = append(b, c)
			j++
			continue
		}
		if j+1 >= len(f.s) {
			return "", false
		}
		switch e := f.s[j+1]; e {
		case '"', '\\', '/':
			b = append(b, e)
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			r := hex4(f.s, j+2)
			if r < 0 {
				return "", false
			}
			j += 6
			if utf16.IsSurrogate(r) {
				r2 := rune(-1)
				if j+1 < len(f.s) && f.s[j] == '\\' && f.s[j+1] == 'u' {
					r2 = hex4(f.s, j+2)
				}
				if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
					r = d
					j += 6
				} else {
					r = utf8.RuneError
				}
			}
			b = utf8.AppendRune(b, r)
			continue
		default:
			return "", false
		}
		j += 2
	}
	return "", false
}

// hex4 returns the value of the four hex digits at s[i:], or -1.
func hex4(s string, i int) rune {
	if i+4 > len(s) {
		return -1
	}
	var r rune
	for _, c := range []byte(s[i : i+4]) {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r<<4 | rune(c)
	}
	return r
}

// number reads a number as JSON writes it and returns it as written.
func (f *fastJSON) number() (string, bool) {
	s, i := f.s, f.i
	start := i
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && '1' <= s[i] && s[i] <= '9':
		i = digits(s, i)
	default:
		return "", false
	}
	if i < len(s) && s[i] == '.' {
		j := digits(s, i+1)
		if j == i+1 {
			return "", false
		}
		i = j
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		j := digits(s, i)
		if j == i {
			return "", false
		}
		i = j
	}
	f.i = i
	return s[start:i], true
}

// digits returns the end of the run of digits at s[i:].
func digits(s string, i int) int {
	for i < len(s) && '0' <= s[i] && s[i] <= '9' {
		i++
	}
	return i
}

// optNumber reads a number, or null (ok true, set false).
func (f *fastJSON) optNumber() (v float64, raw string, set, ok bool) {
	if f.peek() == 'n' {
		return 0, "", false, f.literal("null")
	}
	raw, ok = f.number()
	if !ok {
		return 0, "", false, false
	}
	v, err := strconv.ParseFloat(raw, 64)
	return v, raw, true, err == nil
}

// skip reads any value at nesting depth and checks its syntax.
func (f *fastJSON) skip(depth int) bool {
	switch c := f.peek(); {
	case c == '"':
		_, ok := f.str()
		return ok
	case c == 't':
		return f.literal("true")
	case c == 'f':
		return f.literal("false")
	case c == 'n':
		return f.literal("null")
	case c == '-' || '0' <= c && c <= '9':
		_, ok := f.number()
		return ok
	case c != '{' && c != '[' || depth >= fastMaxDepth:
		return false
	case c == '[':
		f.i++
		return f.list(']', func() bool { return f.skip(depth + 1) })
	}
	f.i++
	return f.list('}', func() bool {
		if f.peek() != '"' {
			return false
		}
		_, ok := f.str()
		return ok && f.eat(':') && f.skip(depth+1)
	})
}
