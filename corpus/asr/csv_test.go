package asr

import (
	"errors"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/corpus"
)

func TestCSVSamples(t *testing.T) {
	for _, tc := range []struct {
		file string
		opts corpus.ReadOptions
	}{
		{"call.csv", corpus.ReadOptions{Build: corpus.BuildOptions{Roles: map[string]corpus.Role{"agent": corpus.RoleAgent, "customer": corpus.RoleCustomer}}}},
		{"call_ms.csv", corpus.ReadOptions{ // the header says 毫秒
			Build: corpus.BuildOptions{Roles: map[string]corpus.Role{"0": corpus.RoleAgent, "1": corpus.RoleCustomer}},
		}},
		{"call_ms.csv", corpus.ReadOptions{
			Build: corpus.BuildOptions{Roles: map[string]corpus.Role{"0": corpus.RoleAgent, "1": corpus.RoleCustomer}},
			CSV:   corpus.CSVColumns{TimeUnit: "ms"},
		}},
		{"call_ms.csv", corpus.ReadOptions{
			Build: corpus.BuildOptions{Roles: map[string]corpus.Role{"0": corpus.RoleAgent, "1": corpus.RoleCustomer}},
			CSV:   corpus.CSVColumns{CallID: "通话id", Speaker: "说话人", Text: "3", Start: "开始时间", End: "5", TimeUnit: "MS"},
		}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			c := assertSameAsText(t, filepath.Join(asrSamples, tc.file), tc.opts)
			assert.Equal(t, map[string]string{"call.csv": "S02", "call_ms.csv": "S02-ms"}[tc.file], c.ID)
			for i, tr := range c.Turns {
				assert.Equal(t, i+2, tr.Line)
			}
			require.NotNil(t, c.Turns[8].Start)
			assert.InDelta(t, 33.5, *c.Turns[8].Start, 1e-9)
			assert.InDelta(t, 38.2, *c.Turns[8].End, 1e-9)
		})
	}
}

// csvSeg is a segment with its times in milliseconds, -1 when unknown.
type csvSeg struct {
	Speaker, Text string
	Start, End    int
	Line          int
}

func msOf(v *float64) int {
	if v == nil {
		return -1
	}
	return int(math.Round(*v * 1000))
}

func TestCSVRead(t *testing.T) {
	type seg = csvSeg
	for _, tc := range []struct {
		name string
		cols corpus.CSVColumns
		in   string
		id   string
		want []seg
	}{
		{
			name: "columns by number, no header",
			cols: corpus.CSVColumns{Speaker: "1", Text: "2", Start: "3"},
			in:   "0,您好,1.5\n1,嗯,2\n",
			want: []seg{{"0", "您好", 1500, -1, 1}, {"1", "嗯", 2000, -1, 2}},
		},
		{
			name: "columns by number under a header",
			cols: corpus.CSVColumns{Speaker: "2", Text: "1"},
			in:   "text,speaker\n您好,A\n",
			want: []seg{{"A", "您好", -1, -1, 2}},
		},
		{
			name: "clock times, quoted fields, CRLF, a line break in a field",
			in:   "Speaker,Text,Start Time,End Time\r\nagent,\"您好，\r\n请问是张先生吗？\",00:01:02.5,1:05\r\ncustomer,\"say \"\"hi\"\", ok\",1:05,\r\n",
			want: []seg{{"agent", "您好，请问是张先生吗？", 62500, 65000, 2}, {"customer", `say "hi", ok`, 65000, -1, 4}},
		},
		{
			name: "the header says milliseconds",
			in:   "role,text,begin_ms,结束时间(毫秒)\nagent,您好,760,3240\n",
			want: []seg{{"agent", "您好", 760, 3240, 2}},
		},
		{
			name: "an explicit unit wins over the header",
			cols: corpus.CSVColumns{TimeUnit: "s"},
			in:   "role,text,begin_ms\nagent,您好,7\n",
			want: []seg{{"agent", "您好", 7000, -1, 2}},
		},
		{
			name: "semicolons",
			in:   "speaker;text;start\nA;hello, there;1\n",
			want: []seg{{"A", "hello, there", 1000, -1, 2}},
		},
		{
			name: "tabs",
			in:   "说话人\t文本\t开始时间\n坐席\t您好，张先生\t0.5\n",
			want: []seg{{"坐席", "您好，张先生", 500, -1, 2}},
		},
		{
			name: "a role column wins over a speaker column; empty speakers continue; blank rows skipped",
			in:   "call_id,speaker,role,text\n\nC1,spk_0,agent,您好\n,,,\n,spk_0,,请问\nC1,spk_1,customer,嗯\n",
			id:   "C1",
			want: []seg{{"agent", "您好", -1, -1, 3}, {"agent", "请问", -1, -1, 5}, {"customer", "嗯", -1, -1, 6}},
		},
		{
			name: "no speaker column: prefixes in the text",
			in:   "text,start\n坐席：您好,0\n客户：嗯,1\n请讲,2\n",
			want: []seg{{"坐席", "您好", 0, -1, 2}, {"客户", "嗯", 1000, -1, 3}, {"客户", "请讲", 2000, -1, 4}},
		},
		{
			name: "a BOM, rows without text",
			in:   "\ufeffcontent,role\n,agent\n您好,agent\n",
			want: []seg{{"agent", "您好", -1, -1, 3}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr, err := readCSV("x.csv", []byte(tc.in), &corpus.ReadOptions{CSV: tc.cols})
			require.NoError(t, err)
			assert.Equal(t, tc.id, tr.ID)
			var got []seg
			for _, s := range tr.Segments {
				got = append(got, seg{s.Speaker, s.Text, msOf(s.Start), msOf(s.End), s.Line})
			}
			assert.Equal(t, tc.want, got)
		})
	}
}

// TestCSVCalls checks that readCSVCalls splits a file by call id, which the
// one-transcript reader refuses.
func TestCSVCalls(t *testing.T) {
	in := "call_id,speaker,text\nA,agent,您好\n,customer,嗯\nB,agent,喂\nA,agent,再见\nC,agent,x\nD,agent,y\n"
	calls, err := readCSVCalls("x.csv", []byte(in), nil)
	require.NoError(t, err)
	var ids []string
	var lines []int
	for _, c := range calls {
		ids = append(ids, c.t.ID)
		lines = append(lines, c.line)
	}
	assert.Equal(t, []string{"A", "B", "C", "D"}, ids)
	assert.Equal(t, []int{2, 4, 6, 7}, lines)
	require.Len(t, calls[0].t.Segments, 3)
	assert.Equal(t, "再见", calls[0].t.Segments[2].Text)

	_, err = readCSV("x.csv", []byte(in), nil)
	require.Error(t, err)
	assert.Equal(t, "x.csv:4: several call ids (A, B, C… 4 in all) in one file; split it or give one call per file", err.Error())
}

func TestCSVErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		cols corpus.CSVColumns
		in   string
		line int
		msg  string
	}{
		{"empty", corpus.CSVColumns{}, "", 0, "empty file"},
		{"blank", corpus.CSVColumns{}, "\ufeff \r\n", 0, "empty file"},
		{"only a header", corpus.CSVColumns{}, "speaker,text,start\n", 1, "only a header, no rows"},
		{"only a header and blank rows", corpus.CSVColumns{}, "speaker,text\n,\n", 1, "only a header, no rows"},
		{"no text column", corpus.CSVColumns{}, "speaker,start,end\nagent,1,2\n", 1, `no text column in the header (it has: "speaker", "start", "end"; want one of text`},
		{"a named column missing", corpus.CSVColumns{Speaker: "who"}, "speaker,text\nagent,您好\n", 1, `no speaker column "who" in the header`},
		{"a column past the header", corpus.CSVColumns{Text: "3"}, "speaker,text\nagent,您好\n", 1, "text column 3 is past the last column of the header (it has 2"},
		{"numbered columns, text not numbered", corpus.CSVColumns{Speaker: "1"}, "agent,您好\n", 1, "no text column: the first row is not a header"},
		{"column number zero", corpus.CSVColumns{Text: "0"}, "text\n您好\n", 0, "text column number 0 out of range"},
		{"row too short", corpus.CSVColumns{}, "speaker,start,text\nagent,1,您好\ncustomer,2\n", 3, "row has 2 fields; the text column is number 3"},
		{"bad start", corpus.CSVColumns{}, "speaker,text,start\nagent,您好,1\ncustomer,嗯,1秒\n", 3, `start: bad time "1秒" (want seconds, or [hh:]mm:ss[.fff])`},
		{"negative time", corpus.CSVColumns{}, "speaker,text,end\nagent,您好,-1\n", 2, `end: bad time "-1"`},
		{"bad clock", corpus.CSVColumns{}, "speaker,text,start\nagent,您好,00:61\n", 2, `start: bad time "00:61"`},
		{"end before start", corpus.CSVColumns{}, "speaker,text,start,end\nagent,您好,3,2\n", 2, "end 2 is before start 3"},
		{"milliseconds without a unit", corpus.CSVColumns{}, "speaker,text,start\nagent,您好,760\nagent,嗯,15000\n", 3, "start: time 15000 is more than 4 hours into the call; if the times are milliseconds, set the CSV time unit to ms (unit=ms)"},
		{"huge number", corpus.CSVColumns{TimeUnit: "ms"}, "speaker,text,start\nagent,您好,1" + strings.Repeat("0", 400) + "\n", 2, "too large"},
		{"unknown unit", corpus.CSVColumns{TimeUnit: "min"}, "speaker,text\nagent,您好\n", 0, `unknown CSV time unit "min" (want s or ms)`},
		{"unterminated quote", corpus.CSVColumns{}, "speaker,text\nagent,\"您好\ncustomer,嗯\n", 3, `extraneous or missing " in quoted-field (in a quoted field that starts on line 2)`},
		{"bare quote", corpus.CSVColumns{}, "speaker,text\nagent,他说\"好\"\n", 2, `bare " in non-quoted-field`},
		{"first speaker empty", corpus.CSVColumns{}, "speaker,text\n,您好\nagent,嗯\n", 2, "empty speaker, and no row before it in this call has one"},
		{"no speaker anywhere", corpus.CSVColumns{}, "text\n您好\n", 2, "no speaker: the file has no speaker column"},
		{"invalid UTF-8", corpus.CSVColumns{}, "speaker,text\nagent,\xff\n", 2, "invalid UTF-8 (byte 0xff)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr, err := readCSV("x.csv", []byte(tc.in), &corpus.ReadOptions{CSV: tc.cols})
			assert.Nil(t, tr)
			var pe *corpus.ParseError
			require.True(t, errors.As(err, &pe), "%v", err)
			assert.Equal(t, "x.csv", pe.Path)
			assert.Equal(t, tc.line, pe.Line, "%v", err)
			assert.Contains(t, pe.Err.Error(), tc.msg)
		})
	}
}
