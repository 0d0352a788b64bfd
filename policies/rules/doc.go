// Package rules holds the ml-platform policies as plain Go functions.
//
// Every rule sees one Resource (type token, URN, properties, options) and
// returns a message per problem; a StackRule sees every resource at once. The
// same rules serve three callers: the policy pack in policies/ (through
// policyx, during `pulumi preview --policy-pack policies`), the offline engine
// in cmd/offline (over mock-recorded resources or a `pulumi stack export`
// file), and the tests. The package depends only on the SDK's property model
// and the standard library so that all three stay light.
//
// Properties may be computed (unknown) during a real preview. Rules read them
// only through the helpers in props.go, which check the kind before
// converting: a rule never panics and never reports a violation on a value it
// cannot see.
//
// Rules are grouped by concern, one file each, as policies/README.md
// presents them: tagging.go, encryption.go, network.go (isolation),
// audit.go (audit and logging), cost.go (spot and cost), iam.go,
// availability.go, safety.go and bedrock.go (generative AI safety),
// deploy*.go (deploy readiness: enums, SageMaker, storage) and access.go
// (access flows). Helpers shared between them read the Environment tag
// (env.go), IAM-style policy documents (policydoc.go), node groups and
// NodePools (nodes.go), properties (props.go), the catalog (catalog.go) and
// references between resources for stack rules (refs.go).
//
// Adding a rule: write its Check in the file of its concern, register it in
// that file's init, and add a passing case, a firing case and an
// unknown-value case to the tests; a mandatory rule also gets an audit
// fixture (fixtures_test.go). The README's rule table lists it too.
package rules
