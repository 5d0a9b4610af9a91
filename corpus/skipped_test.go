//go:build unix

// The test makes a symbolic link, which needs a Unix system.

package corpus

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReadPathsSkip: the files of a folder that are skipped for their type
// are reported to ReadOptions.Skip, once each, hidden entries not; a file
// named on the command line is read (or refused), never skipped; counting
// the inputs reports nothing.
func TestReadPathsSkip(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string][]byte{
		"a.txt":          []byte("坐席：您好\n"),
		"b.mp3":          []byte("ID3"),
		"c.MP3":          []byte("ID3"),
		"sub/d.mp3":      []byte("ID3"),
		"sub/e.xlsx":     []byte("PK\x03\x04"),
		"README":         []byte("notes"),
		".hidden.mp3":    []byte("ID3"),
		".git/HEAD":      []byte("ref"),
		"target/f.wav":   []byte("RIFF"),
		"target/g.jsonl": []byte(`{"call_id": "G", "turns": [{"speaker": "agent", "text": "您好"}]}` + "\n"),
	})
	require.NoError(t, os.Symlink(filepath.Join(dir, "target", "f.wav"), filepath.Join(dir, "link.wav")))
	named := filepath.Join(dir, "b.mp3")

	var got []string
	var sk Skipped
	opts := ReadOptions{Skip: func(p string) {
		got = append(got, p)
		sk.Add(p)
	}}
	n := CountInputs([]string{dir}, opts)
	assert.Empty(t, got, "counting the inputs reports nothing")
	var items []Item
	ReadPathsWith([]string{dir, named}, nil, opts, func(it Item) { items = append(items, it) })
	assert.Len(t, items, n+1)

	assert.Equal(t, []string{
		filepath.Join(dir, "README"),
		filepath.Join(dir, "b.mp3"),
		filepath.Join(dir, "c.MP3"),
		filepath.Join(dir, "link.wav"),
		filepath.Join(dir, "sub", "d.mp3"),
		filepath.Join(dir, "sub", "e.xlsx"),
		filepath.Join(dir, "target", "f.wav"),
	}, got)
	assert.Equal(t, 7, sk.Total())
	assert.Equal(t, map[string]int{".mp3": 3, ".wav": 2, ".xlsx": 1, "(no extension)": 1}, sk.ByExtension())
	assert.Equal(t, "7 files: 3 .mp3, 2 .wav, 1 (no extension), 1 .xlsx", SkippedString(sk.ByExtension()))
	// The file named on the command line is an error, not a skip.
	last := items[len(items)-1]
	require.Error(t, last.Err)
	assert.Contains(t, last.Err.Error(), `b.mp3: unsupported file type ".mp3"`)
}

func TestSkippedString(t *testing.T) {
	tests := []struct {
		name string
		in   map[string]int
		want string
	}{
		{"none", nil, ""},
		{"one", map[string]int{".mp3": 1}, "1 file: 1 .mp3"},
		{"commonest_first", map[string]int{".xlsx": 1, ".mp3": 2}, "3 files: 2 .mp3, 1 .xlsx"},
		{"ties_by_name", map[string]int{".wav": 1, ".mp3": 1}, "2 files: 1 .mp3, 1 .wav"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, SkippedString(tt.in))
		})
	}
	var s Skipped
	assert.Nil(t, s.ByExtension())
	assert.Zero(t, s.Total())
}
