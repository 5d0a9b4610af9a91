package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/callqa/callqa/corpus"
	"github.com/callqa/callqa/index"
	"github.com/callqa/callqa/result"
)

// mappedLine is one line of callqa scan --format jsonl --with-call: the
// result, the transcript it was analyzed from and the rules version.
type mappedLine struct {
	result.Result
	Call         *corpus.Call `json:"call"`
	RulesVersion string       `json:"rules_version"`
}

// runIndexFromJSONL stores the lines of scan --with-call as they are. A
// line that cannot be loaded is reported with its file and line; the load
// goes on with the rest and exits with status 2.
func runIndexFromJSONL(opts *IndexOptions) error {
	w, where, err := opts.openWriter()
	if err != nil {
		return &exitError{code: exitTrouble, err: err}
	}
	var loaded, failed int
	var storeErr error
	for _, path := range opts.Paths {
		n, bad, err := loadJSONL(opts.IO, path, w)
		loaded += n
		failed += bad
		if err != nil {
			storeErr = err
			break
		}
	}
	closeErr := w.Close()
	printIndexed(opts.IO.Out, where, w.Tally(), failed, "")
	if err := errors.Join(storeErr, closeErr); err != nil {
		return &exitError{code: exitTrouble, err: err}
	}
	if failed > 0 {
		fmt.Fprintf(opts.IO.ErrOut, "callqa: %d of %d inputs failed; %d calls loaded\n", failed, failed+loaded, loaded)
		return &exitError{code: exitTrouble}
	}
	return nil
}

// loadJSONL adds the lines of one file (- is standard input) to w. It
// returns the calls handed to w and the inputs that failed (a file that
// cannot be read counts as one); err is a failure of the store itself,
// which ends the load.
func loadJSONL(ios *IOStreams, path string, w index.Writer) (loaded, failed int, err error) {
	var r io.Reader = ios.In
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			printError(ios.ErrOut, err)
			return 0, 1, nil
		}
		defer f.Close()
		if st, err := f.Stat(); err == nil && st.IsDir() {
			printError(ios.ErrOut, &corpus.ParseError{Path: path, Err: errors.New("is a folder: give the JSONL files of callqa scan --format jsonl --with-call")})
			return 0, 1, nil
		}
		r = f
	}
	br := bufio.NewReaderSize(r, 1<<20)
	for n := 1; ; n++ {
		line, readErr := readLine(br, maxMappedLine)
		if errors.Is(readErr, errLongLine) {
			printError(ios.ErrOut, &corpus.ParseError{Path: path, Line: n, Err: readErr})
			failed++
			continue
		}
		if len(bytes.TrimSpace(line)) > 0 {
			res, version, perr := parseMappedLine(path, n, line)
			if perr != nil {
				printError(ios.ErrOut, perr)
				failed++
			} else {
				if _, err := w.Add(res, version); err != nil {
					return loaded, failed, err
				}
				loaded++
			}
		}
		if readErr == io.EOF {
			return loaded, failed, nil
		}
		if readErr != nil {
			printError(ios.ErrOut, &corpus.ParseError{Path: path, Line: n, Err: readErr})
			return loaded, failed + 1, nil
		}
	}
}

// maxMappedLine is the longest line --from-jsonl reads: a call of ten
// thousand turns takes a few megabytes.
const maxMappedLine = 64 << 20

var errLongLine = fmt.Errorf("line longer than %d MiB: not a line of callqa scan --format jsonl --with-call", maxMappedLine>>20)

// readLine reads one line (with its newline) of at most limit bytes; a
// longer one is read to its end and thrown away, and gives errLongLine.
func readLine(br *bufio.Reader, limit int) ([]byte, error) {
	var line []byte
	for {
		part, err := br.ReadSlice('\n')
		if len(line)+len(part) > limit {
			for errors.Is(err, bufio.ErrBufferFull) {
				_, err = br.ReadSlice('\n')
			}
			if err != nil && err != io.EOF {
				return nil, err
			}
			return nil, errLongLine
		}
		line = append(line, part...)
		if !errors.Is(err, bufio.ErrBufferFull) {
			return line, err
		}
	}
}

// parseMappedLine reads line n of path as a line of scan --with-call.
// Errors are one line, path:n: what is wrong.
func parseMappedLine(path string, n int, line []byte) (*result.Result, string, error) {
	bad := func(format string, args ...any) error {
		return &corpus.ParseError{Path: path, Line: n, Err: fmt.Errorf(format, args...)}
	}
	var m mappedLine
	if err := json.Unmarshal(line, &m); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			return nil, "", bad("column %d: %v", se.Offset, se)
		case errors.As(err, &te):
			// The fields of the embedded result are named Result.field.
			return nil, "", bad("column %d: %q is a JSON %s, want %s", te.Offset, strings.TrimPrefix(te.Field, "Result."), te.Value, te.Type)
		}
		return nil, "", bad("%v", err)
	}
	switch {
	case m.CallID == "":
		return nil, "", bad("no \"call_id\": not a line of callqa scan --format jsonl")
	case m.Call == nil:
		return nil, "", bad("call %s has no \"call\" field: write the lines with callqa scan --format jsonl --with-call", m.CallID)
	case m.RulesVersion == "":
		return nil, "", bad("call %s has no \"rules_version\": write the lines with callqa scan --format jsonl --with-call", m.CallID)
	case m.Call.ID != m.CallID:
		return nil, "", bad("call %s: its \"call\" is call %s", m.CallID, m.Call.ID)
	case len(m.Call.Turns) == 0:
		return nil, "", bad("call %s: its \"call\" has no turns", m.CallID)
	}
	res := m.Result
	res.Call = m.Call
	return &res, m.RulesVersion, nil
}
