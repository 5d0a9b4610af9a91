package eval

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
)

// Tags are extra fields per call id, read from a --tags file by ReadTags
// and merged into labels by MergeTags, so that `callqa eval --by` can
// group calls by anything.
type Tags map[string]map[string]string

// ReadTags reads a tags file: one JSON object per line, each with a
// call_id and any other fields, such as
//
//	{"call_id": "DEV001", "region": "north", "vendor": "A"}
//
// Blank lines are skipped and a UTF-8 byte order mark is allowed. Only
// top-level strings, numbers (kept as written) and booleans are kept;
// nested values, null and empty strings are left out, as in
// Label.Extra. A missing call_id, malformed JSON and a call_id seen
// before are reported as *ParseError values joined with errors.Join (up
// to 20), as ReadLabels does. A file with no line at all is an error.
func ReadTags(path string) (Tags, error) {
	tags := make(Tags)
	firstLine := make(map[string]int)
	lines := 0
	err := readJSONLines(path, func(n int, line []byte, report func(error)) {
		lines++
		id, fields, err := parseTagLine(line)
		switch {
		case err != nil:
			report(err)
		case firstLine[id] > 0:
			report(fmt.Errorf("duplicate call_id %q (first on line %d)", id, firstLine[id]))
		default:
			firstLine[id] = n
			tags[id] = fields
		}
	})
	if err != nil {
		return nil, err
	}
	if lines == 0 {
		return nil, fmt.Errorf("%s: no tags in file", path)
	}
	return tags, nil
}

// parseTagLine decodes one line of a tags file into its call id and its
// other scalar fields (never nil).
func parseTagLine(line []byte) (string, map[string]string, error) {
	var head struct {
		CallID any `json:"call_id"`
	}
	if err := json.Unmarshal(line, &head); err != nil {
		var syn *json.SyntaxError
		if errors.As(err, &syn) {
			return "", nil, fmt.Errorf("malformed JSON: %w", err)
		}
		var typ *json.UnmarshalTypeError
		if errors.As(err, &typ) && typ.Field == "" {
			return "", nil, fmt.Errorf("malformed tags: a line is one JSON object, not %s", typ.Value)
		}
		return "", nil, fmt.Errorf("malformed tags: %w", err)
	}
	id, ok := head.CallID.(string)
	if !ok || id == "" {
		return "", nil, errors.New("missing call_id (want a string)")
	}
	fields, err := scalarFields(line, []string{"call_id"})
	if err != nil {
		return "", nil, fmt.Errorf("malformed tags: %w", err)
	}
	if fields == nil {
		fields = map[string]string{}
	}
	return id, fields, nil
}

// MergeTags returns a copy of labels in which each label's Extra also
// holds the tags of its call; a tag overrides a label field of the same
// name (for grouping only: scoring never reads Extra). Tags of call ids
// without a label are ignored. Neither argument is changed.
func MergeTags(labels map[string]Label, tags Tags) map[string]Label {
	out := make(map[string]Label, len(labels))
	for id, lab := range labels {
		if t := tags[id]; len(t) > 0 {
			extra := maps.Clone(lab.Extra)
			if extra == nil {
				extra = make(map[string]string, len(t))
			}
			maps.Copy(extra, t)
			lab.Extra = extra
		}
		out[id] = lab
	}
	return out
}
