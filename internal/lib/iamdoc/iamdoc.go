// Package iamdoc builds IAM and KMS key policy documents from Go structs,
// so that policies are checked by the compiler and by golden tests instead
// of living in hand-written JSON strings.
package iamdoc

import (
	"encoding/json"
	"fmt"
)

// Version is the IAM policy language version every document uses.
const Version = "2012-10-17"

// Document is an IAM policy, trust policy or KMS key policy.
type Document struct {
	Version   string      `json:"Version"`
	Statement []Statement `json:"Statement"`
}

// Statement is one policy statement. Principal is set for resource-based and
// trust policies only.
type Statement struct {
	Sid       string     `json:"Sid,omitempty"`
	Effect    string     `json:"Effect"`
	Principal *Principal `json:"Principal,omitempty"`
	Action    []string   `json:"Action"`
	Resource  []string   `json:"Resource,omitempty"`
	// NotResource is every resource but these (Deny statements in bucket policies).
	NotResource []string  `json:"NotResource,omitempty"`
	Condition   Condition `json:"Condition,omitempty"`
}

// Principal names who a resource-based statement applies to.
type Principal struct {
	AWS       []string `json:"AWS,omitempty"`
	Service   []string `json:"Service,omitempty"`
	Federated []string `json:"Federated,omitempty"`
}

// Condition maps an operator (StringEquals, ArnLike, ...) to keys and values.
type Condition map[string]map[string][]string

// Allow returns an Allow statement.
func Allow(sid string, actions []string, resources ...string) Statement {
	return Statement{Sid: sid, Effect: "Allow", Action: actions, Resource: resources}
}

// New returns a document of the given statements.
func New(statements ...Statement) Document {
	return Document{Version: Version, Statement: statements}
}

// JSON renders the document. Documents are built from fixed structs, so a
// marshalling failure is a programming error.
func (d Document) JSON() string {
	out, err := json.Marshal(d)
	if err != nil {
		panic(fmt.Sprintf("iamdoc: %v", err))
	}
	return string(out)
}

// AccountRoot is the ARN that delegates a key policy to the account's IAM policies.
func AccountRoot(partition, account string) string {
	return fmt.Sprintf("arn:%s:iam::%s:root", partition, account)
}
