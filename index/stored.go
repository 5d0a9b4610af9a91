package index

import (
	"bytes"
	"compress/flate"
	_ "embed"
	"encoding/json"
	"errors"
	"io"
	"sync"
)

// storedField is the stored field of a call document that holds what
// showing the call needs: its result, the text, role and label of each
// turn and the party the transcript gave, as one JSON object compressed
// with DEFLATE behind a layout byte. Bleve compresses each document's
// stored fields with Snappy; one DEFLATE stream of the whole call is about
// half that size (the findings' descriptions, advice and references repeat
// within a call). An index built before it has the fields result, turns,
// turn_roles, turn_labels and given_party instead, and is read as it is.
const storedField = "stored"

// Layouts of storedField, its first byte: DEFLATE of storedCallJSON, with
// storedDict as the preset dictionary from layout 2 on.
const (
	storedLayoutPlain = 1
	storedLayout      = 2 // the one written
)

// storedDict is the preset dictionary of layout 2: the results of the
// sample calls (testdata/calls) as callqa scan --format jsonl wrote them.
// Each call is compressed on its own, and what its result shares with
// every other (field names, the rules' descriptions and advice, the tasks'
// hints) is then a reference into the dictionary: results take about a
// third of the bytes. The file is frozen (TestStoredDictFrozen): indexes
// written with it read with it, so a new dictionary is a new layout.
//
//go:embed stored_dict.jsonl
var storedDict []byte

// storedLevel is the DEFLATE level: near the best size at a fraction of
// the time of the higher levels.
const storedLevel = 4

// storedCallJSON is the JSON object in storedField.
type storedCallJSON struct {
	Result json.RawMessage `json:"result"`
	Turns  []string        `json:"turns"`
	Roles  []string        `json:"roles"`
	Labels []string        `json:"labels"`
	Party  string          `json:"party,omitempty"`
}

// shown is what a reader of a call document needs of it.
type shown struct {
	result               json.RawMessage
	turns, roles, labels []string
	givenParty           string
}

var flateWriters = sync.Pool{New: func() any {
	w, _ := flate.NewWriterDict(io.Discard, storedLevel, storedDict)
	return w
}}

// encodeStored packs s into the value of storedField.
func encodeStored(s storedCallJSON) (string, error) {
	raw, err := json.Marshal(s)
	if err != nil {
		return "", err
	}
	var b bytes.Buffer
	b.Grow(len(raw)/2 + 16)
	b.WriteByte(storedLayout)
	w := flateWriters.Get().(*flate.Writer)
	defer flateWriters.Put(w)
	w.Reset(&b)
	if _, err := w.Write(raw); err != nil {
		return "", err
	}
	if err := w.Close(); err != nil {
		return "", err
	}
	return b.String(), nil
}

// errStoredLayout is a storedField value this version cannot read.
var errStoredLayout = errors.New("stored call has an unknown layout (an index written by a newer callqa? rebuild it with callqa index --rebuild)")

// storedFields are the stored fields a reader of a call asks for: the
// packed one and those of the older layout.
var storedFields = []string{storedField, "result", "turns", "turn_roles", "turn_labels", "given_party"}

// unpackStored reads a storedField value.
func unpackStored(v []byte) (shown, error) {
	var r io.ReadCloser
	switch {
	case len(v) == 0:
		return shown{}, errStoredLayout
	case v[0] == storedLayout:
		r = flate.NewReaderDict(bytes.NewReader(v[1:]), storedDict)
	case v[0] == storedLayoutPlain:
		r = flate.NewReader(bytes.NewReader(v[1:]))
	default:
		return shown{}, errStoredLayout
	}
	raw, err := io.ReadAll(r)
	if err != nil {
		return shown{}, err
	}
	var s storedCallJSON
	if err := json.Unmarshal(raw, &s); err != nil {
		return shown{}, err
	}
	return shown{result: s.Result, turns: s.Turns, roles: s.Roles, labels: s.Labels, givenParty: s.Party}, nil
}

// readShown takes what a call document's stored fields (a search hit's
// Fields, asked for with storedFields) hold, in either layout.
func readShown(fields map[string]interface{}) (shown, error) {
	if v, ok := fields[storedField].(string); ok && v != "" {
		return unpackStored([]byte(v))
	}
	res, _ := fields["result"].(string)
	party, _ := fields["given_party"].(string)
	return shown{
		result: json.RawMessage(res), turns: storedStrings(fields["turns"]),
		roles: storedStrings(fields["turn_roles"]), labels: storedStrings(fields["turn_labels"]),
		givenParty: party,
	}, nil
}
