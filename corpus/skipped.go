package corpus

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
)

// noExtension stands for the files without an extension in Skipped.
const noExtension = "(no extension)"

// Skipped counts the files skipped for their type, by extension (in lower
// case, with its dot; "(no extension)" for none). Its Add method fits
// ReadOptions.Skip. The zero value is ready to use; it is not safe for
// concurrent use, but the walk calls Skip from one goroutine.
type Skipped struct {
	byExt map[string]int
	n     int
}

// Add counts the file at path.
func (s *Skipped) Add(path string) {
	ext := strings.ToLower(filepath.Ext(path))
	if ext == "" {
		ext = noExtension
	}
	if s.byExt == nil {
		s.byExt = map[string]int{}
	}
	s.byExt[ext]++
	s.n++
}

// Total is the number of files counted.
func (s *Skipped) Total() int { return s.n }

// ByExtension returns the counts by extension, or nil when there are none.
func (s *Skipped) ByExtension() map[string]int {
	if s.n == 0 {
		return nil
	}
	m := make(map[string]int, len(s.byExt))
	for k, v := range s.byExt {
		m[k] = v
	}
	return m
}

// SkippedString describes skipped files, as counted by extension: "3
// files: 2 .mp3, 1 .xlsx", the commonest first; "" when there are none.
func SkippedString(byExt map[string]int) string {
	total := 0
	exts := make([]string, 0, len(byExt))
	for ext, n := range byExt {
		total += n
		exts = append(exts, ext)
	}
	if total == 0 {
		return ""
	}
	sort.Slice(exts, func(i, j int) bool {
		if byExt[exts[i]] != byExt[exts[j]] {
			return byExt[exts[i]] > byExt[exts[j]]
		}
		return exts[i] < exts[j]
	})
	parts := make([]string, len(exts))
	for i, ext := range exts {
		parts[i] = fmt.Sprintf("%d %s", byExt[ext], ext)
	}
	files := "files"
	if total == 1 {
		files = "file"
	}
	return fmt.Sprintf("%d %s: %s", total, files, strings.Join(parts, ", "))
}

// Extensions lists the file extensions the readers take: ".txt, .json,
// .jsonl, …".
func Extensions() string { return extList() }
