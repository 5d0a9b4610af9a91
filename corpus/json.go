package corpus

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/callqa/callqa/corpus/internal/textread"
	"github.com/callqa/callqa/redact"
)

// ReadJSON parses one call in the JSON form of formats.md §2:
//
//	{"call_id": "D0007", "agent": "李娜", "party": "debtor",
//	 "roles": {"孙经理": "agent"},
//	 "turns": [{"speaker": "agent", "text": "您好", "start": 1.0, "end": 2.6}]}
//
// data must be UTF-8 (see Decode); a leading byte order mark is ignored.
// "role" is accepted for "speaker", whose value is agent, customer,
// third_party or any label of the role table or of "roles". A turn's
// optional "confidence" (0 to 1) is the speech recognizer's. Other unknown
// fields of the call go to Call.Meta (strings as they are, other values as
// compact JSON); unknown fields of a turn are ignored. Errors are
// *ParseError values with the line of the offending value and a path such
// as turns[2].text, where the turn index is 1-based like Turn.N.
func ReadJSON(name string, data []byte) (*Call, error) {
	data = bytes.TrimPrefix(data, bomUTF8)
	if c, ok := fastJSONCall(name, string(data), 0, 0, defaultID(name)); ok {
		return c, nil
	}
	p := &jsonParser{path: name, data: data}
	return p.call(defaultID(name))
}

// readJSONText is ReadJSON for decoded text: the fast path reads text in
// place, and only the positioned reader it falls back to needs a copy.
func readJSONText(name, text string) (*Call, error) {
	text = strings.TrimPrefix(text, "\ufeff")
	if c, ok := fastJSONCall(name, text, 0, 0, defaultID(name)); ok {
		return c, nil
	}
	p := &jsonParser{path: name, data: []byte(text)}
	return p.call(defaultID(name))
}

// ReadJSONL parses one JSON call per non-blank line. A bad line gives a
// *ParseError for that line, and the other lines are still read. Each call's
// Source is name+"#"+line, and its call_id defaults to the base name, a
// hyphen and the line number. Calls and errors are each in line order.
func ReadJSONL(name string, data []byte) ([]*Call, []error) {
	return splitItems(readJSONL(name, string(data)))
}

// readJSONL is ReadJSONL with calls and errors kept in one sequence, for
// text already in a string (the lines are read in place).
func readJSONL(name string, text string) []Item {
	return readJSONLWith(name, text, readJSONLine)
}

// readJSONLWith is readJSONL with the reader of a line given.
func readJSONLWith(name string, text string, readLine func(name, base string, n int, line string) (*Call, error)) []Item {
	text = strings.TrimPrefix(text, "\ufeff")
	base := defaultID(name)
	var items []Item
	for i, line := range textread.SplitLines(text) {
		n := i + 1
		if strings.TrimSpace(line) == "" {
			continue
		}
		c, err := readLine(name, base, n, line)
		if err != nil {
			items = append(items, Item{Err: err})
			continue
		}
		items = append(items, Item{Call: c})
	}
	if len(items) == 0 {
		items = append(items, Item{Err: &ParseError{Path: name, Err: errEmpty}})
	}
	return items
}

// readJSONLine reads line n of a JSONL file named name, whose default
// call_id is base-n: with the fast path, else with the positioned reader,
// which gives the error.
func readJSONLine(name, base string, n int, line string) (*Call, error) {
	id := base + "-" + strconv.Itoa(n)
	c, ok := fastJSONCall(name, line, n-1, n, id)
	if !ok {
		p := &jsonParser{path: name, data: []byte(line), base: n - 1, whole: n}
		var err error
		if c, err = p.call(id); err != nil {
			return nil, err
		}
	}
	c.Source = name + "#" + strconv.Itoa(n)
	return c, nil
}

// splitItems separates calls from errors, keeping the order of each.
func splitItems(items []Item) ([]*Call, []error) {
	var calls []*Call
	var errs []error
	for _, it := range items {
		if it.Err != nil {
			errs = append(errs, it.Err)
		} else if it.Call != nil {
			calls = append(calls, it.Call)
		}
	}
	return calls, errs
}

// jsonParser reads one JSON call. It first checks the syntax of the whole
// value, so that syntax errors carry their own offset, then walks the
// value token by token in place (jsonCursor), which keeps the offset of
// every field for errors and for Turn.Line. It is the positioned reader:
// the readers try the fast path (fastJSONCall) first, and come here for
// what it gives up on, which includes every input that is an error.
type jsonParser struct {
	path  string
	data  []byte
	base  int // added to line numbers: the line of data in its file, minus 1
	whole int // the line of "whole input" errors: 0 for a file, the line for JSONL
	dec   *jsonCursor

	breaks []int64 // offsets of the line breaks in data, once needed
}

// jsonTurn is a turn as read, before its speaker is resolved (the roles
// object may come after the turns).
type jsonTurn struct {
	label      string
	labelField string // "speaker" or "role"
	labelOff   int64
	text       string
	start, end *float64
	confidence *float64
	line       int // the line of the file the turn starts on
}

// line converts a byte offset in p.data to a line number in the file.
func (p *jsonParser) line(off int64) int {
	if p.breaks == nil {
		// Where each line ends, found once: counting from the start for
		// every turn would be quadratic in a long call.
		p.breaks = []int64{}
		for i, c := range p.data {
			// "\n", "\r\n" and "\r" are one line break each, as in splitLines.
			if c == '\n' || c == '\r' && (i+1 >= len(p.data) || p.data[i+1] != '\n') {
				p.breaks = append(p.breaks, int64(i))
			}
		}
	}
	// The number of line breaks before off.
	n := sort.Search(len(p.breaks), func(i int) bool { return p.breaks[i] >= off })
	return p.base + 1 + n
}

func (p *jsonParser) errAt(off int64, format string, args ...any) error {
	return parseErr(p.path, p.line(off), format, args...)
}

// next returns the offset of the next token after the decoder position: JSON
// white space and the separators ',' and ':' are skipped.
func (p *jsonParser) next() int64 {
	off := p.dec.InputOffset()
	for off < int64(len(p.data)) {
		switch p.data[off] {
		case ' ', '\t', '\n', '\r', ',', ':':
			off++
			continue
		}
		break
	}
	return off
}

// call parses p.data as one call.
func (p *jsonParser) call(defID string) (*Call, error) {
	if err := p.checkSyntax(); err != nil {
		return nil, err
	}
	p.dec = &jsonCursor{data: p.data}
	off := p.next()
	if k := jsonKind(p.data[off]); k != "object" {
		hint := ""
		if k == "array" {
			hint = " (one call per .json file; put several in a .jsonl file, one per line)"
		}
		return nil, p.errAt(off, "expected a JSON object, got %s%s", k, hint)
	}
	c := &Call{ID: defID, Source: p.path}
	var (
		turns    []jsonTurn
		roles    = newRoleMap()
		seen     = map[string]bool{}
		partyOff int64
		startOff int64
	)
	if _, err := p.dec.Token(); err != nil {
		return nil, p.walkErr(err)
	}
	for p.dec.More() {
		koff := p.next()
		tok, err := p.dec.Token()
		if err != nil {
			return nil, p.walkErr(err)
		}
		key, _ := tok.(string)
		if seen[key] {
			return nil, p.errAt(koff, "duplicate field %q", key)
		}
		seen[key] = true
		voff := p.next()
		switch key {
		case "turns":
			turns, err = p.turns(voff)
		case "roles":
			err = p.roles(voff, roles)
		case keyCallID:
			var id string
			id, err = p.scalar(key, voff, true)
			setCallID(c, id)
		case keyAgent, keyTeam, keyKind, keyStartedAt, keyParty:
			*callField(c, key), err = p.scalar(key, voff, false)
			switch key {
			case keyStartedAt:
				startOff = voff
			case keyParty:
				partyOff = voff
			}
		default:
			err = p.meta(c, key)
		}
		if err != nil {
			return nil, err
		}
	}
	return p.finish(c, turns, roles, startOff, partyOff)
}

// setCallID sets the call_id as read, trimmed, unless it is empty.
func setCallID(c *Call, id string) {
	if id = strings.TrimSpace(id); id != "" {
		c.ID = id
	}
}

// callField returns the field of c that the string field key (agent,
// team, kind, started_at or party) goes to.
func callField(c *Call, key string) *string {
	switch key {
	case keyAgent:
		return &c.Agent
	case keyTeam:
		return &c.Team
	case keyKind:
		return &c.Kind
	case keyStartedAt:
		return &c.StartedAt
	}
	return &c.Party
}

// setMeta keeps the value of an unknown call field.
func setMeta(c *Call, key, v string) {
	if c.Meta == nil {
		c.Meta = map[string]string{}
	}
	c.Meta[key] = v
}

// finish checks what needs the whole call read (its time, its party and
// the roles of its turns, as "roles" may come after "turns") and fills in
// c.Turns. Both the positioned reader and the fast path end here.
func (p *jsonParser) finish(c *Call, turns []jsonTurn, roles *roleMap, startOff, partyOff int64) (*Call, error) {
	if err := checkStartedAt(c.StartedAt); err != nil {
		return nil, &ParseError{Path: p.path, Line: p.line(startOff), Err: err}
	}
	party, err := checkParty(c.Party)
	if err != nil {
		return nil, &ParseError{Path: p.path, Line: p.line(partyOff), Err: err}
	}
	c.Party = party
	if len(turns) == 0 {
		return nil, &ParseError{Path: p.path, Line: p.whole, Err: errNoTurns}
	}
	c.Turns = make([]Turn, 0, len(turns))
	for i, jt := range turns {
		role, ok := resolveRole(jt.label, roles)
		if !ok {
			return nil, p.errAt(jt.labelOff, "turns[%d].%s: unknown role %q; map it in \"roles\": {%q: \"agent\"}",
				i+1, jt.labelField, redact.Mask(jt.label), redact.Mask(jt.label))
		}
		c.Turns = append(c.Turns, Turn{
			N: i + 1, Role: role, Label: jt.label, Text: jt.text,
			Start: jt.start, End: jt.end, Line: jt.line, Confidence: jt.confidence,
		})
	}
	return c, nil
}

// checkSyntax checks that p.data is UTF-8 and exactly one JSON value.
func (p *jsonParser) checkSyntax() error {
	if i := textread.InvalidUTF8(p.data); i >= 0 {
		return p.errAt(int64(i), "invalid UTF-8 (byte 0x%02x)", p.data[i])
	}
	if json.Valid(p.data) {
		// One value and nothing else; checked without a copy of it.
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(p.data))
	var raw json.RawMessage
	err := dec.Decode(&raw)
	var se *json.SyntaxError
	switch {
	case err == io.EOF:
		return &ParseError{Path: p.path, Line: p.whole, Err: errEmpty}
	case errors.Is(err, io.ErrUnexpectedEOF):
		end := len(bytes.TrimRight(p.data, " \t\r\n"))
		return p.errAt(int64(end), "unexpected end of JSON input")
	case errors.As(err, &se) && strings.Contains(se.Error(), "exceeded max depth"):
		// encoding/json stops at 10000 levels; no call is nested that deep.
		return p.errAt(se.Offset-1, "JSON nested too deeply (more than 10000 levels of [ and {)")
	case errors.As(err, &se):
		return p.errAt(se.Offset-1, "%s", se.Error())
	case err != nil:
		return p.errAt(dec.InputOffset(), "%v", err)
	}
	rest := p.data[dec.InputOffset():]
	if trimmed := bytes.TrimLeft(rest, " \t\r\n"); len(trimmed) > 0 {
		off := int64(len(p.data) - len(trimmed))
		return p.errAt(off, "unexpected data after the JSON object (one call per .json file; use .jsonl for several)")
	}
	return nil
}

// walkErr reports an error of the token walk. The syntax was checked
// before, so this is not expected to happen.
func (p *jsonParser) walkErr(err error) error {
	return p.errAt(p.dec.InputOffset(), "%v", err)
}

// value reads the next value whole.
func (p *jsonParser) value() (json.RawMessage, error) {
	var raw json.RawMessage
	if err := p.dec.Decode(&raw); err != nil {
		return nil, p.walkErr(err)
	}
	return raw, nil
}

// jsonKind names the kind of JSON value that starts with c.
func jsonKind(c byte) string {
	switch c {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "number"
}

// scalar reads a string field; null counts as absent. With number set a
// number is accepted too and kept as written (call_id: 1007).
func (p *jsonParser) scalar(field string, off int64, number bool) (string, error) {
	raw, err := p.value()
	if err != nil {
		return "", err
	}
	switch k := jsonKind(raw[0]); {
	case k == "null":
		return "", nil
	case k == "string":
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", p.errAt(off, "%s: %v", field, err)
		}
		return s, nil
	case k == "number" && number:
		return string(raw), nil
	default:
		return "", p.errAt(off, "%s: expected a string, got %s", field, k)
	}
}

// optNumber reads a number; null counts as absent (ok false), any other
// kind is an error saying the field wants what.
func (p *jsonParser) optNumber(field string, off int64, what string) (v float64, ok bool, raw []byte, err error) {
	raw, err = p.value()
	if err != nil {
		return 0, false, nil, err
	}
	switch k := jsonKind(raw[0]); k {
	case "null":
		return 0, false, raw, nil
	case "number":
		v, err := strconv.ParseFloat(string(raw), 64)
		if err != nil {
			return 0, false, raw, p.errAt(off, "%s: number %s out of range", field, raw)
		}
		return v, true, raw, nil
	default:
		return 0, false, raw, p.errAt(off, "%s: expected %s, got %s", field, what, k)
	}
}

// number reads field key of turn n, a time in seconds; null counts as
// absent.
func (p *jsonParser) number(n int, key string, off int64) (*float64, error) {
	v, ok, raw, err := p.optNumber(turnField(n, key), off, "a number of seconds")
	if err != nil || !ok {
		return nil, err
	}
	return p.seconds(n, key, off, v, string(raw))
}

// confidence reads a turn's recognizer confidence: null, or a number from
// 0 to 1.
func (p *jsonParser) confidence(n int, key string, off int64) (*float64, error) {
	v, ok, raw, err := p.optNumber(turnField(n, key), off, "a confidence from 0 to 1")
	if err != nil || !ok {
		return nil, err
	}
	return p.confidenceValue(n, key, off, v, string(raw))
}

// turnField names field key of turn n (1-based) in errors: turns[2].start.
func turnField(n int, key string) string {
	return "turns[" + strconv.Itoa(n) + "]." + key
}

// seconds checks v, written raw, as the time in field key of turn n.
func (p *jsonParser) seconds(n int, key string, off int64, v float64, raw string) (*float64, error) {
	if v < 0 {
		return nil, p.errAt(off, "%s: negative time %s", turnField(n, key), raw)
	}
	return &v, nil
}

// confidenceValue checks v, written raw, as the confidence of turn n.
func (p *jsonParser) confidenceValue(n int, key string, off int64, v float64, raw string) (*float64, error) {
	if v < 0 || v > 1 {
		return nil, p.errAt(off, "%s: %s is not a confidence from 0 to 1", turnField(n, key), raw)
	}
	return &v, nil
}

// meta stores an unknown call field in c.Meta.
func (p *jsonParser) meta(c *Call, key string) error {
	raw, err := p.value()
	if err != nil {
		return err
	}
	var v string
	switch jsonKind(raw[0]) {
	case "null":
		return nil
	case "string":
		if err := json.Unmarshal(raw, &v); err != nil {
			return p.walkErr(err)
		}
	default:
		var buf bytes.Buffer
		if err := json.Compact(&buf, raw); err != nil {
			return p.walkErr(err)
		}
		v = buf.String()
	}
	setMeta(c, key, v)
	return nil
}

// skipMismatch consumes a value of the wrong kind and reports it.
func (p *jsonParser) skipMismatch(field string, off int64, want string) error {
	if _, err := p.value(); err != nil {
		return err
	}
	return p.errAt(off, "%s: expected %s, got %s", field, want, jsonKind(p.data[off]))
}

// roles reads the "roles" object, label → role, into roles.
func (p *jsonParser) roles(off int64, roles *roleMap) error {
	switch p.data[off] {
	case 'n':
		_, err := p.value()
		return err
	case '{':
	default:
		return p.skipMismatch("roles", off, "an object")
	}
	if _, err := p.dec.Token(); err != nil {
		return p.walkErr(err)
	}
	for p.dec.More() {
		tok, err := p.dec.Token()
		if err != nil {
			return p.walkErr(err)
		}
		key, _ := tok.(string)
		voff := p.next()
		field := "roles." + redact.Mask(key)
		raw, err := p.value()
		if err != nil {
			return err
		}
		if k := jsonKind(raw[0]); k != "string" {
			return p.errAt(voff, "%s: expected a string, got %s", field, k)
		}
		var v string
		if err := json.Unmarshal(raw, &v); err != nil {
			return p.walkErr(err)
		}
		if err := p.addRole(roles, key, v, voff); err != nil {
			return err
		}
	}
	_, err := p.dec.Token()
	if err != nil {
		return p.walkErr(err)
	}
	return nil
}

// addRole maps the label key of "roles", trimmed like speakers, to the
// role v, found at off.
func (p *jsonParser) addRole(roles *roleMap, key, v string, off int64) error {
	label := strings.TrimSpace(key)
	if label == "" {
		return p.errAt(off, "roles: empty label")
	}
	role, ok := roleValue(v)
	if !ok {
		return p.errAt(off, "roles.%s: unknown role %q (want agent, customer or third_party)", redact.Mask(key), redact.Mask(v))
	}
	if old, ok := roles.set(label, role); !ok {
		return p.errAt(off, "roles: %s is mapped to both %s and %s", redact.Mask(label), old, role)
	}
	return nil
}

// turns reads the "turns" array; null counts as absent.
func (p *jsonParser) turns(off int64) ([]jsonTurn, error) {
	switch p.data[off] {
	case 'n':
		_, err := p.value()
		return nil, err
	case '[':
	default:
		return nil, p.skipMismatch("turns", off, "an array")
	}
	if _, err := p.dec.Token(); err != nil {
		return nil, p.walkErr(err)
	}
	var turns []jsonTurn
	for p.dec.More() {
		toff := p.next()
		t, err := p.turn(len(turns)+1, toff)
		if err != nil {
			return nil, err
		}
		turns = append(turns, t)
	}
	if _, err := p.dec.Token(); err != nil {
		return nil, p.walkErr(err)
	}
	return turns, nil
}

// turn reads turn n (1-based), which starts at off.
func (p *jsonParser) turn(n int, off int64) (jsonTurn, error) {
	t := jsonTurn{line: p.line(off)}
	where := fmt.Sprintf("turns[%d]", n)
	if p.data[off] != '{' {
		return t, p.skipMismatch(where, off, "an object")
	}
	if _, err := p.dec.Token(); err != nil {
		return t, p.walkErr(err)
	}
	var (
		seen            = map[string]bool{}
		hasText         bool
		textOff, endOff int64
	)
	for p.dec.More() {
		koff := p.next()
		tok, err := p.dec.Token()
		if err != nil {
			return t, p.walkErr(err)
		}
		key, _ := tok.(string)
		if seen[key] {
			return t, p.errAt(koff, "%s: duplicate field %q", where, key)
		}
		seen[key] = true
		voff := p.next()
		field := where + "." + key
		switch key {
		case "speaker", "role":
			raw, err := p.value()
			if err != nil {
				return t, err
			}
			if k := jsonKind(raw[0]); k != "string" {
				return t, p.errAt(voff, "%s: expected a string, got %s", field, k)
			}
			var label string
			if err := json.Unmarshal(raw, &label); err != nil {
				return t, p.walkErr(err)
			}
			if err := p.setLabel(&t, n, key, label, voff); err != nil {
				return t, err
			}
		case "text":
			if k := jsonKind(p.data[voff]); k != "string" {
				return t, p.errAt(voff, "%s: expected a string, got %s", field, k)
			}
			// Decoded straight from the decoder's buffer: a long text
			// is not copied once more as a json.RawMessage.
			if err := p.dec.Decode(&t.text); err != nil {
				return t, p.walkErr(err)
			}
			hasText, textOff = true, voff
		case "start":
			if t.start, err = p.number(n, key, voff); err != nil {
				return t, err
			}
		case "end":
			if t.end, err = p.number(n, key, voff); err != nil {
				return t, err
			}
			endOff = voff
		case "confidence":
			if t.confidence, err = p.confidence(n, key, voff); err != nil {
				return t, err
			}
		default:
			if _, err := p.value(); err != nil {
				return t, err
			}
		}
	}
	if _, err := p.dec.Token(); err != nil {
		return t, p.walkErr(err)
	}
	return t, p.checkTurn(&t, n, off, hasText, textOff, endOff)
}

// setLabel records label, read from field key ("speaker" or "role") at
// off, as the speaker of turn n; a turn with both fields must give the
// same label in each.
func (p *jsonParser) setLabel(t *jsonTurn, n int, key, label string, off int64) error {
	label = strings.TrimSpace(label)
	if t.labelField != "" && label != t.label {
		return p.errAt(off, "turns[%d]: speaker %q and role %q disagree", n, redact.Mask(t.label), redact.Mask(label))
	}
	if t.labelField == "" {
		t.label, t.labelField, t.labelOff = label, key, off
	}
	return nil
}

// checkTurn checks turn n, read whole from off: it has a speaker and a
// text that are not blank, and does not end before it starts.
func (p *jsonParser) checkTurn(t *jsonTurn, n int, off int64, hasText bool, textOff, endOff int64) error {
	switch {
	case t.labelField == "":
		return p.errAt(off, "turns[%d]: missing speaker", n)
	case t.label == "":
		return p.errAt(t.labelOff, "turns[%d].%s: empty speaker", n, t.labelField)
	case !hasText:
		return p.errAt(off, "turns[%d]: missing text", n)
	case strings.TrimSpace(t.text) == "":
		return p.errAt(textOff, "turns[%d].text: empty text", n)
	case t.start != nil && t.end != nil && *t.end < *t.start:
		return p.errAt(endOff, "turns[%d].end: %g is before start %g", n, *t.end, *t.start)
	}
	return nil
}
