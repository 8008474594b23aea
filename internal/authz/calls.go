package authz

import (
	"fmt"
	"sort"
	"strings"

	"github.com/example/webservice/internal/offline"
)

// Call is one authorization AWS makes while `pulumi up` (or `destroy`) manages a
// declared resource: an IAM action on one resource ARN with its condition keys.
// Calls made on the caller's behalf by a service (Application Auto Scaling
// creating target-tracking alarms, for example) count: the caller is authorized.
type Call struct {
	URN   string // the declared resource that causes the call
	Phase string // create, read, update or delete
	Request
}

func (c Call) String() string {
	return fmt.Sprintf("%s %s (%s)", c.Phase, c.Request, c.URN)
}

// Phases of a resource's life that a deploy role must be able to carry out:
// create on the first deploy, read on every preview and refresh, update on a
// change, delete on a replacement or removal.
const (
	Create = "create"
	Read   = "read"
	Update = "update"
	Delete = "delete"
)

// Env is what the derivation needs besides the plan.
type Env struct {
	Account, Region string
}

// resourceSpec lists the calls for one resource type. source says where the list
// comes from: the terraform-provider-aws function that manages the resource (the
// provider pulumi-aws bridges) and the AWS page on tag-on-create authorization.
type resourceSpec struct {
	source string
	calls  func(r *res) []Call
}

// Calls derives every call for every custom resource in the plan. A resource
// type without a spec is an error: adding a resource means adding its row.
func Calls(plan *offline.Result, env Env) ([]Call, error) {
	idx := newIndex(plan)
	var out []Call
	var missing []string
	for i := range plan.Resources {
		rec := &plan.Resources[i]
		if rec.Read || (!rec.Custom && !rec.Remote) {
			continue
		}
		spec, ok := resourceSpecs[rec.Type]
		if !ok {
			missing = append(missing, rec.Type)
			continue
		}
		out = append(out, spec.calls(&res{rec: rec, env: env, idx: idx})...)
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return nil, fmt.Errorf("authz: no call spec for %s: add a row to resourceSpecs in internal/authz/specs.go",
			strings.Join(missing, ", "))
	}
	return out, nil
}

// Covers reports whether a resource type has a call spec.
func Covers(typ string) bool {
	_, ok := resourceSpecs[typ]
	return ok
}

// index finds declared resources by the values other resources hold (ids, names).
type index struct {
	plan  *offline.Result
	tags  map[string]string // the provider's default tags: on every taggable create
	byID  map[string]*offline.Resource
	roles map[string]*offline.Resource // by role name (what a RolePolicy's role holds)
}

func newIndex(plan *offline.Result) *index {
	idx := &index{plan: plan, tags: map[string]string{}, byID: map[string]*offline.Resource{},
		roles: map[string]*offline.Resource{}}
	for i := range plan.Resources {
		r := &plan.Resources[i]
		if r.ID != "" {
			idx.byID[r.ID] = r
		}
		if r.Type == "aws:iam/role:Role" {
			if n, _ := r.Outputs["name"].(string); n != "" {
				idx.roles[n] = r
			}
		}
		if r.Type == "pulumi:providers:aws" {
			if dt, ok := r.Inputs["defaultTags"].(map[string]any); ok {
				if tags, ok := dt["tags"].(map[string]any); ok {
					for k, v := range tags {
						idx.tags[k] = fmt.Sprint(v)
					}
				}
			}
		}
	}
	return idx
}

// res wraps one recorded resource with the helpers the specs use.
type res struct {
	rec *offline.Resource
	env Env
	idx *index
}

func (r *res) in(path string) string  { return lookupString(r.rec.Inputs, path) }
func (r *res) out(path string) string { return lookupString(r.rec.Outputs, path) }

func lookupString(m map[string]any, path string) string {
	var cur any = m
	for _, p := range strings.Split(path, ".") {
		mm, ok := cur.(map[string]any)
		if !ok {
			return ""
		}
		cur = mm[p]
	}
	s, _ := cur.(string)
	return s
}

func (r *res) arn(service, resource string) string {
	return fmt.Sprintf("arn:aws:%s:%s:%s:%s", service, r.env.Region, r.env.Account, resource)
}

// tags are what the resource is created with: the provider's default tags and
// its own.
func (r *res) tags() map[string]string {
	t := map[string]string{}
	for k, v := range r.idx.tags {
		t[k] = v
	}
	if own, ok := r.rec.Inputs["tags"].(map[string]any); ok {
		for k, v := range own {
			t[k] = fmt.Sprint(v)
		}
	}
	return t
}

// call builds one call. ctx holds extra condition keys.
func (r *res) call(phase, action, resource string, ctx map[string][]string) Call {
	if ctx == nil {
		ctx = map[string][]string{}
	}
	return Call{URN: r.rec.URN, Phase: phase, Request: Request{Action: action, Resource: resource, Context: ctx}}
}

// requestTags is the context of a create that carries the resource's tags.
func (r *res) requestTags(extra map[string][]string) map[string][]string {
	ctx := map[string][]string{}
	var keys []string
	for k, v := range r.tags() {
		ctx["aws:RequestTag/"+k] = []string{v}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	ctx["aws:TagKeys"] = keys
	for k, v := range extra {
		ctx[k] = v
	}
	return ctx
}

// resourceTags is the context of a call on an existing resource that carries tags.
func (r *res) resourceTags(extra map[string][]string) map[string][]string {
	ctx := map[string][]string{}
	for k, v := range r.tags() {
		ctx["aws:ResourceTag/"+k] = []string{v}
	}
	for k, v := range extra {
		ctx[k] = v
	}
	return ctx
}

// taggedCreate is a create that carries tags plus the service's tag action,
// which AWS authorizes separately on the new resource (tag-on-create), with the
// service's CreateAction condition key where it has one.
func (r *res) taggedCreate(action, arn, tagAction, createActionKey string, ctx map[string][]string) []Call {
	calls := []Call{r.call(Create, action, arn, r.requestTags(ctx))}
	if tagAction == "" {
		return calls
	}
	tagCtx := map[string][]string{}
	if createActionKey != "" {
		tagCtx[createActionKey] = []string{action[strings.Index(action, ":")+1:]}
	}
	return append(calls, r.call(Create, tagAction, arn, r.requestTags(tagCtx)))
}

// each builds one call per action on one resource ARN in one phase.
func (r *res) each(phase, arn string, ctx map[string][]string, actions ...string) []Call {
	var out []Call
	for _, a := range actions {
		out = append(out, r.call(phase, a, arn, ctx))
	}
	return out
}

// serviceLinkedRole is the first-use creation of a service's service-linked role.
func (r *res) serviceLinkedRole(service, roleName string) Call {
	return r.call(Create, "iam:CreateServiceLinkedRole",
		fmt.Sprintf("arn:aws:iam::%s:role/aws-service-role/%s/%s", r.env.Account, service, roleName),
		map[string][]string{"iam:AWSServiceName": {service}})
}

// passRole is iam:PassRole of a role ARN to a service.
func (r *res) passRole(roleArn, service string) Call {
	return r.call(Create, "iam:PassRole", roleArn, map[string][]string{"iam:PassedToService": {service}})
}
