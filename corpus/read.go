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

	"github.com/callqa/callqa/corpus/internal/textread"
)

// Item is one result of reading paths: a call or an error, never both.
type Item struct {
	Call *Call
	Err  error
	// Input numbers, from 1 in reading order, the input the item comes
	// from: a file, standard input, or a path that could not be read. The
	// items of one input are consecutive; CountInputs counts the inputs.
	Input int
}

// The kinds of input, by extension.
const (
	kindText  = ".txt"
	kindJSON  = ".json"
	kindJSONL = ".jsonl"
)

// kindOf returns the kind of input a file name says, or "": a native
// kind, or the extension of a registered format (.srt, .vtt, .csv).
func kindOf(name string) string {
	switch ext := strings.ToLower(filepath.Ext(name)); {
	case ext == kindText || ext == kindJSON || ext == kindJSONL:
		return ext
	case formatByExt(ext) != nil:
		return ext
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
	// Limits bound the size of a file, of a line and of a call.
	Limits Limits
	// Skip, when set, is called with each file of a folder that is skipped
	// for its type (an extension no reader takes), in walking order. Hidden
	// entries are not reported.
	Skip func(path string)
}

// ReadPaths reads every path in order and calls emit once per call or per
// error, in input order.
//
// A file is read according to its extension (.txt, .json or .jsonl, in any
// case); a file named here with another extension is an error. A folder is
// read recursively, entries sorted by name; there, hidden entries (names
// starting with '.') and files with other extensions are skipped, the
// latter reported to ReadOptions.Skip.
// Symbolic links are followed, to files and to folders, but a folder is
// read once: a link back into a folder being read is a loop, reported as
// an error and not followed, and a link to a folder already read is
// skipped. "-" reads stdin, which is JSON when it starts with '{' (JSONL
// when its first line is a whole JSON value and more lines follow, or
// every line starts with '{'), else a text transcript. A path that cannot
// be read is an error item. Every error is a *ParseError naming its file.
//
// Call ids are unique in the batch: a call whose call_id an earlier call
// already has is an error naming both places, and the first call stands.
// Inputs over the default Limits are errors.
func ReadPaths(paths []string, stdin io.Reader, emit func(Item)) {
	ReadPathsWith(paths, stdin, ReadOptions{}, emit)
}

// ReadPathsWith is ReadPaths with options: a forced input format, the
// speaker-to-role mapping and merge gap for speech-recognition outputs, the
// columns of CSV exports, and the limits.
func ReadPathsWith(paths []string, stdin io.Reader, opts ReadOptions, emit func(Item)) {
	var ids uniqueIDs
	walkPaths(paths, stdin, &opts, false, func(it Item) { emit(ids.check(it)) })
}

// CountInputs returns how many inputs ReadPathsWith would read from paths
// (the Input number of its last item), without reading any file: a
// progress display's total.
func CountInputs(paths []string, opts ReadOptions) int {
	opts.Skip = nil // the reading run reports them
	n := 0
	walkPaths(paths, nil, &opts, true, func(it Item) { n = it.Input })
	return n
}

// Inputs visits the inputs of paths in order, as ReadPathsWith reads them,
// without reading: for each it calls visit with a function that reads it
// and returns its items (Input set). The read functions may run at once,
// on other goroutines, in any order; to get ReadPathsWith's items, take
// their results in visit order and pass every item through one IDCheck.
// A read function holds all the items of its input; StreamInputs hands
// them on one at a time.
func Inputs(paths []string, stdin io.Reader, opts ReadOptions, visit func(read func() []Item)) {
	StreamInputs(paths, stdin, opts, func(read func(emit func(Item))) {
		visit(func() []Item {
			var items []Item
			read(func(it Item) { items = append(items, it) })
			return items
		})
	})
}

// StreamInputs is Inputs with read functions that call emit with each
// item of their input (Input set) as soon as it is read, in input order.
// A JSONL file in UTF-8 is read line by line, so when emit waits for the
// calls to be used, reading it holds about one line and one call at a
// time, whatever the size of the file.
func StreamInputs(paths []string, stdin io.Reader, opts ReadOptions, visit func(read func(emit func(Item)))) {
	walkPathsWith(paths, stdin, &opts, func(n int, read func(emit func(Item))) {
		visit(func(emit func(Item)) {
			read(func(it Item) {
				it.Input = n
				emit(it)
			})
		})
	})
}

// IDCheck rejects, in reading order, a call whose call_id an earlier call
// already has (see ReadPaths). The zero value is ready to use.
type IDCheck struct{ ids uniqueIDs }

// Check returns it, or an error item when its call's id was seen before.
func (c *IDCheck) Check(it Item) Item { return c.ids.check(it) }

// walkPaths reads paths, or with count only visits the inputs, emitting
// one placeholder item for each.
func walkPaths(paths []string, stdin io.Reader, o *ReadOptions, count bool, emit func(Item)) {
	walkPathsWith(paths, stdin, o, func(n int, read func(emit func(Item))) {
		if count {
			emit(Item{Input: n})
			return
		}
		read(func(it Item) {
			it.Input = n
			emit(it)
		})
	})
}

// walkPathsWith calls visit with the number and the reader of each input.
func walkPathsWith(paths []string, stdin io.Reader, o *ReadOptions, visit func(n int, read func(emit func(Item)))) {
	w := &walker{o: o, visit: visit, read: map[string]bool{}}
	for _, p := range paths {
		if p == "-" {
			w.input(items(func() []Item { return o.readStdin(stdin) }))
			continue
		}
		fi, err := os.Stat(p)
		switch {
		case err != nil:
			w.fail(statErr(p, err))
		case fi.IsDir():
			real, err := realPath(p)
			if err != nil {
				w.fail(statErr(p, err))
				continue
			}
			w.dir(p, real, nil)
		case kindOf(p) == "" && !o.forced():
			w.fail(unsupported(p))
		default:
			w.file(p)
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
	var items []Item
	(&ReadOptions{}).readFile(path, func(it Item) { items = append(items, it) })
	return splitItems(items)
}

func unsupported(path string) error {
	ext := filepath.Ext(path)
	if ext == "" {
		return parseErr(path, 0, "unsupported file type (no extension; want %s, or name the format with --input-format)", extList())
	}
	return parseErr(path, 0, "unsupported file type %q (want %s, or name the format with --input-format)", ext, extList())
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

// statErr is fileErr for a path that os.Stat could not follow: a symbolic
// link whose target is missing says so.
func statErr(path string, err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		if fi, lerr := os.Lstat(path); lerr == nil && fi.Mode()&fs.ModeSymlink != 0 {
			target, _ := os.Readlink(path)
			return parseErr(path, 0, "broken symbolic link (it points to %q, which does not exist)", target)
		}
	}
	return fileErr(path, err)
}

// forced reports whether a format was named for every input.
func (o *ReadOptions) forced() bool { return o.Format != "" && o.Format != "auto" }

// checkFile refuses what is not a regular file within the size limit.
func (o *ReadOptions) checkFile(path string, fi fs.FileInfo) error {
	switch m := fi.Mode(); {
	case m.IsDir():
		return parseErr(path, 0, "is a directory")
	case m&fs.ModeNamedPipe != 0:
		// Opening a pipe blocks until someone writes to it.
		return parseErr(path, 0, "not a regular file (a named pipe); read a stream as standard input with -")
	case m&fs.ModeSocket != 0:
		return parseErr(path, 0, "not a regular file (a socket)")
	case m&fs.ModeDevice != 0:
		return parseErr(path, 0, "not a regular file (a device)")
	case !m.IsRegular():
		return parseErr(path, 0, "not a regular file")
	case fi.Size() > o.Limits.fileSize():
		return o.Limits.tooLarge(path, fi.Size())
	}
	return nil
}

// readFile reads a file whose extension is supported and emits its items.
// What the file is and its size are checked before it is opened: a pipe is
// never opened (that would block) and a file over the limit is never read.
// A JSONL file in UTF-8 is read line by line (streamJSONL), any other
// whole.
func (o *ReadOptions) readFile(path string, emit func(Item)) {
	fi, err := os.Stat(path)
	if err != nil {
		emit(Item{Err: statErr(path, err)})
		return
	}
	if err := o.checkFile(path, fi); err != nil {
		emit(Item{Err: err})
		return
	}
	f, err := os.Open(path)
	if err != nil {
		emit(Item{Err: fileErr(path, err)})
		return
	}
	defer f.Close()
	// The same checks on the file opened, in case it changed in between.
	if fi, err = f.Stat(); err != nil {
		emit(Item{Err: fileErr(path, err)})
		return
	}
	if err := o.checkFile(path, fi); err != nil {
		emit(Item{Err: err})
		return
	}
	if o.nativeKind(kindOf(path)) == kindJSONL {
		if o.streamJSONL(path, f, emit) {
			return
		}
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			emit(Item{Err: fileErr(path, err)})
			return
		}
	}
	for _, it := range o.readWhole(path, f) {
		emit(it)
	}
}

// readWhole reads the open file f, named path, into memory and parses it.
func (o *ReadOptions) readWhole(path string, f *os.File) []Item {
	limit := o.Limits.fileSize()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return []Item{{Err: fileErr(path, err)}}
	}
	if int64(len(b)) > limit {
		return []Item{{Err: o.Limits.inputTooLarge(path)}}
	}
	return o.parse(path, kindOf(path), b)
}

// nativeKind returns the native kind (.txt, .json, .jsonl) an input of
// kind is read as, or "" when a registered format reads it.
func (o *ReadOptions) nativeKind(kind string) string {
	if o.forced() {
		if findFormat(o.Format) != nil {
			return ""
		}
		return "." + o.Format
	}
	if formatByExt(kind) != nil {
		return ""
	}
	return kind
}

// sizeString writes a size in bytes the way people read it.
func sizeString(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
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
	limit := o.Limits.fileSize()
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return []Item{{Err: &ParseError{Path: name, Err: err}}}
	}
	if int64(len(b)) > limit {
		return []Item{{Err: o.Limits.inputTooLarge(name)}}
	}
	text, err := decodeInput(name, b)
	if err != nil {
		return []Item{{Err: err}}
	}
	return o.parseDecoded(name, sniff(text), text)
}

// sniff guesses the kind of decoded input without a file name.
func sniff(text string) string {
	var lines []string
	for _, l := range textread.SplitLines(strings.TrimPrefix(text, "\ufeff")) {
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
	text, err := decodeInput(name, b)
	if err != nil {
		return []Item{{Err: err}}
	}
	return o.parseDecoded(name, kind, text)
}

// parseDecoded reads decoded text as kind, within the limits.
func (o *ReadOptions) parseDecoded(name, kind, text string) []Item {
	if o.forced() && findFormat(o.Format) == nil {
		kind = "." + o.Format // a native format named for every input
	}
	f := o.formatFor(kind, text)
	if kind == kindText && f == nil || f != nil && len(f.Exts) > 0 {
		// A line-based format (.txt, subtitles, CSV): no line may exceed
		// the limit. JSON is bounded by the file size.
		if err := o.Limits.checkLines(name, text); err != nil {
			return []Item{{Err: err}}
		}
	}
	items := o.parseKind(f, name, kind, text)
	for i, it := range items {
		if it.Call != nil {
			if err := o.Limits.checkCall(name, kind, it.Call); err != nil {
				items[i] = Item{Err: err}
			}
		}
	}
	return items
}

// parseKind reads decoded text with the registered format f, or
// when f is nil with the native reader of kind.
func (o *ReadOptions) parseKind(f *Format, name, kind, text string) []Item {
	if f != nil {
		return o.readFormat(f, name, text)
	}
	var (
		c   *Call
		err error
	)
	switch kind {
	case kindJSONL:
		return readJSONL(name, text)
	case kindJSON:
		c, err = readJSONText(name, text)
	default:
		c, err = ReadText(name, text)
	}
	if err != nil {
		return []Item{{Err: wrapErr(name, 0, err)}}
	}
	return []Item{{Call: c}}
}

// realPath is the absolute path of p with every symbolic link resolved.
func realPath(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	return filepath.EvalSymlinks(abs)
}

// walker reads a folder tree. It follows symbolic links, to files and to
// folders, and reads every folder once: it remembers the real path (links
// resolved) of each folder it read, so memory grows with the number of
// folders, and the walk ends even when links form a loop.
type walker struct {
	o     *ReadOptions
	visit func(n int, read func(emit func(Item)))
	read  map[string]bool // real paths of the folders read so far
	n     int             // inputs so far
}

// input numbers the next input and hands it, with its reader, to visit.
func (w *walker) input(read func(emit func(Item))) {
	w.n++
	w.visit(w.n, read)
}

// items turns a reader that returns its items into one that emits them.
func items(read func() []Item) func(emit func(Item)) {
	return func(emit func(Item)) {
		for _, it := range read() {
			emit(it)
		}
	}
}

// file reads the file at path as one input.
func (w *walker) file(path string) {
	w.input(func(emit func(Item)) { w.o.readFile(path, emit) })
}

// fail emits err as an input of its own.
func (w *walker) fail(err error) {
	w.input(func(emit func(Item)) { emit(Item{Err: err}) })
}

// dir reads the folder at path, whose real path is real. enclosing holds
// the real paths of the folders being read around it, outermost first.
func (w *walker) dir(path, real string, enclosing []string) {
	w.read[real] = true
	enclosing = append(enclosing, real)
	entries, err := os.ReadDir(path)
	if err != nil {
		// ReadDir returns the entries it read before the error.
		w.fail(fileErr(path, err))
	}
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			continue
		}
		p := filepath.Join(path, name)
		switch {
		case e.Type()&fs.ModeSymlink != 0:
			w.link(p, enclosing)
		case e.IsDir():
			if r := filepath.Join(real, name); !w.read[r] {
				w.dir(p, r, enclosing)
			}
		case kindOf(name) != "":
			w.file(p)
		default:
			w.skip(p)
		}
	}
}

// skip reports a file skipped for its type.
func (w *walker) skip(path string) {
	if w.o.Skip != nil {
		w.o.Skip(path)
	}
}

// link reads what the symbolic link at path points to: a file as any
// file, a folder as part of the tree, unless that folder holds the link
// (a loop, reported once here) or was read already.
func (w *walker) link(path string, enclosing []string) {
	supported := kindOf(path) != ""
	fi, err := os.Stat(path)
	if err != nil {
		// A broken link is only worth an error where a file would have
		// been read; one named like a folder could have been either.
		if supported || !errors.Is(err, fs.ErrNotExist) {
			w.fail(statErr(path, err))
		}
		return
	}
	if !fi.IsDir() {
		if supported {
			w.file(path)
		} else {
			w.skip(path)
		}
		return
	}
	real, err := realPath(path)
	if err != nil {
		w.fail(fileErr(path, err))
		return
	}
	for _, e := range enclosing {
		if e == real || strings.HasPrefix(e, strings.TrimSuffix(real, string(filepath.Separator))+string(filepath.Separator)) {
			target, _ := os.Readlink(path)
			w.fail(parseErr(path, 0, "symbolic link loop (it points to %q, a folder that holds it); not followed", target))
			return
		}
	}
	if !w.read[real] {
		w.dir(path, real, enclosing)
	}
}

// formatFor returns the registered format to read an input with, or nil
// for the native readers: the named format when one is forced, else the
// one its extension selects, else, for JSON without the native "turns",
// the first whose shape the document has.
func (o *ReadOptions) formatFor(kind, text string) *Format {
	if o.forced() {
		return findFormat(o.Format)
	}
	if f := formatByExt(kind); f != nil {
		return f
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
	for i := range formats {
		if f := &formats[i]; f.SniffJSON != nil && f.SniffJSON(top, []byte(trimmed)) {
			return f
		}
	}
	return nil
}

// readFormat reads an input with the registered format f: one call, or
// one call per call id for formats that hold several (CSV exports, whose
// calls get the source name#ID). Errors read "file:line: format: what".
func (o *ReadOptions) readFormat(f *Format, name, text string) []Item {
	fail := func(line int, err error) []Item {
		var pe *ParseError
		if errors.As(err, &pe) {
			return []Item{{Err: &ParseError{Path: name, Line: pe.Line, Err: fmt.Errorf("%s: %w", f.Name, pe.Err)}}}
		}
		return []Item{{Err: &ParseError{Path: name, Line: line, Err: fmt.Errorf("%s: %w", f.Name, err)}}}
	}
	if f.ReadMany != nil {
		ts, lines, err := f.ReadMany(name, []byte(text), o)
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
	t, err := f.Read(name, []byte(text), o)
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
	for _, f := range formats {
		exts = append(exts, f.Exts...)
	}
	return strings.Join(exts, ", ")
}
