package corpus

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Item is one result of reading paths: a call or an error, never both.
type Item struct {
	Call *Call
	Err  error
}

// MaxFileSize is the largest input accepted, in bytes (64 MiB). A bigger
// file gets an error naming its size rather than being read into memory.
const MaxFileSize = 64 << 20

// The kinds of input, by extension.
const (
	kindText  = ".txt"
	kindJSON  = ".json"
	kindJSONL = ".jsonl"
)

// kindOf returns the kind of input a file name says, or "": a native
// kind, or the extension of a speech-recognition format (.srt, .vtt, .csv).
func kindOf(name string) string {
	switch ext := strings.ToLower(filepath.Ext(name)); ext {
	case kindText, kindJSON, kindJSONL:
		return ext
	default:
		for _, f := range asrFormats {
			for _, e := range f.exts {
				if e == ext {
					return ext
				}
			}
		}
	}
	return ""
}

// ReadOptions tune how inputs are read. The zero value reads the native
// formats by extension and recognizes speech-recognition outputs by their
// content.
type ReadOptions struct {
	// Format is "" or "auto" (by extension and content), or one of
	// FormatNames() to read every input as that format.
	Format string
	// Build says how speech-recognition segments become turns.
	Build BuildOptions
	// CSV names the columns of CSV exports.
	CSV CSVColumns
}

// ReadPaths reads every path in order and calls emit once per call or per
// error, in input order.
//
// A file is read according to its extension (.txt, .json or .jsonl, in any
// case); a file named here with another extension is an error. A folder is
// read recursively, entries sorted by name; there, hidden entries (names
// starting with '.') and files with other extensions are skipped silently.
// "-" reads stdin, which is JSON when it starts with '{' (JSONL when its
// first line is a whole JSON value and more lines follow, or every line
// starts with '{'), else a text transcript. A path that cannot be read is
// an error item. Every error is a *ParseError naming its file.
func ReadPaths(paths []string, stdin io.Reader, emit func(Item)) {
	ReadPathsWith(paths, stdin, ReadOptions{}, emit)
}

// ReadPathsWith is ReadPaths with options: a forced input format, the
// speaker-to-role mapping and merge gap for speech-recognition outputs, and
// the columns of CSV exports.
func ReadPathsWith(paths []string, stdin io.Reader, opts ReadOptions, emit func(Item)) {
	o := &opts
	for _, p := range paths {
		if p == "-" {
			emitAll(emit, o.readStdin(stdin))
			continue
		}
		fi, err := os.Stat(p)
		switch {
		case err != nil:
			emit(Item{Err: fileErr(p, err)})
		case fi.IsDir():
			o.readDir(p, emit)
		case kindOf(p) == "" && !o.forced():
			emit(Item{Err: unsupported(p)})
		default:
			emitAll(emit, o.readFile(p))
		}
	}
}

// ReadFile reads one file of any supported extension (.txt, .json,
// .jsonl) and returns its calls and its errors, each in input order. A .txt
// or .json file gives one call or one error; a .jsonl file one call per
// good line and one error per bad line.
func ReadFile(path string) ([]*Call, []error) {
	if kindOf(path) == "" {
		if fi, err := os.Stat(path); err != nil {
			return nil, []error{fileErr(path, err)}
		} else if fi.IsDir() {
			return nil, []error{parseErr(path, 0, "is a directory")}
		}
		return nil, []error{unsupported(path)}
	}
	return splitItems((&ReadOptions{}).readFile(path))
}

func unsupported(path string) error {
	ext := filepath.Ext(path)
	if ext == "" {
		return parseErr(path, 0, "unsupported file type (no extension; want %s, or name the format with --input-format)", extList())
	}
	return parseErr(path, 0, "unsupported file type %q (want %s, or name the format with --input-format)", ext, extList())
}

func emitAll(emit func(Item), items []Item) {
	for _, it := range items {
		emit(it)
	}
}

// fileErr turns an error from the file system into a *ParseError, without
// repeating the path that *fs.PathError carries.
func fileErr(path string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return &ParseError{Path: path, Err: err}
}

// forced reports whether a format was named for every input.
func (o *ReadOptions) forced() bool { return o.Format != "" && o.Format != "auto" }

// readFile reads a file whose extension is supported.
func (o *ReadOptions) readFile(path string) []Item {
	f, err := os.Open(path)
	if err != nil {
		return []Item{{Err: fileErr(path, err)}}
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return []Item{{Err: fileErr(path, err)}}
	}
	switch {
	case fi.IsDir():
		return []Item{{Err: parseErr(path, 0, "is a directory")}}
	case !fi.Mode().IsRegular():
		// A pipe or a device could block or never end.
		return []Item{{Err: parseErr(path, 0, "not a regular file")}}
	case fi.Size() > MaxFileSize:
		return []Item{{Err: parseErr(path, 0, "file too large (%s; the limit is %s)", sizeString(fi.Size()), sizeString(MaxFileSize))}}
	}
	b, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return []Item{{Err: fileErr(path, err)}}
	}
	if len(b) > MaxFileSize {
		return []Item{{Err: parseErr(path, 0, "file too large (more than %s)", sizeString(MaxFileSize))}}
	}
	return o.parse(path, kindOf(path), b)
}

// sizeString writes a size in bytes the way people read it.
func sizeString(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// readStdin reads standard input and guesses its kind.
func (o *ReadOptions) readStdin(r io.Reader) []Item {
	const name = "-"
	if r == nil {
		return []Item{{Err: parseErr(name, 0, "no standard input")}}
	}
	b, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return []Item{{Err: &ParseError{Path: name, Err: err}}}
	}
	if len(b) > MaxFileSize {
		return []Item{{Err: parseErr(name, 0, "input too large (more than %s)", sizeString(MaxFileSize))}}
	}
	text, _, err := Decode(b)
	if err != nil {
		return []Item{{Err: &ParseError{Path: name, Err: err}}}
	}
	return o.parseDecoded(name, sniff(text), text)
}

// sniff guesses the kind of decoded input without a file name.
func sniff(text string) string {
	var lines []string
	for _, l := range splitLines(strings.TrimPrefix(text, "\ufeff")) {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) == 0 || !strings.HasPrefix(lines[0], "{") {
		return kindText
	}
	if len(lines) == 1 {
		return kindJSON
	}
	if json.Valid([]byte(lines[0])) {
		return kindJSONL
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "{") {
			return kindJSON
		}
	}
	return kindJSONL
}

// parse decodes raw input and reads it as kind.
func (o *ReadOptions) parse(name, kind string, b []byte) []Item {
	text, _, err := Decode(b)
	if err != nil {
		return []Item{{Err: &ParseError{Path: name, Err: err}}}
	}
	return o.parseDecoded(name, kind, text)
}

// parseDecoded reads decoded text as kind.
func (o *ReadOptions) parseDecoded(name, kind, text string) []Item {
	var (
		c   *Call
		err error
	)
	if o.forced() && findFormat(o.Format) == nil {
		kind = "." + o.Format // a native format named for every input
	}
	if f := o.asrFormatFor(kind, text); f != nil {
		return o.readASR(f, name, text)
	}
	switch kind {
	case kindJSONL:
		return readJSONL(name, []byte(text))
	case kindJSON:
		c, err = ReadJSON(name, []byte(text))
	default:
		c, err = ReadText(name, text)
	}
	if err != nil {
		return []Item{{Err: wrapErr(name, 0, err)}}
	}
	return []Item{{Call: c}}
}

// readDir reads the supported files under root, recursively, in name order.
func (o *ReadOptions) readDir(root string, emit func(Item)) {
	if fi, err := os.Lstat(root); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		// WalkDir does not follow a link, even at the root; a trailing
		// separator makes the root the folder the link points to.
		root += string(filepath.Separator)
	}
	_ = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			emit(Item{Err: fileErr(path, err)})
			return nil // carry on with the rest of the folder
		}
		if path != root && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() || kindOf(path) == "" {
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			// Follow links to files; links to folders are not walked, so
			// that a link cannot make the walk loop.
			fi, err := os.Stat(path)
			if err != nil {
				emit(Item{Err: fileErr(path, err)})
				return nil
			}
			if fi.IsDir() {
				return nil
			}
		}
		emitAll(emit, o.readFile(path))
		return nil
	})
}

// asrFormatFor returns the speech-recognition format to read an input
// with, or nil for the native readers: the named format when one is forced,
// else the one its extension selects, else, for JSON without the native
// "turns", the first whose shape the document has.
func (o *ReadOptions) asrFormatFor(kind, text string) *asrFormat {
	if o.forced() {
		return findFormat(o.Format)
	}
	for i := range asrFormats {
		for _, e := range asrFormats[i].exts {
			if e == kind {
				return &asrFormats[i]
			}
		}
	}
	if kind != kindJSON {
		return nil
	}
	trimmed := strings.TrimSpace(strings.TrimPrefix(text, "\ufeff"))
	var top map[string]json.RawMessage
	switch {
	case strings.HasPrefix(trimmed, "{"):
		if json.Unmarshal([]byte(trimmed), &top) != nil {
			return nil // the native reader reports where the JSON breaks
		}
		if _, ok := top["turns"]; ok {
			return nil
		}
	case !strings.HasPrefix(trimmed, "["):
		return nil
	}
	for i := range asrFormats {
		if f := &asrFormats[i]; f.sniffJSON != nil && f.sniffJSON(top, []byte(trimmed)) {
			return f
		}
	}
	return nil
}

// readASR reads a speech-recognition output with format f: one call, or
// one call per call id for formats that hold several (CSV exports, whose
// calls get the source name#ID). Errors read "file:line: format: what".
func (o *ReadOptions) readASR(f *asrFormat, name, text string) []Item {
	fail := func(line int, err error) []Item {
		var pe *ParseError
		if errors.As(err, &pe) {
			return []Item{{Err: &ParseError{Path: name, Line: pe.Line, Err: fmt.Errorf("%s: %w", f.name, pe.Err)}}}
		}
		return []Item{{Err: &ParseError{Path: name, Line: line, Err: fmt.Errorf("%s: %w", f.name, err)}}}
	}
	if f.readMany != nil {
		ts, lines, err := f.readMany(name, []byte(text), o)
		if err != nil {
			return fail(0, err)
		}
		var items []Item
		for i, t := range ts {
			source := name
			if len(ts) > 1 {
				source = name + "#" + t.ID
			}
			c, err := BuildCall(source, t, o.Build)
			if err != nil {
				items = append(items, fail(lines[i], err)...)
				continue
			}
			items = append(items, Item{Call: c})
		}
		return items
	}
	t, err := f.read(name, []byte(text), o)
	if err != nil {
		return fail(0, err)
	}
	c, err := BuildCall(name, t, o.Build)
	if err != nil {
		return fail(0, err)
	}
	return []Item{{Call: c}}
}

// extList names the supported extensions, for messages.
func extList() string {
	exts := []string{kindText, kindJSON, kindJSONL}
	for _, f := range asrFormats {
		exts = append(exts, f.exts...)
	}
	return strings.Join(exts, ", ")
}
