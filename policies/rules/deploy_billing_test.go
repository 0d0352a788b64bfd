package rules

import "testing"

func TestBillingAlertSubscribersValid(t *testing.T) {
	emails := func(n int) []any {
		out := make([]any, n)
		for i := range out {
			out[i] = "a" + string(rune('a'+i)) + "@corp.internal"
		}
		return out
	}
	topic := "arn:aws:sns:us-east-1:123456789012:alerts"
	budget := func(notification map[string]any) Resource {
		return mk(budgetType, "b", map[string]any{"budgetType": "COST", "notifications": []any{notification}})
	}
	sub := func(frequency string, subs ...any) Resource {
		return mk(anomalySubType, "s", map[string]any{"frequency": frequency, "subscribers": subs})
	}
	actionSubs := func(n int) []any {
		out := make([]any, n)
		for i, addr := range emails(n) {
			out[i] = map[string]any{"subscriptionType": "EMAIL", "address": addr}
		}
		return out
	}
	email := map[string]any{"type": "EMAIL", "address": "finops@corp.internal"}
	sns := map[string]any{"type": "SNS", "address": topic}
	runRuleCases(t, "billing-alert-subscribers-valid", []ruleCase{
		{name: "budget with emails and a topic", r: budget(map[string]any{"subscriberEmailAddresses": emails(10), "subscriberSnsTopicArns": []any{topic}})},
		{name: "budget with a topic only", r: budget(map[string]any{"subscriberSnsTopicArns": []any{topic}})},
		{name: "budget with 11 emails", r: budget(map[string]any{"subscriberEmailAddresses": emails(11)}),
			want: []string{"notifications[0] has 11 email subscribers; a budget notification takes at most 10"}},
		{name: "budget with two topics", r: budget(map[string]any{"subscriberSnsTopicArns": []any{topic, topic + "2"}}),
			want: []string{"notifications[0] has 2 SNS topics"}},
		{name: "budget notification with no subscriber", r: budget(map[string]any{"subscriberEmailAddresses": []any{}, "subscriberSnsTopicArns": []any{}}),
			want: []string{"notifications[0] has no subscriber"}},
		{name: "budget with unknown subscribers", r: budget(map[string]any{"subscriberSnsTopicArns": computed})},
		{name: "action with 12 subscribers", r: mk(budgetActionType, "a", map[string]any{"subscribers": actionSubs(12)}),
			want: []string{"12 subscribers; a budget action takes 1 to 11"}},
		{name: "action without subscribers", r: mk(budgetActionType, "a", map[string]any{"subscribers": []any{}}),
			want: []string{"0 subscribers; a budget action takes 1 to 11"}},
		{name: "action with one subscriber", r: mk(budgetActionType, "a", map[string]any{"subscribers": actionSubs(1)})},
		{name: "immediate to SNS", r: sub("IMMEDIATE", sns)},
		{name: "daily to email", r: sub("DAILY", email, email)},
		{name: "immediate to email", r: sub("IMMEDIATE", email), want: []string{"subscribers[0] is EMAIL; IMMEDIATE alerts go to SNS subscribers only"}},
		{name: "weekly to SNS", r: sub("WEEKLY", sns), want: []string{"subscribers[0] is SNS; WEEKLY alerts go to EMAIL subscribers only"}},
		{name: "immediate to two topics", r: sub("IMMEDIATE", sns, sns), want: []string{"2 subscribers; an anomaly subscription with IMMEDIATE alerts takes at most 1"}},
	})
}

// TestAlarmTopicKeyGrantsCloudWatch: a key encrypting a topic that
// CloudWatch alarms notify grants cloudwatch.amazonaws.com.
func TestAlarmTopicKeyGrantsCloudWatch(t *testing.T) {
	policy := func(services ...string) string {
		list := `"` + services[0] + `"`
		for _, s := range services[1:] {
			list += `,"` + s + `"`
		}
		return `{"Version":"2012-10-17","Statement":[{"Sid":"Root","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},` +
			`"Action":"kms:*","Resource":"*"},{"Sid":"Services","Effect":"Allow","Principal":{"Service":[` + list + `]},` +
			`"Action":["kms:Decrypt","kms:GenerateDataKey*"],"Resource":"*"}]}`
	}
	key := func(services ...string) Resource {
		return mk(kmsKeyType, "alerts", map[string]any{"policy": policy(services...)})
	}
	topic := withDeps(mk(snsTopicType, "alerts", map[string]any{"kmsMasterKeyId": computed}), "kmsMasterKeyId", urnOf(kmsKeyType, "alerts"))
	alarm := withDeps(mk(metricAlarmType, "idle-gpus", map[string]any{"alarmActions": computed}), "alarmActions", topic.URN)
	runStackCases(t, "kms-key-grants-services", []stackCase{
		{name: "granted", rs: []Resource{key("cloudwatch.amazonaws.com"), topic, alarm}},
		{name: "not granted", rs: []Resource{key("events.amazonaws.com"), topic, alarm},
			want: []Finding{{URN: urnOf(kmsKeyType, "alerts"), Message: "cloudwatch.amazonaws.com"}}},
		{name: "no alarm, no grant needed", rs: []Resource{key("events.amazonaws.com"), topic}},
	})
}

func TestScraperReady(t *testing.T) {
	roles := map[string]any{"sourceRoleArn": "arn:aws:iam::1:role/s", "targetRoleArn": "arn:aws:iam::1:role/t"}
	scraper := func(subnets any, rc any) Resource {
		props := map[string]any{"source": map[string]any{"eks": map[string]any{"clusterArn": "arn:c", "subnetIds": subnets}}}
		if rc != nil {
			props["roleConfiguration"] = rc
		}
		return mk(ampScraperType, "scraper", props)
	}
	runRuleCases(t, "amp-scraper-deploy-ready", []ruleCase{
		{name: "two AZs with roles", r: scraper([]any{"subnet-a", "subnet-b"}, roles)},
		{name: "subnets unknown", r: scraper(computed, roles)},
		{name: "roles unknown", r: scraper([]any{"subnet-a", "subnet-b"}, map[string]any{"sourceRoleArn": computed, "targetRoleArn": computed})},
		{name: "one subnet", r: scraper([]any{"subnet-a"}, roles), want: []string{"source.eks.subnetIds has 1 subnet(s)"}},
		{name: "no roles", r: scraper([]any{"subnet-a", "subnet-b"}, nil),
			want: []string{"roleConfiguration.sourceRoleArn is not set", "roleConfiguration.targetRoleArn is not set"}},
	})
}
