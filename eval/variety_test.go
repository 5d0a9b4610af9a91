package eval

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/callqa/callqa/corpus"
)

// The sentences below are invented for this test; none comes from a
// transcript of the dev set.
func TestDetectVariety(t *testing.T) {
	tests := []struct {
		name  string
		turns []string
		want  string
	}{
		{
			name: "hong_kong_cantonese",
			turns: []string{
				"喂，早晨，想搵一位馮家豪先生，請問係咪你呀？",
				"係我，咩事？",
				"我哋係恆信財務嘅職員，你張卡上個月冇過數喎。",
				"我而家喺公司開緊會，遲啲先覆你啦。",
			},
			want: VarietyCantonese,
		},
		{
			name: "guangdong_cantonese_in_simplified",
			turns: []string{
				"喂，系唔系冯家豪先生？",
				"系啊，乜嘢事？",
				"你笔贷款拖咗两个月啦，今日可唔可以还一啲？",
				"我宜家冇钱，过几日先睇下。",
			},
			want: VarietyCantonese,
		},
		{
			name: "cantonese_from_speech_recognition",
			turns: []string{
				"喂系唔系冯生呀我哋系恒信财务嘅",
				"系我有咩事呀",
				"你笔数拖咗好耐喇今日可唔可以还返啲",
				"我宜家冇钱过两日先啦",
			},
			want: VarietyCantonese,
		},
		{
			name: "cantonese_markers_in_one_turn_only",
			turns: []string{
				"您好，请问是冯先生吗？",
				"是我，我哋嘅嘢喺度，你等阵。",
				"好的，请您今天下午还款。",
			},
			want: VarietyMandarin,
		},
		{
			name: "hakka_flavoured_shares_only_common_markers",
			turns: []string{
				"喂，係唔係邱志明？涯係客家小贷个。",
				"係涯，佢冇同你讲咩？唔係讲好了下个月还？",
				"你欠个钱冇还，唔好再拖了，今晡日先还一千。",
			},
			want: VarietyMandarin,
		},
		{
			name: "hunan_mei_de",
			turns: []string{
				"喂，是邹建华吧？我是湘信贷款的。",
				"是我，冇得钱嘛，过几天再讲。",
				"冇得钱也要想办法，你今天先还五百。",
			},
			want: VarietyMandarin,
		},
		{
			name: "mandarin_xi_words_are_not_the_copula",
			turns: []string{
				"您好，我们系统显示您已经逾期，请问您和担保人还有联系吗？",
				"有联系，跟这事没关系吧。",
				"没关系，我们只是核实一下，请您都系好安全带再开车。",
			},
			want: VarietyMandarin,
		},
		{
			name: "taiwan_mandarin",
			turns: []string{
				"您好，這裡是永豐信用卡中心，請問是簡先生嗎？",
				"對，我是，有什麼事嗎？",
				"您這期卡費還沒繳，麻煩今天下午三點前繳款，好嗎？",
				"好，我下班就去超商繳。",
			},
			want: VarietyTaiwan,
		},
		{
			name: "traditional_from_speech_recognition",
			turns: []string{
				"喂您好這裡是永豐銀行請問是簡先生嗎",
				"對我是有什麼事",
				"您這期卡費還沒有繳今天下午可以處理嗎",
			},
			want: VarietyTaiwan,
		},
		{
			name: "mandarin_speech_recognition",
			turns: []string{
				"喂你好请问是鲍志强先生吗我这边是鑫源金融的",
				"嗯是我什么事",
				"你那个欠款已经逾期三十天了今天能不能先处理一下",
				"我这两天手头紧等发了工资再说吧",
			},
			want: VarietyASR,
		},
		{
			name: "speech_recognition_with_numbers_and_masks",
			turns: []string{
				"你这边一共欠了8,650块今天下午3:30之前要还上",
				"我的手机号是138****5678你们别老打我单位电话",
				"利率是0.05每天的那个按合同来算的",
			},
			want: VarietyASR,
		},
		{
			name: "mandarin_with_short_bare_turns",
			turns: []string{
				"您好，请问是鲍志强先生吗？",
				"嗯",
				"我是鑫源金融的小周，您的欠款已经逾期三十天了。",
				"好",
				"请问是什么原因没有还款呢？",
			},
			want: VarietyMandarin,
		},
		{
			name: "half_bare_is_not_speech_recognition",
			turns: []string{
				"您好，请问是鲍志强先生吗？我是鑫源金融的小周。",
				"是我你们又打电话来干什么",
				"您的欠款已经逾期三十天了，今天能处理吗？",
				"我这两天手头紧等发了工资再说吧",
			},
			want: VarietyMandarin,
		},
		{
			name: "one_long_bare_turn_is_not_enough",
			turns: []string{
				"喂",
				"你那个欠款已经逾期三十天了今天能不能先处理一下",
				"好",
			},
			want: VarietyMandarin,
		},
		{name: "no_turns", turns: nil, want: VarietyMandarin},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, DetectVariety(tt.turns))
		})
	}
}

func TestCallVariety(t *testing.T) {
	assert.Equal(t, "", CallVariety(nil))
	c := &corpus.Call{ID: "V1", Turns: []corpus.Turn{
		{N: 1, Role: corpus.RoleAgent, Text: "您好，這裡是永豐信用卡中心，請問是簡先生嗎？"},
		{N: 2, Role: corpus.RoleCustomer, Text: "對，有什麼事？"},
	}}
	assert.Equal(t, VarietyTaiwan, CallVariety(c))
}

func TestHasPunctuation(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{"今天还", false},
		{"今天还。", true},
		{"今天还,好吗", true},
		{"欠了8,650块", false},
		{"欠了8,650块.", true},
		{"3.5万 9:30 2024-05-18 1/2", false},
		{"138****5678", false},
		{"还钱!", true},
		{"「还钱」", true},
		{"8,", true},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			assert.Equal(t, tt.want, hasPunctuation(tt.text))
		})
	}
}
