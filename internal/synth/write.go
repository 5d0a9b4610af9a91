package synth

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/callqa/callqa/corpus"
)

// Formats are the file formats Write can produce: one call a file for
// txt, json, srt and vtt; any number for jsonl and csv.
var Formats = []string{"txt", "json", "jsonl", "srt", "vtt", "csv"}

// MultiCall reports whether a format holds several calls in one file.
func MultiCall(format string) bool { return format == "jsonl" || format == "csv" }

// Timing gives each turn of a call a start and end in seconds: a quarter
// second a character, half a second between turns, as a recording would.
func Timing(c *corpus.Call) [][2]float64 {
	out := make([][2]float64, len(c.Turns))
	at := 0.5
	for i, t := range c.Turns {
		d := 0.8 + 0.25*float64(utf8.RuneCountInString(t.Text))
		out[i] = [2]float64{at, at + d}
		at += d + 0.5
	}
	return out
}

// roleLabel is the speaker label of formats.md §1 for a role.
func roleLabel(r corpus.Role) string {
	switch r {
	case corpus.RoleAgent:
		return "坐席"
	case corpus.RoleThirdParty:
		return "第三方"
	}
	return "客户"
}

// Write writes calls in format to w. txt, json, srt and vtt take exactly
// one call.
func Write(w io.Writer, format string, calls ...*corpus.Call) error {
	if !MultiCall(format) && len(calls) != 1 {
		return fmt.Errorf("synth: %s holds one call a file, got %d", format, len(calls))
	}
	sw, err := NewWriter(w, format)
	if err != nil {
		return err
	}
	for _, c := range calls {
		if err := sw.Write(c); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// Writer writes calls one at a time in a format, so that a corpus of any
// size streams to its file.
type Writer struct {
	format string
	bw     *bufio.Writer
	csv    *csv.Writer
	n      int
}

// NewWriter returns a Writer of format (one of Formats) to w.
func NewWriter(w io.Writer, format string) (*Writer, error) {
	if !slices.Contains(Formats, format) {
		return nil, fmt.Errorf("synth: unknown format %q (want one of %s)", format, strings.Join(Formats, ", "))
	}
	sw := &Writer{format: format, bw: bufio.NewWriter(w)}
	if format == "csv" {
		sw.csv = csv.NewWriter(sw.bw)
	}
	return sw, nil
}

// Write writes one call. Formats of one call a file take one call.
func (sw *Writer) Write(c *corpus.Call) error {
	if sw.n > 0 && !MultiCall(sw.format) {
		return fmt.Errorf("synth: %s holds one call a file", sw.format)
	}
	sw.n++
	switch sw.format {
	case "txt":
		return writeTxt(sw.bw, c)
	case "json", "jsonl":
		enc := json.NewEncoder(sw.bw)
		enc.SetEscapeHTML(false)
		if sw.format == "json" {
			enc.SetIndent("", "  ")
		}
		return enc.Encode(toJSON(c))
	case "srt", "vtt":
		return writeSubtitles(sw.bw, sw.format, c)
	}
	return writeCSV(sw.csv, c, sw.n == 1)
}

// Flush writes out what is buffered.
func (sw *Writer) Flush() error {
	if sw.csv != nil {
		sw.csv.Flush()
		if err := sw.csv.Error(); err != nil {
			return err
		}
	}
	return sw.bw.Flush()
}

func toJSON(c *corpus.Call) jsonCall {
	jc := jsonCall{CallID: c.ID, Agent: c.Agent, Team: c.Team, StartedAt: c.StartedAt, Kind: c.Kind, Party: c.Party}
	jc.Turns = make([]jsonTurn, len(c.Turns))
	for i, t := range c.Turns {
		jc.Turns[i] = jsonTurn{Speaker: string(t.Role), Text: t.Text}
	}
	return jc
}

func writeTxt(w *bufio.Writer, c *corpus.Call) error {
	for _, h := range [][2]string{{"call_id", c.ID}, {"agent", c.Agent}, {"team", c.Team}, {"started_at", c.StartedAt}, {"kind", c.Kind}, {"party", c.Party}} {
		if h[1] != "" {
			fmt.Fprintf(w, "# %s: %s\n", h[0], h[1])
		}
	}
	tm := Timing(c)
	for i, t := range c.Turns {
		s := int(tm[i][0])
		fmt.Fprintf(w, "[%02d:%02d:%02d] %s：%s\n", s/3600, s/60%60, s%60, roleLabel(t.Role), t.Text)
	}
	return nil
}

func writeSubtitles(w *bufio.Writer, format string, c *corpus.Call) error {
	stamp := func(sec float64) string {
		ms := int(sec*1000 + 0.5)
		sep := ","
		if format == "vtt" {
			sep = "."
		}
		return fmt.Sprintf("%02d:%02d:%02d%s%03d", ms/3600000, ms/60000%60, ms/1000%60, sep, ms%1000)
	}
	if format == "vtt" {
		fmt.Fprintf(w, "WEBVTT - %s\n\n", c.ID)
	}
	tm := Timing(c)
	for i, t := range c.Turns {
		fmt.Fprintf(w, "%d\n%s --> %s\n", i+1, stamp(tm[i][0]), stamp(tm[i][1]))
		if format == "vtt" {
			fmt.Fprintf(w, "<v %s>%s</v>\n\n", roleLabel(t.Role), t.Text)
		} else {
			fmt.Fprintf(w, "%s：%s\n\n", roleLabel(t.Role), t.Text)
		}
	}
	return nil
}

func writeCSV(cw *csv.Writer, c *corpus.Call, header bool) error {
	if header {
		if err := cw.Write([]string{"call_id", "speaker", "text", "start", "end"}); err != nil {
			return err
		}
	}
	tm := Timing(c)
	for i, t := range c.Turns {
		rec := []string{c.ID, string(t.Role), t.Text, fmt.Sprintf("%.2f", tm[i][0]), fmt.Sprintf("%.2f", tm[i][1])}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	return nil
}
