package rules

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
)

func TestKMSKeyRotation(t *testing.T) {
	tests := []struct {
		name  string
		typ   string
		props map[string]property.Value
		want  []string
	}{
		{name: "rotation on", props: map[string]property.Value{"enableKeyRotation": property.New(true)}},
		{
			name:  "rotation off",
			props: map[string]property.Value{"enableKeyRotation": property.New(false)},
			want:  []string{"enableKeyRotation is false; set it to true"},
		},
		{
			name: "rotation not set",
			want: []string{"enableKeyRotation is not set (AWS defaults to no rotation); set it to true"},
		},
		{
			name:  "rotation null",
			props: map[string]property.Value{"enableKeyRotation": property.New(property.Null)},
			want:  []string{"enableKeyRotation is not set (AWS defaults to no rotation); set it to true"},
		},
		{
			name:  "rotation as string false",
			props: map[string]property.Value{"enableKeyRotation": property.New("false")},
			want:  []string{"enableKeyRotation is false; set it to true"},
		},
		{name: "rotation unknown", props: map[string]property.Value{"enableKeyRotation": computed}},
		{
			name: "asymmetric key cannot rotate",
			props: map[string]property.Value{
				"customerMasterKeySpec": property.New("RSA_2048"),
				"enableKeyRotation":     property.New(false),
			},
		},
		{
			name: "key spec unknown",
			props: map[string]property.Value{
				"customerMasterKeySpec": computed,
				"enableKeyRotation":     property.New(false),
			},
		},
		{
			name: "symmetric key spec",
			props: map[string]property.Value{
				"customerMasterKeySpec": property.New("SYMMETRIC_DEFAULT"),
			},
			want: []string{"enableKeyRotation is not set (AWS defaults to no rotation); set it to true"},
		},
		{name: "not a KMS key", typ: "aws:s3/bucketV2:BucketV2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			typ := tt.typ
			if typ == "" {
				typ = kmsKeyType
			}
			assertMessages(t, check(t, "kms-key-rotation", res(typ, "data", tt.props), nil), tt.want)
		})
	}
}

func TestKMSDeletionWindow(t *testing.T) {
	tests := []struct {
		name  string
		props map[string]property.Value
		cfg   map[string]any
		want  []string
	}{
		{name: "not set means the AWS default of 30"},
		{name: "30 days", props: map[string]property.Value{"deletionWindowInDays": property.New(30.0)}},
		{
			name:  "7 days",
			props: map[string]property.Value{"deletionWindowInDays": property.New(7.0)},
			want:  []string{"deletionWindowInDays is 7; use at least 30"},
		},
		{name: "unknown", props: map[string]property.Value{"deletionWindowInDays": computed}},
		{
			name:  "wrong kind is not judged",
			props: map[string]property.Value{"deletionWindowInDays": property.New("7")},
		},
		{
			name:  "minimumDays override passes",
			props: map[string]property.Value{"deletionWindowInDays": property.New(10.0)},
			cfg:   map[string]any{"minimumDays": 7.0},
		},
		{
			name:  "minimumDays override fires",
			props: map[string]property.Value{"deletionWindowInDays": property.New(10.0)},
			cfg:   map[string]any{"minimumDays": 14},
			want:  []string{"deletionWindowInDays is 10; use at least 14"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assertMessages(t, check(t, "kms-key-deletion-window", res(kmsKeyType, "data", tt.props), tt.cfg), tt.want)
		})
	}
}
