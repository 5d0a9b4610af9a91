//go:build unix

// The test makes named pipes and symbolic links, which need a Unix system.

package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/corpus"
	"github.com/callqa/callqa/result"
)

// goodCall is scanned with every bad input: its result must come out whole
// whatever happens to the other input.
const goodCall = "testdata/calls/S01_compliant.txt"

// readCall is the call that testdata/bad/gbk.txt and the UTF-16 files hold,
// each with its own call_id: read right, each gives the analysis of this
// text in UTF-8.
const readCall = "# call_id: REF\n# agent: 李娜\n坐席：您好，请问是张伟先生吗？\n客户：对，是我。\n坐席：我是某某消费金融的李娜，您这个月的还款今天到期，请您今天之内还款。\n"

// tmpDir stands for the test's temporary folder in messages and in
// docs/errors.md.
const tmpDir = "<tmp>"

// badInput is one case of the bad-input corpus.
type badInput struct {
	name string
	what string // what the input is, for docs/errors.md
	// path is a file under testdata/bad; make, when set, builds the input
	// in dir instead and returns its path.
	path string
	make func(t *testing.T, dir string) string
	// read inputs are read correctly: exit status 0, no message, and the
	// analysis of readCall.
	read bool
	// want is the one message on stderr (without "callqa: "), with the
	// temporary folder written <tmp>.
	want string
}

var badInputs = []badInput{
	{name: "empty", what: "empty file", path: "testdata/bad/empty.txt",
		want: "testdata/bad/empty.txt: empty file"},
	{name: "headers_only", what: "only `# key: value` headers, no turn", path: "testdata/bad/headers_only.txt",
		want: "testdata/bad/headers_only.txt: no turns: only # header lines (a turn is a line ROLE: text, such as 坐席：您好)"},
	{name: "png", what: "binary: a PNG header and random bytes, named .txt", path: "testdata/bad/image.txt",
		want: "testdata/bad/image.txt: binary file: a PNG image, not a transcript"},
	{name: "zip", what: "binary: a ZIP (.xlsx) header and random bytes, named .csv", path: "testdata/bad/export.csv",
		want: "testdata/bad/export.csv: binary file: a ZIP archive, not a transcript (.xlsx and .docx files are ZIP archives: export the transcript as .csv or .txt)"},
	{name: "nul_byte", what: "a NUL byte in the middle of UTF-8 text", path: "testdata/bad/nul_byte.txt",
		want: "testdata/bad/nul_byte.txt:3: NUL byte at offset 79 (a text transcript has none: the file is damaged, or not text)"},
	{name: "invalid_utf8", what: "bytes that are neither UTF-8 nor GB18030", path: "testdata/bad/invalid_utf8.txt",
		want: "testdata/bad/invalid_utf8.txt:3: not UTF-8 or GB18030 text (invalid byte 0xff at offset 79)"},
	{name: "gbk", what: "GBK without any declaration: read as GB18030", path: "testdata/bad/gbk.txt", read: true},
	{name: "utf16le_bom", what: "UTF-16 LE with a byte order mark (CRLF)", path: "testdata/bad/utf16le_bom.txt", read: true},
	{name: "utf16be_bom", what: "UTF-16 BE with a byte order mark", path: "testdata/bad/utf16be_bom.txt", read: true},
	{name: "utf16le_no_bom", what: "UTF-16 LE without a byte order mark (CRLF): read, the NUL bytes give the byte order", path: "testdata/bad/utf16le_no_bom.txt", read: true},
	{name: "utf16be_no_bom", what: "UTF-16 BE without a byte order mark: read, the NUL bytes give the byte order", path: "testdata/bad/utf16be_no_bom.txt", read: true},
	{name: "truncated_json", what: "JSON cut off in the middle", path: "testdata/bad/truncated.json",
		want: "testdata/bad/truncated.json:4: unexpected end of JSON input"},
	{name: "wrong_json_types", what: "JSON with a number where the text should be", path: "testdata/bad/wrong_types.json",
		want: "testdata/bad/wrong_types.json:4: turns[2].text: expected a string, got number"},
	{name: "unknown_role_txt", what: "a speaker label that is no role", path: "testdata/bad/unknown_role.txt",
		want: `testdata/bad/unknown_role.txt:3: unknown role "孙经理"; map it in the header: # roles: 孙经理=agent`},
	{name: "unknown_role_json", what: "a JSON speaker that is no role", path: "testdata/bad/unknown_role.json",
		want: `testdata/bad/unknown_role.json:4: turns[2].speaker: unknown role "boss"; map it in "roles": {"boss": "agent"}`},
	{name: "duplicate_call_id", what: "a second call with the call_id of " + goodCall, path: "testdata/bad/duplicate_id.txt",
		want: `testdata/bad/duplicate_id.txt: call_id "S01" already read from testdata/calls/S01_compliant.txt; call ids must be unique in a batch`},
	{name: "too_large", what: "a 100 MiB file (sparse, made by the test): refused from its size, not read",
		make: func(t *testing.T, dir string) string {
			p := filepath.Join(dir, "huge.txt")
			f, err := os.Create(p)
			require.NoError(t, err)
			require.NoError(t, f.Truncate(100<<20))
			require.NoError(t, f.Close())
			return p
		},
		want: "<tmp>/huge.txt: file too large (100.0 MiB; the limit is 64.0 MiB, raise it with --max-file-size)"},
	{name: "long_line", what: "a single 10 MiB line (made by the test)",
		make: func(t *testing.T, dir string) string {
			return writeFile(t, dir, "long_line.txt", "坐席："+strings.Repeat("好", 10<<20/3)+"\n")
		},
		want: "<tmp>/long_line.txt:1: line too long (10.0 MiB; the limit is 1.0 MiB, raise it with --max-line-length)"},
	{name: "many_turns", what: "a call of 100,000 turns (made by the test)",
		make: func(t *testing.T, dir string) string {
			return writeFile(t, dir, "many_turns.txt", "# call_id: G01\n"+strings.Repeat("坐席：喂？\n客户：嗯。\n", 50000))
		},
		want: "<tmp>/many_turns.txt: too many turns (100000; the limit is 20000 per call, raise it with --max-turns)"},
	{name: "deeply_nested_json", what: "100,000 `[` (made by the test)",
		make: func(t *testing.T, dir string) string {
			return writeFile(t, dir, "nested.json", strings.Repeat("[", 100000))
		},
		want: "<tmp>/nested.json:1: JSON nested too deeply (more than 10000 levels of [ and {)"},
	{name: "symlink_loop", what: "a folder holding a link to its parent, `calls/loop -> ..` (made by the test)",
		make: func(t *testing.T, dir string) string {
			calls := filepath.Join(dir, "calls")
			require.NoError(t, os.Mkdir(calls, 0o755))
			require.NoError(t, os.Symlink("..", filepath.Join(calls, "loop")))
			return calls
		},
		want: `<tmp>/calls/loop: symbolic link loop (it points to "..", a folder that holds it); not followed`},
	{name: "named_pipe", what: "a named pipe called `pipe.txt` (made by the test): it cannot be read as a file, and opening it would block",
		make: func(t *testing.T, dir string) string {
			p := filepath.Join(dir, "pipe.txt")
			require.NoError(t, syscall.Mkfifo(p, 0o644))
			return p
		},
		want: "<tmp>/pipe.txt: not a regular file (a named pipe); read a stream as standard input with -"},
	{name: "broken_link", what: "a symbolic link to a file that does not exist (made by the test)",
		make: func(t *testing.T, dir string) string {
			p := filepath.Join(dir, "gone.txt")
			require.NoError(t, os.Symlink("missing.txt", p))
			return p
		},
		want: `<tmp>/gone.txt: broken symbolic link (it points to "missing.txt", which does not exist)`},
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	return p
}

// badScan runs the real scan command on the good call and input.
func badScan(t *testing.T, format, input string) (code int, out, errOut string) {
	t.Helper()
	var o, e bytes.Buffer
	code = run([]string{"scan", "--format", format, goodCall, input}, &IOStreams{In: &bytes.Buffer{}, Out: &o, ErrOut: &e})
	return code, o.String(), e.String()
}

// sameAnalysis blanks what differs between two copies of a call in
// different files (id and source) so that the rest can be compared.
func sameAnalysis(r result.Result) result.Result {
	r.CallID, r.Source = "", ""
	return r
}

// TestBadInputs scans every case of the bad-input corpus together with a
// good call, in the table and the jsonl formats: the good call's result is
// written whole; a bad input gets exactly one message on stderr naming it
// (and the line), nothing of it on stdout, and exit status 2; the inputs
// that must be read (GBK, UTF-16) give the analysis of the same call in
// UTF-8, with exit status 0 and nothing on stderr. The messages are those
// of docs/errors.md, whose generated section this test checks (rewrite it
// with go test ./internal/cli -run TestBadInputs -update).
func TestBadInputs(t *testing.T) {
	t.Chdir(filepath.Join("..", ".."))
	// The reference: readCall in UTF-8.
	refPath := writeFile(t, t.TempDir(), "ref.txt", readCall)
	var out, errOut bytes.Buffer
	require.Equal(t, exitOK, run([]string{"scan", "--format", "jsonl", refPath}, &IOStreams{In: &bytes.Buffer{}, Out: &out, ErrOut: &errOut}), errOut.String())
	var ref result.Result
	require.NoError(t, json.Unmarshal(out.Bytes(), &ref))

	got := map[string]string{}     // case → the message printed, for the docs
	shownAs := map[string]string{} // case → its input as messages show it
	for _, tc := range badInputs {
		t.Run(tc.name, func(t *testing.T) {
			input, dir := tc.path, ""
			if tc.make != nil {
				dir = t.TempDir()
				input = tc.make(t, dir)
			}
			shown := input // the input as messages show it
			if dir != "" {
				shown = strings.Replace(input, dir, tmpDir, 1)
			}
			shownAs[tc.name] = shown
			for _, format := range []string{"table", "jsonl"} {
				code, stdout, stderr := badScan(t, format, input)
				if dir != "" {
					stderr = strings.ReplaceAll(stderr, dir, tmpDir)
				}
				if tc.read {
					assert.Equal(t, exitOK, code, "%s: stderr: %s", format, stderr)
					assert.Empty(t, stderr, format)
				} else {
					assert.Equal(t, exitTrouble, code, "%s: an input failed", format)
					assert.Equal(t, "callqa: "+tc.want+"\ncallqa: 1 of 2 inputs failed; 1 calls analyzed\n", stderr, format)
					// The input, or for a folder the file in it.
					assert.True(t, strings.HasPrefix(tc.want, shown+":") || strings.HasPrefix(tc.want, shown+"/"), "the message names the input %s: %s", shown, tc.want)
					got[tc.name] = strings.TrimSuffix(strings.SplitN(stderr, "\n", 2)[0], "\n")
				}

				switch format {
				case "table":
					assert.Contains(t, stdout, "S01  score 100  PASS  party debtor  "+goodCall, "the good call is in the output")
					if tc.read {
						assert.Contains(t, stdout, input)
						assert.Regexp(t, regexp.MustCompile(`input errors\s+0\n`), stdout)
					} else {
						assert.NotContains(t, stdout, input, "nothing of the bad input")
						assert.Regexp(t, regexp.MustCompile(`input errors\s+1\n`), stdout)
					}
				case "jsonl":
					results := decodeJSONL(t, stdout)
					require.NotEmpty(t, results)
					assert.Equal(t, goodCall, results[0].Source)
					assert.Equal(t, "S01", results[0].CallID)
					assert.Equal(t, 100, results[0].Score, "the good call's result is whole")
					if !tc.read {
						assert.Len(t, results, 1, "nothing of the bad input")
						break
					}
					require.Len(t, results, 2)
					assert.Equal(t, input, results[1].Source)
					assert.Equal(t, sameAnalysis(ref), sameAnalysis(results[1]), "read as the same call in UTF-8")
				}
			}
		})
	}
	checkErrorsDoc(t, got, shownAs)
}

// TestBadInputsTogether scans the whole bad-input folder with the good
// call: one message per bad file, in order, and every good input read.
func TestBadInputsTogether(t *testing.T) {
	t.Chdir(filepath.Join("..", ".."))
	var o, e bytes.Buffer
	code := run([]string{"scan", "--format", "jsonl", goodCall, "testdata/bad"}, &IOStreams{In: &bytes.Buffer{}, Out: &o, ErrOut: &e})
	assert.Equal(t, exitTrouble, code)
	var ids []string
	for _, r := range decodeJSONL(t, o.String()) {
		ids = append(ids, r.CallID)
	}
	assert.Equal(t, []string{"S01", "B07", "B09", "B11", "B08", "B10"}, ids, "the good call, then the readable files in name order")
	var want []string
	for _, tc := range badInputs {
		if tc.path != "" && !tc.read {
			want = append(want, "callqa: "+tc.want)
		}
	}
	lines := strings.Split(strings.TrimSuffix(e.String(), "\n"), "\n")
	require.NotEmpty(t, lines)
	assert.ElementsMatch(t, want, lines[:len(lines)-1])
	assert.Equal(t, fmt.Sprintf("callqa: %d of %d inputs failed; %d calls analyzed", len(want), len(want)+len(ids), len(ids)), lines[len(lines)-1])
}

// The generated section of docs/errors.md lies between these lines.
const (
	errorsDoc      = "docs/errors.md"
	errorsDocBegin = "<!-- generated by TestBadInputs: go test ./internal/cli -run TestBadInputs -update -->\n"
	errorsDocEnd   = "<!-- end of the generated section -->\n"
)

// checkErrorsDoc compares the generated section of docs/errors.md with the
// messages printed, or with -update writes them there.
func checkErrorsDoc(t *testing.T, got, shownAs map[string]string) {
	t.Helper()
	var sb strings.Builder
	sb.WriteString("| case | input | what callqa prints on stderr | exit |\n|---|---|---|---|\n")
	for _, tc := range badInputs {
		msg, exit := "`"+got[tc.name]+"`", "2"
		if tc.read {
			msg, exit = "nothing: the call is read", "0"
		}
		fmt.Fprintf(&sb, "| `%s`: %s | `%s` | %s | %s |\n", tc.name, tc.what, shownAs[tc.name], strings.ReplaceAll(msg, "|", `\|`), exit)
	}
	section := sb.String()

	doc, err := os.ReadFile(errorsDoc)
	require.NoError(t, err)
	before, rest, ok1 := strings.Cut(string(doc), errorsDocBegin)
	_, after, ok2 := strings.Cut(rest, errorsDocEnd)
	require.True(t, ok1 && ok2, "%s lacks the markers of the generated section", errorsDoc)
	if *update {
		require.NoError(t, os.WriteFile(errorsDoc, []byte(before+errorsDocBegin+section+errorsDocEnd+after), 0o644))
		return
	}
	current := rest[:len(rest)-len(after)-len(errorsDocEnd)]
	assert.Equal(t, section, current, "%s is out of date: go test ./internal/cli -run TestBadInputs -update", errorsDoc)
}

func TestLimitFlags(t *testing.T) {
	tests := []struct {
		name, args string
		want       corpus.Limits
		wantErr    string
	}{
		{name: "defaults_are_zero", args: "a.txt"},
		{name: "every_limit", args: "--max-file-size 100MB --max-line-length 2MiB --max-turns 50000 a.txt",
			want: corpus.Limits{FileSize: 100e6, LineLength: 2 << 20, Turns: 50000}},
		{name: "binary_and_decimal_units", args: "--max-file-size 1.5GiB --max-line-length 512k a.txt",
			want: corpus.Limits{FileSize: 3 << 29, LineLength: 512 << 10}},
		{name: "plain_bytes", args: "--max-file-size 1048576 a.txt", want: corpus.Limits{FileSize: 1 << 20}},
		{name: "the_default_given", args: "--max-turns 20000 a.txt", want: corpus.Limits{Turns: corpus.MaxTurns}},
		{name: "not_a_size", args: "--max-file-size 1x a.txt",
			wantErr: `invalid argument "1x" for "--max-file-size" flag: "1x" is not a size like 2MiB, 512KiB or 1048576`},
		{name: "zero_size", args: "--max-line-length 0 a.txt",
			wantErr: `invalid argument "0" for "--max-line-length" flag: "0" is not a size like 2MiB, 512KiB or 1048576`},
		{name: "zero_turns", args: "--max-turns 0 a.txt", wantErr: "invalid --max-turns 0 (want 1 or more)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _, err := parseFlags(newScanCmd, tt.args)
			if !parsed(t, got, err, tt.wantErr) {
				return
			}
			assert.Equal(t, tt.want, got.Input.Limits)
		})
	}
}

// TestLimitFlagsApply scans the good call under limits it breaks: the
// flags reach the reader, and the message names the flag.
func TestLimitFlagsApply(t *testing.T) {
	t.Chdir(filepath.Join("..", ".."))
	tests := []struct{ flag, want string }{
		{"--max-file-size=900", "callqa: testdata/calls/S01_compliant.txt: file too large (933 bytes; the limit is 900 bytes, raise it with --max-file-size)\n"},
		{"--max-line-length=64", "callqa: testdata/calls/S01_compliant.txt:9: line too long (162 bytes; the limit is 64 bytes, raise it with --max-line-length)\n"},
		{"--max-turns=5", "callqa: testdata/calls/S01_compliant.txt: too many turns (10; the limit is 5 per call, raise it with --max-turns)\n"},
	}
	for _, tt := range tests {
		t.Run(tt.flag, func(t *testing.T) {
			var o, e bytes.Buffer
			code := run([]string{"scan", "--format", "jsonl", tt.flag, goodCall}, &IOStreams{In: &bytes.Buffer{}, Out: &o, ErrOut: &e})
			assert.Equal(t, exitTrouble, code)
			assert.Empty(t, o.String())
			assert.Equal(t, tt.want+"callqa: 1 of 1 inputs failed; no call was read\n", e.String())
		})
	}
}
