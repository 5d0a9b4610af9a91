package corpus

import (
	"bytes"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// The encodings Decode reports.
const (
	encUTF8    = "utf-8"
	encUTF8BOM = "utf-8-bom"
	encUTF16LE = "utf-16le"
	encUTF16BE = "utf-16be"
	encGB18030 = "gb18030"
)

var (
	bomUTF8    = []byte{0xef, 0xbb, 0xbf}
	bomUTF16LE = []byte{0xff, 0xfe}
	bomUTF16BE = []byte{0xfe, 0xff}
	// gbReplacement is U+FFFD written in GB18030: the one sequence that
	// may legitimately decode to the replacement character.
	gbReplacement = []byte{0x84, 0x31, 0xa4, 0x37}
)

// Decode turns raw file bytes into UTF-8 text and names the encoding it
// found: "utf-8-bom" (the BOM is dropped), "utf-16le" or "utf-16be" (only
// with a byte order mark), "utf-8" for valid UTF-8, else "gb18030" (a
// superset of GBK and GB2312) when every byte sequence decodes.
//
// Decode refuses what is not text: a NUL byte outside UTF-16 or more than a
// few control characters make a "binary file" error, bytes that are neither
// UTF-8 nor GB18030 a "not UTF-8 or GB18030 text (invalid byte 0xff at
// offset 12)" error, and input that is empty, or only white space and byte
// order marks, the error "empty file". Offsets are 0-based byte offsets into
// b. On error text and encoding are empty.
func Decode(b []byte) (text string, encoding string, err error) {
	if len(b) == 0 {
		return "", "", errEmpty
	}
	switch {
	case bytes.HasPrefix(b, bomUTF8):
		text, err = decodeUTF8(b[len(bomUTF8):], len(bomUTF8))
		encoding = encUTF8BOM
	case bytes.HasPrefix(b, bomUTF16LE):
		text, err = decodeUTF16(b[2:], false, 2)
		encoding = encUTF16LE
	case bytes.HasPrefix(b, bomUTF16BE):
		text, err = decodeUTF16(b[2:], true, 2)
		encoding = encUTF16BE
	default:
		text, encoding, err = decodeUnmarked(b)
	}
	if err != nil {
		return "", "", err
	}
	if blank(text) {
		return "", "", errEmpty
	}
	return text, encoding, nil
}

// blank reports whether s holds nothing but white space and byte order marks.
func blank(s string) bool {
	for _, r := range s {
		if !unicode.IsSpace(r) && r != '\ufeff' {
			return false
		}
	}
	return true
}

// decodeUTF8 checks that b (found at offset base of the input) is UTF-8 text.
func decodeUTF8(b []byte, base int) (string, error) {
	if i := invalidUTF8(b); i >= 0 {
		return "", fmt.Errorf("not UTF-8 text after a UTF-8 byte order mark (invalid byte 0x%02x at offset %d)", b[i], base+i)
	}
	if i := bytes.IndexByte(b, 0); i >= 0 {
		return "", fmt.Errorf("binary file (NUL byte at offset %d)", base+i)
	}
	if err := checkControls(b, base, true); err != nil {
		return "", err
	}
	return string(b), nil
}

// decodeUnmarked handles input without a byte order mark: UTF-8 if valid,
// else GB18030.
func decodeUnmarked(b []byte) (string, string, error) {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		hint := ""
		if looksUTF16(b) {
			// UTF-16 without a BOM is legal but ambiguous; Windows tools
			// always write the BOM, so ask for it rather than guess.
			hint = "; UTF-16 text needs a byte order mark"
		}
		return "", "", fmt.Errorf("binary file (NUL byte at offset %d%s)", i, hint)
	}
	u8 := invalidUTF8(b)
	if u8 < 0 {
		if err := checkControls(b, 0, true); err != nil {
			return "", "", err
		}
		return string(b), encUTF8, nil
	}
	text, gb := decodeGB18030(b)
	if gb >= 0 {
		// Report the position of whichever decoder got further: that is
		// the encoding the file most likely is in.
		off := max(u8, gb)
		return "", "", fmt.Errorf("not UTF-8 or GB18030 text (invalid byte 0x%02x at offset %d)", b[off], off)
	}
	// C0 controls are single bytes in GB18030 too (trail bytes are >= 0x30),
	// so the byte scan finds them at their true offsets.
	if err := checkControls(b, 0, false); err != nil {
		return "", "", err
	}
	// GB18030 has its own byte order mark (84 31 95 33), which decodes to U+FEFF.
	return strings.TrimPrefix(text, "\ufeff"), encGB18030, nil
}

// invalidUTF8 returns the offset of the first byte of b that is not part of
// a valid UTF-8 sequence, or -1.
func invalidUTF8(b []byte) int {
	if utf8.Valid(b) {
		return -1
	}
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return -1
}

// decodeGB18030 decodes b as GB18030. It returns the text and -1, or the
// offset of the first sequence that does not decode.
//
// The x/text decoder turns bad sequences into U+FFFD and carries on, which
// would silently damage a transcript, so each multi-byte sequence is
// delimited here and decoded on its own.
func decodeGB18030(b []byte) (string, int) {
	dec := simplifiedchinese.GB18030.NewDecoder()
	var sb strings.Builder
	sb.Grow(len(b) + len(b)/2)
	var buf [8]byte
	for i := 0; i < len(b); {
		if c := b[i]; c < utf8.RuneSelf {
			sb.WriteByte(c)
			i++
			continue
		}
		n := gbSequenceLen(b[i:])
		if n == 0 {
			return "", i
		}
		seq := b[i : i+n]
		nDst, nSrc, err := dec.Transform(buf[:], seq, true)
		if err != nil || nSrc != n {
			return "", i
		}
		r, _ := utf8.DecodeRune(buf[:nDst])
		if r == utf8.RuneError && !bytes.Equal(seq, gbReplacement) {
			return "", i
		}
		sb.Write(buf[:nDst])
		i += n
	}
	return sb.String(), -1
}

// gbSequenceLen returns the length of the GB18030 sequence that starts b
// (whose first byte is >= 0x80), or 0 if it is malformed.
func gbSequenceLen(b []byte) int {
	c0 := b[0]
	switch {
	case c0 == 0x80:
		return 1 // the euro sign in code page 936, as the WHATWG decoder does
	case c0 == 0xff:
		return 0
	case len(b) < 2:
		return 0
	}
	switch c1 := b[1]; {
	case 0x40 <= c1 && c1 <= 0x7e, 0x80 <= c1 && c1 <= 0xfe:
		return 2
	case 0x30 <= c1 && c1 <= 0x39:
		if len(b) < 4 || b[2] < 0x81 || b[2] > 0xfe || b[3] < 0x30 || b[3] > 0x39 {
			return 0
		}
		return 4
	}
	return 0
}

// decodeUTF16 decodes b (found at offset base of the input) as UTF-16.
func decodeUTF16(b []byte, bigEndian bool, base int) (string, error) {
	if len(b)%2 != 0 {
		return "", fmt.Errorf("not UTF-16 text (odd number of bytes)")
	}
	unit := func(i int) rune {
		if bigEndian {
			return rune(b[i])<<8 | rune(b[i+1])
		}
		return rune(b[i+1])<<8 | rune(b[i])
	}
	out := make([]byte, 0, len(b)*3/2)
	controls, first, firstOff, runes := 0, rune(0), 0, 0
	for i := 0; i < len(b); i += 2 {
		r := unit(i)
		switch {
		case r == 0:
			return "", fmt.Errorf("binary file (NUL character at offset %d)", base+i)
		case 0xd800 <= r && r < 0xdc00:
			if i+3 >= len(b) {
				return "", fmt.Errorf("not UTF-16 text (unpaired surrogate 0x%04x at offset %d)", r, base+i)
			}
			lo := unit(i + 2)
			if lo < 0xdc00 || lo >= 0xe000 {
				return "", fmt.Errorf("not UTF-16 text (unpaired surrogate 0x%04x at offset %d)", r, base+i)
			}
			r = 0x10000 + (r-0xd800)<<10 + (lo - 0xdc00)
			i += 2
		case 0xdc00 <= r && r < 0xe000:
			return "", fmt.Errorf("not UTF-16 text (unpaired surrogate 0x%04x at offset %d)", r, base+i)
		case isBinaryControl(r):
			if controls == 0 {
				first, firstOff = r, base+i
			}
			controls++
		}
		runes++
		out = utf8.AppendRune(out, r)
	}
	if tooManyControls(controls, runes) {
		return "", binaryControlErr(controls, first, firstOff)
	}
	return string(out), nil
}

// looksUTF16 reports whether b looks like UTF-16 without a byte order mark:
// at least half of its byte pairs are an ASCII character next to a NUL,
// with the NUL always on the same side.
func looksUTF16(b []byte) bool {
	if len(b) < 4 || len(b)%2 != 0 {
		return false
	}
	printable := func(c byte) bool { return 0x20 <= c && c < 0x7f || c == '\t' || c == '\n' || c == '\r' }
	var le, be int
	for i := 0; i+1 < len(b); i += 2 {
		switch {
		case b[i+1] == 0 && printable(b[i]):
			le++
		case b[i] == 0 && printable(b[i+1]):
			be++
		}
	}
	pairs := len(b) / 2
	return (le == 0) != (be == 0) && (le+be)*2 >= pairs
}

// isBinaryControl reports whether r is a control character that does not
// belong in a text file. Tab, line feed, vertical tab, form feed and
// carriage return do.
func isBinaryControl(r rune) bool {
	switch {
	case r == '\t', r == '\n', r == '\v', r == '\f', r == '\r':
		return false
	case r < 0x20, r == 0x7f, 0x80 <= r && r < 0xa0:
		return true
	}
	return false
}

// tooManyControls is the binary heuristic: at least two control
// characters, making up more than 2% of the text. A stray one (a trailing
// Ctrl-Z, an escape pasted into a note) does not make a transcript binary.
func tooManyControls(controls, runes int) bool {
	return controls >= 2 && controls*50 > runes
}

// checkControls applies the binary heuristic to UTF-8 (utf8Input) or
// GB18030 bytes found at offset base of the input.
func checkControls(b []byte, base int, utf8Input bool) error {
	controls, first, firstOff := 0, rune(0), 0
	for i, c := range b {
		r := rune(c)
		if utf8Input && c == 0xc2 && i+1 < len(b) && 0x80 <= b[i+1] && b[i+1] < 0xa0 {
			r = rune(b[i+1]) // a C1 control, U+0080 to U+009F, encoded as C2 80 to C2 9F
		} else if c >= utf8.RuneSelf {
			continue
		}
		if isBinaryControl(r) {
			if controls == 0 {
				first, firstOff = r, base+i
			}
			controls++
		}
	}
	if controls == 0 {
		return nil
	}
	runes := len(b)
	if utf8Input {
		runes = utf8.RuneCount(b)
	}
	if tooManyControls(controls, runes) {
		return binaryControlErr(controls, first, firstOff)
	}
	return nil
}

func binaryControlErr(controls int, first rune, off int) error {
	return fmt.Errorf("binary file (%d control characters, the first 0x%02x at offset %d)", controls, first, off)
}
