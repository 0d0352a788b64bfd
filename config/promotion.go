package config

import (
	"fmt"
	"regexp"
	"strings"
)

// KeyPromotion names the stack this stack promotes from: its SageMaker
// endpoints with promoteFrom serve the models that stack exports.
const KeyPromotion = Namespace + ":promotion"

// DefaultOrganization is the organization of stacks on the self-managed
// backends (`pulumi login --local`, s3://): they have no organizations and
// name every stack "organization/<project>/<stack>".
const DefaultOrganization = "organization"

// Promotion names the source stack of promoted models.
type Promotion struct {
	// Organization, Project and Stack name the source stack. Organization
	// defaults to the stack's own (ctx.Organization(), set by Load).
	Organization, Project, Stack string
	// KeepLast plans from this stack's own last promotion without reading
	// the source: for a source stack that was removed (`pulumi stack rm`),
	// which a StackReference cannot read at all. Defaults to false.
	KeepLast bool
}

// StackName is the fully qualified name a StackReference takes.
func (p Promotion) StackName() string {
	return p.Organization + "/" + p.Project + "/" + p.Stack
}

// PromotionKeys declare ml-platform:promotion.
var PromotionKeys = []Key{
	{Name: "organization", Default: Always(DefaultOrganization), Check: pulumiName,
		Doc: "the source stack's organization; defaults to this stack's own (yours on Pulumi Cloud, `organization` on the self-managed backends)"},
	{Name: "project", Default: func(c Context) any { return c.Project }, Check: pulumiName,
		Doc: "the source stack's project (this project by default)"},
	{Name: "stack", Required: true, Check: pulumiName, Doc: "the stack whose `promotion` output endpoints with `promoteFrom` serve (required; not this stack)"},
	{Name: "keepLast", Default: Always(false),
		Doc: "plan from this stack's own last promotion without reading the source (a removed source stack cannot be read)"},
}

// pulumiNamePattern is what Pulumi accepts in organization, project and
// stack names.
var pulumiNamePattern = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,100}$`)

// pulumiName checks a Pulumi name.
var pulumiName = Matching("a Pulumi name", "1 to 100 letters, digits, '_', '.' and '-'", pulumiNamePattern.MatchString)

// modelPackageShort is a model package version of one of the stack's own
// groups, "<group>/<version>".
var modelPackageShort = regexp.MustCompile(`^([a-zA-Z0-9](?:-*[a-zA-Z0-9])*)/([1-9][0-9]*)$`)

// ModelPackageARN is the ARN of an endpoint's model package, a version of
// one of the stack's own groups (they carry the configured names); "" for
// none.
func (e Endpoint) ModelPackageARN(partition, region, account string) string {
	m := modelPackageShort.FindStringSubmatch(e.ModelPackage)
	if m == nil {
		return ""
	}
	return fmt.Sprintf("arn:%s:sagemaker:%s:%s:model-package/%s/%s", partition, region, account, m[1], m[2])
}

// checkModelSource validates where an endpoint's model comes from: exactly
// one of an artifact in the models bucket (modelPath), a model package
// version (modelPackage) or the source stack (promoteFrom).
func checkModelSource(k string, e *Endpoint, groups []ModelPackageGroup, promotion bool, p *problems) {
	if e.PromoteFrom != "" {
		if !sageMakerNamePattern.MatchString(e.PromoteFrom) {
			p.add(k+".promoteFrom", "%q is not an endpoint name (letters, digits and single dashes)", e.PromoteFrom)
		}
		for _, f := range [][2]string{{"image", e.Image}, {"modelPath", e.ModelPath}, {"modelPackage", e.ModelPackage}} {
			if f[1] != "" {
				p.add(k+"."+f[0], "comes from the promoted model; remove it or remove promoteFrom")
			}
		}
		if !promotion {
			p.add(KeyPromotion, "required by %s.promoteFrom: the stack to promote from, e.g. {stack: dev}", k)
		}
		return
	}
	if e.ModelPackage == "" {
		return // modelPath is checked with the endpoint kind
	}
	if e.ModelPath != "" {
		p.add(k+".modelPath", "a model package names its own artifact; set modelPath or modelPackage, not both")
	}
	if e.Kind == EndpointMultiModel {
		p.add(k+".modelPackage", "a multi-model endpoint loads artifacts from a prefix (modelPath), not one model package")
	}
	m := modelPackageShort.FindStringSubmatch(e.ModelPackage)
	if m == nil {
		p.add(k+".modelPackage", "%q is not <group>/<version> of this stack's registry, such as churn/3 (another stack's models arrive through promoteFrom)", e.ModelPackage)
		return
	}
	var names []string
	for _, g := range groups {
		if g.Name == m[1] {
			return
		}
		names = append(names, g.Name)
	}
	p.add(k+".modelPackage", "%q names group %q, which is not in modelPackageGroups; allowed: %s", e.ModelPackage, m[1], strings.Join(names, ", "))
}
