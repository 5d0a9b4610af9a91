package asr

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/callqa/callqa/corpus/internal/textread"
)

// Walking decoded JSON with paths for errors, and cheap looks at raw JSON
// for sniffing.

// jnode is a value in a decoded JSON document (map[string]any, []any,
// string, json.Number, bool or nil) and the path that names it in errors.
type jnode struct {
	path    string
	v       any
	present bool // false for a missing field; a null field is present
}

// parseJSONDoc decodes one JSON value; path names it in errors ("" for the
// whole file, the field for JSON held in a string).
func parseJSONDoc(path string, data []byte) (jnode, error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	pre := ""
	if path != "" {
		pre = path + ": "
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		var se *json.SyntaxError
		switch {
		case errors.Is(err, io.EOF):
			return jnode{}, fmt.Errorf("%sempty JSON", pre)
		case errors.Is(err, io.ErrUnexpectedEOF):
			return jnode{}, fmt.Errorf("%struncated JSON (unexpected end of input)", pre)
		case errors.As(err, &se):
			return jnode{}, fmt.Errorf("%sinvalid JSON on line %d: %v", pre, 1+bytes.Count(data[:min(int(se.Offset), len(data))], []byte{'\n'}), err)
		}
		return jnode{}, fmt.Errorf("%sinvalid JSON: %v", pre, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return jnode{}, fmt.Errorf("%sunexpected data after the JSON value", pre)
	}
	return jnode{path: path, v: v, present: true}, nil
}

// name is the path for messages.
func (n jnode) name() string {
	if n.path == "" {
		return "document"
	}
	return n.path
}

func kindName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case string:
		return "string"
	case json.Number:
		return "number"
	case bool:
		return "boolean"
	}
	return fmt.Sprintf("%T", v)
}

func (n jnode) typeErr(want string) error {
	return fmt.Errorf("%s: expected %s, got %s", n.name(), want, kindName(n.v))
}

// absent is the error for a required value that is missing or null.
func (n jnode) absent() error {
	if n.present {
		return fmt.Errorf("%s: is null", n.name())
	}
	return fmt.Errorf("%s: missing", n.name())
}

func (n jnode) get(key string) jnode {
	m, _ := n.v.(map[string]any)
	v, ok := m[key]
	p := key
	if n.path != "" {
		p = n.path + "." + key
	}
	return jnode{path: p, v: v, present: ok}
}

// getAny returns the first of keys that is present (the spellings of one
// field), or the missing first key.
func (n jnode) getAny(keys ...string) jnode {
	for _, k := range keys {
		if c := n.get(k); c.present {
			return c
		}
	}
	return n.get(keys[0])
}

// has reports whether the field is present and not null.
func (n jnode) has(key string) bool { return n.get(key).v != nil }

func (n jnode) isArray() bool { _, ok := n.v.([]any); return ok }

func (n jnode) object() error {
	if _, ok := n.v.(map[string]any); ok {
		return nil
	}
	if n.v == nil {
		return n.absent()
	}
	return n.typeErr("an object")
}

// array returns the elements of an array, each named path[i] with i from 1.
func (n jnode) array() ([]jnode, error) {
	a, ok := n.v.([]any)
	if !ok {
		if n.v == nil {
			return nil, n.absent()
		}
		return nil, n.typeErr("an array")
	}
	out := make([]jnode, len(a))
	for i, v := range a {
		out[i] = jnode{path: n.path + "[" + strconv.Itoa(i+1) + "]", v: v, present: true}
	}
	return out, nil
}

// objects is array with every element required to be an object.
func (n jnode) objects() ([]jnode, error) {
	a, err := n.array()
	if err != nil {
		return nil, err
	}
	for _, e := range a {
		if err := e.object(); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// str returns a string value trimmed, on one line; missing and null read
// as "".
func (n jnode) str() (string, error) {
	switch v := n.v.(type) {
	case nil:
		return "", nil
	case string:
		return oneLine(v), nil
	}
	return "", n.typeErr("a string")
}

// oneLine trims s and joins its lines as the text reader joins a turn's
// continuation lines: a turn is one line in every report.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return textread.TrimLine(s)
	}
	var b textread.Builder
	for _, l := range textread.SplitLines(s) {
		b.Add(textread.TrimLine(l))
	}
	return b.String()
}

// id returns a channel, speaker or role id as written: a string trimmed, or
// a number's digits. Missing and null read as "".
func (n jnode) id() (string, error) {
	switch v := n.v.(type) {
	case nil:
		return "", nil
	case string:
		return oneLine(v), nil
	case json.Number:
		return string(v), nil
	}
	return "", n.typeErr("a string or a number")
}

// speaker is id for a required speaker field.
func (n jnode) speaker() (string, error) {
	s, err := n.id()
	if err == nil && s == "" {
		if n.v == nil {
			err = n.absent()
		} else {
			err = fmt.Errorf("%s: empty", n.name())
		}
	}
	return s, err
}

// numeric is a number or a numeric string as written (trimmed); ok is
// false when the field is missing, null or "".
func (n jnode) numeric() (s string, ok bool, err error) {
	switch v := n.v.(type) {
	case nil:
		return "", false, nil
	case json.Number:
		return string(v), true, nil
	case string:
		s = strings.TrimSpace(v)
		return s, s != "", nil
	default:
		return "", false, n.typeErr("a number")
	}
}

// seconds reads a time given as a number or a numeric string in units of
// scale seconds. Missing, null and "" read as unknown (nil). Negative,
// infinite and non-numeric values are errors.
func (n jnode) seconds(scale float64) (*float64, error) {
	s, ok, err := n.numeric()
	if err != nil || !ok {
		return nil, err
	}
	if strings.Trim(s, "0123456789.-+eE") != "" || strings.ContainsAny(s[:1], "eE+") {
		return nil, fmt.Errorf("%s: %q is not a number", n.name(), s)
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return nil, fmt.Errorf("%s: %q is not a usable time", n.name(), s)
	}
	if f < 0 {
		return nil, fmt.Errorf("%s: negative time %s", n.name(), s)
	}
	f = f*scale + 0 // + 0 turns -0 into 0
	return &f, nil
}

// confidence reads a recognizer's confidence, a number or a numeric
// string from 0 to 1; nil when the field is missing or empty.
func (n jnode) confidence() (*float64, error) {
	s, ok, err := n.numeric()
	if err != nil || !ok {
		return nil, err
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || f < 0 || f > 1 {
		return nil, fmt.Errorf("%s: %q is not a confidence from 0 to 1", n.name(), s)
	}
	return &f, nil
}

// meanOf is the mean of sum over n values, nil when there are none.
func meanOf(sum float64, n int) *float64 {
	if n == 0 {
		return nil
	}
	m := sum / float64(n)
	return &m
}

// nested returns the JSON document a string field holds (iFlytek nests JSON
// in strings), or the value itself when it already is an object or array.
func (n jnode) nested() (jnode, error) {
	switch s := n.v.(type) {
	case string:
		return parseJSONDoc(n.path, []byte(s))
	case map[string]any, []any:
		return n, nil
	case nil:
		return jnode{}, n.absent()
	}
	return jnode{}, n.typeErr("JSON in a string, or an object")
}

func rawObject(r json.RawMessage) map[string]json.RawMessage {
	var m map[string]json.RawMessage
	if len(r) == 0 || json.Unmarshal(r, &m) != nil {
		return nil
	}
	return m
}

// firstElem decodes only the first element of a JSON array, when it is an
// object.
func firstElem(r []byte) map[string]json.RawMessage {
	dec := json.NewDecoder(bytes.NewReader(r))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') || !dec.More() {
		return nil
	}
	var m map[string]json.RawMessage
	if dec.Decode(&m) != nil {
		return nil
	}
	return m
}

func isRawArray(r json.RawMessage) bool {
	r = bytes.TrimSpace(r)
	return len(r) > 0 && r[0] == '['
}

// hasKey reports whether m has any of keys.
func hasKey(m map[string]json.RawMessage, keys ...string) bool {
	for _, k := range keys {
		if _, ok := m[k]; ok {
			return true
		}
	}
	return false
}

// hasAll reports whether m has every one of keys.
func hasAll(m map[string]json.RawMessage, keys ...string) bool {
	if m == nil {
		return false
	}
	for _, k := range keys {
		if _, ok := m[k]; !ok {
			return false
		}
	}
	return true
}

func rawString(r json.RawMessage) (string, bool) {
	var s string
	if len(r) == 0 || r[0] != '"' || json.Unmarshal(r, &s) != nil {
		return "", false
	}
	return s, true
}
