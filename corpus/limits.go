package corpus

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// The default limits of ReadOptions.Limits. docs/errors.md says why these
// values.
const (
	// MaxFileSize is the default largest input, in bytes (64 MiB). A bigger
	// file gets an error naming its size rather than being read into memory.
	MaxFileSize = 64 << 20
	// MaxLineLength is the default longest line of a line-based input and
	// the longest text of one turn, in bytes of UTF-8 (1 MiB).
	MaxLineLength = 1 << 20
	// MaxTurns is the default largest number of turns in one call.
	MaxTurns = 20000
)

// Limits bound what one input may hold, so that a damaged or hostile file
// gets a clear error instead of exhausting memory or time. A zero field
// takes the default; the command-line flags that set each are named in the
// errors.
type Limits struct {
	// FileSize is the largest file, or standard input, in bytes (default
	// MaxFileSize, flag --max-file-size). A file is refused from its size
	// before anything is read.
	FileSize int64
	// LineLength is the longest line of a line-based input (.txt, .srt,
	// .vtt, .csv, .tsv) and the longest text of one turn in any format, in
	// bytes of UTF-8 (default MaxLineLength, flag --max-line-length). JSON
	// has no lines to speak of: its size is bounded by FileSize, its turns
	// by this limit.
	LineLength int
	// Turns is the largest number of turns in one call (default MaxTurns,
	// flag --max-turns).
	Turns int
}

func (l Limits) fileSize() int64 {
	if l.FileSize > 0 {
		return l.FileSize
	}
	return MaxFileSize
}

func (l Limits) lineLength() int {
	if l.LineLength > 0 {
		return l.LineLength
	}
	return MaxLineLength
}

func (l Limits) turns() int {
	if l.Turns > 0 {
		return l.Turns
	}
	return MaxTurns
}

// tooLarge is the error of a file over the size limit.
func (l Limits) tooLarge(path string, size int64) error {
	return parseErr(path, 0, "file too large (%s; the limit is %s, raise it with --max-file-size)", sizeString(size), sizeString(l.fileSize()))
}

// inputTooLarge is the error of standard input or a file that grew past
// the limit while it was read: its full size is not known.
func (l Limits) inputTooLarge(path string) error {
	what := "file"
	if path == "-" {
		what = "input"
	}
	return parseErr(path, 0, "%s too large (more than %s; raise the limit with --max-file-size)", what, sizeString(l.fileSize()))
}

// checkLines reports the first line of text longer than the line limit.
// Lines end at "\n", "\r\n" or "\r", as splitLines has it.
func (l Limits) checkLines(name, text string) error {
	limit := l.lineLength()
	if len(text) <= limit {
		return nil
	}
	n := 1 // the line number of text's first line
	for len(text) > 0 {
		// Pieces between "\n" are found fast; only a long one is looked
		// into for lone "\r" breaks.
		piece, rest, _ := strings.Cut(text, "\n")
		if len(piece) > limit {
			for i, line := range strings.Split(strings.TrimSuffix(piece, "\r"), "\r") {
				if len(line) > limit {
					return parseErr(name, n+i, "line too long (%s; the limit is %s, raise it with --max-line-length)", sizeString(int64(len(line))), sizeString(int64(limit)))
				}
			}
		}
		n += 1 + strings.Count(strings.TrimSuffix(piece, "\r"), "\r")
		text = rest
	}
	return nil
}

// checkCall applies the turn limits to a call read from name (of kind).
// A call that breaks one becomes an error: a call is analyzed whole or
// not at all.
func (l Limits) checkCall(name, kind string, c *Call) error {
	if n, limit := len(c.Turns), l.turns(); n > limit {
		return callErr(name, kind, c, 0, "too many turns (%d; the limit is %d per call, raise it with --max-turns)", n, limit)
	}
	limit := l.lineLength()
	for _, t := range c.Turns {
		if len(t.Text) > limit {
			return callErr(name, kind, c, t.Line, "turn %d too long (%s of text; the limit is %s, raise it with --max-line-length)", t.N, sizeString(int64(len(t.Text))), sizeString(int64(limit)))
		}
	}
	return nil
}

// callErr is an error about call c read from name: at line, or at the
// call's own line in a JSONL file, and naming the call in a file that
// holds several calls by id (a CSV export).
func callErr(name, kind string, c *Call, line int, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if rest, ok := strings.CutPrefix(c.Source, name+"#"); ok {
		if n, err := strconv.Atoi(rest); err == nil && kind == kindJSONL {
			if line == 0 {
				line = n
			}
		} else {
			msg = fmt.Sprintf("call %s: %s", c.ID, msg)
		}
	}
	return &ParseError{Path: name, Line: line, Err: errors.New(msg)}
}

// sourceLoc splits a call's Source into the file and, for a call on line N
// of a JSONL file ("calls.jsonl#N"), that line. The source of a call in a
// CSV export ("export.csv#ID") stays whole.
func sourceLoc(source string) (path string, line int) {
	i := strings.LastIndexByte(source, '#')
	if i <= 0 {
		return source, 0
	}
	path = source[:i]
	if k := kindOf(path); k == kindText || k == kindJSON || k == kindJSONL {
		if n, err := strconv.Atoi(source[i+1:]); err == nil && n > 0 {
			return path, n
		}
	}
	return source, 0
}

// locString writes a place as errors do: "path:line" or "path".
func locString(path string, line int) string {
	if line > 0 {
		return path + ":" + strconv.Itoa(line)
	}
	return path
}

// uniqueIDs rejects a call whose call_id an earlier call of the batch
// already has: the index and the evaluation key on call_id, so a second
// call would silently replace the first. Per id it keeps a copy of the id
// (never a slice of a file's text, which would keep the whole file alive)
// and where it was read: the file once, as an index, and the line.
type uniqueIDs struct {
	seen  map[string]idPlace
	paths []string // files, in reading order
}

type idPlace struct {
	path int32 // index in paths
	line int32
}

// check returns it unchanged, or an error item for a call whose id was
// seen before.
func (u *uniqueIDs) check(it Item) Item {
	if it.Call == nil {
		return it
	}
	path, line := sourceLoc(it.Call.Source)
	if first, dup := u.seen[it.Call.ID]; dup {
		return Item{Err: parseErr(path, line, "call_id %q already read from %s; call ids must be unique in a batch", it.Call.ID, locString(u.paths[first.path], int(first.line)))}
	}
	if u.seen == nil {
		u.seen = map[string]idPlace{}
	}
	if n := len(u.paths); n == 0 || u.paths[n-1] != path {
		u.paths = append(u.paths, strings.Clone(path))
	}
	u.seen[strings.Clone(it.Call.ID)] = idPlace{path: int32(len(u.paths) - 1), line: int32(min(line, math.MaxInt32))}
	return it
}
