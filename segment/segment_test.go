package segment

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/go-ego/gse"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/corpus"
	"github.com/callqa/callqa/internal/specdata"
	"github.com/callqa/callqa/internal/synth"
	"github.com/callqa/callqa/textnorm"
)

// The reference: gse itself, loaded once per test binary (seconds).
var (
	gseOnce sync.Once
	gseSeg  gse.Segmenter
	gseErr  error
)

// reference returns gse's segmenter with the same extra words.
func reference(t testing.TB, extra []string) *gse.Segmenter {
	t.Helper()
	gseOnce.Do(func() {
		gseSeg, gseErr = gse.NewEmbed("zh_s")
		if gseErr != nil {
			return
		}
		for _, w := range extra {
			if w != "" {
				gseErr = gseSeg.AddToken(w, domainFreq, "n")
			}
		}
		gseSeg.CalcToken()
	})
	require.NoError(t, gseErr)
	return &gseSeg
}

// Extra words like the rule packs' domain words: some new to the
// dictionary, some already in it (which must keep gse's frequency), one
// with Latin letters and one that is a prefix of dictionary words.
var extraWords = []string{"滚动还款", "失信被执行人", "老赖", "通讯录", "m1逾期", "贷后", "征信黑名单", "经侦大队", "中国"}

const domainFreq = 20000

var (
	oursOnce sync.Once
	ours     *Segmenter
	oursErr  error
)

func segmenter(t testing.TB) *Segmenter {
	t.Helper()
	oursOnce.Do(func() { ours, oursErr = New(extraWords, domainFreq) })
	require.NoError(t, oursErr)
	return ours
}

func gseSpans(g *gse.Segmenter, text string) []Span {
	var out []Span
	for _, s := range g.Segment([]byte(text)) {
		out = append(out, Span{s.Start(), s.End()})
	}
	return out
}

func requireSame(t *testing.T, text string) {
	t.Helper()
	want := gseSpans(reference(t, extraWords), text)
	got := segmenter(t).Segment(text, nil)
	if len(want) == 0 {
		want = nil
	}
	if len(got) == 0 {
		got = nil
	}
	if !equalSpans(want, got) {
		t.Fatalf("segmentation differs from gse for %q:\n gse:  %s\n ours: %s", text, show(text, want), show(text, got))
	}
}

func equalSpans(a, b []Span) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func show(text string, spans []Span) string {
	var parts []string
	for _, s := range spans {
		parts = append(parts, text[s.Start:s.End])
	}
	return strings.Join(parts, "/")
}

func TestSameAsGseOnCases(t *testing.T) {
	cases := []string{
		"",
		"你好",
		"您好，我是某某金融贷后部的工作人员，请问是张先生本人吗？",
		"你这个老赖，滚动还款也不行",
		"我们已经上报征信黑名单了，经侦大队会找你",
		"ABC公司的M1逾期客户，欠款3000元，请在2024年5月18日前还清",
		"Hello World 123 abc",
		"αβγ δέ 中文 кириллица",
		"\xff\xfe中\x00文",
		"   ",
		"一二三四五六七八九十百千万亿",
		"中华人民共和国中央人民政府",
		"😀表情符号😀",
		"ｆｕｌｌ　ｗｉｄｔｈ",
		"a股b股",
	}
	for _, c := range cases {
		requireSame(t, c)
	}
}

// TestSameAsGseOnCorpora compares every turn of the sample calls, a
// synthetic corpus and, when the specification is checked out next to the
// repository, the dev set and the external data — raw and normalized.
func TestSameAsGseOnCorpora(t *testing.T) {
	var texts []string
	add := func(s string) {
		texts = append(texts, s, textnorm.Normalize(s).Text)
	}
	paths := []string{filepath.Join("..", "testdata", "calls")}
	dev, err := specdata.DevSetDir()
	if p := specdata.Optional(t, dev, err, "the dev set's calls", specdata.EnvDevSet, "calls"); p != "" {
		paths = append(paths, p)
	}
	shared, err := specdata.SharedDir()
	for _, rel := range []string{"crosswoz_negatives/calls", "yilongdai_bot/calls"} {
		if p := specdata.Optional(t, shared, err, "external data "+rel, specdata.EnvShared, "external", rel); p != "" {
			paths = append(paths, p)
		}
	}
	corpus.ReadPaths(paths, nil, func(it corpus.Item) {
		if it.Call != nil {
			for _, tn := range it.Call.Turns {
				add(tn.Text)
			}
		}
	})
	for _, c := range synth.Generate(300, 7) {
		for _, tn := range c.Turns {
			add(tn.Text)
		}
	}
	insults := specdata.Optional(t, shared, err, "external data insult_sentences.jsonl", specdata.EnvShared, "external", "insult_sentences.jsonl")
	if f, err := os.Open(insults); insults != "" && err == nil {
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var v map[string]any
			if json.Unmarshal(sc.Bytes(), &v) == nil {
				for _, x := range v {
					if s, ok := x.(string); ok && utf8.RuneCountInString(s) > 3 {
						add(s)
					}
				}
			}
		}
		f.Close()
	}
	require.Greater(t, len(texts), 5000)
	for _, s := range texts {
		requireSame(t, s)
	}
	t.Logf("%d texts segmented as gse does", len(texts))
}

// TestSameAsGseOnRandomText strings together dictionary words, single
// characters, Latin runs and punctuation at random.
func TestSameAsGseOnRandomText(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	pieces := []string{"的", "还款", "今天", "逾期", "老赖", "中华", "人民", "共和国", "滚", "动", "ab", "M1", "3000", "，", "。", " ", "？", "失信", "被执行人", "é", "😀", "了", "吗", "x"}
	for i := 0; i < 5000; i++ {
		var b strings.Builder
		for j := r.Intn(20); j >= 0; j-- {
			b.WriteString(pieces[r.Intn(len(pieces))])
		}
		requireSame(t, b.String())
	}
}

// FuzzSameAsGse checks any text: the segmentation equals gse's, and the
// words cover the text in order.
func FuzzSameAsGse(f *testing.F) {
	for _, s := range []string{"你好世界", "老赖滚动还款", "abc123中文", "\xff中", "M1逾期"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := segmenter(t).Segment(s, nil)
		at := 0
		for _, sp := range got {
			if sp.Start != at || sp.End <= sp.Start {
				t.Fatalf("spans do not tile the text: %v", got)
			}
			at = sp.End
		}
		if at != len(s) {
			t.Fatalf("spans end at %d of %d", at, len(s))
		}
		requireSame(t, s)
	})
}

func TestExtraWordKeepsDictionaryFrequency(t *testing.T) {
	d, err := Base()
	require.NoError(t, err)
	s := segmenter(t)
	// 中国 is in gse's dictionary: adding it must not create a second word.
	require.Equal(t, len(d.freq)+len(extraWords)-countKnown(t, d), len(s.dist))
}

func countKnown(t *testing.T, d *Dict) int {
	n := 0
	for _, w := range extraWords {
		if d.tab.word(w) >= 0 {
			n++
		}
	}
	require.Positive(t, n)
	return n
}

func TestDecodeRejectsBadData(t *testing.T) {
	for name, data := range map[string][]byte{
		"not gzip":  []byte("hello"),
		"bad magic": gzipped(t, []byte("something else\n")),
		"truncated": gzipped(t, []byte(magic+"\x05")),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := decode(data)
			require.Error(t, err)
			require.Contains(t, err.Error(), "segment: dictionary")
		})
	}
}

func BenchmarkSegment(b *testing.B) {
	s := segmenter(b)
	texts, n := benchTexts()
	b.SetBytes(int64(n))
	b.ReportAllocs()
	var out []Span
	for b.Loop() {
		for _, tx := range texts {
			out = s.Segment(tx, out[:0])
		}
	}
}

func BenchmarkGseSegment(b *testing.B) {
	g := reference(b, extraWords)
	texts, n := benchTexts()
	b.SetBytes(int64(n))
	b.ReportAllocs()
	for b.Loop() {
		for _, tx := range texts {
			g.Segment([]byte(tx))
		}
	}
}

func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		d, err := loadTable(tableData)
		if err != nil {
			b.Fatal(err)
		}
		_ = d
	}
}

func benchTexts() ([]string, int) {
	var texts []string
	n := 0
	for _, c := range synth.Generate(200, 3) {
		for _, tn := range c.Turns {
			s := textnorm.Normalize(tn.Text).Text
			texts = append(texts, s)
			n += len(s)
		}
	}
	return texts, n
}

func gzipped(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, err := zw.Write(b)
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return buf.Bytes()
}
