package corpus

import (
	"errors"
	"fmt"
	"strconv"
)

// ParseError is a problem in one input, modelled on encoding/csv.ParseError.
// Path is the file as given ("-" for standard input). Line is 1-based; 0
// means the problem concerns the whole file. Err is the problem itself and
// reads as a lowercase phrase without the location.
type ParseError struct {
	Path string
	Line int
	Err  error
}

// Error prints "path:line: msg", or "path: msg" when Line is 0.
func (e *ParseError) Error() string {
	msg := "unknown error"
	if e.Err != nil {
		msg = e.Err.Error()
	}
	switch {
	case e.Path == "" && e.Line > 0:
		return "line " + strconv.Itoa(e.Line) + ": " + msg
	case e.Path == "":
		return msg
	case e.Line > 0:
		return e.Path + ":" + strconv.Itoa(e.Line) + ": " + msg
	default:
		return e.Path + ": " + msg
	}
}

// Unwrap returns the underlying error so that errors.Is and errors.As see
// through the location.
func (e *ParseError) Unwrap() error { return e.Err }

// Problems shared by several readers. They stay unexported: callers match
// them by message or through the ParseError they are wrapped in.
var (
	errEmpty   = errors.New("empty file")
	errNoTurns = errors.New("no turns")
)

// parseErr builds a *ParseError with a formatted message.
func parseErr(path string, line int, format string, args ...any) *ParseError {
	return &ParseError{Path: path, Line: line, Err: fmt.Errorf(format, args...)}
}

// wrapErr puts err at path:line, unless it already is a *ParseError, which
// keeps its own location.
func wrapErr(path string, line int, err error) error {
	var pe *ParseError
	if errors.As(err, &pe) {
		return err
	}
	return &ParseError{Path: path, Line: line, Err: err}
}
