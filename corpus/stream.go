package corpus

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"os"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/callqa/callqa/corpus/internal/textread"
)

// A JSONL file in UTF-8 is read line by line, so that reading it takes
// about the memory of its longest line and of the call on it, not of the
// whole file: a 60 MiB export is read in constant memory. readFile hands a
// JSONL file here first; a file that is not plain UTF-8 text (another
// encoding, a NUL byte, control characters, nothing but white space, or
// grown past the size limit) is read whole as before, so that its errors
// stay those of Decode.

// chunkSize is how much of a file is read at a time while streaming.
const chunkSize = 64 << 10

// utf8Scan is what the first pass over a file found.
type utf8Scan struct {
	size int64 // bytes read
	bom  bool  // the file starts with a UTF-8 byte order mark
}

// scanPlainUTF8 reads r to the end in chunks and reports whether Decode
// would take it as UTF-8 text unchanged (but for a leading byte order
// mark): valid UTF-8 with no NUL byte, no binary control character, not
// blank, and at most limit bytes.
func scanPlainUTF8(r io.Reader, limit int64) (utf8Scan, bool, error) {
	var (
		s       utf8Scan
		buf     = make([]byte, chunkSize+utf8.UTFMax)
		carry   int // bytes of an unfinished character kept from the last chunk
		nonBlnk bool
		first   = true
	)
	for {
		n, err := io.ReadFull(r, buf[carry:carry+chunkSize])
		s.size += int64(n)
		if s.size > limit {
			return s, false, nil
		}
		b := buf[:carry+n]
		if first {
			first = false
			if bytes.HasPrefix(b, bomUTF16LE) || bytes.HasPrefix(b, bomUTF16BE) {
				return s, false, nil
			}
			if bytes.HasPrefix(b, bomUTF8) {
				s.bom = true
				b = b[len(bomUTF8):]
			}
		}
		end := err == io.EOF || err == io.ErrUnexpectedEOF
		if err != nil && !end {
			return s, false, err
		}
		whole := len(b)
		if !end {
			whole = completeRunes(b)
		}
		if !plainUTF8(b[:whole]) {
			return s, false, nil
		}
		nonBlnk = nonBlnk || !blankBytes(b[:whole])
		if end {
			return s, nonBlnk && s.size > 0, nil
		}
		carry = copy(buf, b[whole:])
	}
}

// completeRunes returns the length of the longest prefix of b that does
// not end inside a UTF-8 sequence.
func completeRunes(b []byte) int {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if utf8.FullRune(b[i:]) {
				return len(b)
			}
			return i
		}
	}
	return len(b)
}

// plainUTF8 reports whether b is valid UTF-8 without a NUL byte or a
// binary control character (see isBinaryControl).
func plainUTF8(b []byte) bool {
	if textread.InvalidUTF8(b) >= 0 {
		return false
	}
	for i, c := range b {
		switch {
		case c == 0xc2 && i+1 < len(b) && 0x80 <= b[i+1] && b[i+1] < 0xa0:
			return false // a C1 control
		case c < utf8.RuneSelf && isBinaryControl(rune(c)), c == 0:
			return false
		}
	}
	return true
}

// blankBytes is blank for valid UTF-8 bytes.
func blankBytes(b []byte) bool {
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if !unicode.IsSpace(r) && r != '\ufeff' {
			return false
		}
		b = b[n:]
	}
	return true
}

// streamJSONL reads the JSONL file f, named path, line by line and emits
// its items as readJSONL and parseDecoded would from the whole file. It
// returns false, having emitted nothing, when the file is not plain UTF-8
// text: then the caller reads it whole.
func (o *ReadOptions) streamJSONL(path string, f *os.File, emit func(Item)) bool {
	scan, ok, err := scanPlainUTF8(f, o.Limits.fileSize())
	if err != nil {
		emit(Item{Err: fileErr(path, err)})
		return true
	}
	if !ok {
		return false
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		emit(Item{Err: fileErr(path, err)})
		return true
	}
	r := bufio.NewReaderSize(io.LimitReader(f, scan.size), chunkSize)
	if scan.bom {
		r.Discard(len(bomUTF8))
	}
	base := defaultID(path)
	n, emitted := 0, false
	line := func(l string) {
		n++
		if n == 1 {
			l = strings.TrimPrefix(l, "\ufeff")
		}
		if strings.TrimSpace(l) == "" {
			return
		}
		emitted = true
		emit(o.jsonlItem(path, base, n, l))
	}
	for {
		// A string of its own for each line: the fast path of the JSON
		// reader makes the turn texts slices of it, not copies.
		piece, err := r.ReadString('\n')
		if err != nil && err != io.EOF {
			emit(Item{Err: fileErr(path, err)})
			return true
		}
		if len(piece) > 0 {
			splitBreaks(piece, line)
		}
		if err == io.EOF {
			break
		}
	}
	if !emitted {
		emit(Item{Err: &ParseError{Path: path, Err: errEmpty}})
	}
	return true
}

// splitBreaks calls line with each line of piece, which ends at its only
// "\n" if it has one: lines end at "\n", "\r\n" or "\r", as in
// textread.SplitLines.
func splitBreaks(piece string, line func(string)) {
	piece = strings.TrimSuffix(piece, "\n")
	piece = strings.TrimSuffix(piece, "\r")
	for {
		i := strings.IndexByte(piece, '\r')
		if i < 0 {
			line(piece)
			return
		}
		line(piece[:i])
		piece = piece[i+1:]
	}
}

// jsonlItem reads line n of a JSONL file as readJSONL does, with the
// turn limits applied.
func (o *ReadOptions) jsonlItem(path, base string, n int, l string) Item {
	c, err := readJSONLine(path, base, n, l)
	if err != nil {
		return Item{Err: err}
	}
	if err := o.Limits.checkCall(path, kindJSONL, c); err != nil {
		return Item{Err: err}
	}
	return Item{Call: c}
}

// jsonCursor walks one JSON value that is known to be valid, as much of
// json.Decoder as jsonParser uses: Token, More, Decode and InputOffset.
// Unlike a Decoder it reads the bytes in place: a value is not copied
// into a buffer of its own before it is decoded, so a long turn costs its
// text once, and a json.RawMessage it decodes is a slice of data.
type jsonCursor struct {
	data []byte
	pos  int
}

// skip moves past white space and the separators ',' and ':'.
func (c *jsonCursor) skip() {
	for c.pos < len(c.data) {
		switch c.data[c.pos] {
		case ' ', '\t', '\n', '\r', ',', ':':
			c.pos++
			continue
		}
		return
	}
}

// InputOffset is the offset of the cursor in data.
func (c *jsonCursor) InputOffset() int64 { return int64(c.pos) }

// More reports whether an element or a member follows in the current
// array or object.
func (c *jsonCursor) More() bool {
	c.skip()
	return c.pos < len(c.data) && c.data[c.pos] != ']' && c.data[c.pos] != '}'
}

// Token returns the next delimiter as a json.Delim, or the next value
// decoded (a string, or a json.Number, bool or nil).
func (c *jsonCursor) Token() (json.Token, error) {
	c.skip()
	if c.pos >= len(c.data) {
		return nil, io.EOF
	}
	switch ch := c.data[c.pos]; ch {
	case '{', '}', '[', ']':
		c.pos++
		return json.Delim(ch), nil
	case '"':
		var s string
		err := c.Decode(&s)
		return s, err
	}
	var v any
	err := c.Decode(&v)
	return v, err
}

// Decode decodes the next value into v; into a *json.RawMessage it is a
// slice of data, not a copy.
func (c *jsonCursor) Decode(v any) error {
	c.skip()
	start := c.pos
	end := valueEnd(c.data, start)
	if end < 0 {
		return io.ErrUnexpectedEOF
	}
	c.pos = end
	if raw, ok := v.(*json.RawMessage); ok {
		*raw = c.data[start:end]
		return nil
	}
	return json.Unmarshal(c.data[start:end], v)
}

// valueEnd returns the offset just past the valid JSON value that starts
// at offset i of data, or -1 when data ends first.
func valueEnd(data []byte, i int) int {
	if i >= len(data) {
		return -1
	}
	switch data[i] {
	case '"':
		return stringEnd(data, i)
	case '{', '[':
		depth := 0
		for i < len(data) {
			switch data[i] {
			case '"':
				if i = stringEnd(data, i); i < 0 {
					return -1
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return -1
	}
	for i < len(data) {
		switch data[i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return i
		}
		i++
	}
	return i
}

// stringEnd returns the offset just past the JSON string that starts at
// offset i of data, or -1.
func stringEnd(data []byte, i int) int {
	for i++; i < len(data); i++ {
		switch data[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return -1
}
