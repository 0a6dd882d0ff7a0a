package pluginhost

// The suite's fixture: what run.ts started (environment), the provisioned files read as Grafana
// reads them, and the collector API called directly for the expected numbers.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/dlclark/regexp2/v2"
	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
	"gopkg.in/yaml.v3"
)

type fixture struct {
	pluginDir, provDir, collectorURL, token, controlURL string
	// qemu runs the linux/arm64 executable (qemu-aarch64-static, -L the arm64 sysroot).
	qemu         []string
	defaultQuery map[string]any
}

func readFixture() (fixture, error) {
	f := fixture{
		pluginDir:    os.Getenv("PAIRS_PLUGIN_DIR"),
		provDir:      os.Getenv("PAIRS_PROVISIONING_DIR"),
		collectorURL: os.Getenv("COLLECTOR_URL"),
		token:        os.Getenv("API_TOKEN"),
		controlURL:   os.Getenv("FAKE_CONTROL_URL"),
	}
	if q, root := os.Getenv("QEMU_AARCH64"), os.Getenv("ARM64_SYSROOT"); q != "" && root != "" {
		f.qemu = []string{q, "-L", root}
	}
	if f.pluginDir == "" || f.provDir == "" || f.collectorURL == "" || f.controlURL == "" {
		return f, fmt.Errorf("run this suite with `npm run e2e:grafana` (grafana-plugin/test/host/run.ts starts the collector and the fake Binance)")
	}
	if err := json.Unmarshal([]byte(os.Getenv("DEFAULT_QUERY_JSON")), &f.defaultQuery); err != nil {
		return f, fmt.Errorf("DEFAULT_QUERY_JSON: %w", err)
	}
	return f, nil
}

// ---- provisioning, as Grafana reads it

var envRef = regexp.MustCompile(`\$\$|\$\{(\w+)\}|\$(\w+)`)

// expandEnv is Grafana's interpolation of provisioning values (pkg/services/provisioning/values):
// $VAR and ${VAR} from the environment, $$ a literal $.
func expandEnv(s string, env map[string]string) string {
	return envRef.ReplaceAllStringFunc(s, func(m string) string {
		if m == "$$" {
			return "$"
		}
		sub := envRef.FindStringSubmatch(m)
		name := sub[1]
		if name == "" {
			name = sub[2]
		}
		return env[name]
	})
}

func expandAll(v any, env map[string]string) any {
	switch x := v.(type) {
	case string:
		return expandEnv(x, env)
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			out[k] = expandAll(e, env)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = expandAll(e, env)
		}
		return out
	}
	return v
}

func readYAML(t testing.TB, path string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return doc
}

// dataSource is our data source from datasources/datasources.yaml with the environment
// docker-compose.yml gives Grafana (COLLECTOR_URL, API_TOKEN), as the plugin receives it.
func (f fixture) dataSource(t testing.TB) backend.DataSourceInstanceSettings {
	t.Helper()
	doc := readYAML(t, filepath.Join(f.provDir, "datasources", "datasources.yaml"))
	env := map[string]string{"COLLECTOR_URL": f.collectorURL, "API_TOKEN": f.token}
	for _, d := range doc["datasources"].([]any) {
		ds := expandAll(d, env).(map[string]any)
		if ds["type"] != PluginID {
			continue
		}
		jsonData, _ := json.Marshal(ds["jsonData"])
		secure := map[string]string{}
		if s, ok := ds["secureJsonData"].(map[string]any); ok {
			for k, v := range s {
				secure[k] = fmt.Sprint(v)
			}
		}
		return backend.DataSourceInstanceSettings{ID: 1, UID: ds["uid"].(string), Type: PluginID, Name: ds["name"].(string), URL: fmt.Sprint(ds["url"]), JSONData: jsonData, DecryptedSecureJSONData: secure, Updated: time.Unix(1_700_000_000, 0)}
	}
	t.Fatal("datasources.yaml provisions no data source of type " + PluginID)
	return backend.DataSourceInstanceSettings{}
}

func pluginContext(ds backend.DataSourceInstanceSettings) *pluginv2.PluginContext {
	return backend.ToProto().PluginContext(backend.PluginContext{OrgID: 1, PluginID: PluginID, PluginVersion: "0.2.0", DataSourceInstanceSettings: &ds, User: &backend.User{Login: "admin", Role: "Admin"}})
}

type dashboard struct {
	file string
	UID  string `json:"uid"`
	Time struct {
		From string `json:"from"`
		To   string `json:"to"`
	} `json:"time"`
	Templating struct {
		List []variable `json:"list"`
	} `json:"templating"`
	Annotations struct {
		List []struct {
			Name       string         `json:"name"`
			Datasource map[string]any `json:"datasource"`
			Target     map[string]any `json:"target"`
		} `json:"list"`
	} `json:"annotations"`
	Panels []struct {
		ID         int              `json:"id"`
		Title      string           `json:"title"`
		Type       string           `json:"type"`
		Datasource map[string]any   `json:"datasource"`
		Targets    []map[string]any `json:"targets"`
		Links      []struct {
			Title string `json:"title"`
			URL   string `json:"url"`
		} `json:"links"`
	} `json:"panels"`
}

type variable struct {
	Name       string         `json:"name"`
	Type       string         `json:"type"`
	Datasource map[string]any `json:"datasource"`
	Query      any            `json:"query"`
	Regex      string         `json:"regex"`
	Current    struct {
		Value any `json:"value"`
	} `json:"current"`
}

func (f fixture) dashboards(t testing.TB) []dashboard {
	t.Helper()
	dir := filepath.Join(f.provDir, "dashboards", "json")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []dashboard
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		var d dashboard
		if err := json.Unmarshal(b, &d); err != nil {
			t.Fatalf("%s: %v", e.Name(), err)
		}
		d.file = e.Name()
		out = append(out, d)
	}
	return out
}

// relative parses Grafana's "now" / "now-6h" time expressions (the forms the dashboards use).
func relative(expr string, now time.Time) (time.Time, error) {
	if expr == "now" {
		return now, nil
	}
	m := regexp.MustCompile(`^now-(\d+)([smhd])$`).FindStringSubmatch(expr)
	if m == nil {
		return time.Time{}, fmt.Errorf("time %q is not now or now-<n><s|m|h|d>", expr)
	}
	var n int
	fmt.Sscan(m[1], &n)
	unit := map[string]time.Duration{"s": time.Second, "m": time.Minute, "h": time.Hour, "d": 24 * time.Hour}[m[2]]
	return now.Add(-time.Duration(n) * unit), nil
}

// ---- template variables, as Grafana resolves them

var varRef = regexp.MustCompile(`\$\{(\w+)(?::(\w+))?\}|\$(\w+)`)

// interpolate replaces $name, ${name} and ${name:regex} (escaped as Grafana's escapeRegex does).
func interpolate(s string, vars map[string]string) string {
	return varRef.ReplaceAllStringFunc(s, func(m string) string {
		sub := varRef.FindStringSubmatch(m)
		name, format := sub[1], sub[2]
		if name == "" {
			name = sub[3]
		}
		v, ok := vars[name]
		if !ok {
			return m
		}
		if format == "regex" {
			return regexp.QuoteMeta(v)
		}
		return v
	})
}

func interpolateModel(v any, vars map[string]string) any {
	switch x := v.(type) {
	case string:
		return interpolate(x, vars)
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			out[k] = interpolateModel(e, vars)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = interpolateModel(e, vars)
		}
		return out
	}
	return v
}

// jsRegex compiles a variable's regex the way Grafana's stringToJsRegex does ("/.../flags"),
// with JavaScript semantics (lookahead included).
func jsRegex(s string) (*regexp2.Regexp, error) {
	if !strings.HasPrefix(s, "/") {
		return regexp2.Compile(s, regexp2.ECMAScript)
	}
	end := strings.LastIndex(s, "/")
	opts := regexp2.ECMAScript
	if strings.Contains(s[end+1:], "i") {
		opts |= regexp2.IgnoreCase
	}
	return regexp2.Compile(s[1:end], opts)
}

// ---- the collector API, called directly

func (f fixture) get(t testing.TB, path string, params url.Values, out any) {
	t.Helper()
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, f.collectorURL+path+"?"+params.Encode(), nil)
	req.Header.Set("Authorization", "Bearer "+f.token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		t.Fatalf("GET %s?%s: %d %s", path, params.Encode(), res.StatusCode, body)
	}
	if err := json.Unmarshal(body, out); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
}

func (f fixture) post(t testing.TB, path string) {
	t.Helper()
	res, err := http.Post(f.controlURL+path, "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
}

func (f fixture) tick(t testing.TB) time.Time {
	t.Helper()
	res, err := http.Post(f.controlURL+"/tick", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var r struct {
		SentAt int64 `json:"sentAt"`
	}
	if err := json.NewDecoder(res.Body).Decode(&r); err != nil {
		t.Fatal(err)
	}
	return time.UnixMilli(r.SentAt)
}

// ---- frames

// floatsOf reads a numeric field as *float64 values (nil = null).
func floatsOf(fl *data.Field) []*float64 {
	out := make([]*float64, fl.Len())
	for i := range out {
		if v, ok := fl.ConcreteAt(i); ok {
			switch x := v.(type) {
			case float64:
				out[i] = &x
			case int64:
				f := float64(x)
				out[i] = &f
			}
		}
	}
	return out
}

func timesOf(fl *data.Field) []int64 {
	out := make([]int64, fl.Len())
	for i := range out {
		if v, ok := fl.ConcreteAt(i); ok {
			out[i] = v.(time.Time).UnixMilli()
		}
	}
	return out
}

// seriesIdentities is what Grafana's expression engine does with a wide frame: one series per
// numeric field, identified by its labels alone (pkg/expr/converter.go WideToMany; the dataplane
// reader for meta.type timeseries-wide likewise keeps the field's labels,
// pkg/expr/mathexp NewSeriesFromRef), and an evaluation with two equal label sets fails with
// "frame cannot uniquely be identified by its labels" (pkg/services/ngalert/eval/eval.go).
func seriesIdentities(frames data.Frames) (ids []string, duplicate string) {
	seen := map[string]bool{}
	for _, fr := range frames {
		for _, fl := range fr.Fields {
			if !fl.Type().Numeric() {
				continue
			}
			id := fl.Labels.String()
			if seen[id] && duplicate == "" {
				duplicate = id
			}
			seen[id] = true
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return ids, duplicate
}

// near reports whether got equals want within tol (absolute).
func near(got, want *float64, tol float64) bool {
	if got == nil || want == nil {
		return got == nil && want == nil
	}
	d := *got - *want
	if d < 0 {
		d = -d
	}
	return d <= tol
}

func percentile(xs []float64, p float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s) == 0 {
		return 0
	}
	i := int(p*float64(len(s)-1) + 0.5)
	return s[i]
}

// tradeBurst has the fake feed trade 20 times a second per symbol for 4 s, then stop, and waits
// 700 ms for the last trades' packets: the flow the Live channels are measured on.
func (f fixture) tradeBurst(t testing.TB) {
	f.post(t, "/rate/20")
	time.Sleep(4 * time.Second)
	f.post(t, "/rate/0")
	time.Sleep(700 * time.Millisecond)
}
