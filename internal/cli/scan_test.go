package cli

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/analyzer"
	"github.com/callqa/callqa/corpus"
	"github.com/callqa/callqa/result"
	"github.com/callqa/callqa/similar"
)

func TestNewScanCmd(t *testing.T) {
	tests := []struct {
		name    string
		args    string
		want    ScanOptions
		wantErr string
	}{
		{
			name: "defaults",
			args: "calls/",
			want: ScanOptions{Paths: []string{"calls/"}, Format: "table", Lang: "en", BatchOptions: BatchOptions{Workers: runtime.GOMAXPROCS(0), MinASRConfidence: analyzer.DefaultMinASRConfidence}, SimilarOptions: SimilarOptions{SimilarThreshold: similar.DefaultThreshold}},
		},
		{
			name: "every_flag",
			args: "--format jsonl --rules team/ --rules extra,more.yaml --explain --fail-on-violation --workers 3 a.txt - b/",
			want: ScanOptions{
				Paths: []string{"a.txt", "-", "b/"}, Format: "jsonl", Lang: "en", Explain: true, FailOnViolation: true,
				BatchOptions: BatchOptions{
					Rules:            []string{"team/", "extra,more.yaml"}, // a comma is part of the path
					Workers:          3,
					MinASRConfidence: analyzer.DefaultMinASRConfidence,
				},
				SimilarOptions: SimilarOptions{SimilarThreshold: similar.DefaultThreshold},
			},
		},
		{
			name: "format_shorthand",
			args: "-f csv a.txt",
			want: ScanOptions{Paths: []string{"a.txt"}, Format: "csv", Lang: "en", BatchOptions: BatchOptions{Workers: runtime.GOMAXPROCS(0), MinASRConfidence: analyzer.DefaultMinASRConfidence}, SimilarOptions: SimilarOptions{SimilarThreshold: similar.DefaultThreshold}},
		},
		{
			name: "csv_chinese_headers",
			args: "-f csv --lang zh a.txt",
			want: ScanOptions{Paths: []string{"a.txt"}, Format: "csv", Lang: "zh", BatchOptions: BatchOptions{Workers: runtime.GOMAXPROCS(0), MinASRConfidence: analyzer.DefaultMinASRConfidence}, SimilarOptions: SimilarOptions{SimilarThreshold: similar.DefaultThreshold}},
		},
		{
			name: "similar_on",
			args: "--similar --similar-threshold 0.6 a.txt",
			want: ScanOptions{Paths: []string{"a.txt"}, Format: "table", Lang: "en", BatchOptions: BatchOptions{Workers: runtime.GOMAXPROCS(0), MinASRConfidence: analyzer.DefaultMinASRConfidence}, SimilarOptions: SimilarOptions{Similar: true, SimilarThreshold: 0.6}},
		},
		{name: "bad_lang", args: "--lang cn a.txt", wantErr: `invalid --lang "cn" (want one of en, zh)`},
		{name: "no_path", args: "--format json", wantErr: "no PATH given (name transcript files or folders, or - for standard input)"},
		{name: "bad_format", args: "--format xml a.txt", wantErr: `invalid --format "xml" (want one of table, jsonl, json, csv)`},
		{name: "zero_workers", args: "--workers 0 a.txt", wantErr: "invalid --jobs 0 (want 1 or more)"},
		{name: "unknown_flag", args: "--rule x a.txt", wantErr: "unknown flag: --rule"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ios, err := parseFlags(newScanCmd, tt.args)
			if !parsed(t, got, err, tt.wantErr) {
				return
			}
			assert.Same(t, ios, got.IO)
			got.IO = nil
			assert.Equal(t, tt.want, *got)
		})
	}
}

// calls returns the path of a test transcript.
func calls(name string) string {
	return filepath.Join("testdata", "calls", name)
}

// TestRunScan runs the real reader and analyzer on testdata/calls. It
// checks the structure of the output (exit status, one line per call in
// input order, one stderr line per bad input), not what the rules find:
// that is the analyzer's tests' business.
func TestRunScan(t *testing.T) {
	c001, err := os.ReadFile(calls("C001.txt"))
	require.NoError(t, err)

	tests := []struct {
		name  string
		opts  ScanOptions
		stdin string
		check func(t *testing.T, code int, out, errOut string)
	}{
		{
			name: "jsonl_with_bad_inputs_and_stdin",
			opts: ScanOptions{Format: "jsonl", BatchOptions: BatchOptions{Workers: 3}, Paths: []string{
				calls("C001.txt"), calls("batch.jsonl"), calls("bad_role.txt"), calls("missing.txt"), calls("C002.txt"), "-",
			}},
			stdin: strings.Replace(string(c001), "call_id: C001", "call_id: STDIN1", 1),
			check: func(t *testing.T, code int, out, errOut string) {
				assert.Equal(t, exitTrouble, code)
				results := decodeJSONL(t, out)
				var ids []string
				for _, r := range results {
					ids = append(ids, r.CallID)
				}
				assert.Equal(t, []string{"C001", "C003", "C005", "C002", "STDIN1"}, ids, "one line per call, in input order")
				assert.Equal(t, calls("batch.jsonl")+"#3", results[2].Source)
				assert.Equal(t, "-", results[4].Source)

				lines := strings.Split(strings.TrimSuffix(errOut, "\n"), "\n")
				require.Len(t, lines, 4, errOut)
				assert.True(t, strings.HasPrefix(lines[0], "callqa: "+calls("batch.jsonl")+":2: "), lines[0])
				assert.True(t, strings.HasPrefix(lines[1], "callqa: "+calls("bad_role.txt")+":2: "), lines[1])
				assert.True(t, strings.HasPrefix(lines[2], "callqa: "+calls("missing.txt")+": "), lines[2])
				assert.Equal(t, "callqa: 3 of 8 inputs failed; 5 calls analyzed", lines[3])
			},
		},
		{
			name: "fail_on_violation_json",
			opts: ScanOptions{Format: "json", BatchOptions: BatchOptions{Workers: 2}, FailOnViolation: true, Paths: []string{calls("C001.txt"), calls("C002.txt")}},
			check: func(t *testing.T, code int, out, errOut string) {
				var doc struct {
					Calls   []result.Result `json:"calls"`
					Summary struct {
						Calls               int `json:"calls"`
						CallsWithViolations int `json:"calls_with_violations"`
					} `json:"summary"`
				}
				require.NoError(t, json.Unmarshal([]byte(out), &doc), out)
				require.Len(t, doc.Calls, 2)
				assert.Equal(t, 2, doc.Summary.Calls)
				violations := 0
				for _, r := range doc.Calls {
					violations += len(r.Violations())
				}
				if violations > 0 {
					assert.Equal(t, exitViolation, code, "a violation with --fail-on-violation")
					assert.Positive(t, doc.Summary.CallsWithViolations)
				} else {
					assert.Equal(t, exitOK, code)
				}
				assert.Empty(t, errOut)
			},
		},
		{
			name: "every_input_failed_table",
			opts: ScanOptions{Format: "table", BatchOptions: BatchOptions{Workers: 2}, Paths: []string{calls("bad_role.txt"), calls("missing.txt")}},
			check: func(t *testing.T, code int, out, errOut string) {
				assert.Equal(t, exitTrouble, code)
				assert.Equal(t, "summary: no call was read: all 2 inputs failed (the errors are on stderr)\n", out,
					"no all-zero summary")
				lines := strings.Split(strings.TrimSuffix(errOut, "\n"), "\n")
				require.Len(t, lines, 3, errOut)
				assert.Equal(t, "callqa: 2 of 2 inputs failed; no call was read", lines[2])
			},
		},
		{
			name: "the_only_input_failed_table",
			opts: ScanOptions{Format: "table", BatchOptions: BatchOptions{Workers: 1}, Paths: []string{calls("missing.txt")}},
			check: func(t *testing.T, code int, out, errOut string) {
				assert.Equal(t, exitTrouble, code)
				assert.Equal(t, "summary: no call was read: the 1 input failed (the error is on stderr)\n", out)
				assert.True(t, strings.HasSuffix(errOut, "callqa: 1 of 1 inputs failed; no call was read\n"), errOut)
			},
		},
		{
			name: "rules_that_do_not_load",
			opts: ScanOptions{Format: "jsonl", BatchOptions: BatchOptions{Workers: 1, Rules: []string{calls("no-such-rules")}}, Paths: []string{calls("C001.txt")}},
			check: func(t *testing.T, code int, out, errOut string) {
				assert.Equal(t, exitTrouble, code)
				assert.Empty(t, out)
				assert.True(t, strings.HasPrefix(errOut, "callqa: "), errOut)
				assert.Contains(t, errOut, "no-such-rules")
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, out, errOut := testIO(tt.stdin)
			opts := tt.opts
			opts.IO = ios
			code := exitStatus(errOut, nil, runScan(&opts))
			tt.check(t, code, out.String(), errOut.String())
		})
	}
}

// TestScanCSVForExcel runs scan --format csv on a call whose metadata and
// turns start with formula characters: every such cell is escaped with a
// single quote, times are written as Excel reads them, customer abuse is
// marked not scored, and --lang zh writes Chinese headers.
func TestScanCSVForExcel(t *testing.T) {
	dir := t.TempDir()
	call := "# call_id: =X1\n# agent: @王芳\n# team: -M1\n# party: debtor\n# started_at: 2026-03-01T10:02:11+08:00\n" +
		"坐席: 您好，请问是陈明先生吗？\n客户: =HYPERLINK(\"http://x\",\"查看\") 你们这帮吸血鬼\n坐席: 你这个老赖。\n"
	path := filepath.Join(dir, "x.txt")
	require.NoError(t, os.WriteFile(path, []byte(call), 0o644))

	code, out, errOut := callqa("scan", "--format", "csv", "--lang", "zh", path)
	require.Equal(t, exitOK, code, errOut)
	require.True(t, strings.HasPrefix(out, "\ufeff"), "UTF-8 BOM")
	records, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\ufeff"))).ReadAll()
	require.NoError(t, err)
	require.Len(t, records, 3, out) // header, the customer's abuse, the agent's insult
	assert.Equal(t, []string{"通话编号", "文件", "坐席", "团队", "通话对象", "开始时间"}, records[0][:6])
	col := map[string]int{}
	for i, h := range records[0] {
		col[h] = i
	}
	abuse, insult := records[1], records[2]
	assert.Equal(t, "'=X1", abuse[col["通话编号"]])
	assert.Equal(t, "'@王芳", abuse[col["坐席"]])
	assert.Equal(t, "'-M1", abuse[col["团队"]])
	assert.Equal(t, "debtor", abuse[col["通话对象"]])
	assert.Equal(t, "2026-03-01 10:02:11", abuse[col["开始时间"]])
	assert.Equal(t, "2026-03-01T10:02:11+08:00", abuse[col["开始时间（原文）"]])
	assert.Equal(t, "customer_abuse", abuse[col["类别"]])
	assert.Equal(t, "false", abuse[col["计入违规"]])
	assert.True(t, strings.HasPrefix(abuse[col["该轮原文"]], "'=HYPERLINK("), abuse[col["该轮原文"]])
	assert.Equal(t, "insult", insult[col["类别"]])
	assert.Equal(t, "true", insult[col["计入违规"]])
}

func decodeJSONL(t *testing.T, out string) []result.Result {
	t.Helper()
	var results []result.Result
	for i, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		var r result.Result
		require.NoError(t, json.Unmarshal([]byte(line), &r), "line %d: %s", i+1, line)
		require.NotNil(t, r.Findings, "line %d: findings is [] not null", i+1)
		results = append(results, r)
	}
	return results
}

// TestScanIndexSkippedFiles: the files of a folder skipped for their type
// are counted, by extension, in the summary of scan (table and JSON), on
// stderr when the format has no summary, and in the line index prints.
func TestScanIndexSkippedFiles(t *testing.T) {
	in := t.TempDir()
	c001, err := os.ReadFile(calls("C001.txt"))
	require.NoError(t, err)
	for name, b := range map[string][]byte{
		"C001.txt":   c001,
		"a.mp3":      []byte("ID3"),
		"b.mp3":      []byte("ID3"),
		"list.xlsx":  []byte("PK\x03\x04"),
		".notes.doc": []byte("hidden: not counted"),
	} {
		require.NoError(t, os.WriteFile(filepath.Join(in, name), b, 0o644))
	}
	const skipped = "3 files: 2 .mp3, 1 .xlsx"

	t.Run("table", func(t *testing.T) {
		code, out, errOut := callqa("scan", in)
		assert.Equal(t, 0, code, errOut)
		assert.Empty(t, errOut)
		assert.Regexp(t, `\n  input errors +0\n  skipped +`+skipped+` \(not transcripts by their extension\)\n`, out)
	})
	t.Run("json", func(t *testing.T) {
		code, out, _ := callqa("scan", "--format", "json", in)
		assert.Equal(t, 0, code)
		var doc struct {
			Summary struct {
				SkippedFiles map[string]int `json:"skipped_files"`
			} `json:"summary"`
		}
		require.NoError(t, json.Unmarshal([]byte(out), &doc))
		assert.Equal(t, map[string]int{".mp3": 2, ".xlsx": 1}, doc.Summary.SkippedFiles)
	})
	t.Run("jsonl_on_stderr", func(t *testing.T) {
		code, out, errOut := callqa("scan", "--format", "jsonl", in)
		assert.Equal(t, 0, code)
		assert.Len(t, decodeJSONL(t, out), 1)
		assert.Equal(t, "callqa: skipped "+skipped+" (not transcripts by their extension; callqa reads "+corpus.Extensions()+")\n", errOut)
	})
	t.Run("none_skipped", func(t *testing.T) {
		code, out, errOut := callqa("scan", "--format", "jsonl", calls("C001.txt"))
		assert.Equal(t, 0, code)
		assert.Len(t, decodeJSONL(t, out), 1)
		assert.Empty(t, errOut)
		_, out, _ = callqa("scan", calls("C001.txt"))
		assert.NotContains(t, out, "skipped")
	})
	t.Run("index", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "callqa.bleve")
		code, out, errOut := callqa("index", "--index", dir, in)
		assert.Equal(t, 0, code, errOut)
		assert.Equal(t, dir+": 1 added, 0 updated, 0 unchanged, 0 failed, skipped "+skipped+"\n", out)
	})
}
