package corpus

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

func TestReadFile(t *testing.T) {
	tests := []struct {
		name      string
		file      string
		wantIDs   []string
		wantTurns []int
		wantErrs  []string
	}{
		{name: "utf8", file: "calls/utf8.txt", wantIDs: []string{"T001"}, wantTurns: []int{4}},
		{name: "bom", file: "calls/bom.txt", wantIDs: []string{"T002"}, wantTurns: []int{2}},
		{name: "utf16le", file: "calls/utf16le.txt", wantIDs: []string{"T003"}, wantTurns: []int{2}},
		{name: "utf16be", file: "calls/utf16be.txt", wantIDs: []string{"T004"}, wantTurns: []int{2}},
		{name: "gb18030", file: "calls/gb18030.txt", wantIDs: []string{"T005"}, wantTurns: []int{3}},
		{name: "crlf", file: "calls/crlf.txt", wantIDs: []string{"T006"}, wantTurns: []int{3}},
		{name: "json", file: "calls/call.json", wantIDs: []string{"T007"}, wantTurns: []int{3}},
		{name: "jsonl", file: "calls/calls.jsonl", wantIDs: []string{"T008", "calls-3"}, wantTurns: []int{2, 3}},

		{name: "empty", file: "bad/empty.txt", wantErrs: []string{"testdata/bad/empty.txt: empty file"}},
		{name: "binary", file: "bad/binary.txt", wantErrs: []string{"testdata/bad/binary.txt: binary file: a PNG image, not a transcript"}},
		{name: "invalid", file: "bad/invalid.txt", wantErrs: []string{"testdata/bad/invalid.txt:2: not UTF-8 or GB18030 text (invalid byte 0xff at offset 30)"}},
		{name: "truncated_json", file: "bad/truncated.json", wantErrs: []string{"testdata/bad/truncated.json:4: unexpected end of JSON input"}},
		{name: "wrong_type_json", file: "bad/wrong_type.json", wantErrs: []string{"testdata/bad/wrong_type.json:4: turns[2].text: expected a string, got number"}},
		{name: "unknown_role", file: "bad/unknown_role.txt", wantErrs: []string{`testdata/bad/unknown_role.txt:3: unknown role "孙经理"; map it in the header: # roles: 孙经理=agent`}},
		{name: "jsonl_one_bad_line", file: "bad/partial.jsonl", wantIDs: []string{"X005", "X007"}, wantTurns: []int{1, 1},
			wantErrs: []string{`testdata/bad/partial.jsonl:2: turns[1].speaker: unknown role "boss"; map it in "roles": {"boss": "agent"}`}},
		{name: "missing", file: "calls/nope.txt", wantErrs: []string{"testdata/calls/nope.txt: no such file or directory"}},
		{name: "unsupported", file: "gen/main.go", wantErrs: []string{`testdata/gen/main.go: unsupported file type ".go" (want .txt, .json, .jsonl, .csv, .tsv, .srt, .vtt, or name the format with --input-format)`}},
		{name: "directory", file: "calls", wantErrs: []string{"testdata/calls: is a directory"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join("testdata", tt.file)
			calls, errs := ReadFile(path)
			var ids, msgs []string
			var turns []int
			for _, c := range calls {
				ids = append(ids, c.ID)
				turns = append(turns, len(c.Turns))
				assert.True(t, strings.HasPrefix(c.Source, path), c.Source)
			}
			for _, err := range errs {
				msgs = append(msgs, err.Error())
				var pe *ParseError
				if assert.ErrorAs(t, err, &pe) {
					assert.Equal(t, path, pe.Path)
				}
			}
			assert.Equal(t, tt.wantIDs, ids)
			assert.Equal(t, tt.wantTurns, turns)
			assert.Equal(t, tt.wantErrs, msgs)
		})
	}
}

func TestReadFileNotExist(t *testing.T) {
	_, errs := ReadFile(filepath.Join(t.TempDir(), "gone.json"))
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], fs.ErrNotExist)
}

func TestReadFileTooLarge(t *testing.T) {
	path := filepath.Join(t.TempDir(), "huge.txt")
	f, err := os.Create(path)
	require.NoError(t, err)
	require.NoError(t, f.Truncate(MaxFileSize+1<<20)) // sparse: nothing is written
	require.NoError(t, f.Close())
	_, errs := ReadFile(path)
	require.Len(t, errs, 1)
	assert.EqualError(t, errs[0], path+": file too large (65.0 MiB; the limit is 64.0 MiB, raise it with --max-file-size)")
}

// writeFiles creates files under dir from name → content.
func writeFiles(t *testing.T, dir string, files map[string][]byte) {
	t.Helper()
	for name, b := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, b, 0o644))
	}
}

// readAll runs ReadPaths and returns the calls, the error messages, and
// the order of both (a call ID or "error" per item). An empty stdin stands
// for no standard input at all.
func readAll(paths []string, stdin string) (calls []*Call, errs []string, order []string) {
	var in io.Reader // a nil interface, not a nil *strings.Reader
	if stdin != "" {
		in = strings.NewReader(stdin)
	}
	ReadPaths(paths, in, func(it Item) {
		if it.Err != nil {
			errs = append(errs, it.Err.Error())
			order = append(order, "error")
			return
		}
		calls = append(calls, it.Call)
		order = append(order, it.Call.ID)
	})
	return calls, errs, order
}

// TestReadPathsMixedFolder reads a folder of good and bad inputs in every
// supported encoding: every good call comes out, and each bad input gives
// exactly one error naming its file (the JSONL file two calls and one error).
func TestReadPathsMixedFolder(t *testing.T) {
	dir := t.TempDir()
	utf16le := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM)
	const body = "坐席：您好，请问是周海涛先生吗？\n客户：是我。\n"
	writeFiles(t, dir, map[string][]byte{
		"good/a_utf8.txt":    []byte("# call_id: G1\n" + body),
		"good/b_bom.TXT":     append([]byte("\xef\xbb\xbf# call_id: G2\n"), body...),
		"good/c_utf16le.txt": encodeAs(t, utf16le, "# call_id: G3\r\n"+body),
		"good/d_gbk.txt":     encodeAs(t, simplifiedchinese.GBK, "# call_id: G4\n"+body),
		"good/e_gb18030.txt": encodeAs(t, simplifiedchinese.GB18030, "# call_id: G5\n"+body+"坐席：𠀀\n"),
		"good/f_crlf.txt":    []byte(strings.ReplaceAll("# call_id: G6\n"+body, "\n", "\r\n")),
		"good/g_call.json":   []byte(`{"call_id": "G7", "turns": [{"speaker": "agent", "text": "您好"}]}`),
		"good/sub/h_calls.jsonl": []byte(`{"call_id": "G8", "turns": [{"speaker": "agent", "text": "您好"}]}` + "\n" +
			`{"call_id": "G9", "turns": [{"speaker": "customer", "text": "喂"}]}` + "\n"),
		"good/notes.md":        []byte("# not a transcript"),
		"good/.hidden.txt":     []byte("not read"),
		"good/.git/x.txt":      []byte("not read"),
		"bad/a_empty.txt":      nil,
		"bad/b_binary.txt":     []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
		"bad/c_truncated.json": []byte(`{"call_id": "B3", "turns": [{"speaker": "agent",`),
		"bad/d_types.json":     []byte(`{"call_id": "B4", "turns": [{"speaker": "agent", "text": 42}]}`),
		"bad/e_role.txt":       []byte("坐席：您好\n孙经理：我来说\n"),
		"bad/f_partial.jsonl": []byte(`{"call_id": "B6", "turns": [{"speaker": "agent", "text": "您好"}]}` + "\n" +
			`{"call_id": "B7", "turns": [{"speaker": "agent", "text": ""}]}` + "\n" +
			`{"call_id": "B8", "turns": [{"speaker": "customer", "text": "喂"}]}` + "\n"),
	})
	calls, errs, order := readAll([]string{dir}, "")

	wantTurns := map[string]int{"G1": 2, "G2": 2, "G3": 2, "G4": 2, "G5": 3, "G6": 2, "G7": 1, "G8": 1, "G9": 1, "B6": 1, "B8": 1}
	var ids []string
	for _, c := range calls {
		ids = append(ids, c.ID)
		assert.Len(t, c.Turns, wantTurns[c.ID], c.ID)
		if strings.HasSuffix(strings.ToLower(c.Source), ".txt") {
			// Every encoding decodes to the same text.
			assert.Equal(t, "您好，请问是周海涛先生吗？", c.Turns[0].Text, c.ID)
		}
	}
	assert.Equal(t, []string{"B6", "B8", "G1", "G2", "G3", "G4", "G5", "G6", "G7", "G8", "G9"}, ids)
	bad := filepath.Join(dir, "bad")
	assert.Equal(t, []string{
		bad + "/a_empty.txt: empty file",
		bad + "/b_binary.txt: binary file: a PNG image, not a transcript",
		bad + "/c_truncated.json:1: unexpected end of JSON input",
		bad + "/d_types.json:1: turns[1].text: expected a string, got number",
		bad + `/e_role.txt:2: unknown role "孙经理"; map it in the header: # roles: 孙经理=agent`,
		bad + "/f_partial.jsonl:2: turns[1].text: empty text",
	}, errs)
	// Input order: folders and files by name, JSONL lines in order.
	assert.Equal(t, []string{"error", "error", "error", "error", "error", "B6", "error", "B8",
		"G1", "G2", "G3", "G4", "G5", "G6", "G7", "G8", "G9"}, order)
}

func TestReadPaths(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string][]byte{
		"a.txt":         []byte("坐席：您好\n"),
		"b.json":        []byte(`{"turns": [{"speaker": "agent", "text": "您好"}]}`),
		"notes.md":      []byte("坐席：您好\n"),
		".hidden.txt":   []byte("坐席：您好\n"),
		"noext":         []byte("坐席：您好\n"),
		"sub/c.jsonl":   []byte(`{"turns": [{"speaker": "agent", "text": "您好"}]}`),
		".hidden/d.txt": []byte("坐席：您好\n"),
	})
	p := func(name string) string { return filepath.Join(dir, name) }
	tests := []struct {
		name      string
		paths     []string
		stdin     string
		wantIDs   []string
		wantErrs  []string
		wantOrder []string
	}{
		{name: "folder", paths: []string{dir}, wantIDs: []string{"a", "b", "c-1"}},
		{name: "explicit_files_in_order", paths: []string{p("b.json"), p("a.txt")}, wantIDs: []string{"b", "a"}},
		{name: "explicit_hidden", paths: []string{p(".hidden.txt"), p(".hidden")}, wantIDs: []string{".hidden", "d"}},
		{name: "explicit_unknown_extension", paths: []string{p("notes.md"), p("noext")}, wantErrs: []string{
			p("notes.md") + `: unsupported file type ".md" (want .txt, .json, .jsonl, .csv, .tsv, .srt, .vtt, or name the format with --input-format)`,
			p("noext") + ": unsupported file type (no extension; want .txt, .json, .jsonl, .csv, .tsv, .srt, .vtt, or name the format with --input-format)",
		}},
		{name: "missing", paths: []string{p("gone.txt"), p("a.txt")}, wantIDs: []string{"a"},
			wantErrs: []string{p("gone.txt") + ": no such file or directory"}, wantOrder: []string{"error", "a"}},
		{name: "stdin_text", paths: []string{"-"}, stdin: "坐席：您好\n客户：喂\n", wantIDs: []string{"stdin"}},
		{name: "stdin_json", paths: []string{"-"}, stdin: "{\n\"turns\": [{\"speaker\": \"agent\", \"text\": \"您好\"}]\n}\n", wantIDs: []string{"stdin"}},
		{name: "stdin_jsonl", paths: []string{"-"}, stdin: "{\"turns\": [{\"speaker\": \"agent\", \"text\": \"a\"}]}\n{\"turns\": [{\"speaker\": \"agent\", \"text\": \"b\"}]}\n",
			wantIDs: []string{"stdin-1", "stdin-2"}},
		{name: "stdin_jsonl_bad_first_line", paths: []string{"-"}, stdin: "{\"turns\": [\n{\"turns\": [{\"speaker\": \"agent\", \"text\": \"b\"}]}\n",
			wantIDs: []string{"stdin-2"}, wantErrs: []string{"-:1: unexpected end of JSON input"}, wantOrder: []string{"error", "stdin-2"}},
		{name: "stdin_gbk", paths: []string{"-"}, stdin: string([]byte{0xd7, 0xf8, 0xcf, 0xaf, 0xa3, 0xba, 0xc4, 0xfa, 0xba, 0xc3}), wantIDs: []string{"stdin"}},
		{name: "stdin_empty", paths: []string{"-"}, stdin: "", wantErrs: []string{"-: no standard input"}},
		{name: "stdin_binary", paths: []string{"-"}, stdin: "\x00\x01", wantErrs: []string{"-: binary file (NUL byte at offset 0)"}},
		{name: "stdin_nul_in_text", paths: []string{"-"}, stdin: "坐席：您好\n客户：\x00喂\n", wantErrs: []string{"-:2: NUL byte at offset 25 (a text transcript has none: the file is damaged, or not text)"}},
		{name: "stdin_and_files", paths: []string{p("a.txt"), "-", p("sub")}, stdin: "坐席：您好\n", wantIDs: []string{"a", "stdin", "c-1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls, errs, order := readAll(tt.paths, tt.stdin)
			var ids []string
			for _, c := range calls {
				ids = append(ids, c.ID)
			}
			assert.Equal(t, tt.wantIDs, ids)
			assert.Equal(t, tt.wantErrs, errs)
			if tt.wantOrder != nil {
				assert.Equal(t, tt.wantOrder, order)
			}
		})
	}
}

// TestReadPathsSymlinks reads folder trees with symbolic links: links to
// files and folders are followed, a folder is read once, and a link back
// into a folder being read is reported once, by its path, and not followed.
func TestReadPathsSymlinks(t *testing.T) {
	const call = "坐席：您好\n"
	tests := []struct {
		name     string
		files    []string            // created with a one-turn call
		links    map[string]string   // link → target, as written
		roots    []string            // read, relative to the tree
		want     []string            // the sources read, relative to the tree
		wantErrs []string            // with the tree as "T"
		outside  map[string][]string // a second tree "O": folder → files
	}{
		{name: "link_to_file", files: []string{"real/a.txt"}, links: map[string]string{"calls/b.txt": "../real/a.txt"},
			roots: []string{"calls"}, want: []string{"calls/b.txt"}},
		{name: "link_as_root", files: []string{"real/a.txt"}, links: map[string]string{"linked": "real"},
			roots: []string{"linked"}, want: []string{"linked/a.txt"}},
		{name: "loop_to_parent", files: []string{"calls/a.txt", "calls/z.txt"}, links: map[string]string{"calls/loop": ".."},
			roots: []string{"calls"}, want: []string{"calls/a.txt", "calls/z.txt"},
			wantErrs: []string{`T/calls/loop: symbolic link loop (it points to "..", a folder that holds it); not followed`}},
		{name: "loop_to_itself", files: []string{"calls/a.txt"}, links: map[string]string{"calls/sub/here": "."},
			roots: []string{"calls"}, want: []string{"calls/a.txt"},
			wantErrs: []string{`T/calls/sub/here: symbolic link loop (it points to ".", a folder that holds it); not followed`}},
		{name: "loop_through_two_links", files: []string{"top/a/one.txt", "top/b/two.txt"},
			links: map[string]string{"top/a/x": "../b", "top/b/y": "../a"},
			roots: []string{"top"}, want: []string{"top/a/one.txt", "top/a/x/two.txt"},
			wantErrs: []string{`T/top/a/x/y: symbolic link loop (it points to "../a", a folder that holds it); not followed`}},
		{name: "folder_read_once", files: []string{"calls/a/one.txt"}, links: map[string]string{"calls/b": "a"},
			roots: []string{"calls"}, want: []string{"calls/a/one.txt"}},
		{name: "link_out_of_the_tree", files: []string{"calls/a.txt"}, links: map[string]string{"calls/ext": "O/archive"},
			outside: map[string][]string{"archive": {"c.txt"}},
			roots:   []string{"calls"}, want: []string{"calls/a.txt", "calls/ext/c.txt"}},
		{name: "broken_links", files: []string{"calls/a.txt"}, links: map[string]string{"calls/gone.txt": "missing.txt", "calls/gone": "missing"},
			roots: []string{"calls"}, want: []string{"calls/a.txt"},
			wantErrs: []string{`T/calls/gone.txt: broken symbolic link (it points to "missing.txt", which does not exist)`}},
		{name: "link_to_itself", files: []string{"calls/a.txt"}, links: map[string]string{"calls/self.txt": "self.txt"},
			roots: []string{"calls"}, want: []string{"calls/a.txt"},
			wantErrs: []string{"T/calls/self.txt: too many levels of symbolic links"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, out := t.TempDir(), t.TempDir()
			files := map[string][]byte{}
			for _, f := range tt.files {
				files[f] = []byte(call)
			}
			writeFiles(t, dir, files)
			for folder, names := range tt.outside {
				for _, f := range names {
					writeFiles(t, out, map[string][]byte{folder + "/" + f: []byte(call)})
				}
			}
			for link, target := range tt.links {
				p := filepath.Join(dir, filepath.FromSlash(link))
				require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
				target = strings.Replace(target, "O/", out+"/", 1)
				if err := os.Symlink(filepath.FromSlash(target), p); err != nil {
					t.Skipf("no symbolic links here: %v", err)
				}
			}
			var roots []string
			for _, r := range tt.roots {
				roots = append(roots, filepath.Join(dir, r))
			}
			calls, errs, _ := readAll(roots, "")
			var sources []string
			for _, c := range calls {
				rel, err := filepath.Rel(dir, c.Source)
				require.NoError(t, err)
				sources = append(sources, filepath.ToSlash(rel))
			}
			for i := range errs {
				errs[i] = strings.Replace(errs[i], dir, "T", 1)
			}
			assert.Equal(t, tt.want, sources)
			assert.Equal(t, tt.wantErrs, errs)
		})
	}
}

// TestReadPathsSymlinkLoopRelative reads a tree named by a relative path,
// as from the command line: the loop is found all the same.
func TestReadPathsSymlinkLoopRelative(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string][]byte{"calls/a.txt": []byte("坐席：您好\n"), "other.txt": []byte("坐席：您好\n")})
	if err := os.Symlink("..", filepath.Join(dir, "calls", "loop")); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	t.Chdir(dir)
	calls, errs, _ := readAll([]string{"calls"}, "")
	require.Len(t, calls, 1)
	assert.Equal(t, filepath.Join("calls", "a.txt"), calls[0].Source)
	assert.Equal(t, []string{filepath.Join("calls", "loop") + `: symbolic link loop (it points to "..", a folder that holds it); not followed`}, errs)
}

func TestSniff(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"text", "坐席：您好\n", kindText},
		{"json_one_line", `{"turns": []}`, kindJSON},
		{"json_pretty", "{\n  \"turns\": []\n}\n", kindJSON},
		{"jsonl", "{}\n{}\n", kindJSONL},
		{"jsonl_bad_first_line", "{\n{}\n", kindJSONL},
		{"leading_space", "\ufeff \n {}", kindJSON},
		{"empty", "", kindText},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, sniff(tt.in))
		})
	}
}

func TestParseError(t *testing.T) {
	base := errors.New("no turns")
	tests := []struct {
		name string
		err  *ParseError
		want string
	}{
		{"path_line", &ParseError{Path: "calls/D0042.txt", Line: 7, Err: base}, "calls/D0042.txt:7: no turns"},
		{"path_only", &ParseError{Path: "calls/D0042.txt", Err: base}, "calls/D0042.txt: no turns"},
		{"line_only", &ParseError{Line: 3, Err: base}, "line 3: no turns"},
		{"bare", &ParseError{Err: base}, "no turns"},
		{"nil_err", &ParseError{Path: "x.txt"}, "x.txt: unknown error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.EqualError(t, tt.err, tt.want)
			if tt.err.Err != nil {
				assert.ErrorIs(t, tt.err, base)
			}
		})
	}
}

func TestReadPathsEmptyStdin(t *testing.T) {
	var items []Item
	ReadPaths([]string{"-"}, strings.NewReader(""), func(it Item) { items = append(items, it) })
	require.Len(t, items, 1)
	assert.EqualError(t, items[0].Err, "-: empty file")
}

// TestInputsNumbered checks Item.Input and CountInputs on a tree with a
// multi-call file, a bad file, an unreadable path and a link loop.
func TestInputsNumbered(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644))
	}
	write("a.txt", "坐席：你好\n客户：你好\n")
	write("b.jsonl", `{"call_id":"B1","turns":[{"speaker":"agent","text":"一"}]}`+"\n"+`{"call_id":"B2","turns":[{"speaker":"agent","text":"二"}]}`+"\n")
	write("sub/c.json", `{"call_id":`)
	write("sub/notes.md", "not a transcript")
	require.NoError(t, os.Symlink("..", filepath.Join(dir, "sub", "loop")))
	paths := []string{dir, filepath.Join(dir, "missing.txt")}

	var inputs []int
	ReadPaths(paths, nil, func(it Item) { inputs = append(inputs, it.Input) })
	// a.txt; b.jsonl (two calls); sub/c.json (error); the loop; missing.txt.
	require.Equal(t, []int{1, 2, 2, 3, 4, 5}, inputs)
	require.Equal(t, 5, CountInputs(paths, ReadOptions{}))
}
