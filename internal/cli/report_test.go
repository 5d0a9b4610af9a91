package cli

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/analyzer"
	"github.com/callqa/callqa/corpus"
)

func TestNewReportCmd(t *testing.T) {
	tests := []struct {
		name    string
		args    string
		want    ReportOptions
		wantErr string
	}{
		{
			name: "defaults",
			args: "--out r.html calls/",
			want: ReportOptions{Paths: []string{"calls/"}, Out: "r.html", BatchOptions: BatchOptions{Workers: runtime.GOMAXPROCS(0), MinASRConfidence: analyzer.DefaultMinASRConfidence}},
		},
		{
			name: "every_flag",
			args: "-o out/r.html --scorecard team.yaml --title M2 --rules team/ --rules more.yaml --workers 3 a.txt - b/",
			want: ReportOptions{
				Paths: []string{"a.txt", "-", "b/"}, Out: "out/r.html", Scorecard: "team.yaml", Title: "M2",
				BatchOptions: BatchOptions{Rules: []string{"team/", "more.yaml"}, Workers: 3, MinASRConfidence: analyzer.DefaultMinASRConfidence},
			},
		},
		{name: "no_out", args: "calls/", wantErr: "--out FILE is required"},
		{name: "out_is_stdout", args: "--out - calls/", wantErr: "--out must name a file (callqa score --format html writes the report to standard output)"},
		{name: "no_path", args: "--out r.html", wantErr: "no PATH given (name transcript files or folders, or - for standard input)"},
		{name: "zero_workers", args: "--out r.html --workers 0 a.txt", wantErr: "invalid --jobs 0 (want 1 or more)"},
		{name: "bad_input_format", args: "--out r.html --input-format doc a.txt", wantErr: `invalid --input-format "doc" (want one of ` + strings.Join(corpus.FormatNames(), ", ") + ")"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ios, err := parseFlags(newReportCmd, tt.args)
			if !parsed(t, got, err, tt.wantErr) {
				return
			}
			assert.Same(t, ios, got.IO)
			got.IO = nil
			assert.Equal(t, tt.want, *got)
		})
	}
}

// files lists the names in dir.
func files(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestRunReport(t *testing.T) {
	calls := filepath.Join("..", "..", "testdata", "calls")

	t.Run("writes_the_report", func(t *testing.T) {
		dir := t.TempDir()
		out := filepath.Join(dir, "report.html")
		require.NoError(t, os.WriteFile(out, []byte("an old report"), 0o644))
		ios, stdout, stderr := testIO("")
		code := run([]string{"report", "--out", out, "--workers", "2", "--title", "M2 <practice>", calls}, ios)
		require.Equal(t, exitOK, code, stderr.String())
		assert.Equal(t, "wrote "+out+" (7 calls)\n", stdout.String())
		assert.Empty(t, stderr.String())

		html, err := os.ReadFile(out)
		require.NoError(t, err)
		s := string(html)
		assert.True(t, strings.HasPrefix(s, "<!DOCTYPE html>"))
		assert.Contains(t, s, "<title>M2 &lt;practice&gt;</title>")
		assert.Contains(t, s, `<strong class="scorecard">default@2</strong>`)
		// The calls are the report's embedded data, which its script draws.
		assert.Contains(t, s, `{"anchor":"call-S02","id":"S02",`)
		assert.Contains(t, s, `["老赖","violation","辱骂 insult · insult.slur · 严重 critical"]`)
		assert.Contains(t, s, `["你就是個騙子","violation","辱骂 insult · insult.pejorative · 严重 critical"]`, "the Traditional call")

		st, err := os.Stat(out)
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o644), st.Mode().Perm(), "a report is for sharing")
		assert.Equal(t, []string{"report.html"}, files(t, dir), "no temporary file is left")
	})

	t.Run("input_error_exits_2_and_keeps_the_rest", func(t *testing.T) {
		dir := t.TempDir()
		out := filepath.Join(dir, "r.html")
		bad := filepath.Join("testdata", "calls", "bad_role.txt")
		ios, stdout, stderr := testIO("")
		code := run([]string{"report", "--out", out, filepath.Join(calls, "S02_insult_threat.txt"), bad}, ios)
		assert.Equal(t, exitTrouble, code)
		assert.Equal(t, "wrote "+out+" (1 call)\n", stdout.String())
		lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
		require.Len(t, lines, 2, stderr.String())
		assert.True(t, strings.HasPrefix(lines[0], "callqa: "+bad+":"), lines[0])
		assert.Equal(t, "callqa: 1 of 2 inputs failed; 1 calls analyzed", lines[1])
		html, err := os.ReadFile(out)
		require.NoError(t, err)
		assert.Contains(t, string(html), `"anchor":"call-S02"`)
	})

	t.Run("missing_folder_fails_before_scanning", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "no", "such", "r.html")
		ios, stdout, stderr := testIO("")
		code := run([]string{"report", "--out", out, calls}, ios)
		assert.Equal(t, exitTrouble, code)
		assert.Empty(t, stdout.String())
		assert.Contains(t, stderr.String(), "callqa: --out "+out+": stat ")
		assert.Contains(t, stderr.String(), "no such file or directory")
	})

	t.Run("out_is_a_folder", func(t *testing.T) {
		dir := t.TempDir()
		ios, _, stderr := testIO("")
		code := run([]string{"report", "--out", dir, calls}, ios)
		assert.Equal(t, exitTrouble, code)
		assert.Equal(t, "callqa: --out "+dir+" is a folder; name the HTML file to write\n", stderr.String())
	})

	t.Run("bad_scorecard", func(t *testing.T) {
		dir := t.TempDir()
		sc := filepath.Join(dir, "team.yaml")
		require.NoError(t, os.WriteFile(sc, []byte("scorecard: [\n"), 0o644))
		out := filepath.Join(dir, "r.html")
		ios, stdout, stderr := testIO("")
		code := run([]string{"report", "--out", out, "--scorecard", sc, calls}, ios)
		assert.Equal(t, exitTrouble, code)
		assert.Empty(t, stdout.String())
		assert.True(t, strings.HasPrefix(stderr.String(), "callqa: "+sc+":"), stderr.String())
		assert.NoFileExists(t, out)
	})
}

// TestWriteFileAtomic checks that a failed write leaves the old file as it
// was and no temporary file behind.
func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "r.html")
	require.NoError(t, os.WriteFile(path, []byte("old"), 0o644))

	err := writeFileAtomic(path, func(f *os.File) error {
		if _, err := f.WriteString("half a rep"); err != nil {
			return err
		}
		return errors.New("disk full")
	})
	assert.EqualError(t, err, "writing "+path+": disk full")
	got, rerr := os.ReadFile(path)
	require.NoError(t, rerr)
	assert.Equal(t, "old", string(got))
	assert.Equal(t, []string{"r.html"}, files(t, dir))

	require.NoError(t, writeFileAtomic(path, func(f *os.File) error {
		_, err := f.WriteString("new")
		return err
	}))
	got, rerr = os.ReadFile(path)
	require.NoError(t, rerr)
	assert.Equal(t, "new", string(got))
	assert.Equal(t, []string{"r.html"}, files(t, dir))
}
