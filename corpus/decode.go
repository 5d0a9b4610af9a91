package corpus

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"

	"github.com/callqa/callqa/corpus/internal/textread"
)

// The encodings Decode reports.
const (
	encUTF8    = "utf-8"
	encUTF8BOM = "utf-8-bom"
	encUTF16LE = "utf-16le"
	encUTF16BE = "utf-16be"
	encGB18030 = "gb18030"
	encBig5    = "big5"
)

// big5Hint is how the errors about Big5 input say to convert it.
const big5Hint = "convert it to UTF-8 first, e.g. iconv -f BIG5 -t UTF-8"

var (
	bomUTF8    = []byte{0xef, 0xbb, 0xbf}
	bomUTF16LE = []byte{0xff, 0xfe}
	bomUTF16BE = []byte{0xfe, 0xff}
	// gbReplacement is U+FFFD written in GB18030: the one sequence that
	// may legitimately decode to the replacement character.
	gbReplacement = []byte{0x84, 0x31, 0xa4, 0x37}
)

// Decode turns raw file bytes into UTF-8 text and names the encoding it
// found: "utf-8-bom" (the BOM is dropped), "utf-16le" or "utf-16be" (with
// a byte order mark, or without one when the text is unmistakably UTF-16:
// see unmarkedUTF16), "utf-8" for valid UTF-8, else "gb18030" (a superset
// of GBK and GB2312) when every byte sequence decodes, else "big5" when
// every byte sequence decodes as Big5 (with the HKSCS extensions) to text
// made almost only of Chinese and ASCII. Big5 is tried last: text in
// GB2312 mostly reads as valid Big5 too, while Big5 text almost never gets
// through the GB18030 decoder (its commonest characters and its full-width
// punctuation are in GBK's unassigned rows).
//
// Decode refuses what is not text: a NUL byte outside UTF-16 or more than a
// few control characters make a "binary file" error (naming the kind of
// file when its first bytes are those of a known one: an image, an audio
// recording, an Office document or an archive), a NUL byte in otherwise
// valid UTF-8 a "NUL byte" error, bytes that are neither UTF-8 nor GB18030
// a "not UTF-8 or GB18030 text (invalid byte 0xff at offset 12)" error
// (one that names Big5 and says how to convert it when the bytes read as
// Big5 further than as the others, or completely but not as Chinese), and
// input that is empty, or only white space and byte order marks, the error
// "empty file". Offsets are 0-based byte offsets into b. On error text and
// encoding are empty.
func Decode(b []byte) (text string, encoding string, err error) {
	text, encoding, err = decode(b)
	if err != nil && err != errEmpty {
		if what := binaryKind(b); what != "" {
			return "", "", errors.New("binary file: " + what)
		}
	}
	return text, encoding, err
}

// decodeInput is Decode for the readers: its errors are *ParseError values
// for name, at the line of the offending byte when it has one.
func decodeInput(name string, b []byte) (string, error) {
	text, _, err := Decode(b)
	if err == nil {
		return text, nil
	}
	line := 0
	var te *textError
	if errors.As(err, &te) && te.byteLines {
		line = 1 + countBreaks(b[:te.off])
	}
	return "", &ParseError{Path: name, Line: line, Err: err}
}

// textError is a problem at byte offset off of the input. byteLines is set
// when the input is in an encoding whose line breaks are single bytes
// (UTF-8, GB18030), so that the line of off can be counted.
type textError struct {
	off       int
	byteLines bool
	msg       string
}

func (e *textError) Error() string { return e.msg }

func textErrorf(off int, byteLines bool, format string, args ...any) error {
	return &textError{off: off, byteLines: byteLines, msg: fmt.Sprintf(format, args...)}
}

// countBreaks counts the line breaks in b as splitLines does: "\n", "\r\n"
// and "\r" are one each.
func countBreaks(b []byte) int {
	n := 0
	for i, c := range b {
		if c == '\n' || c == '\r' && (i+1 >= len(b) || b[i+1] != '\n') {
			n++
		}
	}
	return n
}

// decode is Decode without the naming of binary kinds.
func decode(b []byte) (text string, encoding string, err error) {
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
	if i := textread.InvalidUTF8(b); i >= 0 {
		return "", textErrorf(base+i, true, "not UTF-8 text after a UTF-8 byte order mark (invalid byte 0x%02x at offset %d)", b[i], base+i)
	}
	if i := bytes.IndexByte(b, 0); i >= 0 {
		return "", nulErr(b, base, i)
	}
	if err := checkControls(b, base); err != nil {
		return "", err
	}
	return string(b), nil
}

// nulErr is the error of input b (found at offset base) with a NUL byte
// at offset i of b: a damaged text file when the rest is UTF-8 text with
// no more than a stray control character or two, else a binary file.
func nulErr(b []byte, base, i int) error {
	if textread.InvalidUTF8(b) < 0 && checkControls(b, base) == nil {
		return textErrorf(base+i, true, "NUL byte at offset %d (a text transcript has none: the file is damaged, or not text)", base+i)
	}
	return textErrorf(base+i, false, "binary file (NUL byte at offset %d)", base+i)
}

// decodeUnmarked handles input without a byte order mark: UTF-16 when it
// unmistakably is, else UTF-8 if valid, else GB18030, else Big5.
func decodeUnmarked(b []byte) (string, string, error) {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		if text, enc, ok := unmarkedUTF16(b); ok {
			return text, enc, nil
		}
		return "", "", nulErr(b, 0, i)
	}
	u8 := textread.InvalidUTF8(b)
	if u8 < 0 {
		if err := checkControls(b, 0); err != nil {
			return "", "", err
		}
		return string(b), encUTF8, nil
	}
	text, gb := decodeGB18030(b)
	if gb >= 0 {
		return decodeNotGB(b, max(u8, gb))
	}
	// C0 controls are single bytes in GB18030 too (trail bytes are >= 0x30),
	// so the byte scan finds them at their true offsets.
	if err := checkDecodedControls(b, text); err != nil {
		return "", "", err
	}
	// GB18030 has its own byte order mark (84 31 95 33), which decodes to U+FEFF.
	return strings.TrimPrefix(text, "\ufeff"), encGB18030, nil
}

// decodeNotGB handles input that is neither UTF-8 nor GB18030, the
// further of the two decoders having stopped at offset off: Big5 if it is
// that, clean and Chinese, else an error at the offset of whichever
// decoder got furthest, as that is the encoding the file most likely is
// in. The error names Big5 when Big5 got furthest, or all the way.
func decodeNotGB(b []byte, off int) (string, string, error) {
	text, b5 := decodeBig5(b)
	switch {
	case b5 < 0:
		// C0 controls are single bytes in Big5 too (trail bytes are >= 0x40).
		if err := checkDecodedControls(b, text); err != nil {
			return "", "", err
		}
		if mostlyCJKText(text) {
			return text, encBig5, nil
		}
		return "", "", textErrorf(off, true, "not UTF-8 or GB18030 text (invalid byte 0x%02x at offset %d), and as Big5 it is not Chinese text: if it is Big5, %s", b[off], off, big5Hint)
	case b5 > off:
		return "", "", textErrorf(b5, true, "not UTF-8, GB18030 or Big5 text (reads as Big5 up to the invalid byte 0x%02x at offset %d): if it is Big5, %s", b[b5], b5, big5Hint)
	}
	return "", "", textErrorf(off, true, "not UTF-8 or GB18030 text (invalid byte 0x%02x at offset %d)", b[off], off)
}

// decodeBig5 decodes b as Big5 as the WHATWG Encoding Standard defines it
// (Big5 with the HKSCS extensions). It returns the text and -1, or the
// offset of the first sequence that does not decode; like decodeGB18030 it
// delimits each sequence itself, as the x/text decoder writes U+FFFD for a
// bad one and carries on.
func decodeBig5(b []byte) (string, int) {
	dec := traditionalchinese.Big5.NewDecoder()
	var sb strings.Builder
	sb.Grow(len(b) + len(b)/2)
	var buf [8]byte
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			sb.WriteByte(c)
			i++
			continue
		}
		if c == 0x80 || c == 0xff || i+1 >= len(b) {
			return "", i
		}
		if t := b[i+1]; t < 0x40 || 0x7e < t && t < 0xa1 || t == 0xff {
			return "", i
		}
		nDst, nSrc, err := dec.Transform(buf[:], b[i:i+2], true)
		if err != nil || nSrc != 2 || bytes.ContainsRune(buf[:nDst], utf8.RuneError) {
			return "", i
		}
		sb.Write(buf[:nDst])
		i += 2
	}
	return sb.String(), -1
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
		return "", errors.New("not UTF-16 text (odd number of bytes)")
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
			return "", textErrorf(base+i, false, "binary file (NUL character at offset %d)", base+i)
		case 0xd800 <= r && r < 0xdc00:
			if i+3 >= len(b) {
				return "", textErrorf(base+i, false, "not UTF-16 text (unpaired surrogate 0x%04x at offset %d)", r, base+i)
			}
			lo := unit(i + 2)
			if lo < 0xdc00 || lo >= 0xe000 {
				return "", textErrorf(base+i, false, "not UTF-16 text (unpaired surrogate 0x%04x at offset %d)", r, base+i)
			}
			r = 0x10000 + (r-0xd800)<<10 + (lo - 0xdc00)
			i += 2
		case 0xdc00 <= r && r < 0xe000:
			return "", textErrorf(base+i, false, "not UTF-16 text (unpaired surrogate 0x%04x at offset %d)", r, base+i)
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

// unmarkedUTF16 reads b as UTF-16 without a byte order mark when that is
// what it unmistakably is, and returns the text and its encoding. UTF-16
// puts a NUL byte next to every ASCII character (the line breaks at
// least), always on the same side of the pair, so the side most NUL bytes
// are on gives the byte order. Then the whole input must decode cleanly (no
// NUL character, no unpaired surrogate, no more than a few controls) to
// text made almost only of CJK, ASCII, kana and their punctuation; valid
// UTF-8 with a few stray NUL bytes is not taken for UTF-16.
func unmarkedUTF16(b []byte) (string, string, bool) {
	if len(b) < 4 || len(b)%2 != 0 {
		return "", "", false
	}
	var odd, even int
	for i, c := range b {
		if c == 0 {
			if i%2 == 1 {
				odd++
			} else {
				even++
			}
		}
	}
	if odd == even || utf8.Valid(b) && (odd+even)*10 < len(b) {
		return "", "", false
	}
	bigEndian := even > odd
	text, err := decodeUTF16(b, bigEndian, 0)
	if err != nil || !mostlyCJKText(text) {
		return "", "", false
	}
	if bigEndian {
		return text, encUTF16BE, true
	}
	return text, encUTF16LE, true
}

// mostlyCJKText reports whether at least 95% of the characters of s are
// ASCII text, Latin-1, CJK ideographs, kana, or general, CJK or full-width
// punctuation: what transcripts are made of, and what a binary file read
// as UTF-16 is not.
func mostlyCJKText(s string) bool {
	n, good := 0, 0
	for _, r := range s {
		n++
		switch {
		case r == '\t', r == '\n', r == '\r', 0x20 <= r && r < 0x7f,
			0xa0 <= r && r <= 0xff,
			0x2000 <= r && r <= 0x206f,
			0x3000 <= r && r <= 0x30ff,
			0x3400 <= r && r <= 0x4dbf, 0x4e00 <= r && r <= 0x9fff, 0xf900 <= r && r <= 0xfaff,
			0xfe30 <= r && r <= 0xfe4f, 0xff00 <= r && r <= 0xffef, r == 0xfeff,
			0x20000 <= r && r <= 0x3ffff:
			good++
		}
	}
	return n > 0 && good*100 >= n*95
}

// binarySignatures are the first bytes of files that are not transcripts
// but are easily taken for one: recordings, Office documents, archives,
// images. They only name what a file is once it failed to decode as text.
var binarySignatures = []struct {
	off   int
	magic string
	what  string
}{
	{0, "\x89PNG\r\n\x1a\n", "a PNG image, not a transcript"},
	{0, "\xff\xd8\xff", "a JPEG image, not a transcript"},
	{0, "GIF8", "a GIF image, not a transcript"},
	{0, "%PDF-", "a PDF document, not a transcript (export the transcript as .txt)"},
	{0, "PK\x03\x04", "a ZIP archive, not a transcript (.xlsx and .docx files are ZIP archives: export the transcript as .csv or .txt)"},
	{0, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an Office document (.xls or .doc), not a transcript (export it as .csv or .txt)"},
	{0, "\x1f\x8b", "a gzip archive, not a transcript (unpack it first)"},
	{0, "7z\xbc\xaf\x27\x1c", "a 7-Zip archive, not a transcript (unpack it first)"},
	{0, "Rar!\x1a\x07", "a RAR archive, not a transcript (unpack it first)"},
	{8, "WAVE", "WAV audio, not a transcript (transcribe the recording first)"},
	{0, "ID3", "MP3 audio, not a transcript (transcribe the recording first)"},
	{0, "\xff\xfb", "MP3 audio, not a transcript (transcribe the recording first)"},
	{0, "\xff\xf3", "MP3 audio, not a transcript (transcribe the recording first)"},
	{0, "OggS", "Ogg audio, not a transcript (transcribe the recording first)"},
	{0, "fLaC", "FLAC audio, not a transcript (transcribe the recording first)"},
	{0, "#!AMR", "AMR audio, not a transcript (transcribe the recording first)"},
	{4, "ftyp", "an MP4 or M4A media file, not a transcript (transcribe the recording first)"},
}

// binaryKind names the kind of binary file b is, from its first bytes, or
// returns "".
func binaryKind(b []byte) string {
	for _, s := range binarySignatures {
		if len(b) >= s.off+len(s.magic) && string(b[s.off:s.off+len(s.magic)]) == s.magic {
			if s.off == 8 && string(b[:4]) != "RIFF" {
				continue
			}
			return s.what
		}
	}
	return ""
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

// checkControls applies the binary heuristic to UTF-8 bytes found at
// offset base of the input.
func checkControls(b []byte, base int) error {
	return checkControlsOf(b, base, true, utf8.RuneCount(b))
}

// checkDecodedControls applies the binary heuristic to GB18030 or Big5
// bytes b that decode to text: the control characters are found in b, at
// their offsets there, and their share is of text's characters, as it is
// when text is read again as UTF-8 (a file callqa wrote back, or the
// console's upload), so that what decodes once decodes again.
func checkDecodedControls(b []byte, text string) error {
	return checkControlsOf(b, 0, false, utf8.RuneCountInString(text))
}

func checkControlsOf(b []byte, base int, utf8Input bool, runes int) error {
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
	if controls > 0 && tooManyControls(controls, runes) {
		return binaryControlErr(controls, first, firstOff)
	}
	return nil
}

func binaryControlErr(controls int, first rune, off int) error {
	return textErrorf(off, false, "binary file (%d control characters, the first 0x%02x at offset %d)", controls, first, off)
}
