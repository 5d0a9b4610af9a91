package report

import (
	"bytes"
	"encoding/json"
	"io"

	"github.com/callqa/callqa/corpus"
	"github.com/callqa/callqa/result"
)

// jsonlWriter writes formats.md §4: one object per call and line.
type jsonlWriter struct {
	enc *json.Encoder
	// withCall adds "call" and "rules_version" (Options.WithCall).
	withCall     bool
	rulesVersion string
}

// lineWithCall is a jsonl line with the added fields of Options.WithCall.
type lineWithCall struct {
	*result.Result
	Call         *corpus.Call `json:"call"`
	RulesVersion string       `json:"rules_version"`
}

func newJSONLWriter(w io.Writer) *jsonlWriter {
	enc := json.NewEncoder(w)
	// Chinese and 「」 stay as they are; so do <, > and &, which the
	// default encoder would turn into \u003c and the like.
	enc.SetEscapeHTML(false)
	return &jsonlWriter{enc: enc}
}

func (j *jsonlWriter) Write(r *result.Result) error {
	if j.withCall {
		return j.enc.Encode(lineWithCall{Result: normalize(r), Call: r.Call, RulesVersion: j.rulesVersion})
	}
	return j.enc.Encode(normalize(r))
}

func (j *jsonlWriter) Close(Summary) error { return nil }

// jsonWriter writes {"calls": [...], "summary": {...}}, indented by two
// spaces. It writes each call as it comes, so the output is the same as
// indenting the whole document at once without holding it in memory.
type jsonWriter struct {
	w     io.Writer
	calls int
	buf   bytes.Buffer
}

func newJSONWriter(w io.Writer) *jsonWriter {
	return &jsonWriter{w: w}
}

func (j *jsonWriter) Write(r *result.Result) error {
	j.buf.Reset()
	if j.calls == 0 {
		j.buf.WriteString("{\n  \"calls\": [\n    ")
	} else {
		j.buf.WriteString(",\n    ")
	}
	if err := encodeIndented(&j.buf, normalize(r), "    "); err != nil {
		return err
	}
	j.calls++
	_, err := j.w.Write(j.buf.Bytes())
	return err
}

func (j *jsonWriter) Close(s Summary) error {
	j.buf.Reset()
	if j.calls == 0 {
		j.buf.WriteString("{\n  \"calls\": [],\n  \"summary\": ")
	} else {
		j.buf.WriteString("\n  ],\n  \"summary\": ")
	}
	if err := encodeIndented(&j.buf, s, "  "); err != nil {
		return err
	}
	j.buf.WriteString("\n}\n")
	_, err := j.w.Write(j.buf.Bytes())
	return err
}

// encodeIndented appends v to buf as indented JSON whose lines after the
// first start with prefix, without HTML escaping and without the final
// newline that json.Encoder adds.
func encodeIndented(buf *bytes.Buffer, v any, prefix string) error {
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent(prefix, "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	buf.Truncate(buf.Len() - 1)
	return nil
}
