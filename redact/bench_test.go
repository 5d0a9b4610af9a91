package redact

import (
	"slices"
	"strings"
	"testing"
)

// transcript is a call of about 2 KB, as the console shows it, with a few
// numbers and many look-alikes (amounts, dates, times, a hotline).
var transcript = strings.Join([]string{
	"坐席：您好，这里是某某消费金融公司贷后服务中心，请问是张先生吗？",
	"客户：是我，什么事？",
	"坐席：张先生您好，我工号是10086，跟您核实一下身份，您身份证后四位是多少？",
	"客户：后四位是107X。",
	"坐席：好的，系统登记的身份证号是11010519850612107X，对吧？",
	"客户：对。",
	"坐席：您在2024年3月15日借款13800元，分12期，每期应还1286.50元，截至2024-05-18已逾期33天，",
	"目前应还金额合计¥4,125.36元，其中罚息218.40元。请问今天下午5点前能处理吗？",
	"客户：最近手头紧，工资要到20号才发，能不能宽限几天？",
	"坐席：理解您的情况。您绑定的还款卡是6222 0212 3456 7890 128吧？如果卡里余额不足，",
	"可以换一张卡，比如尾号5671的那张6228480012345671。",
	"客户：那张卡也没钱了。你们打我手机就行，13812345678，别打我单位座机010-62345678。",
	"坐席：好的，我们记录一下。另外您的紧急联系人电话幺三九一二三四五六七八是否有效？",
	"客户：有效的，是我爱人。",
	"坐席：您也可以通过官方客服400-820-8820或者发邮件到zhangsan@example.com确认还款计划，",
	"合同编号HT2024051800123456，订单号2024051812345678901。",
	"客户：好，我20号发了工资就还，大概10:30左右。",
	"坐席：好的，那我们约定5月20日上午还款4125.36元，到时候我再给您回电，号码是+86 150 8765 4321。",
	"客户：行，再见。",
	"坐席：感谢您的配合，祝您生活愉快，再见。",
}, "\n")

func BenchmarkMask(b *testing.B) {
	b.SetBytes(int64(len(transcript)))
	for b.Loop() {
		Mask(transcript)
	}
}

func BenchmarkFind(b *testing.B) {
	b.SetBytes(int64(len(transcript)))
	for b.Loop() {
		Find(transcript)
	}
}

// TestTranscript checks what the benchmark masks: the items of the call,
// and none of its amounts, dates, times, codes or the hotline.
func TestTranscript(t *testing.T) {
	var kinds []Kind
	for _, sp := range Find(transcript) {
		kinds = append(kinds, sp.Kind)
	}
	want := []Kind{IDCard, BankCard, BankCard, Mobile, Landline, Mobile, Email, Mobile}
	if !slices.Equal(kinds, want) {
		t.Errorf("Find kinds = %v, want %v", kinds, want)
	}
	checkProperties(t, transcript)
}
