package iamdoc

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestJSONShape(t *testing.T) {
	doc := New(
		Allow("Read", []string{"s3:GetObject"}, "arn:aws:s3:::b/*"),
		Statement{
			Effect:    "Allow",
			Principal: &Principal{Service: []string{"logs.amazonaws.com"}},
			Action:    []string{"kms:Decrypt"},
			Resource:  []string{"*"},
			Condition: Condition{"ArnLike": {"kms:EncryptionContext:aws:logs:arn": {"arn:aws:logs:*"}}},
		},
	)
	var back map[string]any
	require.NoError(t, json.Unmarshal([]byte(doc.JSON()), &back))
	require.Equal(t, "2012-10-17", back["Version"])
	st := back["Statement"].([]any)
	require.Len(t, st, 2)
	first := st[0].(map[string]any)
	require.Equal(t, "Read", first["Sid"])
	require.NotContains(t, first, "Principal", "identity statements carry no principal")
	require.NotContains(t, first, "Condition")
	second := st[1].(map[string]any)
	require.Equal(t, map[string]any{"Service": []any{"logs.amazonaws.com"}}, second["Principal"])
	require.Equal(t, "arn:aws-cn:iam::111122223333:root", AccountRoot("aws-cn", "111122223333"))
}
