package corpus

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
	"golang.org/x/text/encoding/unicode"
)

// encodeAs writes s in e, for fixtures whose bytes must be real encoder output.
func encodeAs(t testing.TB, e encoding.Encoding, s string) []byte {
	t.Helper()
	b, err := e.NewEncoder().Bytes([]byte(s))
	require.NoError(t, err)
	return b
}

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return b
}

// big5Sample is a transcript in traditional characters, as written in
// Taiwan and Hong Kong, whose commonest characters and full-width
// punctuation the GB18030 decoder rejects.
const big5Sample = "坐席：您好，請問是黃美玲小姐嗎？\n客戶：對，是我。\n"

func TestDecode(t *testing.T) {
	const sample = "坐席：您好，请问是周海涛先生吗？\n客户：是我。\n"
	var (
		utf16le = unicode.UTF16(unicode.LittleEndian, unicode.UseBOM)
		utf16be = unicode.UTF16(unicode.BigEndian, unicode.UseBOM)
		// Without a byte order mark.
		utf16leRaw = unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM)
		utf16beRaw = unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM)
	)
	tests := []struct {
		name     string
		in       []byte
		want     string
		wantEnc  string
		wantText string // when set, the decoded text must equal it
	}{
		{name: "utf8", in: []byte(sample), wantEnc: "utf-8", wantText: sample},
		{name: "bom", in: append([]byte("\xef\xbb\xbf"), sample...), wantEnc: "utf-8-bom", wantText: sample},
		{name: "utf16le", in: encodeAs(t, utf16le, sample), wantEnc: "utf-16le", wantText: sample},
		{name: "utf16be", in: encodeAs(t, utf16be, sample), wantEnc: "utf-16be", wantText: sample},
		// UTF-16 without a byte order mark is read when it unmistakably is
		// UTF-16: see TestUnmarkedUTF16.
		{name: "utf16le_without_bom", in: encodeAs(t, utf16leRaw, sample), wantEnc: "utf-16le", wantText: sample},
		{name: "utf16be_without_bom", in: encodeAs(t, utf16beRaw, sample), wantEnc: "utf-16be", wantText: sample},
		{name: "utf16_ascii_without_bom", in: []byte("a\x00b\x00"), wantEnc: "utf-16le", wantText: "ab"},
		{name: "utf16_surrogate_pair", in: encodeAs(t, utf16le, "坐席：𠀀"), wantEnc: "utf-16le", wantText: "坐席：𠀀"},
		{name: "gbk", in: encodeAs(t, simplifiedchinese.GBK, sample), wantEnc: "gb18030", wantText: sample},
		{name: "gb18030", in: encodeAs(t, simplifiedchinese.GB18030, "坐席：€ 𠀀 ·"), wantEnc: "gb18030", wantText: "坐席：€ 𠀀 ·"},
		{name: "gb18030_bom", in: encodeAs(t, simplifiedchinese.GB18030, "\ufeff坐席：您好"), wantEnc: "gb18030", wantText: "坐席：您好"},
		{name: "gb18030_replacement_char", in: encodeAs(t, simplifiedchinese.GB18030, "坐席：\ufffd"), wantEnc: "gb18030", wantText: "坐席：\ufffd"},
		{name: "cp936_euro", in: []byte("\xd7\xf8\xcf\xaf: 100\x80"), wantEnc: "gb18030", wantText: "坐席: 100€"},
		{name: "fixture_gb18030", in: readFixture(t, "calls/gb18030.txt"), wantEnc: "gb18030"},
		{name: "big5", in: encodeAs(t, traditionalchinese.Big5, big5Sample), wantEnc: "big5", wantText: big5Sample},
		{name: "big5_without_punctuation", in: encodeAs(t, traditionalchinese.Big5, "坐席 您好 我是銀行的\n客戶 什麼事\n"), wantEnc: "big5", wantText: "坐席 您好 我是銀行的\n客戶 什麼事\n"},
		{name: "fixture_big5", in: readFixture(t, "calls/big5.txt"), wantEnc: "big5"},
		// GB2312 text mostly reads as valid Big5 too: GB18030 goes first.
		{name: "gbk_not_taken_for_big5", in: encodeAs(t, simplifiedchinese.GBK, "我是银行的工作人员"), wantEnc: "gb18030", wantText: "我是银行的工作人员"},
		{name: "fixture_utf16le", in: readFixture(t, "calls/utf16le.txt"), wantEnc: "utf-16le"},
		{name: "fixture_utf16be", in: readFixture(t, "calls/utf16be.txt"), wantEnc: "utf-16be"},
		{name: "fixture_bom", in: readFixture(t, "calls/bom.txt"), wantEnc: "utf-8-bom"},
		{name: "stray_control", in: []byte("坐席：您好，请问是周海涛先生吗？我是青禾消费金融的客服。\x1a"), wantEnc: "utf-8"},
		{name: "tabs_and_form_feeds", in: []byte("坐席:\t您好\f\v\r\n"), wantEnc: "utf-8", wantText: "坐席:\t您好\f\v\r\n"},

		{name: "empty", in: nil, want: "empty file"},
		{name: "whitespace_only", in: []byte(" \r\n\t\u3000"), want: "empty file"},
		{name: "bom_only", in: []byte("\xef\xbb\xbf\n"), want: "empty file"},
		{name: "utf16_bom_only", in: []byte("\xff\xfe"), want: "empty file"},
		{name: "nul_in_text", in: []byte("坐席\x00"), want: "NUL byte at offset 6 (a text transcript has none: the file is damaged, or not text)"},
		{name: "nul_and_controls", in: []byte("\x00\x01"), want: "binary file (NUL byte at offset 0)"},
		{name: "nul_after_bom", in: []byte("\xef\xbb\xbf坐席\x00"), want: "NUL byte at offset 9 (a text transcript has none: the file is damaged, or not text)"},
		{name: "png", in: readFixture(t, "bad/binary.txt"), want: "binary file: a PNG image, not a transcript"},
		{name: "zip", in: []byte("PK\x03\x04\x14\x00\x00\x00"), want: "binary file: a ZIP archive, not a transcript (.xlsx and .docx files are ZIP archives: export the transcript as .csv or .txt)"},
		{name: "wav", in: []byte("RIFF\x24\x00\x00\x00WAVEfmt "), want: "binary file: WAV audio, not a transcript (transcribe the recording first)"},
		{name: "signature_alone_is_not_binary", in: []byte("ID3 说明：坐席：您好"), wantEnc: "utf-8"},
		{name: "controls", in: []byte("坐席\x01\x02\x03abc"), want: "binary file (3 control characters, the first 0x01 at offset 6)"},
		{name: "c1_controls", in: []byte("ab\u0085\u0085"), want: "binary file (2 control characters, the first 0x85 at offset 2)"},
		{name: "one_control", in: []byte("a\x01"), wantEnc: "utf-8", wantText: "a\x01"},
		{name: "gb18030_controls", in: append(encodeAs(t, simplifiedchinese.GBK, "坐席"), 0x1b, 0x1b), want: "binary file (2 control characters, the first 0x1b at offset 4)"},
		{name: "invalid_byte", in: []byte("# call_id: X\n\xff"), want: "not UTF-8 or GB18030 text (invalid byte 0xff at offset 13)"},
		{name: "fixture_invalid", in: readFixture(t, "bad/invalid.txt"), want: "not UTF-8 or GB18030 text (invalid byte 0xff at offset 30)"},
		{name: "truncated_gbk", in: []byte("ab\xd7"), want: "not UTF-8 or GB18030 text (invalid byte 0xd7 at offset 2)"},
		{name: "bad_gb18030_four_byte", in: []byte("ab\xfe\x39\xfe\x39"), want: "not UTF-8 or GB18030 text (invalid byte 0xfe at offset 2)"},
		{name: "damaged_big5", in: append(encodeAs(t, traditionalchinese.Big5, big5Sample), 0xa4, 0x20), want: "not UTF-8, GB18030 or Big5 text (reads as Big5 up to the invalid byte 0xa4 at offset 50): if it is Big5, convert it to UTF-8 first, e.g. iconv -f BIG5 -t UTF-8"},
		{name: "big5_not_chinese", in: encodeAs(t, traditionalchinese.Big5, "ΑΒΓΔ ab"), want: "not UTF-8 or GB18030 text (invalid byte 0xa3 at offset 0), and as Big5 it is not Chinese text: if it is Big5, convert it to UTF-8 first, e.g. iconv -f BIG5 -t UTF-8"},
		{name: "big5_controls", in: append(encodeAs(t, traditionalchinese.Big5, "坐席：您好"), 0x1b, 0x1b), want: "binary file (2 control characters, the first 0x1b at offset 10)"},
		{name: "bom_then_invalid", in: []byte("\xef\xbb\xbfab\xff"), want: "not UTF-8 text after a UTF-8 byte order mark (invalid byte 0xff at offset 5)"},
		{name: "utf16_odd_length", in: []byte("\xff\xfea\x00b"), want: "not UTF-16 text (odd number of bytes)"},
		{name: "utf16_unpaired_surrogate", in: []byte("\xff\xfea\x00\x00\xd8b\x00"), want: "not UTF-16 text (unpaired surrogate 0xd800 at offset 4)"},
		{name: "utf16_lone_low_surrogate", in: []byte("\xfe\xff\xdc\x00"), want: "not UTF-16 text (unpaired surrogate 0xdc00 at offset 2)"},
		{name: "utf16_nul", in: []byte("\xff\xfea\x00\x00\x00"), want: "binary file (NUL character at offset 4)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text, enc, err := Decode(tt.in)
			if tt.want != "" {
				assert.EqualError(t, err, tt.want)
				assert.Empty(t, text)
				assert.Empty(t, enc)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantEnc, enc)
			if tt.wantText != "" {
				assert.Equal(t, tt.wantText, text)
			}
		})
	}
}

// TestDecodeFixturesAgree checks that every good fixture decodes to a
// transcript the text reader accepts.
func TestDecodeFixturesAgree(t *testing.T) {
	tests := []struct {
		name, file, wantID string
		wantTurns          int
	}{
		{"utf8", "calls/utf8.txt", "T001", 4},
		{"bom", "calls/bom.txt", "T002", 2},
		{"utf16le", "calls/utf16le.txt", "T003", 2},
		{"utf16be", "calls/utf16be.txt", "T004", 2},
		{"gb18030", "calls/gb18030.txt", "T005", 3},
		{"big5", "calls/big5.txt", "T009", 3},
		{"crlf", "calls/crlf.txt", "T006", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text, _, err := Decode(readFixture(t, tt.file))
			require.NoError(t, err)
			c, err := ReadText(tt.file, text)
			require.NoError(t, err)
			assert.Equal(t, tt.wantID, c.ID)
			assert.Len(t, c.Turns, tt.wantTurns)
		})
	}
}

// TestDecodeAgain: text decoded from GB18030 or Big5 with a few control
// characters decodes again as UTF-8: the share of controls is of the
// text's characters both times (a double-byte character is one, not two;
// found by FuzzASRVendor).
func TestDecodeAgain(t *testing.T) {
	for _, in := range []string{
		strings.Repeat("0", 87) + "\x01\x01\x01\x01\x01" + strings.Repeat("0", 114) + "\xa8A\xa5A" + strings.Repeat("0", 40),
		strings.Repeat("0", 90) + "\x01\x01" + "\xb2\xe2\xca\xd4" + strings.Repeat("0", 6),
	} {
		text, enc, err := Decode([]byte(in))
		if err != nil {
			continue // refused the first time: nothing to decode again
		}
		again, _, err := Decode([]byte(text))
		if assert.NoError(t, err, "decoded from %s, then as UTF-8", enc) {
			assert.Equal(t, text, again)
		}
	}
}
