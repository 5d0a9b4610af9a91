package asr

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/callqa/callqa/corpus"
	"github.com/callqa/callqa/corpus/internal/textread"
)

// CSV exports of call-center platforms: one row per utterance.
//
// Columns are found by corpus.ReadOptions.CSV: a header name (compared without
// case, spaces, '_' and '-') or a 1-based column number. A column left
// empty takes the first header that is one of its usual names (see
// csvDefaults; role before speaker, so that a role column wins over a
// diarization id). A header row is required unless every column named is
// a number; then the first row is a header only if one of its cells is a
// usual column name. Only the text column is required.
//
// Times are seconds, or milliseconds with TimeUnit "ms" or a header that
// says so (begin_ms, 开始时间(毫秒)); clock times such as 00:01:02.5 or 1:02
// are read as such whatever the unit. Without a unit, a number over four
// hours is an error suggesting the ms unit rather than a silent misreading.
//
// A row whose speaker cell is empty continues the speaker of the row
// before it in the same call. Without a speaker column, a "Name:" prefix
// of the text names the speaker, as in subtitles. A row whose call id is
// empty belongs to the call of the row before it. The delimiter is ',',
// or ';' or a tab when the first line holds more of those.
//
// readCSV returns one transcript and refuses a file of several call ids;
// readCSVMany, which corpus.ReadPaths uses, returns one per call id.

func init() {
	corpus.RegisterFormat(corpus.Format{Name: "csv", Exts: []string{".csv", ".tsv"}, Read: readCSV, ReadMany: readCSVMany})
}

// The columns a CSV export may have.
const (
	colCallID = iota
	colSpeaker
	colText
	colStart
	colEnd
	numCols
)

var colNames = [numCols]string{"call id", "speaker", "text", "start", "end"}

// csvDefaults are the usual header names of each column, in order of
// preference.
var csvDefaults = [numCols][]string{
	{"call_id", "callid", "call", "conversation_id", "session_id", "通话ID", "通话编号", "会话ID", "录音ID", "录音编号"},
	{"role", "角色", "speaker", "说话人", "发言人", "speaker_id", "spk", "channel", "channel_id", "声道"},
	{"text", "content", "transcript", "sentence", "utterance", "内容", "文本", "识别结果", "对话内容", "转写文本", "识别文本"},
	{"start", "begin", "start_time", "begin_time", "start_ms", "begin_ms", "开始时间", "开始", "起始时间"},
	{"end", "stop", "end_time", "stop_time", "end_ms", "结束时间", "结束", "终止时间"},
}

// csvCall is one call of a CSV export and the line of its first row.
type csvCall struct {
	t    *corpus.Transcript
	line int
}

func readCSV(name string, data []byte, opts *corpus.ReadOptions) (*corpus.Transcript, error) {
	calls, err := readCSVCalls(name, data, opts)
	if err != nil {
		return nil, err
	}
	if len(calls) > 1 {
		ids := make([]string, 0, 3)
		for _, c := range calls[:min(3, len(calls))] {
			ids = append(ids, c.t.ID)
		}
		list := strings.Join(ids, ", ")
		if len(calls) > 3 {
			list += fmt.Sprintf("… %d in all", len(calls))
		}
		return nil, parseErr(name, calls[1].line, "several call ids (%s) in one file; split it or give one call per file", list)
	}
	return calls[0].t, nil
}

// readCSVMany reads every call of a CSV export, one transcript a call id,
// with the line of each call's first row.
func readCSVMany(name string, data []byte, opts *corpus.ReadOptions) ([]*corpus.Transcript, []int, error) {
	calls, err := readCSVCalls(name, data, opts)
	if err != nil {
		return nil, nil, err
	}
	ts := make([]*corpus.Transcript, len(calls))
	lines := make([]int, len(calls))
	for i, c := range calls {
		ts[i], lines[i] = c.t, c.line
	}
	return ts, lines, nil
}

// csvLayout says where each column is and how its times read.
type csvLayout struct {
	idx     [numCols]int    // 0-based column, -1 when absent
	ms      [numCols]bool   // the times of the column are milliseconds
	guessed [numCols]bool   // no unit was given or written in the header
	header  bool            // the first row is a header
	hline   int             // the line of the first row
	first   []string        // the first row
	named   [numCols]string // the column as the options name it
}

// csvRow is one data row, before speakers are resolved.
type csvRow struct {
	line                  int
	callID, speaker, text string
	start, end            *float64
}

// readCSVCalls reads a CSV export into its calls, in order of first
// appearance; rows keep their file order within a call.
func readCSVCalls(name string, data []byte, opts *corpus.ReadOptions) ([]csvCall, error) {
	var cols corpus.CSVColumns
	var roles map[string]corpus.Role
	if opts != nil {
		cols, roles = opts.CSV, opts.Build.Roles
	}
	text := strings.TrimPrefix(string(data), "\ufeff")
	if strings.TrimSpace(text) == "" {
		return nil, &corpus.ParseError{Path: name, Err: textread.ErrEmpty}
	}
	if off := textread.InvalidUTF8([]byte(text)); off >= 0 {
		return nil, parseErr(name, 1+strings.Count(text[:off], "\n"), "invalid UTF-8 (byte 0x%02x); decode the file first", text[off])
	}
	ms, explicit, err := csvUnit(cols.TimeUnit)
	if err != nil {
		return nil, &corpus.ParseError{Path: name, Err: err}
	}
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = csvComma(text)
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	rec, err := r.Read()
	if err != nil {
		return nil, csvErr(name, err)
	}
	lay := csvLayout{first: rec}
	lay.hline, _ = r.FieldPos(0)
	if err := lay.resolve(name, cols); err != nil {
		return nil, err
	}
	for c := colStart; c <= colEnd; c++ {
		switch {
		case explicit:
			lay.ms[c] = ms
		case lay.header && lay.idx[c] >= 0:
			var said bool
			lay.ms[c], said = headerUnit(rec[lay.idx[c]])
			lay.guessed[c] = !said
		default:
			lay.guessed[c] = true
		}
	}

	var rows []csvRow
	if !lay.header {
		row, skip, err := lay.row(name, lay.hline, rec)
		if err != nil {
			return nil, err
		}
		if !skip {
			rows = append(rows, row)
		}
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvErr(name, err)
		}
		line, _ := r.FieldPos(0)
		row, skip, err := lay.row(name, line, rec)
		if err != nil {
			return nil, err
		}
		if !skip {
			rows = append(rows, row)
		}
	}
	if len(rows) == 0 {
		if lay.header {
			return nil, parseErr(name, lay.hline, "only a header, no rows")
		}
		return nil, parseErr(name, lay.hline, "no rows with text")
	}
	return groupCSVRows(name, rows, lay.idx[colSpeaker] >= 0, roles)
}

// resolve finds the columns in the first row.
func (lay *csvLayout) resolve(name string, cols corpus.CSVColumns) error {
	conf := [numCols]string{cols.CallID, cols.Speaker, cols.Text, cols.Start, cols.End}
	numbered, given := true, false
	for c := range conf {
		conf[c] = strings.TrimSpace(conf[c])
		lay.named[c] = conf[c]
		lay.idx[c] = -1
		if conf[c] == "" {
			continue
		}
		given = true
		if !textread.AllDigits(conf[c]) {
			numbered = false
			continue
		}
		n, err := strconv.Atoi(conf[c])
		if err != nil || n < 1 || n > 10000 {
			return parseErr(name, 0, "%s column number %s out of range (columns count from 1)", colNames[c], conf[c])
		}
		lay.idx[c] = n - 1
	}
	lay.header = !numbered || !given || isCSVHeader(lay.first)
	if !lay.header {
		if lay.idx[colText] < 0 {
			return parseErr(name, lay.hline, "no text column: the first row is not a header, so give the text column by number too")
		}
		return nil
	}
	for c := range conf {
		switch {
		case lay.idx[c] >= len(lay.first):
			return parseErr(name, lay.hline, "%s column %d is past the last column of the header (it has %d: %s)", colNames[c], lay.idx[c]+1, len(lay.first), cellList(lay.first))
		case lay.idx[c] >= 0:
		case conf[c] != "":
			if lay.idx[c] = findHeader(lay.first, conf[c]); lay.idx[c] < 0 {
				return parseErr(name, lay.hline, "no %s column %q in the header (it has: %s)", colNames[c], conf[c], cellList(lay.first))
			}
		default:
			for _, h := range csvDefaults[c] {
				if lay.idx[c] = findHeader(lay.first, h); lay.idx[c] >= 0 {
					break
				}
			}
		}
	}
	if lay.idx[colText] < 0 {
		return parseErr(name, lay.hline, "no text column in the header (it has: %s; want one of text, content, 内容, 文本…, or name the column in the CSV options)", cellList(lay.first))
	}
	return nil
}

// row reads one data row. skip is true for a row of empty cells.
func (lay *csvLayout) row(name string, line int, rec []string) (row csvRow, skip bool, err error) {
	empty := true
	for _, f := range rec {
		if textread.TrimLine(f) != "" {
			empty = false
			break
		}
	}
	if empty {
		return row, true, nil
	}
	cell := func(c int) string {
		if i := lay.idx[c]; i >= 0 && i < len(rec) {
			return rec[i]
		}
		return ""
	}
	if i := lay.idx[colText]; i >= len(rec) {
		return row, false, parseErr(name, line, "row has %d fields; the text column is number %d", len(rec), i+1)
	}
	row = csvRow{line: line, callID: textread.TrimLine(cell(colCallID)), speaker: textread.TrimLine(cell(colSpeaker))}
	var tb textread.Builder
	for _, l := range textread.SplitLines(cell(colText)) {
		tb.Add(textread.TrimLine(l))
	}
	row.text = tb.String()
	for c := colStart; c <= colEnd; c++ {
		v, err := csvTime(cell(c), lay.ms[c], lay.guessed[c])
		if err != nil {
			return row, false, parseErr(name, line, "%s: %v", colNames[c], err)
		}
		if c == colStart {
			row.start = v
		} else {
			row.end = v
		}
	}
	if row.start != nil && row.end != nil && *row.end < *row.start {
		return row, false, parseErr(name, line, "end %s is before start %s", textread.TrimLine(cell(colEnd)), textread.TrimLine(cell(colStart)))
	}
	return row, false, nil
}

// groupCSVRows splits rows into calls and resolves their speakers.
func groupCSVRows(name string, rows []csvRow, speakerColumn bool, roles map[string]corpus.Role) ([]csvCall, error) {
	// Rows before the first call id belong to the first call.
	id := ""
	for _, r := range rows {
		if r.callID != "" {
			id = r.callID
			break
		}
	}
	lf := newLabelFinder(roles)
	if !speakerColumn {
		for _, r := range rows {
			lf.see(cuePiece{lineStart: true, text: r.text})
		}
	}
	var calls []csvCall
	index := map[string]int{}
	speakers := map[string]string{} // the last speaker of each call
	for _, r := range rows {
		if r.callID != "" {
			id = r.callID
		}
		k, ok := index[id]
		if !ok {
			k = len(calls)
			index[id] = k
			calls = append(calls, csvCall{t: &corpus.Transcript{ID: id}, line: r.line})
		}
		speaker, text := r.speaker, r.text
		if !speakerColumn {
			if label, rest, ok := lf.split(text); ok {
				speaker, text = label, rest
			}
		}
		if text == "" {
			continue
		}
		if speaker == "" {
			speaker = speakers[id]
		}
		if speaker == "" {
			if !speakerColumn {
				return nil, parseErr(name, r.line, "no speaker: the file has no speaker column (want one of role, speaker, 说话人, 角色…) and the text has no \"Name:\" prefix")
			}
			return nil, parseErr(name, r.line, "empty speaker, and no row before it in this call has one")
		}
		speakers[id] = speaker
		calls[k].t.Segments = append(calls[k].t.Segments, corpus.Segment{Speaker: speaker, Start: r.start, End: r.end, Text: text, Line: r.line})
	}
	return calls, nil
}

// csvUnit reads corpus.CSVColumns.TimeUnit. explicit is false when none is given.
func csvUnit(u string) (ms, explicit bool, err error) {
	switch strings.ToLower(strings.TrimSpace(u)) {
	case "":
		return false, false, nil
	case "s", "sec", "second", "seconds", "秒":
		return false, true, nil
	case "ms", "millisecond", "milliseconds", "毫秒":
		return true, true, nil
	}
	return false, false, fmt.Errorf("unknown CSV time unit %q (want s or ms)", u)
}

// headerUnit reads a time unit out of a column name: begin_ms, start (ms),
// 开始时间(毫秒), start_s. ok is false when the name says none.
func headerUnit(h string) (ms, ok bool) {
	n := normHeader(h)
	switch {
	case strings.HasSuffix(n, "ms") || strings.Contains(n, "毫秒") || strings.Contains(n, "millis"):
		return true, true
	case strings.HasSuffix(n, "(s)") || strings.HasSuffix(n, "（s）") || strings.HasSuffix(n, "(秒)") || strings.HasSuffix(n, "（秒）") ||
		strings.HasSuffix(n, "sec") || strings.HasSuffix(n, "seconds"):
		return false, true
	}
	return false, false
}

// maxGuessedTime is the longest time, in seconds, a number without a unit
// may be: no collection call lasts four hours, so more means milliseconds.
const maxGuessedTime = 4 * 3600

// csvTime reads a time cell: empty (unknown), a number of seconds or
// milliseconds, or a clock time.
func csvTime(cell string, ms, guessed bool) (*float64, error) {
	s := textread.TrimLine(cell)
	if s == "" {
		return nil, nil
	}
	if strings.ContainsAny(s, ":：") {
		v, ok := textread.ParseClock(s)
		if !ok {
			return nil, fmt.Errorf("bad time %q (want seconds, or [hh:]mm:ss[.fff])", s)
		}
		return &v, nil
	}
	if !csvDecimal(s) {
		return nil, fmt.Errorf("bad time %q (want seconds, or [hh:]mm:ss[.fff])", s)
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(v, 0) {
		return nil, fmt.Errorf("bad time %q (too large)", s)
	}
	if ms {
		v /= 1000
	}
	if guessed && v > maxGuessedTime {
		return nil, fmt.Errorf("time %s is more than 4 hours into the call; if the times are milliseconds, set the CSV time unit to ms (unit=ms)", s)
	}
	return &v, nil
}

// decimal reports whether s is digits with at most one '.'.
func csvDecimal(s string) bool {
	digits, dot := 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case '0' <= c && c <= '9':
			digits++
		case c == '.' && !dot:
			dot = true
		default:
			return false
		}
	}
	return digits > 0
}

// normHeader folds a column name for comparison: lower case, without
// spaces, '_' and '-'.
func normHeader(h string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '_', '-', '\t', '\u3000', '\ufeff':
			return -1
		}
		return r
	}, strings.ToLower(textread.TrimLine(h)))
}

// findHeader returns the index of the header cell that is name, or -1. A
// unit in parentheses after the cell's name is ignored: "start (ms)".
func findHeader(header []string, name string) int {
	want := normHeader(name)
	for i, h := range header {
		n := normHeader(h)
		if n == want {
			return i
		}
		if j := strings.IndexAny(n, "(（"); j > 0 && n[:j] == want {
			return i
		}
	}
	return -1
}

// isCSVHeader reports whether a row holds a usual column name.
func isCSVHeader(rec []string) bool {
	for _, names := range csvDefaults {
		for _, h := range names {
			if findHeader(rec, h) >= 0 {
				return true
			}
		}
	}
	return false
}

// csvComma picks the delimiter of the first line: ',' unless ';' or a tab
// is more frequent.
func csvComma(text string) rune {
	line, _, _ := strings.Cut(text, "\n")
	comma, most := ',', strings.Count(line, ",")
	for _, c := range []rune{';', '\t'} {
		if n := strings.Count(line, string(c)); n > most {
			comma, most = c, n
		}
	}
	return comma
}

// csvErr turns an encoding/csv error into a *corpus.ParseError at its line.
func csvErr(name string, err error) error {
	if err == io.EOF {
		return &corpus.ParseError{Path: name, Err: textread.ErrEmpty}
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		e := pe.Err
		if pe.StartLine != pe.Line {
			e = fmt.Errorf("%w (in a quoted field that starts on line %d)", e, pe.StartLine)
		}
		return &corpus.ParseError{Path: name, Line: pe.Line, Err: e}
	}
	return &corpus.ParseError{Path: name, Err: err}
}

// cellList shows a header in a message, shortened.
func cellList(rec []string) string {
	var out []string
	for i, c := range rec {
		if i == 8 {
			out = append(out, "…")
			break
		}
		c = textread.TrimLine(c)
		if utf8.RuneCountInString(c) > 20 {
			c = string([]rune(c)[:20]) + "…"
		}
		out = append(out, strconv.Quote(c))
	}
	return strings.Join(out, ", ")
}
