package report

import (
	"encoding/csv"
	"io"
	"strconv"

	"github.com/callqa/callqa/analyzer"
)

// csvHeader names the columns: the call, then the finding (empty for a
// call without findings), then one covered true/false column per task and
// step code.
func csvHeader() []string {
	h := []string{
		"call_id", "source", "agent", "team", "started_at", "score", "pass",
		"category", "turn", "speaker", "severity", "rule", "match", "text",
	}
	h = append(h, analyzer.TaskCodes...)
	return append(h, analyzer.StepCodes...)
}

// utf8BOM makes Excel read the file as UTF-8 instead of the system code
// page, which would garble the Chinese.
const utf8BOM = "\ufeff"

// csvWriter writes one row per finding.
type csvWriter struct {
	cw *csv.Writer
}

func newCSVWriter(w io.Writer) (*csvWriter, error) {
	if _, err := io.WriteString(w, utf8BOM); err != nil {
		return nil, err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(csvHeader()); err != nil {
		return nil, err
	}
	cw.Flush()
	return &csvWriter{cw: cw}, cw.Error()
}

func (c *csvWriter) Write(r *analyzer.Result) error {
	call := []string{
		r.CallID, r.Source, r.Agent, r.Team, r.StartedAt,
		strconv.Itoa(r.Score), strconv.FormatBool(r.Pass),
	}
	var coverage []string
	for _, code := range analyzer.TaskCodes {
		coverage = append(coverage, strconv.FormatBool(r.Tasks[code].Covered))
	}
	for _, code := range analyzer.StepCodes {
		coverage = append(coverage, strconv.FormatBool(r.Steps[code].Covered))
	}
	row := func(finding ...string) []string {
		out := append(append([]string(nil), call...), finding...)
		return append(out, coverage...)
	}
	if len(r.Findings) == 0 {
		if err := c.cw.Write(row("", "", "", "", "", "", "")); err != nil {
			return err
		}
	}
	for _, f := range r.Findings {
		err := c.cw.Write(row(f.Category, strconv.Itoa(f.Turn), f.Speaker, f.Severity, f.Rule, f.Match, f.Text))
		if err != nil {
			return err
		}
	}
	c.cw.Flush()
	return c.cw.Error()
}

func (c *csvWriter) Close(Summary) error {
	c.cw.Flush()
	return c.cw.Error()
}
