package tests

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/example/webservice/infra"
	"github.com/example/webservice/internal/offline"
	"github.com/example/webservice/internal/offline/service"
)

// The ECR lifecycle policy must never expire the image the circuit breaker
// rolls back to (the release running now) nor the one being deployed. The
// policy is checked by applying it, with ECR's documented evaluation rules
// (AmazonECR/latest/userguide/LifecyclePolicies.html, "lifecycle policy
// evaluation rules"), to a repository where many images were pushed after the
// running release without going live (failed deploys).

type ecrImage struct {
	tags     []string
	pushedAt int // days ago
}

type ecrRule struct {
	RulePriority int `json:"rulePriority"`
	Selection    struct {
		TagStatus      string   `json:"tagStatus"`
		TagPatternList []string `json:"tagPatternList"`
		TagPrefixList  []string `json:"tagPrefixList"`
		CountType      string   `json:"countType"`
		CountNumber    int      `json:"countNumber"`
	} `json:"selection"`
}

// applyLifecycle returns the tags (or "untagged@<age>") of the images a policy
// expires. Rules run in priority order; an image a rule's tag requirements select
// can never be expired by a lower-priority rule, though it still counts there;
// counts keep the most recently pushed images.
func applyLifecycle(t *testing.T, policy string, images []ecrImage) []string {
	t.Helper()
	var doc struct {
		Rules []ecrRule `json:"rules"`
	}
	if err := json.Unmarshal([]byte(policy), &doc); err != nil {
		t.Fatal(err)
	}
	sort.Slice(doc.Rules, func(i, j int) bool { return doc.Rules[i].RulePriority < doc.Rules[j].RulePriority })
	claimed := make([]bool, len(images))
	expired := make([]bool, len(images))
	for _, r := range doc.Rules {
		var selected []int
		for i, img := range images {
			if selects(r, img) {
				selected = append(selected, i)
			}
		}
		sort.Slice(selected, func(a, b int) bool { return images[selected[a]].pushedAt < images[selected[b]].pushedAt })
		for n, i := range selected {
			over := false
			switch r.Selection.CountType {
			case "imageCountMoreThan":
				over = n >= r.Selection.CountNumber
			case "sinceImagePushed":
				over = images[i].pushedAt > r.Selection.CountNumber
			}
			if over && !claimed[i] {
				expired[i] = true
			}
		}
		for _, i := range selected {
			if r.Selection.TagStatus == "tagged" {
				claimed[i] = true
			}
		}
	}
	var out []string
	for i, img := range images {
		if expired[i] {
			if len(img.tags) == 0 {
				out = append(out, fmt.Sprintf("untagged@%d", img.pushedAt))
			} else {
				out = append(out, img.tags...)
			}
		}
	}
	return out
}

func selects(r ecrRule, img ecrImage) bool {
	switch r.Selection.TagStatus {
	case "untagged":
		return len(img.tags) == 0
	case "any":
		return true
	}
	// ECR ANDs the entries of a list: "If you specify multiple tags, only the
	// images with all specified tags are selected" (lifecycle policy properties).
	matchesAll := func(patterns []string, match func(p, tag string) bool) bool {
		for _, p := range patterns {
			if !slices.ContainsFunc(img.tags, func(tag string) bool { return match(p, tag) }) {
				return false
			}
		}
		return true
	}
	switch {
	case len(r.Selection.TagPatternList) > 0:
		return matchesAll(r.Selection.TagPatternList, wildcardTag)
	case len(r.Selection.TagPrefixList) > 0:
		return matchesAll(r.Selection.TagPrefixList, func(p, tag string) bool { return strings.HasPrefix(tag, p) })
	}
	return false
}

// wildcardTag is ECR's tagPatternList match: * matches any run of characters.
func wildcardTag(pattern, tag string) bool {
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return pattern == tag
	}
	if !strings.HasPrefix(tag, parts[0]) {
		return false
	}
	rest := tag[len(parts[0]):]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(rest, p)
		if i < 0 {
			return false
		}
		rest = rest[i+len(p):]
	}
	return strings.HasSuffix(rest, parts[len(parts)-1])
}

// deployOver renders a deploy of newTag onto a stack that runs runningTag.
func deployOver(t *testing.T, stack, runningTag, newTag string) *offline.Result {
	t.Helper()
	ov := withSite(stack, map[string]string{"imageTag": newTag})
	r, err := service.Run(offline.Options{Dir: projectDir, Stack: stack, Overrides: ov, Previous: map[string]any{
		infra.OutputImage:    "210987654321.dkr.ecr.us-east-1.amazonaws.com/webservice-" + stack + ":" + runningTag,
		infra.OutputImageTag: runningTag,
	}})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestLifecyclePolicyNeverExpiresTheRollbackTargetNorTheNewRelease(t *testing.T) {
	for _, stack := range Stacks {
		t.Run(stack, func(t *testing.T) {
			r := deployOver(t, stack, "v41", "v42")
			policy := str(t, one(t, r, typeLifecycle).Inputs, "policy")
			keep := 0
			fmt.Sscan(r.Config["webservice:ecrKeepTaggedImages"], &keep)

			// v41 runs; then 2 x keep builds were pushed and failed; now v42 deploys.
			images := []ecrImage{{tags: []string{"v41"}, pushedAt: 30}}
			for i := range 2 * keep {
				images = append(images, ecrImage{tags: []string{fmt.Sprintf("failed%d", i)}, pushedAt: 29 - i%29})
			}
			images = append(images, ecrImage{tags: []string{"v42"}}, ecrImage{pushedAt: 9})
			expired := applyLifecycle(t, policy, images)
			for _, tag := range []string{"v41", "v42"} {
				if slices.Contains(expired, tag) {
					t.Errorf("the policy expires %s, the release a rollback or scale-out needs:\n%s", tag, policy)
				}
			}
			if len(expired) < keep || !slices.Contains(expired, "untagged@9") {
				t.Errorf("the policy no longer expires old images (expired %d: %v)", len(expired), expired)
			}

			// Without its protecting rules (the policy as it was), the running release expires.
			var doc map[string][]json.RawMessage
			if err := json.Unmarshal([]byte(policy), &doc); err != nil {
				t.Fatal(err)
			}
			var kept []json.RawMessage
			asAny := func(raw []json.RawMessage) []any {
				out := make([]any, len(raw))
				for i, r := range raw {
					out[i] = r
				}
				return out
			}
			for _, rule := range doc["rules"] {
				if !strings.Contains(string(rule), `"tagStatus":"tagged"`) {
					kept = append(kept, rule)
				}
			}
			doc["rules"] = kept
			unprotected, _ := json.Marshal(doc)
			if !slices.Contains(applyLifecycle(t, string(unprotected), images), "v41") {
				t.Error("the check cannot tell: a policy that only keeps the newest images should expire v41 here")
			}
			// One rule listing both tags protects neither: ECR ANDs the list.
			both, _ := json.Marshal(map[string]any{"rules": append([]any{map[string]any{
				"rulePriority": 1, "selection": map[string]any{"tagStatus": "tagged",
					"tagPatternList": []string{"v41", "v42"}, "countType": "imageCountMoreThan", "countNumber": 2},
				"action": map[string]string{"type": "expire"}}}, asAny(kept)...)})
			if !slices.Contains(applyLifecycle(t, string(both), images), "v41") {
				t.Error("a rule listing two tags selects only images carrying both, so v41 should expire")
			}
		})
	}
}

func TestLifecyclePolicyProtectsTheRunningReleaseWhenTheImageIsKept(t *testing.T) {
	r, err := service.Run(offline.Options{Dir: projectDir, Stack: "staging", Overrides: siteConfig("staging"), Previous: map[string]any{
		infra.OutputImage: "210987654321.dkr.ecr.us-east-1.amazonaws.com/webservice-staging:v41", infra.OutputImageTag: "v41",
	}})
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Rules []ecrRule `json:"rules"`
	}
	if err := json.Unmarshal([]byte(str(t, one(t, r, typeLifecycle).Inputs, "policy")), &doc); err != nil {
		t.Fatal(err)
	}
	first := doc.Rules[0].Selection
	if doc.Rules[0].RulePriority != 1 || first.TagStatus != "tagged" || !slices.Equal(first.TagPatternList, []string{"v41"}) ||
		first.CountType != "imageCountMoreThan" || first.CountNumber != 1 {
		t.Fatalf("first rule = %+v", doc.Rules[0])
	}
}
