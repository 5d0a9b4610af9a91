package asr

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/callqa/callqa/corpus"

	"github.com/callqa/callqa/corpus/internal/textread"
)

// FuzzASRText runs the text-based speech-recognition readers (SRT, WebVTT,
// CSV) on the same input: none panics; each gives a transcript or a
// *ParseError naming the file; segments have a speaker, UTF-8 text, lines
// in order and sane times; and BuildCall makes of them a call with turns
// 1..n of non-empty one-line text and non-negative times, or an error.
func FuzzASRText(f *testing.F) {
	for _, s := range []string{
		"1\n00:00:01,000 --> 00:00:02,000\n坐席：您好\n\n2\n00:00:02,000 --> 00:00:03,000\n[SPEAKER_01]: 嗯\n继续\n",
		"1\r\n00:00:01,000 --> 00:00:02,000\r\n<i>张三：</i>您好\r\n2\r\n00:00:02,000 --> 00:00:01,000\r\n张三：x\r\n",
		"WEBVTT\n\nNOTE x\n\nid\n00:01.000 --> 00:02.000 align:start\n<v.a 坐席>您好</v><v 客户>嗯 &amp;</v>\n\n00:02.000 -->\n",
		"WEBVTT\r00:01.000 --> 1:00:02.5\r<v>客户：<c.x>好</c>\r",
		"1\n99:99:99,999 --> 00:00:00,000\n",
		"call_id,speaker,text,start,end\nA,agent,您好,0.5,1\n,,\"x\ny\",1:02,\nB,customer,嗯,2,3\n",
		"说话人\t文本\t开始时间\n0\t喂\t500\n1\t嗯\t\n",
		"0,您好,760,3240\n1,嗯,3500,5010\n",
		"text\n坐席：您好\n那我问你：x\n",
		"speaker;text;start\nA;\"unterminated\n",
		"\ufeff", "", "\xff", "-->", "WEBVTT", ",,,\n,,,",
	} {
		f.Add(s)
	}
	for _, name := range []string{"call.srt", "call_prefix.srt", "call_voices.vtt", "call.csv", "call_ms.csv"} {
		b, err := os.ReadFile(filepath.Join("../../testdata/asr", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	roles := map[string]corpus.Role{"坐席": corpus.RoleAgent, "客户": corpus.RoleCustomer, "0": corpus.RoleAgent}
	numbered := corpus.CSVColumns{Speaker: "1", Text: "2", Start: "3", End: "4", TimeUnit: "ms"}
	f.Fuzz(func(t *testing.T, s string) {
		for _, run := range []struct {
			name string
			read func(string, []byte, *corpus.ReadOptions) (*corpus.Transcript, error)
			opts corpus.ReadOptions
		}{
			{"fuzz.srt", readSRT, corpus.ReadOptions{}},
			{"fuzz.vtt", readVTT, corpus.ReadOptions{Build: corpus.BuildOptions{Roles: roles}}},
			{"fuzz.csv", readCSV, corpus.ReadOptions{}},
			{"fuzz.csv", readCSV, corpus.ReadOptions{CSV: numbered, Build: corpus.BuildOptions{Roles: roles}}},
		} {
			tr, err := run.read(run.name, []byte(s), &run.opts)
			checkTranscript(t, run.name, s, tr, err)
			if tr == nil {
				continue
			}
			c, err := corpus.BuildCall(run.name, tr, run.opts.Build)
			if (c == nil) == (err == nil) {
				t.Fatalf("%s: BuildCall: want a call or an error, got %v and %v", run.name, c, err)
			}
			if c != nil {
				checkTurns(t, run.name, c)
			}
		}

		// Read as a file of each extension is (CSV exports may hold several
		// calls): at least one item, each a call or a *ParseError naming the
		// file; a call's source is the file, or file#ID when there are several.
		if !utf8.ValidString(s) {
			return
		}
		for _, kind := range []string{".srt", ".vtt", ".csv", ".tsv"} {
			name := "fuzz" + kind
			for _, opts := range []corpus.ReadOptions{{}, {CSV: numbered, Build: corpus.BuildOptions{Roles: roles, MergeGap: -1}}} {
				calls, errs := corpus.ParseBytes(name, []byte(s), opts)
				if len(calls)+len(errs) == 0 {
					t.Fatalf("%s: no calls and no errors", name)
				}
				for _, err := range errs {
					var pe *corpus.ParseError
					if !errors.As(err, &pe) || pe.Path != name || !strings.HasPrefix(err.Error(), name) {
						t.Fatalf("%s: error does not name the file: %v", name, err)
					}
				}
				for _, c := range calls {
					checkTurns(t, name, c)
					if c.Source != name && (len(calls)+len(errs) == 1 || !strings.HasPrefix(c.Source, name+"#")) {
						t.Fatalf("%s: source %q for one of %d items", name, c.Source, len(calls)+len(errs))
					}
				}
			}
		}
	})
}

func checkTranscript(t *testing.T, name, input string, tr *corpus.Transcript, err error) {
	t.Helper()
	if (tr == nil) == (err == nil) {
		t.Fatalf("%s: want a transcript or an error, got %v and %v", name, tr, err)
	}
	if err != nil {
		var pe *corpus.ParseError
		if !errors.As(err, &pe) {
			t.Fatalf("%s: error is %T, not *ParseError: %v", name, err, err)
		}
		if pe.Path != name || pe.Line < 0 || pe.Line > len(textread.SplitLines(input))+1 || pe.Err == nil || pe.Err.Error() == "" {
			t.Fatalf("%s: bad error %#v: %v", name, pe, err)
		}
		return
	}
	prev := 0
	for i, sg := range tr.Segments {
		if strings.TrimSpace(sg.Speaker) == "" || !utf8.ValidString(sg.Speaker) {
			t.Fatalf("%s: segment %d: bad speaker %q", name, i, sg.Speaker)
		}
		if !utf8.ValidString(sg.Text) || strings.ContainsAny(sg.Text, "\r\n") {
			t.Fatalf("%s: segment %d: bad text %q", name, i, sg.Text)
		}
		if sg.Line < 1 || sg.Line < prev {
			t.Fatalf("%s: segment %d: line %d after %d", name, i, sg.Line, prev)
		}
		prev = sg.Line
		checkTimes(t, name, sg.Start, sg.End)
	}
}

func checkTurns(t *testing.T, name string, c *corpus.Call) {
	t.Helper()
	if c.ID == "" || len(c.Turns) == 0 {
		t.Fatalf("%s: call %q with %d turns", name, c.ID, len(c.Turns))
	}
	for i, tr := range c.Turns {
		if tr.N != i+1 {
			t.Fatalf("%s: turn %d numbered %d", name, i+1, tr.N)
		}
		if tr.Role != corpus.RoleUnknown && !tr.Role.Valid() {
			t.Fatalf("%s: turn %d: bad role %q", name, tr.N, tr.Role)
		}
		if strings.TrimSpace(tr.Text) == "" || !utf8.ValidString(tr.Text) || strings.ContainsAny(tr.Text, "\r\n") {
			t.Fatalf("%s: turn %d: bad text %q", name, tr.N, tr.Text)
		}
		if tr.Label == "" || !utf8.ValidString(tr.Label) {
			t.Fatalf("%s: turn %d: bad label %q", name, tr.N, tr.Label)
		}
		// Only the times themselves: BuildCall may merge a segment that
		// starts before the turn it joins, leaving End before Start
		// (input "0:1-->0:10\nSPEAKER0:。\n0:0-->0:0\n我").
		checkTimes(t, name, tr.Start, nil)
		checkTimes(t, name, tr.End, nil)
	}
}

func checkTimes(t *testing.T, name string, start, end *float64) {
	t.Helper()
	for _, v := range []*float64{start, end} {
		if v != nil && (*v < 0 || math.IsNaN(*v) || math.IsInf(*v, 0)) {
			t.Fatalf("%s: bad time %v", name, *v)
		}
	}
	if start != nil && end != nil && *end < *start {
		t.Fatalf("%s: end %v before start %v", name, *end, *start)
	}
}
