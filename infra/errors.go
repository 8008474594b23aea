package infra

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// FieldError is one rejected config value: which key, what it was set to, and what
// would have been accepted. Tests match it with errors.As; users read Error().
type FieldError struct {
	Key   string // fully qualified stack-config key, e.g. "webservice:cpu"
	Value string // the value as given ("" when the key is missing)
	Want  string // what is allowed, in words a user can act on
}

func (e *FieldError) Error() string {
	return fmt.Sprintf("%s: got %s, want %s", e.Key, quoteValue(e.Value), e.Want)
}

func quoteValue(v string) string {
	if v == "" {
		return "nothing"
	}
	return fmt.Sprintf("%q", v)
}

// ConfigError collects every FieldError found in one pass over the config, so a user
// fixes all of them in one edit instead of one per `pulumi up`.
type ConfigError struct {
	Stack  string
	Fields []*FieldError
}

func (e *ConfigError) Error() string {
	lines := make([]string, 0, len(e.Fields)+1)
	lines = append(lines, fmt.Sprintf("stack %q has %d invalid config value(s); nothing was created or changed:",
		e.Stack, len(e.Fields)))
	for _, f := range e.Fields {
		lines = append(lines, "  - "+f.Error())
	}
	return strings.Join(lines, "\n")
}

// Unwrap exposes each FieldError to errors.As and errors.Is.
func (e *ConfigError) Unwrap() []error {
	errs := make([]error, len(e.Fields))
	for i, f := range e.Fields {
		errs[i] = f
	}
	return errs
}

// Keys returns the keys that failed, sorted, for tests and summaries.
func (e *ConfigError) Keys() []string {
	keys := make([]string, 0, len(e.Fields))
	for _, f := range e.Fields {
		keys = append(keys, f.Key)
	}
	sort.Strings(keys)
	return keys
}

// problems accumulates FieldErrors while loading and validating.
type problems struct {
	fields []*FieldError
}

func (p *problems) add(key, value, want string) {
	p.fields = append(p.fields, &FieldError{Key: key, Value: value, Want: want})
}

func (p *problems) addf(key string, value any, format string, args ...any) {
	p.add(key, fmt.Sprint(value), fmt.Sprintf(format, args...))
}

func (p *problems) err(stack string) error {
	if len(p.fields) == 0 {
		return nil
	}
	return &ConfigError{Stack: stack, Fields: p.fields}
}

// ErrNoImage: an update names no image, and the stack cannot keep one because it
// has never run one (only its registry exists).
var ErrNoImage = errors.New("no image to deploy")

// errAwaitingImage: the stack's last update left it awaiting its first image.
var errAwaitingImage = errors.New("stack awaits its first image")
