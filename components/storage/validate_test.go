package storage

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// TestValidationErrorsInOneOrder: the same bad arguments give the same
// errors in the same order on every run.
func TestValidationErrorsInOneOrder(t *testing.T) {
	lustre := &LustreArgs{ClientSecurityGroups: map[string]pulumi.StringInput{"": pulumi.String("a"), "self": pulumi.String("b")},
		DataRepositories: []DataRepository{{FileSystemPath: "/data", BucketName: "x"}, {FileSystemPath: "/data/a", BucketName: "y"},
			{FileSystemPath: "/data/a/b", BucketName: "z"}}}
	repl := &ReplicationArgs{SourceKeyAlias: "src", DestinationKeyAlias: "dst"}
	for name, validate := range map[string]func() error{"lustre": lustre.validate, "replication": repl.validate} {
		first := validate()
		if first == nil {
			t.Fatalf("%s: the bad arguments passed", name)
		}
		for range 50 {
			if err := validate(); err.Error() != first.Error() {
				t.Fatalf("%s: errors in another order:\n%v\n---\n%v", name, first, err)
			}
		}
	}
}
