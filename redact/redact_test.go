package redact

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
)

// All numbers below are invented. ID and card numbers are made valid (or
// invalid, for the look-alikes) on purpose; TestFixtureChecks recomputes
// their check digits independently. Per the privacy rule, test names and
// failure messages never show a number: failures print shape(s), which
// keeps only which bytes are masked.

// maskCase is one table case: in is the input, want the exact Mask output,
// kinds the kinds Find reports (none for a look-alike, where want == in).
type maskCase struct {
	name  string
	in    string
	want  string
	kinds []Kind
}

var positives = []maskCase{
	// Mobile numbers.
	{"mobile in a sentence", "我的手机号是13812345678，你记一下", "我的手机号是138****5678，你记一下", []Kind{Mobile}},
	{"mobile between Chinese characters", "手机号13912345678吧", "手机号139****5678吧", []Kind{Mobile}},
	{"mobile at start and end of text", "15012345678", "150****5678", []Kind{Mobile}},
	{"mobile with +86 prefix and space", "+86 13812345678", "+86 138****5678", []Kind{Mobile}},
	{"mobile with glued +86 prefix", "拨+8615912345678", "拨+86159****5678", []Kind{Mobile}},
	{"mobile with 0086 prefix and hyphen", "0086-18612345678", "0086-186****5678", []Kind{Mobile}},
	{"mobile with glued 86 prefix", "8617712345678", "86177****5678", []Kind{Mobile}},
	{"mobile grouped with spaces", "号码是138 1234 5678对吧", "号码是138 **** 5678对吧", []Kind{Mobile}},
	{"mobile grouped with hyphens", "138-1234-5678", "138-****-5678", []Kind{Mobile}},
	{"mobile grouped three and eight", "电话 150 87654321", "电话 150 ****4321", []Kind{Mobile}},
	{"mobile with prefix and groups", "+86 138 1234 5678", "+86 138 **** 5678", []Kind{Mobile}},
	{"mobile in full-width digits", "电话１３８１２３４５６７８", "电话１３８＊＊＊＊５６７８", []Kind{Mobile}},
	{"mobile in full-width digits and hyphens", "１３８－１２３４－５６７８", "１３８－＊＊＊＊－５６７８", []Kind{Mobile}},
	{"mobile in Chinese numerals with yao", "幺三八一二三四五六七八", "幺三八＊＊＊＊五六七八", []Kind{Mobile}},
	{"mobile in Chinese numerals with ling", "我号码是一三九零零一二三四五六啊", "我号码是一三九＊＊＊＊三四五六啊", []Kind{Mobile}},
	{"mobile in Chinese numerals with liang", "幺八六两二两二三三四四", "幺八六＊＊＊＊三三四四", []Kind{Mobile}},
	{"mobile in grouped Chinese numerals", "幺五零 一二三四 五六七八", "幺五零 ＊＊＊＊ 五六七八", []Kind{Mobile}},
	{"mobile read digit by digit with spaces", "是1 3 8 1 2 3 4 5 6 7 8对", "是1 3 8 * * * * 5 6 7 8对", []Kind{Mobile}},
	{"mobile in Chinese numerals digit by digit", "幺 三 八 一 二 三 四 五 六 七 八", "幺 三 八 ＊ ＊ ＊ ＊ 五 六 七 八", []Kind{Mobile}},
	{"two mobiles separated by slash", "13812345678/13912345678", "138****5678/139****5678", []Kind{Mobile, Mobile}},
	{"two mobiles separated by a space", "13812345678 13912345678", "138****5678 139****5678", []Kind{Mobile, Mobile}},
	{"mobile before a full stop", "请打13812345678.", "请打138****5678.", []Kind{Mobile}},
	{"mobile after a year and a space", "2024 13812345678", "2024 138****5678", []Kind{Mobile}},

	// Landlines.
	{"landline with three-digit area code", "座机010-62345678", "座机010-****5678", []Kind{Landline}},
	{"landline with four-digit area code and seven digits", "0755-2345678", "0755-***5678", []Kind{Landline}},
	{"landline with area code in parentheses", "(010)62345678", "(010)****5678", []Kind{Landline}},
	{"landline with full-width parentheses and space", "（0571） 87654321", "（0571） ****4321", []Kind{Landline}},
	{"landline with extension", "010-62345678-123", "010-****5678-123", []Kind{Landline}},
	{"landline with space", "打0755 23456789", "打0755 ****6789", []Kind{Landline}},

	// ID cards.
	{"id card after label", "身份证号110101199003071233", "身份证号110***********1233", []Kind{IDCard}},
	{"id card with X check character", "11010519850612107X", "110***********107X", []Kind{IDCard}},
	{"id card with lower-case x", "42010620010909103x。", "420***********103x。", []Kind{IDCard}},
	{"id card grouped six eight four", "440305 19851231 0026", "440*** ******** 0026", []Kind{IDCard}},
	{"id card born on a leap day", "310115200002294567", "310***********4567", []Kind{IDCard}},

	// Bank cards.
	{"unionpay card sixteen digits", "卡号6228480012345671", "卡号************5671", []Kind{BankCard}},
	{"card nineteen digits grouped", "6222 0212 3456 7890 128", "**** **** **** ***0 128", []Kind{BankCard}},
	{"card grouped with hyphens", "6234-5678-9012-3451", "****-****-****-3451", []Kind{BankCard}},
	{"visa card", "尾号是4367421234567896的卡", "尾号是************7896的卡", []Kind{BankCard}},
	{"jcb card", "3568123456789013", "************9013", []Kind{BankCard}},

	// E-mail.
	{"email between Chinese characters", "邮箱zhangsan@example.com谢谢", "邮箱z*******@example.com谢谢", []Kind{Email}},
	{"email with full-width at sign", "wang.li＠example.cn", "w******＠example.cn", []Kind{Email}},
	{"email with digits as local part", "13812345678@example.com", "1**********@example.com", []Kind{Email}},
	{"email with one-character local part", "a@example.org", "*@example.org", []Kind{Email}},
	{"email with subdomain and trailing dot", "发到li_na+call@mail.example.com.cn。", "发到l*********@mail.example.com.cn。", []Kind{Email}},

	// Issue 17: zero-width characters inside, landlines with a grouped
	// local number, digits then Chinese numerals, full-width addresses,
	// ID numbers in Chinese numerals.
	{"mobile with zero-width spaces inside", "手机138\u200b1234\u200b5678", "手机138\u200b****\u200b5678", []Kind{Mobile}},
	{"mobile with soft hyphen and word joiner inside", "1\u00ad38\u20601234\ufeff5678吧", "1\u00ad38\u2060****\ufeff5678吧", []Kind{Mobile}},
	{"grouped mobile with zero-width joiner inside", "138 12\u200d34 5678", "138 **\u200d** 5678", []Kind{Mobile}},
	{"Chinese numeral mobile with zero-width space", "幺三八\u200b一二三四五六七八", "幺三八\u200b＊＊＊＊五六七八", []Kind{Mobile}},
	{"landline with space-grouped local number", "座机021 5555 1234", "座机021 **** 1234", []Kind{Landline}},
	{"landline with hyphen then space", "010-8888 6666", "010-**** 6666", []Kind{Landline}},
	{"landline four-digit area code and three-four local", "0755 234 5678", "0755 *** 5678", []Kind{Landline}},
	{"mobile digits then Chinese numerals", "手机138一二三四五六七八", "手机138＊＊＊＊五六七八", []Kind{Mobile}},
	{"mobile digits then grouped Chinese numerals", "是138 一二三四 五六七八吧", "是138 ＊＊＊＊ 五六七八吧", []Kind{Mobile}},
	{"mobile digits and numerals mixed", "1三8一2三四五6七八", "1三8＊*＊＊五6七八", []Kind{Mobile}},
	{"mobile full-width digits then numerals", "１３９零零一二三四五六", "１３９＊＊＊＊三四五六", []Kind{Mobile}},
	{"email in full-width letters", "邮箱ｔｅｓｔ＠ｅｘａｍｐｌｅ．ｃｏｍ谢谢", "邮箱ｔ＊＊＊＠ｅｘａｍｐｌｅ．ｃｏｍ谢谢", []Kind{Email}},
	{"email full-width local part ascii domain", "ｚｈａｎｇ@example.com", "ｚ＊＊＊＊@example.com", []Kind{Email}},
	{"email ascii local part full-width dot", "wang.li@example．cn", "w******@example．cn", []Kind{Email}},
	{"id card in Chinese numerals", "身份证幺幺零幺零幺幺九九零零三零七幺二三三", "身份证幺幺零＊＊＊＊＊＊＊＊＊＊＊幺二三三", []Kind{IDCard}},
	{"id card in Chinese numerals with X", "一一零一零五一九八五零六一二一零七X", "一一零＊＊＊＊＊＊＊＊＊＊＊一零七X", []Kind{IDCard}},
	{"id card digits then Chinese numerals", "110101一九九零零三零七一二三三", "110***＊＊＊＊＊＊＊＊一二三三", []Kind{IDCard}},

	// Several kinds.
	{"mobile id card and card in one turn", "手机13812345678，身份证110101199003071233，卡6228480012345671",
		"手机138****5678，身份证110***********1233，卡************5671", []Kind{Mobile, IDCard, BankCard}},
	{"landline and email", "电话(010)62345678 邮箱ab@example.com", "电话(010)****5678 邮箱a*@example.com", []Kind{Landline, Email}},
}

var lookAlikes = []maskCase{
	{name: "amount with yuan", in: "欠款13800元"},
	{name: "eleven-digit amount with yuan", in: "共13812345678元"},
	{name: "amount with yen sign and thousands separator", in: "¥13,812.56"},
	{name: "amount with yen sign before long digits", in: "￥13812345678"},
	{name: "decimal amount", in: "还款138123456.78元"},
	{name: "eleven digits with decimals", in: "13812345678.50"},
	{name: "date with hyphens", in: "2024-05-18"},
	{name: "compact date", in: "20240518"},
	{name: "date in Chinese", in: "2024年5月18日"},
	{name: "time of day", in: "10:30:45"},
	{name: "date with slashes and time", in: "2024/05/18 10:30"},
	{name: "order number of nineteen digits", in: "订单号2024051812345678901"},
	{name: "court case number", in: "（2024）京0105民初12345号"},
	{name: "contract number with letters", in: "合同编号HT2024051800123456"},
	{name: "mobile-shaped number glued to letters", in: "SN13812345678A"},
	{name: "eleven digits starting one two", in: "12345678901"},
	{name: "eleven digits starting one zero", in: "10612345678"},
	{name: "id card with bad checksum", in: "110101199003071234"},
	{name: "id card with bad checksum and card prefix", in: "440305198512310027"},
	{name: "id card with impossible day", in: "110101199002301236"},
	{name: "id card born in the nineteenth century", in: "110101189901011233"},
	{name: "id card with day thirty-one in June", in: "110101202406311232"},
	{name: "id card with unknown province", in: "990101199003071237"},
	{name: "seventeen digits", in: "11010119900307123"},
	{name: "sixteen digits failing luhn", in: "6222021234567891"},
	{name: "luhn-valid sixteen digits starting two", in: "2024051812345677"},
	{name: "luhn-valid fifteen digits", in: "378282246310005"},
	{name: "twenty-digit serial", in: "62220212345678901234"},
	{name: "service hotline with hyphens", in: "客服电话400-820-8820"},
	{name: "toll-free hotline with hyphens", in: "800-820-8820"},
	{name: "service hotline without separators", in: "4008208820"},
	{name: "bank short number", in: "请拨打95588"},
	{name: "ten-digit number", in: "1381234567"},
	{name: "twelve-digit number", in: "138123456789"},
	{name: "mobile inside a longer digit run", in: "9913812345678"},
	{name: "card inside a longer digit run", in: "162284800123456710"},
	{name: "last four of an id card", in: "身份证后四位1234"},
	{name: "version number", in: "版本v2.13812345678"},
	{name: "ip-like address", in: "192.168.13.81"},
	{name: "landline without separator", in: "01062345678"},
	{name: "landline with local number starting one", in: "010-12345678"},
	{name: "landline with unknown area code", in: "099-62345678"},
	{name: "mobile badly grouped", in: "1381 2345 678"},
	{name: "ten single digits", in: "1 3 8 1 2 3 4 5 6 7"},
	{name: "twelve single digits", in: "1 3 8 1 2 3 4 5 6 7 8 9"},
	{name: "mobile masked already", in: "138****5678"},
	{name: "mobile masked already in groups", in: "138 **** 5678"},
	{name: "card masked already", in: "**** **** **** 5671"},
	{name: "Chinese numerals as a quantity", in: "一百三十八万"},
	{name: "twelve Chinese numerals", in: "一三八一二三四五六七八九"},
	{name: "Chinese numerals counting", in: "一二三四五六七八九零一"},
	{name: "Chinese numerals before a decimal word", in: "一三八一二三四五六七八点五"},
	{name: "address without top-level domain", in: "user@localhost"},
	{name: "email masked already", in: "z*******@example.com"},
	{name: "amount with thousands separator and yuan", in: "欠款8,650元"},
	{name: "repayment date in Chinese", in: "还款日3月1日"},
	{name: "date and time", in: "2024-03-01 10:30"},
	{name: "time with zero-width space", in: "10:\u200b30"},
	{name: "date with zero-width spaces", in: "2024\u200b-05\u200b-18"},
	{name: "amount in digits and numerals", in: "欠款1万三千八百元"},
	{name: "digits then numerals as a quantity", in: "138一二三四五六七八万"},
	{name: "digits then twelve numerals", in: "138一二三四五六七八九"},
	{name: "digits then numerals glued to letters", in: "SN138一二三四五六七八"},
	{name: "full-width email masked already", in: "ｔ＊＊＊＠ｅｘａｍｐｌｅ．ｃｏｍ"},
	{name: "full-width address without top-level domain", in: "ｔｅｓｔ＠ｌｏｃａｌｈｏｓｔ"},
	{name: "landline local number badly grouped", in: "021 55 551234"},
	{name: "landline with three groups too long", in: "021 5555 12345"},
	{name: "id card in Chinese numerals with bad checksum", in: "幺幺零幺零幺幺九九零零三零七幺二三四"},
	{name: "Chinese-numeral mobile masked already", in: "138＊＊＊＊五六七八"},
}

func allCases() []maskCase {
	var cs []maskCase
	for _, c := range positives {
		cs = append(cs, c)
	}
	for _, c := range lookAlikes {
		c.want = c.in
		cs = append(cs, c)
	}
	return cs
}

// shape returns s with every digit, Chinese numeral and letter replaced by
// '#', so that a failure shows which bytes were masked but no number.
func shape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case isArabic(r), isChinese(r), isAlnum(r):
			b.WriteByte('#')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func TestMask(t *testing.T) {
	if len(positives) < 30 || len(lookAlikes) < 30 || len(lookAlikes) < len(positives) {
		t.Fatalf("table: %d positives, %d look-alikes", len(positives), len(lookAlikes))
	}
	for _, c := range allCases() {
		t.Run(c.name, func(t *testing.T) {
			if got := Mask(c.in); got != c.want {
				t.Errorf("Mask:\n got %s\nwant %s", shape(got), shape(c.want))
			}
			var kinds []Kind
			for _, sp := range Find(c.in) {
				kinds = append(kinds, sp.Kind)
			}
			if !slices.Equal(kinds, c.kinds) {
				t.Errorf("Find kinds = %v, want %v", kinds, c.kinds)
			}
		})
	}
}

// TestMaskProperties checks over the table what callers rely on: the
// length and every byte outside the spans are kept, and masking twice
// changes nothing.
func TestMaskProperties(t *testing.T) {
	for _, c := range allCases() {
		t.Run(c.name, func(t *testing.T) {
			checkProperties(t, c.in)
		})
	}
}

func checkProperties(t *testing.T, s string) {
	t.Helper()
	if err := properties(s); err != nil {
		t.Fatal(err)
	}
}

// properties returns what is wrong with Find and Mask on s, or nil.
func properties(s string) error {
	spans := Find(s)
	m := Mask(s)
	if len(m) != len(s) {
		return fmt.Errorf("len(Mask) = %d, want %d", len(m), len(s))
	}
	// Rune boundaries as range sees them: an invalid byte is a rune of one.
	boundary := map[int]bool{len(s): true}
	for i := range s {
		boundary[i] = true
	}
	prev := 0
	for _, sp := range spans {
		if sp.Start < prev || sp.End <= sp.Start || sp.End > len(s) {
			return fmt.Errorf("span [%d,%d) out of order or empty after %d", sp.Start, sp.End, prev)
		}
		if !boundary[sp.Start] || !boundary[sp.End] {
			return fmt.Errorf("span [%d,%d) not on a rune boundary", sp.Start, sp.End)
		}
		if s[prev:sp.Start] != m[prev:sp.Start] {
			return fmt.Errorf("bytes [%d,%d) outside the spans changed", prev, sp.Start)
		}
		prev = sp.End
	}
	if s[prev:] != m[prev:] {
		return fmt.Errorf("bytes from %d outside the spans changed", prev)
	}
	if spans == nil && m != s {
		return fmt.Errorf("no span but Mask changed the text")
	}
	if again := Find(m); len(again) != 0 {
		return fmt.Errorf("Find(Mask(s)) = %v, want none; masked: %s", again, shape(m))
	}
	if mm := Mask(m); mm != m {
		return fmt.Errorf("Mask is not idempotent:\n once %s\ntwice %s", shape(m), shape(mm))
	}
	return nil
}

func TestFind(t *testing.T) {
	s := "您好，我是某某公司的。您手机+86 138 1234 5678，座机（0571）87654321，" +
		"身份证11010519850612107X，卡号6222 0212 3456 7890 128，邮箱wang.li@example.cn。" +
		"客服400-820-8820，金额13800元，日期2024-05-18。"
	at := func(sub string) (int, int) {
		i := strings.Index(s, sub)
		if i < 0 {
			t.Fatalf("fixture lacks %s", shape(sub))
		}
		return i, i + len(sub)
	}
	var want []Span
	for _, w := range []struct {
		sub  string
		kind Kind
	}{
		{"+86 138 1234 5678", Mobile},
		{"（0571）87654321", Landline},
		{"11010519850612107X", IDCard},
		{"6222 0212 3456 7890 128", BankCard},
		{"wang.li@example.cn", Email},
	} {
		start, end := at(w.sub)
		want = append(want, Span{start, end, w.kind})
	}
	if got := Find(s); !slices.Equal(got, want) {
		t.Errorf("Find = %v\nwant %v", got, want)
	}
	if got := Find("没有个人信息，金额13800元。"); got != nil {
		t.Errorf("Find of a text without personal data = %v, want nil", got)
	}
}

// TestFixtureChecks recomputes, independently of the package, the check
// characters of the table's ID and card fixtures, so each case exercises
// what its name says.
func TestFixtureChecks(t *testing.T) {
	idCheckChar := func(d string) byte {
		w := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
		sum := 0
		for i, c := range d[:17] {
			sum += int(c-'0') * w[i]
		}
		return "10X98765432"[sum%11]
	}
	luhnOK := func(d string) bool {
		sum := 0
		for i := range len(d) {
			n := int(d[len(d)-1-i] - '0')
			if i%2 == 1 {
				if n *= 2; n > 9 {
					n -= 9
				}
			}
			sum += n
		}
		return sum%10 == 0
	}
	for _, d := range []string{"110101199003071233", "11010519850612107X", "42010620010909103X",
		"440305198512310026", "310115200002294567", "110101199002301236", "110101189901011233",
		"110101202406311232", "990101199003071237"} {
		if idCheckChar(d) != d[17] {
			t.Errorf("ID fixture %s: check character should be valid", shape(d))
		}
	}
	for _, d := range []string{"110101199003071234", "440305198512310027"} {
		if idCheckChar(d) == d[17] || luhnOK(d) {
			t.Errorf("ID fixture %s: should fail both checks", shape(d))
		}
	}
	for _, d := range []string{"6228480012345671", "6222021234567890128", "6234567890123451",
		"4367421234567896", "3568123456789013", "2024051812345677", "378282246310005", "62220212345678901234"} {
		if !luhnOK(d) {
			t.Errorf("card fixture %s: should pass Luhn", shape(d))
		}
	}
	if luhnOK("6222021234567891") {
		t.Errorf("card fixture should fail Luhn")
	}
}

// TestConcurrent runs Mask from several goroutines, which share the pool of
// finders; run it with -race.
func TestConcurrent(t *testing.T) {
	cases := allCases()
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for k := range 200 {
				c := cases[(g*7+k)%len(cases)]
				if got := Mask(c.in); got != c.want {
					t.Errorf("%s: concurrent Mask differs", c.name)
					return
				}
			}
		})
	}
	wg.Wait()
}
