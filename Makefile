# Shortcuts for the commands README.md documents.
.PHONY: preview preview-prod test vet fmt golden fixtures docs ci

preview:        ## offline preview of the dev stack (no credentials needed)
	go run ./cmd/offline preview --stack dev

preview-prod:
	go run ./cmd/offline preview --stack prod

test:           ## the test suite CI runs
	go test ./...

vet:
	go vet ./...

fmt:
	gofmt -w $$(find . -name '*.go' -not -path './.git/*')

golden:         ## refresh golden files; review the diff before committing
	go test ./tests ./components/cluster ./components/cost ./components/keys ./components/network ./components/observability -update

fixtures:       ## regenerate the stack-export fixtures under policies/testdata
	go test ./policies/rules -run TestAuditFixtures -update-fixtures

docs:           ## regenerate policies/README.md tables, config.example.json and profiles/
	go test ./policies/rules -run TestGeneratedDocs -update-docs

ci:
	./.ci/run
