package ivs_test

// The documentation's Go programs (every ```go block of README.md and docs/go.md is one), built as a
// reader would build them, in a module of their own that requires this one, and run against
// ivs-local with the environment a reader would have: endpoint, credentials and region in the AWS
// variables. So no example in the documentation can rot.

import (
	"context"
	"go/format"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

var goFence = regexp.MustCompile("(?ms)^```go[ \t]*\n(.*?)^```[ \t]*$")

func TestDocumentationPrograms(t *testing.T) {
	binding, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	repo := filepath.Join(binding, "..", "..")
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	count := 0
	for _, doc := range []string{"README.md", "docs/go.md"} {
		text, err := os.ReadFile(filepath.Join(repo, doc))
		if err != nil {
			t.Fatal(err)
		}
		for i, m := range goFence.FindAllStringSubmatch(string(text), -1) {
			name := strings.TrimSuffix(filepath.Base(doc), ".md") + "_" + strconv.Itoa(i+1)
			code := m[1]
			if !strings.HasPrefix(code, "package main") {
				t.Errorf("%s: ```go block %d is not a whole program (package main); every one is built and run", doc, i+1)
				continue
			}
			if formatted, err := format.Source([]byte(code)); err != nil || string(formatted) != code {
				t.Errorf("%s: ```go block %d is not gofmt'd (%v)", doc, i+1, err)
			}
			count++
			t.Run(name, func(t *testing.T) {
				dir := t.TempDir()
				mod := "module docexample\n\ngo 1.19\n\nrequire libivs/ivs v0.0.0\n\nreplace libivs/ivs => " + binding + "\n"
				if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(mod), 0o644); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(code), 0o644); err != nil {
					t.Fatal(err)
				}
				build := exec.Command(goTool, "build", "-o", filepath.Join(dir, "program"), ".")
				build.Dir = dir
				if out, err := build.CombinedOutput(); err != nil {
					t.Fatalf("go build: %v\n%s\n%s", err, out, code)
				}
				// bounded: a program that hangs (a chat whose loop never ends) fails here, not at go test's timeout
				ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
				defer cancel()
				run := exec.CommandContext(ctx, filepath.Join(dir, "program"))
				for _, kv := range os.Environ() {
					if !strings.HasPrefix(kv, "AWS_") { // nothing of the machine's own AWS setup
						run.Env = append(run.Env, kv)
					}
				}
				run.Env = append(run.Env, "AWS_ENDPOINT_URL="+localURL(t), "AWS_ACCESS_KEY_ID=test",
					"AWS_SECRET_ACCESS_KEY=test", "AWS_REGION=us-west-2", "AWS_CONFIG_FILE=/dev/null",
					"AWS_SHARED_CREDENTIALS_FILE=/dev/null")
				out, err := run.CombinedOutput()
				if err != nil {
					t.Fatalf("%v\n%s\n--- program ---\n%s", err, out, code)
				}
				t.Logf("%s", out)
			})
		}
	}
	if count == 0 {
		t.Error("no ```go programs in README.md and docs/go.md")
	}
}
