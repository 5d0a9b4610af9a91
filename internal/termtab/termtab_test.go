package termtab

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"text/tabwriter"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWidth(t *testing.T) {
	tests := []struct {
		s    string
		want int
	}{
		{"", 0},
		{"M1-A", 4},
		{"孙磊", 4},
		{"陳怡君", 6},
		{"欧阳娜娜", 8},
		{"（none）", 8},     // full-width brackets
		{"✓ ✗", 3},        // ambiguous: one column whatever the locale
		{"e\u0301", 1},    // e and a combining acute accent
		{"「老赖」", 8},       // corner brackets are wide
		{"李娜 (M1-A)", 11}, // mixed
	}
	for _, tt := range tests {
		t.Run(tt.s, func(t *testing.T) {
			assert.Equal(t, tt.want, Width(tt.s))
		})
	}
}

func TestPad(t *testing.T) {
	assert.Equal(t, "孙磊  |", Pad("孙磊", 6)+"|")
	assert.Equal(t, "陳怡君|", Pad("陳怡君", 6)+"|")
	assert.Equal(t, "陳怡君|", Pad("陳怡君", 4)+"|", "never cut")
}

// TestSameAsTabwriter checks that on ASCII text, where a character is a
// column, a Writer writes exactly what text/tabwriter writes: the
// column blocks, the padding, alignment and the line ends.
func TestSameAsTabwriter(t *testing.T) {
	tests := []struct {
		name string
		text string
	}{
		{"empty", ""},
		{"one_line_no_newline", "a\tbb\tccc"},
		{"uniform", "ID\tCATEGORY\tDESCRIPTION\nrule.one\tinsult\tfirst\nr2\tthreat\t\n"},
		{"trailing_tabs", "GROUP\tcalls\tfailed\t\nM1-A\t12\t3\t\n(none)\t1\t0\t\n"},
		{"empty_cells", "\t\tx\na\t\ty\n\t\n"},
		{"blocks", "party\t10/12\t83.3%\nclean calls failed\t2 of 9\n  C1 C2\n\ntask / step\tcorrect\taccuracy\tP\tR\tF1\ndemand_payment\t-\tn/a\nask_reason\t9/9\t100.0%\t1.000\t1.000\t1.000\n"},
		{"nested_blocks", "a\tb\tc\td\naa\tbb\ncc\tdd\teee\tf\ng\n\th\ti\tj\n"},
		{"text_after_last_newline", "x\ty\nlonger\tz\ntail\t"},
		{"single_cell_lines_break_blocks", "short\t1\nheading\nmuch longer cell\t2\n"},
	}
	for _, tt := range tests {
		for _, flags := range []Flags{0, AlignRight} {
			t.Run(fmt.Sprintf("%s/flags=%d", tt.name, flags), func(t *testing.T) {
				var want, got bytes.Buffer
				twFlags := uint(0)
				if flags&AlignRight != 0 {
					twFlags = tabwriter.AlignRight
				}
				tw := tabwriter.NewWriter(&want, 0, 4, 2, ' ', twFlags)
				w := NewWriter(&got, 2, flags)
				// Several writes, split inside a cell, as fmt.Fprintf does.
				for _, part := range splitEvery(tt.text, 5) {
					_, err := tw.Write([]byte(part))
					require.NoError(t, err)
					_, err = w.Write([]byte(part))
					require.NoError(t, err)
				}
				require.NoError(t, tw.Flush())
				require.NoError(t, w.Flush())
				assert.Equal(t, want.String(), got.String())
			})
		}
	}
}

func splitEvery(s string, n int) []string {
	var parts []string
	for len(s) > n {
		parts = append(parts, s[:n])
		s = s[n:]
	}
	return append(parts, s)
}

// TestChineseColumns checks that cells holding Chinese names of different
// lengths line up on the screen: every row's cells start at the same
// display column.
func TestChineseColumns(t *testing.T) {
	tests := []struct {
		name  string
		flags Flags
		text  string
		want  string
	}{
		{
			name:  "stats_by_agent_right_aligned",
			flags: AlignRight,
			text:  "AGENT\tcalls\tfailed\t\n孙磊\t12\t3\t\n陳怡君\t7\t0\t\n(none)\t2\t1\t\n欧阳娜娜\t1\t1\t\n",
			want: "" +
				"     AGENT  calls  failed\n" +
				"      孙磊     12       3\n" +
				"    陳怡君      7       0\n" +
				"    (none)      2       1\n" +
				"  欧阳娜娜      1       1\n",
		},
		{
			name: "left_aligned_mixed",
			text: "孙磊\tM1-A\t「老赖」\n陳怡君\tM2\tx\nLi Na\t催收一组\ty\n",
			want: "" +
				"孙磊    M1-A      「老赖」\n" +
				"陳怡君  M2        x\n" +
				"Li Na   催收一组  y\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got bytes.Buffer
			w := NewWriter(&got, 2, tt.flags)
			_, err := w.Write([]byte(tt.text))
			require.NoError(t, err)
			require.NoError(t, w.Flush())
			assert.Equal(t, tt.want, got.String())
			// Every line is as wide on the screen up to its last column.
			var widths []int
			for _, line := range strings.Split(strings.TrimSuffix(got.String(), "\n"), "\n") {
				widths = append(widths, Width(strings.TrimRight(line, " ")))
			}
			if tt.flags&AlignRight != 0 {
				for _, n := range widths {
					assert.Equal(t, widths[0], n, "right-aligned rows end in the same column")
				}
			}
		})
	}
}

func TestFlushNothing(t *testing.T) {
	var out bytes.Buffer
	w := NewWriter(&out, 2, 0)
	require.NoError(t, w.Flush())
	assert.Empty(t, out.String())
	fmt.Fprint(w, "a\tb\n")
	require.NoError(t, w.Flush())
	fmt.Fprint(w, "long cell\tc\n")
	require.NoError(t, w.Flush())
	assert.Equal(t, "a  b\nlong cell  c\n", out.String(), "each Flush lays out its own text")
}

// TestSameAsTabwriterRandom compares a Writer with text/tabwriter on many
// random ASCII texts of short cells, tabs and newlines.
func TestSameAsTabwriterRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"a", "bb", "cccc", "\t", "\t", "\n", "\n", " "}
	for i := range 2000 {
		var sb strings.Builder
		for range rng.IntN(40) {
			sb.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		text := sb.String()
		for _, flags := range []Flags{0, AlignRight} {
			var want, got bytes.Buffer
			twFlags := uint(0)
			if flags&AlignRight != 0 {
				twFlags = tabwriter.AlignRight
			}
			tw := tabwriter.NewWriter(&want, 0, 4, 2, ' ', twFlags)
			w := NewWriter(&got, 2, flags)
			fmt.Fprint(tw, text)
			fmt.Fprint(w, text)
			require.NoError(t, tw.Flush())
			require.NoError(t, w.Flush())
			require.Equal(t, want.String(), got.String(), "text %d: %q, flags %d", i, text, flags)
		}
	}
}
