package tests

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/ml-platform/ml-platform/catalog"
)

// TestMarkdownLinks: every relative link of every Markdown file in the
// repository resolves: the file exists, stays inside the repository, and a
// #fragment names a heading of the target (GitHub's anchors: lowercase,
// spaces to '-', punctuation but '-' and '_' dropped, repeats numbered -1,
// -2). Code is skipped; web links are not followed.
func TestMarkdownLinks(t *testing.T) {
	var files []string
	require := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	require(filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(path, ".md") {
			files = append(files, path)
		}
		return nil
	}))
	if len(files) < 10 {
		t.Fatalf("found %d Markdown files; the README and docs/ have more", len(files))
	}
	abs, err := filepath.Abs(root)
	require(err)
	var problems []string
	for _, file := range files {
		data, err := os.ReadFile(file)
		require(err)
		text := withoutCode(string(data))
		for _, m := range mdLink.FindAllStringSubmatchIndex(text, -1) {
			target := text[m[2]:m[3]]
			line := strings.Count(text[:m[2]], "\n") + 1
			rel, _ := filepath.Rel(root, file)
			where := fmt.Sprintf("%s:%d: %s", rel, line, target)
			if webLink.MatchString(target) {
				continue
			}
			if strings.HasPrefix(target, "/") {
				problems = append(problems, where+": absolute path")
				continue
			}
			path, fragment, _ := strings.Cut(target, "#")
			dest := file
			if path != "" {
				dest = filepath.Join(filepath.Dir(file), path)
			}
			if d, err := filepath.Abs(dest); err != nil || !strings.HasPrefix(d, abs) {
				problems = append(problems, where+": outside the repository")
				continue
			}
			info, err := os.Stat(dest)
			if err != nil {
				problems = append(problems, where+": no such file or directory")
				continue
			}
			if fragment != "" && !info.IsDir() && strings.HasSuffix(dest, ".md") && !headingAnchors(t, dest)[fragment] {
				problems = append(problems, where+": no heading with that anchor")
			}
		}
	}
	if len(problems) > 0 {
		t.Errorf("broken links:\n  %s", strings.Join(problems, "\n  "))
	}
}

var (
	mdLink     = regexp.MustCompile(`\]\(\s*<?([^()<>\s]+)>?(?:\s+"[^"]*")?\s*\)`)
	webLink    = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*:`)
	fence      = regexp.MustCompile("^[ \t]*(```|~~~)")
	inlineCode = regexp.MustCompile("`[^`\n]*`")
	heading    = regexp.MustCompile(`^[ \t]{0,3}#{1,6}[ \t]+(.*?)[ \t]*#*[ \t]*$`)
	linkText   = regexp.MustCompile(`!?\[([^\]]*)\]\([^)]*\)`)
	htmlTag    = regexp.MustCompile(`<[^>]+>`)
)

// withoutCode blanks fenced blocks and inline code, keeping line numbers.
func withoutCode(text string) string {
	return inlineCode.ReplaceAllStringFunc(withoutFences(text), func(s string) string { return strings.Repeat(" ", len(s)) })
}

// withoutFences blanks fenced code blocks, keeping line numbers.
func withoutFences(text string) string {
	lines := strings.Split(text, "\n")
	open := ""
	for i, line := range lines {
		m := fence.FindStringSubmatch(line)
		switch {
		case open != "":
			if m != nil && m[1] == open {
				open = ""
			}
			lines[i] = ""
		case m != nil:
			open, lines[i] = m[1], ""
		}
	}
	return strings.Join(lines, "\n")
}

var anchorCache = map[string]map[string]bool{}

// headingAnchors are the anchors GitHub gives a file's headings.
func headingAnchors(t *testing.T, path string) map[string]bool {
	if a, ok := anchorCache[path]; ok {
		return a
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out, seen := map[string]bool{}, map[string]int{}
	for _, line := range strings.Split(withoutFences(string(data)), "\n") {
		m := heading.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		text := strings.ToLower(strings.TrimSpace(htmlTag.ReplaceAllString(linkText.ReplaceAllString(m[1], "$1"), "")))
		var b strings.Builder
		for _, r := range text {
			if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_' {
				b.WriteRune(r)
			} else if r == ' ' {
				b.WriteRune('-')
			}
		}
		a := b.String()
		if n := seen[a]; n > 0 {
			out[fmt.Sprintf("%s-%d", a, n)] = true
		} else {
			out[a] = true
		}
		seen[a]++
	}
	anchorCache[path] = out
	return out
}

// TestDocsNameTheDefaultEndpoints: the configuration reference lists the
// default interface endpoints the catalog holds, and the README counts
// them right (they once said 16 and 18 at the same time).
func TestDocsNameTheDefaultEndpoints(t *testing.T) {
	defaults := catalog.DefaultInterfaceEndpoints()
	// docs/configuration.md's table is generated from the declarations
	// (config.TestReferenceIsGenerated), which take the catalog's list.
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("| Interface endpoints | the default %d ", len(defaults)); !strings.Contains(string(readme), want) {
		t.Errorf("README's Environments table does not count %d default endpoints (%q)", len(defaults), want)
	}
}
