package rules

import "fmt"

const kmsKeyType = "aws:kms/key:Key"

// defaultKMSDeletionWindowDays is what AWS applies when deletionWindowInDays
// is not set (and the maximum it allows).
const defaultKMSDeletionWindowDays = 30

func init() {
	register(
		Rule{
			Name: "kms-key-rotation",
			Description: "Customer-managed KMS keys rotate their key material yearly, " +
				"limiting what one leaked or broken key version exposes.",
			Level: Mandatory,
			Check: checkKMSKeyRotation,
		},
		Rule{
			Name: "kms-key-deletion-window",
			Description: "KMS keys keep the longest deletion window, so a key deleted by mistake " +
				"can be recovered before the data it encrypts becomes unreadable.",
			Level: Advisory,
			ConfigSchema: map[string]map[string]any{
				"minimumDays": {
					"type":        "integer",
					"minimum":     7,
					"maximum":     30,
					"description": "Smallest deletionWindowInDays accepted (AWS allows 7 to 30).",
				},
			},
			Defaults: map[string]any{"minimumDays": float64(defaultKMSDeletionWindowDays)},
			Check:    checkKMSDeletionWindow,
		},
	)
}

// checkKMSKeyRotation fires when enableKeyRotation is false or not set (AWS
// leaves rotation off by default). Keys whose spec is known and not
// SYMMETRIC_DEFAULT (asymmetric and HMAC keys) cannot rotate automatically and
// are skipped, as are keys whose spec is unknown.
func checkKMSKeyRotation(r Resource, _ map[string]any) []string {
	if r.Type != kmsKeyType {
		return nil
	}
	if spec, ok := getString(r.Properties, "customerMasterKeySpec"); (ok && spec != "SYMMETRIC_DEFAULT") ||
		isUnknown(r.Properties, "customerMasterKeySpec") {
		return nil
	}
	v, p := lookup(r.Properties, "enableKeyRotation")
	switch p {
	case unknown:
		return nil
	case absent:
		return []string{"enableKeyRotation is not set (AWS defaults to no rotation); set it to true"}
	}
	if on, ok := asBool(v); ok && !on {
		return []string{"enableKeyRotation is false; set it to true"}
	}
	return nil
}

// checkKMSDeletionWindow fires when deletionWindowInDays is below the
// configured minimum; not setting it means AWS's 30 days.
func checkKMSDeletionWindow(r Resource, cfg map[string]any) []string {
	if r.Type != kmsKeyType {
		return nil
	}
	days, ok := getNumber(r.Properties, "deletionWindowInDays")
	if !ok {
		return nil // absent means 30 days; unknown is never judged
	}
	minDays, ok := cfgNumber(cfg, "minimumDays")
	if !ok {
		minDays = defaultKMSDeletionWindowDays
	}
	if days < minDays {
		return []string{fmt.Sprintf("deletionWindowInDays is %g; use at least %g", days, minDays)}
	}
	return nil
}
