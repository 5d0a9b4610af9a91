package asr

import (
	"fmt"

	"github.com/callqa/callqa/corpus"
)

// parseErr builds a *corpus.ParseError with a formatted message.
func parseErr(path string, line int, format string, args ...any) *corpus.ParseError {
	return &corpus.ParseError{Path: path, Line: line, Err: fmt.Errorf(format, args...)}
}
