package redact_test

import (
	"fmt"

	"github.com/callqa/callqa/redact"
)

func ExampleMask() {
	fmt.Println(redact.Mask("我手机13812345678，座机010-62345678，金额13800元"))
	fmt.Println(redact.Mask("身份证11010519850612107X，卡号6222 0212 3456 7890 128"))
	fmt.Println(redact.Mask("邮箱zhangsan@example.com，号码幺三八一二三四五六七八"))
	// Output:
	// 我手机138****5678，座机010-****5678，金额13800元
	// 身份证110***********107X，卡号**** **** **** ***0 128
	// 邮箱z*******@example.com，号码幺三八＊＊＊＊五六七八
}

func ExampleFind() {
	s := "回拨+86 138 1234 5678，订单号2024051812345678901"
	for _, sp := range redact.Find(s) {
		fmt.Println(sp.Kind, sp.Start, sp.End)
	}
	// Output:
	// mobile 6 23
}
