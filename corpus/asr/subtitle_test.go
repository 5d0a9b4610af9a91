package asr

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/corpus"
)

// asrSamples holds one call, S02 of testdata/calls, in every ASR format.
const asrSamples = "../../testdata/asr"

// sampleRoles maps the speaker labels of every sample in asrSamples.
var sampleRoles = map[string]corpus.Role{
	"坐席": corpus.RoleAgent, "客户": corpus.RoleCustomer,
	"SPEAKER_00": corpus.RoleAgent, "SPEAKER_01": corpus.RoleCustomer,
	"agent": corpus.RoleAgent, "customer": corpus.RoleCustomer,
	"0": corpus.RoleAgent, "1": corpus.RoleCustomer,
}

// readOne reads one path with ReadPathsWith and requires exactly one item.
func readOne(t *testing.T, path string, opts corpus.ReadOptions) corpus.Item {
	t.Helper()
	var items []corpus.Item
	corpus.ReadPathsWith([]string{path}, nil, opts, func(it corpus.Item) { items = append(items, it) })
	require.Len(t, items, 1)
	return items[0]
}

type roleText struct {
	Role corpus.Role
	Text string
}

func turnsOf(c *corpus.Call) []roleText {
	var out []roleText
	for _, t := range c.Turns {
		out = append(out, roleText{t.Role, t.Text})
	}
	return out
}

// assertSameAsText reads an ASR sample and compares its turns, role and
// text, with the native transcript of the same call.
func assertSameAsText(t *testing.T, path string, opts corpus.ReadOptions) *corpus.Call {
	t.Helper()
	want, errs := corpus.ReadFile("../../testdata/calls/S02_insult_threat.txt")
	require.Empty(t, errs)
	require.Len(t, want, 1)
	it := readOne(t, path, opts)
	require.NoError(t, it.Err)
	assert.Equal(t, turnsOf(want[0]), turnsOf(it.Call))
	return it.Call
}

func TestSubtitleSamples(t *testing.T) {
	for _, tc := range []struct {
		file  string
		roles map[string]corpus.Role
		lines []int // the line of each turn
	}{
		{"call.srt", map[string]corpus.Role{"坐席": corpus.RoleAgent, "客户": corpus.RoleCustomer}, []int{2, 6, 10, 14, 18, 22, 26, 31, 35}},
		{"call_prefix.srt", map[string]corpus.Role{"SPEAKER_00": corpus.RoleAgent, "SPEAKER_01": corpus.RoleCustomer}, []int{2, 6, 10, 18, 22, 26, 30, 34, 38}},
		{"call_voices.vtt", map[string]corpus.Role{"坐席": corpus.RoleAgent, "客户": corpus.RoleCustomer}, []int{13, 17, 20, 23, 29, 33, 37, 42, 46}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			c := assertSameAsText(t, filepath.Join(asrSamples, tc.file), corpus.ReadOptions{Build: corpus.BuildOptions{Roles: tc.roles}})
			var lines []int
			for _, tr := range c.Turns {
				lines = append(lines, tr.Line)
			}
			assert.Equal(t, tc.lines, lines)
			assert.Equal(t, "call", c.ID[:4])
			require.NotNil(t, c.Turns[2].Start)
			require.NotNil(t, c.Turns[2].End)
			assert.InDelta(t, 4.6, *c.Turns[2].Start, 1e-9)
			assert.InDelta(t, 10.9, *c.Turns[2].End, 1e-9) // the split turn of call_prefix.srt ends with its second cue
		})
	}
}

// TestASRSamplesTogether reads the subtitle and CSV samples as one batch,
// with one mapping and no CSV options (call_ms.csv says in its header that
// its times are milliseconds), then the whole folder as one batch with no
// options at all: every sample is a call of its own, under its own call_id.
func TestASRSamplesTogether(t *testing.T) {
	want, errs := corpus.ReadFile("../../testdata/calls/S02_insult_threat.txt")
	require.Empty(t, errs)
	files := []string{"call.csv", "call.srt", "call_voices.vtt", "call_ms.csv", "call_prefix.srt"}
	var paths, sources []string
	for _, f := range files {
		paths = append(paths, filepath.Join(asrSamples, f))
	}
	corpus.ReadPathsWith(paths, nil, corpus.ReadOptions{Build: corpus.BuildOptions{Roles: sampleRoles}}, func(it corpus.Item) {
		require.NoError(t, it.Err)
		assert.Equal(t, turnsOf(want[0]), turnsOf(it.Call), it.Call.Source)
		sources = append(sources, it.Call.Source)
	})
	assert.Equal(t, files, baseNames(sources))

	entries, err := os.ReadDir(asrSamples)
	require.NoError(t, err)
	ids := map[string]string{}
	corpus.ReadPathsWith([]string{asrSamples}, nil, corpus.ReadOptions{}, func(it corpus.Item) {
		require.NoError(t, it.Err)
		assert.NotContains(t, ids, it.Call.ID, it.Call.Source)
		ids[it.Call.ID] = it.Call.Source
	})
	assert.Len(t, ids, len(entries), "one call a sample")
}

func baseNames(paths []string) []string {
	var out []string
	for _, p := range paths {
		out = append(out, filepath.Base(p))
	}
	return out
}

// TestSubtitleLabels reads cues into segments: who speaks, what, and the
// line a segment starts on.
func TestSubtitleLabels(t *testing.T) {
	type seg struct {
		Speaker, Text string
		Line          int
	}
	for _, tc := range []struct {
		name  string
		vtt   bool
		roles map[string]corpus.Role
		in    string
		want  []seg
	}{
		{
			name: "prefix styles",
			in: "1\n00:00:01,000 --> 00:00:02,000\n[SPEAKER_00]: 您好\n\n" +
				"2\n00:00:02,000 --> 00:00:03,000\n[SPEAKER_01] 嗯\n\n" +
				"3\n00:00:03,000 --> 00:00:04,000\nSpeaker 1: hello\n\n" +
				"4\n00:00:04,000 --> 00:00:05,000\n说话人2：喂\n\n" +
				"5\n00:00:05,000 --> 00:00:06,000\n客户（张伟）： 我在\n\n" +
				"6\n00:00:06,000 --> 00:00:07,000\n【坐席】您好\n\n" +
				"7\n00:00:07,000 --> 00:00:08,000\nagent:hi\n",
			want: []seg{
				{"SPEAKER_00", "您好", 2}, {"SPEAKER_01", "嗯", 6}, {"Speaker 1", "hello", 10},
				{"说话人2", "喂", 14}, {"客户（张伟）", "我在", 18}, {"坐席", "您好", 22}, {"agent", "hi", 26},
			},
		},
		{
			name: "a prefix that is no speaker stays text",
			in: "1\n00:00:01,000 --> 00:00:02,000\n坐席：您好\n\n" +
				"2\n00:00:02,000 --> 00:00:03,000\n那我问你：你还不还？\n\n" +
				"3\n00:00:03,000 --> 00:00:04,000\n[音乐] 下午3:00前还上\n",
			want: []seg{{"坐席", "您好", 2}, {"坐席", "那我问你：你还不还？", 6}, {"坐席", "[音乐] 下午3:00前还上", 10}},
		},
		{
			name: "a name that starts two lines is a speaker",
			in: "1\n00:00:01,000 --> 00:00:02,000\n张三：您好\n\n" +
				"2\n00:00:02,000 --> 00:00:03,000\n李四：嗯\n\n" +
				"3\n00:00:03,000 --> 00:00:04,000\n张三：好的\n",
			want: []seg{{"张三", "您好", 2}, {"张三", "李四：嗯", 6}, {"张三", "好的", 10}},
		},
		{
			name:  "or one the roles map",
			roles: map[string]corpus.Role{"李四": corpus.RoleCustomer},
			in: "1\n00:00:01,000 --> 00:00:02,000\n张三：您好\n\n" +
				"2\n00:00:02,000 --> 00:00:03,000\n李四：嗯\n\n" +
				"3\n00:00:03,000 --> 00:00:04,000\n张三：好的\n",
			want: []seg{{"张三", "您好", 2}, {"李四", "嗯", 6}, {"张三", "好的", 10}},
		},
		{
			name: "two speakers in one cue, lines joined, cueMarkup dropped",
			in:   "1\r\n00:00:01,000 --> 00:00:02,000\r\n<i>坐席：您好，</i>\r\n请问是张先生吗？\r\n客户：是 &amp; 不是\r\n{\\an8}Agent: OK\r\nfine\r\n",
			want: []seg{{"坐席", "您好，请问是张先生吗？", 2}, {"客户", "是 & 不是", 5}, {"Agent", "OK fine", 6}},
		},
		{
			name: "SRT without blank lines between cues",
			in:   "1\n00:00:01,000 --> 00:00:02,000\n坐席：您好\n2\n00:00:02,000 --> 00:00:03,000\n客户：嗯\n",
			want: []seg{{"坐席", "您好", 2}, {"客户", "嗯", 5}},
		},
		{
			name: "SRT with a WEBVTT header and dot milliseconds",
			in:   "\ufeffWEBVTT\n\nNOTE made by hand\n\n00:01.000 --> 00:02.000\n坐席：您好\n",
			want: []seg{{"坐席", "您好", 5}},
		},
		{
			name: "voice spans",
			vtt:  true,
			in: "WEBVTT\n\nintro\n00:01.000 --> 00:02.000 align:start\n<v.first 坐席>您好</v><v 客户>嗯 &lt;笑&gt;</v>\n<v Roger Bingham>Hi <b>there</b>\n\n" +
				"00:02.000 --> 00:03.000\n<c.x>continued</c>\n\n" +
				"00:03.000 --> 00:04.000\n<v>客户：好\n",
			want: []seg{{"坐席", "您好", 4}, {"客户", "嗯 <笑>", 5}, {"Roger Bingham", "Hi there", 6}, {"Roger Bingham", "continued", 8}, {"客户", "好", 11}},
		},
		{
			name: "WebVTT header without its blank line, empty cue, CR line ends",
			vtt:  true,
			in:   "WEBVTT\r00:01.000 --> 00:02.000\r\r00:02.000 --> 00:03.000\r客户：嗯\r",
			want: []seg{{"客户", "嗯", 4}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			read := readSRT
			if tc.vtt {
				read = readVTT
			}
			tr, err := read("x", []byte(tc.in), &corpus.ReadOptions{Build: corpus.BuildOptions{Roles: tc.roles}})
			require.NoError(t, err)
			var got []seg
			for _, s := range tr.Segments {
				got = append(got, seg{s.Speaker, s.Text, s.Line})
			}
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestSubtitleTimes(t *testing.T) {
	tr, err := readVTT("x", []byte("WEBVTT\n\n01:02.5 --> 1:01:02.250\n坐席：a\n"), nil)
	require.NoError(t, err)
	require.Len(t, tr.Segments, 1)
	assert.InDelta(t, 62.5, *tr.Segments[0].Start, 1e-9)
	assert.InDelta(t, 3662.25, *tr.Segments[0].End, 1e-9)
}

func TestSubtitleErrors(t *testing.T) {
	const cue = "00:00:01,000 --> 00:00:02,000\n"
	for _, tc := range []struct {
		name string
		vtt  bool
		in   string
		line int
		msg  string
	}{
		{"empty", false, "", 0, "empty file"},
		{"blank", true, " \n\r\n\t\n", 0, "empty file"},
		{"bad start", false, "1\n00:00:01,2x0 --> 00:00:02,000\n坐席：a\n", 2, `bad start time "00:00:01,2x0" (want hh:mm:ss,mmm)`},
		{"bad end", false, "1\n" + cue + "坐席：a\n\n2\n00:00:02,000 --> 00:00:61,000\n客户：b\n", 6, `bad end time "00:00:61,000"`},
		{"no end", false, "1\n00:00:01,000 -->\n坐席：a\n", 2, "time line without an end time"},
		{"no start", true, "WEBVTT\n\n --> 00:01.000\n坐席：a\n", 3, "time line without a start time"},
		{"ends before it starts", false, "1\n00:00:03,000 --> 00:00:02,000\n坐席：a\n", 2, "cue ends (00:00:02,000) before it starts (00:00:03,000)"},
		{"cue without times", false, "1\n" + cue + "坐席：a\n\n2\n客户：b\n", 5, "cue without a time line"},
		{"cue without times at the end", false, "1\n" + cue + "坐席：a\n\n2\n", 5, "cue without a time line"},
		{"text without a cue", false, "坐席：你好\n", 1, `cue without a time line (want e.g. "00:00:01,200 --> 00:00:03,400")`},
		{"vtt cue without times", true, "WEBVTT\n\nintro\n<v 坐席>a\n", 3, `cue without a time line (want e.g. "00:01.200 --> 00:03.400")`},
		{"vtt bad time", true, "WEBVTT\n\n00:01.2x --> 00:02.000\n<v 坐席>a\n", 3, `bad start time "00:01.2x" (want [hh:]mm:ss.mmm)`},
		{"no WEBVTT header", true, "\n1\n" + cue + "坐席：a\n", 2, "missing the WEBVTT header"},
		{"only a header", true, "WEBVTT\nKind: captions\n", 0, "no cues"},
		{"first cue without a speaker", false, "1\n" + cue + "你好\n\n2\n" + cue + "坐席：a\n", 3, "the first cue names no speaker"},
		{"no speakers at all", true, "WEBVTT\n\n00:01.000 --> 00:02.000\n你好\n", 4, "no speaker labels: cues need <v Name> or"},
		{"invalid UTF-8", false, "1\n" + cue + "坐席：\xff\n", 3, "invalid UTF-8 (byte 0xff)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			read := readSRT
			if tc.vtt {
				read = readVTT
			}
			tr, err := read("x.sub", []byte(tc.in), &corpus.ReadOptions{})
			assert.Nil(t, tr)
			var pe *corpus.ParseError
			require.True(t, errors.As(err, &pe), "%v", err)
			assert.Equal(t, "x.sub", pe.Path)
			assert.Equal(t, tc.line, pe.Line, "%v", err)
			assert.Contains(t, pe.Err.Error(), tc.msg)
		})
	}
}

// TestSubtitleErrorThroughReadPaths checks that a reader error reaches the
// caller with its file and line.
func TestSubtitleErrorThroughReadPaths(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.srt")
	require.NoError(t, os.WriteFile(path, []byte("1\n00:00:01,000 --> 00:00:0x,000\n坐席：a\n"), 0o644))
	it := readOne(t, path, corpus.ReadOptions{})
	var pe *corpus.ParseError
	require.True(t, errors.As(it.Err, &pe), "%v", it.Err)
	assert.Equal(t, path, pe.Path)
	assert.Equal(t, 2, pe.Line)
	assert.Contains(t, it.Err.Error(), `bad end time "00:00:0x,000"`)
	assert.Contains(t, it.Err.Error(), "srt")
}
