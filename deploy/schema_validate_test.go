package deploy

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// TestSchemaValidate runs the validator on small schemas, for the rules
// the real CRDs use but the manifests may not reach.
func TestSchemaValidate(t *testing.T) {
	tests := []struct {
		name   string
		schema string
		value  string
		want   string // "" for valid, else in the error
	}{
		{"known field", `{"type":"object","properties":{"a":{"type":"string"}}}`, `{"a":"x"}`, ""},
		{"unknown field", `{"type":"object","properties":{"a":{"type":"string"}}}`, `{"b":"x"}`, `unknown field "b"`},
		{"object without properties prunes", `{"type":"object"}`, `{"b":1}`, `unknown field "b"`},
		{"additionalProperties true", `{"type":"object","additionalProperties":true}`, `{"b":1}`, ""},
		{"additionalProperties schema", `{"type":"object","additionalProperties":{"type":"string"}}`, `{"b":1}`, `$.b: want a string`},
		{"preserve unknown", `{"type":"object","x-kubernetes-preserve-unknown-fields":true}`, `{"b":1}`, ""},
		{"required", `{"type":"object","required":["a"],"properties":{"a":{"type":"string"}}}`, `{}`, `required field "a" missing`},
		{"wrong type", `{"type":"object","properties":{"a":{"type":"integer"}}}`, `{"a":"1"}`, `$.a: want an integer`},
		{"not an integer", `{"type":"integer"}`, `1.5`, `want an integer`},
		{"minimum", `{"type":"integer","minimum":1}`, `0`, `below the minimum`},
		{"exclusive minimum", `{"type":"integer","minimum":0,"exclusiveMinimum":true}`, `0`, `below the minimum`},
		{"maximum", `{"type":"integer","maximum":65535}`, `70000`, `above the maximum`},
		{"enum", `{"type":"string","enum":["A","B"]}`, `"C"`, `C is not one of`},
		{"enum ok", `{"type":"string","enum":["A","B"]}`, `"B"`, ""},
		{"pattern", `{"type":"string","pattern":"^[a-z]+$"}`, `"aB"`, `does not match`},
		{"max length", `{"type":"string","maxLength":3}`, `"abcd"`, `longer than 3`},
		{"int or string: int", `{"x-kubernetes-int-or-string":true,"anyOf":[{"type":"integer"},{"type":"string"}]}`, `5`, ""},
		{"int or string: string", `{"x-kubernetes-int-or-string":true,"anyOf":[{"type":"integer"},{"type":"string"}]}`, `"25%"`, ""},
		{"int or string: bool", `{"x-kubernetes-int-or-string":true,"anyOf":[{"type":"integer"},{"type":"string"}]}`, `true`, `want an integer or a string`},
		{"null", `{"type":"object"}`, `null`, `null not allowed`},
		{"nullable", `{"type":"object","nullable":true}`, `null`, ""},
		{"array items", `{"type":"array","items":{"type":"string"}}`, `["a",2]`, `$[1]: want a string`},
		{"max properties", `{"type":"object","maxProperties":1,"additionalProperties":{"type":"integer"}}`, `{"a":1,"b":2}`, `more than 1 properties`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s schema
			if err := json.Unmarshal([]byte(tt.schema), &s); err != nil {
				t.Fatal(err)
			}
			var v any
			if err := json.Unmarshal([]byte(tt.value), &v); err != nil {
				t.Fatal(err)
			}
			err := errors.Join(s.validate("$", v)...)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("want valid, got %v", err)
			case tt.want != "" && err == nil:
				t.Fatalf("want an error with %q, got none", tt.want)
			case tt.want != "" && !strings.Contains(err.Error(), tt.want):
				t.Fatalf("want an error with %q, got %v", tt.want, err)
			}
		})
	}
}
