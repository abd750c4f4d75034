package deploy

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// schema is the part of a CRD's OpenAPI v3 (structural) schema the
// validator understands: enough for the fields Skirmish's manifests use.
// Anything it does not model (formats, list-map keys, CEL rules) is not
// checked; README.md says so.
type schema struct {
	Type                 string             `json:"type"`
	Properties           map[string]*schema `json:"properties"`
	AdditionalProperties json.RawMessage    `json:"additionalProperties"` // a schema, or a bool
	Items                *schema            `json:"items"`
	Required             []string           `json:"required"`
	Enum                 []any              `json:"enum"`
	AnyOf                []*schema          `json:"anyOf"`
	Nullable             bool               `json:"nullable"`
	IntOrString          bool               `json:"x-kubernetes-int-or-string"`
	PreserveUnknown      bool               `json:"x-kubernetes-preserve-unknown-fields"`
	Pattern              string             `json:"pattern"`
	Minimum              *float64           `json:"minimum"`
	Maximum              *float64           `json:"maximum"`
	ExclusiveMinimum     bool               `json:"exclusiveMinimum"`
	MinLength            *int               `json:"minLength"`
	MaxLength            *int               `json:"maxLength"`
	MaxItems             *int               `json:"maxItems"`
	MaxProperties        *int               `json:"maxProperties"`
}

// additional returns the schema for properties not named in Properties,
// and whether they are allowed at all.
func (s *schema) additional() (*schema, bool, error) {
	raw := strings.TrimSpace(string(s.AdditionalProperties))
	switch raw {
	case "", "false":
		return nil, false, nil
	case "true":
		return nil, true, nil
	}
	var a schema
	if err := json.Unmarshal(s.AdditionalProperties, &a); err != nil {
		return nil, false, fmt.Errorf("additionalProperties: %w", err)
	}
	return &a, true, nil
}

// validate checks v (decoded from JSON: map[string]any, []any, string,
// float64, bool, nil) against s and returns every violation, each with
// its path. Unknown fields are violations, as in a structural schema
// without x-kubernetes-preserve-unknown-fields, where the API server would
// silently drop them.
func (s *schema) validate(path string, v any) []error {
	if v == nil {
		if s.Nullable {
			return nil
		}
		return []error{fmt.Errorf("%s: null not allowed", path)}
	}
	if s.IntOrString {
		switch x := v.(type) {
		case string:
			return nil
		case float64:
			if x == math.Trunc(x) {
				return nil
			}
		}
		return []error{fmt.Errorf("%s: want an integer or a string, got %T", path, v)}
	}
	if len(s.AnyOf) > 0 && s.Type == "" {
		for _, alt := range s.AnyOf {
			if len(alt.validate(path, v)) == 0 {
				return nil
			}
		}
		return []error{fmt.Errorf("%s: matches none of anyOf", path)}
	}
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: "+format, append([]any{path}, args...)...))
	}
	switch s.Type {
	case "object":
		m, ok := v.(map[string]any)
		if !ok {
			bad("want an object, got %T", v)
			return errs
		}
		extra, extraOK, err := s.additional()
		if err != nil {
			bad("schema: %v", err)
			return errs
		}
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			switch p, named := s.Properties[k]; {
			case named:
				errs = append(errs, p.validate(path+"."+k, m[k])...)
			case extra != nil:
				errs = append(errs, extra.validate(path+"."+k, m[k])...)
			case extraOK || s.PreserveUnknown:
			default:
				bad("unknown field %q", k)
			}
		}
		for _, r := range s.Required {
			if _, ok := m[r]; !ok {
				bad("required field %q missing", r)
			}
		}
		if s.MaxProperties != nil && len(m) > *s.MaxProperties {
			bad("more than %d properties", *s.MaxProperties)
		}
	case "array":
		a, ok := v.([]any)
		if !ok {
			bad("want an array, got %T", v)
			return errs
		}
		if s.MaxItems != nil && len(a) > *s.MaxItems {
			bad("more than %d items", *s.MaxItems)
		}
		if s.Items != nil {
			for i, x := range a {
				errs = append(errs, s.Items.validate(fmt.Sprintf("%s[%d]", path, i), x)...)
			}
		}
	case "string":
		str, ok := v.(string)
		if !ok {
			bad("want a string, got %T", v)
			return errs
		}
		if s.MinLength != nil && len(str) < *s.MinLength {
			bad("shorter than %d", *s.MinLength)
		}
		if s.MaxLength != nil && len(str) > *s.MaxLength {
			bad("longer than %d", *s.MaxLength)
		}
		if s.Pattern != "" {
			re, err := regexp.Compile(s.Pattern)
			if err != nil {
				bad("schema pattern %q: %v", s.Pattern, err)
			} else if !re.MatchString(str) {
				bad("%q does not match %s", str, s.Pattern)
			}
		}
	case "integer", "number":
		n, ok := v.(float64)
		if !ok {
			bad("want %s, got %T", map[string]string{"integer": "an integer", "number": "a number"}[s.Type], v)
			return errs
		}
		if s.Type == "integer" && n != math.Trunc(n) {
			bad("want an integer, got %v", n)
		}
		if s.Minimum != nil && (n < *s.Minimum || s.ExclusiveMinimum && n == *s.Minimum) {
			bad("%v is below the minimum %v", n, *s.Minimum)
		}
		if s.Maximum != nil && n > *s.Maximum {
			bad("%v is above the maximum %v", n, *s.Maximum)
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			bad("want a boolean, got %T", v)
		}
	}
	if len(s.Enum) > 0 && !slices.ContainsFunc(s.Enum, func(e any) bool { return e == v }) {
		bad("%v is not one of %v", v, s.Enum)
	}
	return errs
}
