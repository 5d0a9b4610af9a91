// Package redact finds and masks personal data in Chinese call transcripts:
// mobile and landline numbers, resident ID numbers, bank card numbers and
// e-mail addresses.
//
// Find reports the items as byte spans; Mask replaces part of each item by
// mask characters. Mask keeps the byte length of the text and the position
// of every byte it does not mask, so byte offsets computed on the original
// text (evidence quotes, highlights) stay valid on the masked one. Each
// masked rune becomes a mask of its own width: an ASCII digit or letter
// becomes '*', a full-width digit (０-９) or a Chinese numeral becomes '＊'
// (U+FF0A, 3 bytes). Separators, prefixes and parentheses stay as written.
//
// # Masking shapes
//
//	mobile     138****5678         first 3 and last 4 digits kept; +86 / 0086 / 86 prefix kept
//	           138 **** 5678       groups keep their separators
//	           幺三八＊＊＊＊五六七八 Chinese numerals masked with ＊
//	landline   010-****5678        area code and last 4 digits kept (a trailing extension too)
//	           (0755)***4567
//	           021 **** 1234
//	ID card    110***********123X  first 3 and last 4 kept (province and check character)
//	bank card  ************1234    last 4 digits only, as in a bank's 尾号1234
//	           138＊＊＊＊五六七八 digits and numerals mixed: each masked by its own width
//	e-mail     z*******@example.com  first character of the local part and the domain kept;
//	           *@example.com       a one-character local part is masked whole
//
// Find(Mask(s)) is empty and Mask is idempotent: what stays visible of an
// item is never detected again.
//
// # What is detected
//
// Numbers are made of digit groups: maximal runs of ASCII or full-width
// digits that no letter touches, or runs of Chinese numerals. Groups joined
// by exactly one separator (space, '-', full-width space or hyphen, no-break
// space) form a chain, and a number is a run of whole, consecutive groups of
// a chain: it never starts or ends inside a longer run of digits or letters.
// Chinese characters and punctuation are boundaries, so 手机号13812345678吧
// is found. Invisible characters inside a run (a zero-width space, a soft
// hyphen, a direction mark: 138\u200b1234\u200b5678) are skipped and kept. When several runs of groups starting at the same group are
// numbers, the longest wins; numbers are taken left to right.
//
//   - Mobile: 1[3-9] and 9 more digits, written 13812345678, 138 1234 5678,
//     138-1234-5678, 138 12345678, or as eleven single digits with a
//     separator between (1 3 8 1 2 3 4 5 6 7 8) that no other single digit
//     joins; optionally after +86, 86 or 0086, joined or as a group of
//     their own (+86 138 1234 5678, 8613812345678).
//     Also in Chinese numerals read digit by digit (幺三八一二三四五六七八,
//     一三八…; 幺 = 1, 零 and 〇 = 0, 两 = 2), 11 numerals, grouped the same
//     ways. A run of numerals next to 十 百 千 万 亿 点, a digit or a letter is
//     a quantity or a code, not a number. Digits and numerals may also be
//     mixed, as a recognizer writes a number read out after its first
//     digits (138一二三四五六七八, 138 一二三四 五六七八).
//   - Landline: an area code and a local number with a separator or
//     parentheses between: 010-62345678, 0755 2345678, (010)62345678,
//     （0571）87654321, and with the local number in two groups, the last
//     of four: 021 5555 1234, 010-8888 6666, 0755 234 5678. The area code
//     is 010 or 02x followed by 8 digits, or 0[3-9]xx followed by 7 or 8;
//     the local number starts with 2-9. An extension (-123) is left as it
//     is.
//   - ID card: 18 characters (or grouped 6-8-4): a province code in use
//     (11–65, 71, 81–83), a real birth date in 1900–2099, a sequence, and
//     the GB 11643 check character (0-9 or X/x, ASCII or full-width). A number
//     with a wrong check character or an impossible date is not masked.
//     Also in Chinese numerals, all or some (幺幺零幺零幺…), read digit
//     by digit as for mobiles.
//   - Bank card: 16–19 digits, in one group or in groups of four with a
//     last group of 1–4, starting with 4, 5, 6 or 35 (UnionPay 62, Visa,
//     Mastercard, JCB) and passing the Luhn check. An 18-digit number that
//     is a valid ID is an ID.
//   - E-mail: local@domain.tld in ASCII or full-width letters, digits and
//     dots (ｔｅｓｔ＠ｅｘａｍｐｌｅ．ｃｏｍ), with '@' or a full-width '＠';
//     the domain has at least two labels and a last label of two or more
//     letters. A number inside an address is part of the address; the
//     local part's full-width characters are masked with '＊'.
//
// # What is deliberately not detected
//
//   - Company numbers: 400/800 service numbers (400-820-8820, 4008208820)
//     and 95xxx/96xxx short numbers are not personal data and are never
//     masked; the patterns above do not match them.
//   - Landlines without an area code (62345678) or without a separator
//     between area code and number (01062345678): eight digits are too
//     often dates (20240518) and amounts. International landline forms
//     (+86 10 …) are not detected either.
//   - 15-digit first-generation ID numbers: they have no check digit and
//     stopped being valid in 2013, and 15-digit order numbers are common.
//   - Cards starting with 1, 2, 3 (other than 35), 7, 8 or 9: order and
//     serial numbers very often start with a date (2024…), so Mastercard's
//     2-series and old 9xxx domestic cards are left out.
//   - Digits touching a letter, an underscore or a mask character
//     (HT2024051800123456, SN13812345678, 138****5678), a currency sign
//     before (¥, $) or a unit after (元, 块, 万, 亿, %), or a '.' that
//     continues them into more letters or digits (138123456.78, v2.13812…,
//     IP addresses): codes, amounts and versions.
//   - Runs that are too long or too short: a 13-digit run is a mobile only
//     with the 86 prefix, a 20-digit serial is nothing, 身份证后四位1234 is
//     nothing.
//   - Digit groups joined by two separators in a row or by other
//     punctuation (138.1234.5678, 138，1234，5678): each group is read
//     alone.
//   - A group right after a separator that follows a mask character
//     ("**** 5678", the tail of a masked number) never starts a number, and
//     an address whose local part holds '*' is taken as masked already.
//
// The package uses only the standard library and no regular expressions;
// Find makes one pass over the text for the addresses, one for the
// numbers and one for the numbers that mix digits and numerals, each
// linear in its length. Find and Mask are safe for concurrent use.
package redact
