package report

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/callqa/callqa/result"
	"github.com/callqa/callqa/score"
)

// csvColumns are the columns of the csv format: the call, then the
// finding (empty for a call without findings), then one covered true/false
// column per task and step code, then the start time as the input wrote
// it. Each column is its English header (also its code) and its Chinese
// header; a nil zh takes the name of the task or step from the built-in
// scorecard.
var csvColumns = []struct{ en, zh string }{
	{"call_id", "通话编号"},
	{"source", "文件"},
	{"agent", "坐席"},
	{"team", "团队"},
	{"party", "通话对象"},
	{"started_at", "开始时间"},
	{"score", "得分"},
	{"pass", "是否通过"},
	{"category", "类别"},
	{"scored", "计入违规"},
	{"turn", "轮次"},
	{"speaker", "说话人"},
	{"severity", "严重程度"},
	{"rule", "规则"},
	{"match", "命中内容"},
	{"text", "该轮原文"},
}

// csvLastColumn follows the task and step columns.
var csvLastColumn = struct{ en, zh string }{"started_at_original", "开始时间（原文）"}

// csvHeader names the columns in lang: "zh" for Chinese headers, anything
// else for the English ones, which are the codes scripts read.
func csvHeader(lang string) []string {
	var h []string
	for _, c := range csvColumns {
		h = append(h, pick(lang, c.en, c.zh))
	}
	items := score.Default().Items
	for _, code := range append(append([]string(nil), result.TaskCodes...), result.StepCodes...) {
		h = append(h, pick(lang, code, items[code].Name))
	}
	return append(h, pick(lang, csvLastColumn.en, csvLastColumn.zh))
}

func pick(lang, en, zh string) string {
	if lang == LangZh && zh != "" {
		return zh
	}
	return en
}

// utf8BOM makes Excel read the file as UTF-8 instead of the system code
// page, which would garble the Chinese.
const utf8BOM = "\ufeff"

// formulaStarts are the first characters that make a spreadsheet read a
// cell as a formula, as the OWASP guidance on CSV injection lists them:
// = + - @, tab and carriage return.
const formulaStarts = "=+-@\t\r"

// cell makes text taken from a transcript or its metadata safe to open in a
// spreadsheet, as OWASP advises: a cell that starts with one of
// formulaStarts gets a single quote in front, so Excel and LibreOffice
// show it as text instead of running it as a formula. Text that looks like
// a number (-5, +86 138…) is escaped too: it is still text, and Excel
// would otherwise turn +8613800000000 into 8.6138E+12. Numbers callqa
// writes itself (score, turn) never start with these characters and do
// not pass through cell. The separator and quotes inside a cell cannot
// start a new cell: encoding/csv quotes such cells.
func cell(s string) string {
	if s != "" && strings.ContainsRune(formulaStarts, rune(s[0])) {
		return "'" + s
	}
	return s
}

// excelTime writes an RFC 3339 time as Excel reads a date and time,
// 2006-01-02 15:04:05, in the call's own time zone (the offset it was
// written with). Any other text is written as it is.
func excelTime(s string) string {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return s
	}
	return t.Format(time.DateTime)
}

// csvWriter writes one row per finding.
type csvWriter struct {
	cw *csv.Writer
}

func newCSVWriter(w io.Writer, lang string) (*csvWriter, error) {
	if _, err := io.WriteString(w, utf8BOM); err != nil {
		return nil, err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(csvHeader(lang)); err != nil {
		return nil, err
	}
	cw.Flush()
	return &csvWriter{cw: cw}, cw.Error()
}

func (c *csvWriter) Write(r *result.Result) error {
	call := []string{
		cell(r.CallID), cell(r.Source), cell(r.Agent), cell(r.Team), cell(r.Party), cell(excelTime(r.StartedAt)),
		strconv.Itoa(r.Score), strconv.FormatBool(r.Pass),
	}
	var rest []string
	for _, code := range result.TaskCodes {
		rest = append(rest, strconv.FormatBool(r.Tasks[code].Covered))
	}
	for _, code := range result.StepCodes {
		rest = append(rest, strconv.FormatBool(r.Steps[code].Covered))
	}
	rest = append(rest, cell(r.StartedAt))
	row := func(finding ...string) []string {
		out := append(append([]string(nil), call...), finding...)
		return append(out, rest...)
	}
	if len(r.Findings) == 0 {
		if err := c.cw.Write(row("", "", "", "", "", "", "", "")); err != nil {
			return err
		}
	}
	for _, f := range r.Findings {
		err := c.cw.Write(row(cell(f.Category), strconv.FormatBool(result.IsViolation(f.Category)), strconv.Itoa(f.Turn),
			cell(f.Speaker), cell(f.Severity), cell(f.Rule), cell(f.Match), cell(f.Text)))
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
