package analyzer_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestPartyStateMachine: who is on the line, turn by turn, seen through
// where third-party disclosure may fire and what the call's party is.
// The transcripts are written for the test, in several varieties.
func TestPartyStateMachine(t *testing.T) {
	tests := []struct {
		name, transcript, party string
		want                    []string
	}{
		{"relative_passes_phone",
			"坐席: 请问是黄家明吗？\n客户: 我系佢细佬，你等阵，我叫佢。\n坐席: 唔该。\n客户: 喂，系我，咩事？\n坐席: 黄生，你笔贷款逾期咗十日。",
			"debtor", []string{}},
		{"disclosed_before_hand_over",
			"坐席: 请问是黄家明吗？\n客户: 我是他弟弟\n坐席: 他的贷款已经逾期十天了\n客户: 你等一下，我去叫他\n客户: 喂，我是黄家明\n坐席: 黄先生，您的贷款逾期十天了",
			"debtor", []string{"third_party_disclosure@03"}},
		{"vocative_phone_call_out",
			"坐席: 您好，请问是马丽吗？\n客户: 我是她婆婆\n坐席: 我是某某公司的小杨，麻烦您请她听下电话\n客户: 丽丽！电话！\n客户: 喂？哪位？\n坐席: 马女士，您的信用卡账单逾期了",
			"debtor", []string{}},
		{"label_change_is_a_new_voice",
			"# roles: 老伴=customer, 赵国庆=customer\n坐席: 请问是赵国庆吗？\n老伴: 我是他老伴，你稍等\n赵国庆: 谁找我\n坐席: 赵先生，您这期分期还没还",
			"debtor", []string{}},
		{"new_voice_greets",
			"坐席: 喂，请问是杨帆吗？\n客户: 我是她爱人，你等一下哈。\n客户: 喂，你好，请问哪位？\n坐席: 杨女士您好，您的信用卡逾期了",
			"debtor", []string{}},
		{"relative_says_it_is_her_who_manages",
			"坐席: 请问是黎明吗？\n客户: 我系佢老婆，屋企啲数都系我管嘅\n坐席: 黎生笔贷款逾期咗",
			"third_party", []string{"third_party_disclosure@03"}},
		{"question_then_confirm",
			"坐席: 请问是邓美玲女士吗？\n客户: 邓美玲？你们是不是拨错了？\n坐席: 这个号码登记的是邓美玲女士，您的借款逾期五天了\n客户: 噢，就是我，刚刚没听清楚\n坐席: 好的，逾期会产生罚息",
			"debtor", []string{}},
		{"denial_then_owning_up",
			"坐席: 请问是冯涛吗？\n客户: 你打错了吧\n坐席: 冯先生，您在我们平台的借款逾期一个月了\n客户: 行吧，是我，最近手头紧",
			"debtor", []string{}},
		{"wrong_number_stays_third",
			"坐席: 请问是冯涛吗？\n客户: 你打错了，我不认识这个人\n坐席: 他在我们平台的借款逾期一个月了",
			"third_party", []string{"third_party_disclosure@03"}},
		{"claim_then_talk_of_a_son",
			"坐席: 请问是李秀英阿姨吗？\n客户: 是我，你说\n坐席: 阿姨，您的贷款这个月还没还\n客户: 他去深圳打工了，以为他帮我还了\n坐席: 您今天能先还上吗？",
			"debtor", []string{}},
		{"claim_then_relation",
			"坐席: 请问是高飞吗？\n客户: 是我，你哪位\n坐席: 您是高飞的紧急联系人吧\n客户: 我就是他表哥，什么事\n坐席: 高飞在我们这欠了八千",
			"third_party", []string{"third_party_disclosure@05"}},
		{"callback_is_no_hand_over",
			"坐席: 请问是钱坤吗？\n客户: 我是他同事，他出差了，我叫他回个电话给你\n客户: 还有事吗\n坐席: 他的网贷逾期了",
			"third_party", []string{"third_party_disclosure@04"}},
		{"header_debtor_missed_hand_over",
			"# party: debtor\n坐席: 请问是孙悦吗？\n客户: 我是她妹妹\n坐席: 我是某某公司的，找她本人\n客户: 嗯嗯，好\n坐席: 孙女士，您的借款逾期了",
			"debtor", []string{}},
		{"header_third_party",
			"# party: third_party\n坐席: 请问是孙悦吗？\n客户: 是我\n坐席: 您的借款逾期了",
			"third_party", []string{"third_party_disclosure@03"}},
		{"guarantor",
			"坐席: 请问是周正吗？\n客户: 对，是我，当初是我担保的\n坐席: 您担保的那笔贷款逾期了，需要您先还一期",
			"debtor", []string{}},
		{"not_a_guarantor",
			"坐席: 请问是周正吗？\n客户: 我是他邻居，我又不是他担保人\n坐席: 他那笔贷款逾期了",
			"third_party", []string{"third_party_disclosure@03"}},
		{"swearing_is_no_relation",
			"坐席: 请问是周正吗？\n客户: 是 我 他妈 没钱\n坐席: 您那笔贷款逾期了",
			"debtor", []string{}},
		{"debtor_speaks_of_a_husband",
			"坐席: 请问是何芳吗？\n客户: 对，是我\n坐席: 您的分期逾期了\n客户: 我老公出差了，钱在他那",
			"debtor", []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := analyze(t, tt.transcript)
			assert.Equal(t, tt.party, r.Party)
			var got []string
			for _, f := range found(r) {
				if len(f) > 22 && f[:22] == "third_party_disclosure" {
					got = append(got, f)
				}
			}
			if got == nil {
				got = []string{}
			}
			assert.Equal(t, tt.want, got)
		})
	}
}
