package server

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
)

// operationMethods are the keys of an OpenAPI path item that are operations.
var operationMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// loadOpenAPI reads openapi.json from the package directory and checks that
// it is the document the server embeds.
func loadOpenAPI(t *testing.T) (raw []byte, doc map[string]any) {
	t.Helper()
	raw, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatalf("reading openapi.json: %v", err)
	}
	if !bytes.Equal(raw, openAPIDoc) {
		t.Fatalf("the embedded document differs from openapi.json on disk")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("openapi.json is not valid JSON: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		t.Fatalf("openapi.json has data after its top-level object")
	}
	return raw, doc
}

// resolvePointer resolves a local JSON reference such as
// "#/components/schemas/Card" (RFC 6901) against doc.
func resolvePointer(doc map[string]any, ref string) (any, bool) {
	pointer, ok := strings.CutPrefix(ref, "#")
	if !ok {
		return nil, false
	}
	if pointer == "" {
		return doc, true
	}
	if !strings.HasPrefix(pointer, "/") {
		return nil, false
	}
	var cur any = doc
	for _, token := range strings.Split(pointer[1:], "/") {
		token = strings.ReplaceAll(strings.ReplaceAll(token, "~1", "/"), "~0", "~")
		switch node := cur.(type) {
		case map[string]any:
			next, ok := node[token]
			if !ok {
				return nil, false
			}
			cur = next
		case []any:
			i, err := strconv.Atoi(token)
			if err != nil || i < 0 || i >= len(node) {
				return nil, false
			}
			cur = node[i]
		default:
			return nil, false
		}
	}
	return cur, true
}

// collectRefs calls visit for every "$ref" string and every discriminator
// mapping target anywhere under node, with the JSON path where it was found.
func collectRefs(node any, path string, visit func(path, ref string)) {
	switch n := node.(type) {
	case map[string]any:
		for k, v := range n {
			if k == "$ref" {
				if s, ok := v.(string); ok {
					visit(path, s)
				} else {
					visit(path, "<non-string $ref>")
				}
				continue
			}
			if k == "discriminator" {
				if d, ok := v.(map[string]any); ok {
					if m, ok := d["mapping"].(map[string]any); ok {
						for name, target := range m {
							s, _ := target.(string)
							visit(path+"/discriminator/mapping/"+name, s)
						}
					}
				}
			}
			collectRefs(v, path+"/"+k, visit)
		}
	case []any:
		for i, v := range n {
			collectRefs(v, path+"/"+strconv.Itoa(i), visit)
		}
	}
}

// deref follows a $ref (one or more levels) to the object it names.
func deref(t *testing.T, doc map[string]any, node any) map[string]any {
	t.Helper()
	for i := 0; i < 10; i++ {
		m, ok := node.(map[string]any)
		if !ok {
			return nil
		}
		ref, ok := m["$ref"].(string)
		if !ok {
			return m
		}
		node, ok = resolvePointer(doc, ref)
		if !ok {
			return nil
		}
	}
	t.Fatalf("$ref chain too long")
	return nil
}

// documentedOperations returns "METHOD /path" for every operation in the
// document, with its operation object.
func documentedOperations(t *testing.T, doc map[string]any) map[string]map[string]any {
	t.Helper()
	paths, ok := doc["paths"].(map[string]any)
	if !ok || len(paths) == 0 {
		t.Fatalf("the document has no paths")
	}
	ops := map[string]map[string]any{}
	for path, item := range paths {
		pathItem, ok := item.(map[string]any)
		if !ok {
			t.Errorf("path item %s is not an object", path)
			continue
		}
		for _, method := range operationMethods {
			raw, ok := pathItem[method]
			if !ok {
				continue
			}
			op, ok := raw.(map[string]any)
			if !ok {
				t.Errorf("%s %s is not an object", method, path)
				continue
			}
			ops[strings.ToUpper(method)+" "+path] = op
		}
	}
	return ops
}

var templateParam = regexp.MustCompile(`\{([^{}]+)\}`)

func TestOpenAPI_IsValidJSON(t *testing.T) {
	_, doc := loadOpenAPI(t)

	if v, _ := doc["openapi"].(string); v != "3.1.0" {
		t.Fatalf(`openapi = %q, want "3.1.0"`, v)
	}
	info, _ := doc["info"].(map[string]any)
	if s, _ := info["title"].(string); s == "" {
		t.Errorf("info.title is missing")
	}
	if s, _ := info["version"].(string); s == "" {
		t.Errorf("info.version is missing")
	}

	// Every reference resolves, and points into components.
	refs := 0
	collectRefs(doc, "#", func(path, ref string) {
		refs++
		if !strings.HasPrefix(ref, "#/components/") {
			t.Errorf("%s: $ref %q does not point into #/components/", path, ref)
			return
		}
		if _, ok := resolvePointer(doc, ref); !ok {
			t.Errorf("%s: $ref %q does not resolve", path, ref)
		}
	})
	if refs == 0 {
		t.Errorf("no $ref at all: the document is suspiciously flat")
	}

	// Security requirements name declared schemes.
	components, _ := doc["components"].(map[string]any)
	schemes, _ := components["securitySchemes"].(map[string]any)
	checkSecurity := func(where string, raw any) {
		if raw == nil {
			return
		}
		reqs, ok := raw.([]any)
		if !ok {
			t.Errorf("%s: security is not a list", where)
			return
		}
		for _, r := range reqs {
			req, ok := r.(map[string]any)
			if !ok {
				t.Errorf("%s: security requirement is not an object", where)
				continue
			}
			for name := range req {
				if _, ok := schemes[name]; !ok {
					t.Errorf("%s: security scheme %q is not declared", where, name)
				}
			}
		}
	}
	checkSecurity("top level", doc["security"])
	for _, name := range []string{"bearerAuth", "cookieAuth"} {
		if _, ok := schemes[name]; !ok {
			t.Errorf("security scheme %s is missing", name)
		}
	}
	if cookie, _ := schemes["cookieAuth"].(map[string]any); cookie["in"] != "cookie" || cookie["name"] != CookieName {
		t.Errorf("cookieAuth must be an apiKey in cookie %s, got %v", CookieName, cookie)
	}

	// Operations: unique operationId, at least one response, valid status
	// keys, and every path template parameter declared.
	paths, _ := doc["paths"].(map[string]any)
	seen := map[string]string{}
	status := regexp.MustCompile(`^([1-5][0-9][0-9]|[1-5]XX|default)$`)
	for key, op := range documentedOperations(t, doc) {
		id, _ := op["operationId"].(string)
		if id == "" {
			t.Errorf("%s has no operationId", key)
		} else if other, dup := seen[id]; dup {
			t.Errorf("operationId %q is used by both %s and %s", id, other, key)
		} else {
			seen[id] = key
		}
		if s, _ := op["summary"].(string); s == "" {
			t.Errorf("%s has no summary", key)
		}
		responses, _ := op["responses"].(map[string]any)
		if len(responses) == 0 {
			t.Errorf("%s has no responses", key)
		}
		for code := range responses {
			if !status.MatchString(code) {
				t.Errorf("%s: response key %q is not a status code", key, code)
			}
		}
		checkSecurity(key, op["security"])

		method, path, _ := strings.Cut(key, " ")
		declared := map[string]bool{}
		pathItem, _ := paths[path].(map[string]any)
		for _, source := range []any{pathItem["parameters"], op["parameters"]} {
			list, _ := source.([]any)
			for _, p := range list {
				param := deref(t, doc, p)
				if param == nil {
					t.Errorf("%s: a parameter does not resolve", key)
					continue
				}
				if param["in"] == "path" {
					name, _ := param["name"].(string)
					declared[name] = true
					if param["required"] != true {
						t.Errorf("%s: path parameter %q must be required", key, name)
					}
				}
			}
		}
		want := map[string]bool{}
		for _, m := range templateParam.FindAllStringSubmatch(path, -1) {
			want[m[1]] = true
			if !declared[m[1]] {
				t.Errorf("%s: path parameter {%s} is not declared", key, m[1])
			}
		}
		for name := range declared {
			if !want[name] {
				t.Errorf("%s: declares path parameter %q that is not in the path", key, name)
			}
		}
		if method == "GET" || method == "DELETE" {
			if _, ok := op["requestBody"]; ok {
				t.Errorf("%s has a request body", key)
			}
		}
	}
}

// fiberParam matches a fiber path parameter such as ":id".
var fiberParam = regexp.MustCompile(`:([A-Za-z0-9_]+)`)

// documentedPath reports whether a fiber route path is one the OpenAPI
// document must describe: the API and the public pages, not the web app.
func documentedPath(path string) bool {
	for _, prefix := range []string{"/v1/", "/c/", "/s/", "/media/"} {
		if strings.HasPrefix(path, prefix) {
			return true
		}
	}
	return path == "/healthz" || path == "/robots.txt" || path == "/favicon.ico"
}

// registeredRoutes builds the real app and returns "METHOD /openapi/path"
// for every route the document must describe.
func registeredRoutes(t *testing.T) map[string]bool {
	t.Helper()
	s := New(Config{}, Deps{})
	// /v1/feed/stream is mounted by cmd/weigong after New, with the
	// websocket handler; any handler registers the same route.
	s.MountStream(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusTeapot)
	}), func(string) {})
	routes := map[string]bool{}
	for _, r := range s.App().GetRoutes(true) {
		if r.Method == fiber.MethodHead || !documentedPath(r.Path) {
			continue
		}
		if strings.ContainsAny(r.Path, "*+?") {
			t.Errorf("route %s %s uses a wildcard or optional parameter the test cannot map", r.Method, r.Path)
			continue
		}
		path := fiberParam.ReplaceAllString(r.Path, "{$1}")
		routes[r.Method+" "+path] = true
	}
	return routes
}

func TestOpenAPI_CoversEveryRoute(t *testing.T) {
	_, doc := loadOpenAPI(t)
	documented := documentedOperations(t, doc)
	registered := registeredRoutes(t)

	for _, must := range []string{"GET /v1/openapi.json", "POST /v1/cards", "GET /v1/feed/stream", "GET /healthz", "GET /s/{id}"} {
		if !registered[must] {
			t.Fatalf("route %s was not found among the app's routes; the route walk is broken", must)
		}
	}

	var missing, extra []string
	for route := range registered {
		if _, ok := documented[route]; !ok {
			missing = append(missing, route)
		}
	}
	for route := range documented {
		if !registered[route] {
			extra = append(extra, route)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	for _, r := range missing {
		t.Errorf("route %s is registered but not in openapi.json", r)
	}
	for _, r := range extra {
		t.Errorf("openapi.json documents %s, which is not a registered route", r)
	}
}

func TestOpenAPI_Served(t *testing.T) {
	raw, _ := loadOpenAPI(t)
	s := New(Config{}, Deps{})
	resp, err := s.App().Test(httptest.NewRequest(http.MethodGet, "/v1/openapi.json", nil), 5000)
	if err != nil {
		t.Fatalf("GET /v1/openapi.json: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /v1/openapi.json: status %d, want 200", resp.StatusCode)
	}
	mediaType, _, err := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if err != nil || mediaType != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", resp.Header.Get("Content-Type"))
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading the body: %v", err)
	}
	if !bytes.Equal(body, raw) {
		t.Errorf("the served document (%d bytes) differs from openapi.json (%d bytes)", len(body), len(raw))
	}
	if resp.Header.Get("X-Request-Id") == "" {
		t.Errorf("the reply has no X-Request-Id")
	}
}
