package pluginhost

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
)

// TestCSVLinks: every panel's CSV link (issue 28) through CallResource, as Grafana calls it for
// GET /api/datasources/uid/<uid>/resources/export?... (grafana/grafana pkg/api/plugin_resource.go
// pluginResourceRequest and makePluginResourceRequest: Path is what follows resources/, URL that
// with the query string), the link's variables URI-encoded as link_srv.ts getDataLinkUIModel
// replaces them (VariableFormatID.UriEncode). Each answers a CSV download with a header and rows.
func TestCSVLinks(t *testing.T) {
	ds := fx.dataSource(t)
	now := time.Now()
	from, _ := relative("now-6h", now)
	prefix := "/api/datasources/uid/" + ds.UID + "/resources/"
	links := 0
	for _, d := range fx.dashboards(t) {
		var vars map[string]string
		for _, p := range d.Panels {
			for _, l := range p.Links {
				if !strings.HasPrefix(l.URL, prefix+"export?") {
					continue
				}
				if vars == nil {
					vars = resolveVariables(t, ds, d)
				}
				v := map[string]string{"__from": fmt.Sprint(from.UnixMilli()), "__to": fmt.Sprint(now.UnixMilli())}
				for k, x := range vars {
					v[k] = x
				}
				rel := strings.TrimPrefix(varRef.ReplaceAllStringFunc(l.URL, func(m string) string {
					sub := varRef.FindStringSubmatch(m)
					name := sub[1]
					if name == "" {
						name = sub[3]
					}
					if x, ok := v[name]; ok {
						return url.QueryEscape(x)
					}
					return m
				}), prefix)
				where := fmt.Sprintf("%s panel %d %q %s", d.UID, p.ID, p.Title, l.Title)
				code, headers, body := callResourceRaw(t, ds, rel)
				if code != 200 {
					t.Errorf("%s: %d %s", where, code, body)
					continue
				}
				if ct := headers["Content-Type"]; ct != "text/csv; charset=utf-8; header=present" {
					t.Errorf("%s: Content-Type %q", where, ct)
				}
				if cd := headers["Content-Disposition"]; !strings.HasPrefix(cd, `attachment; filename="`) || !strings.HasSuffix(cd, `.csv"`) {
					t.Errorf("%s: Content-Disposition %q", where, cd)
				}
				selectedOnly := false
				for _, tg := range p.Targets {
					// (a funding query of a spot leg rightly has no rows either: issue 25)
					selectedOnly = selectedOnly || tg["selectedOnly"] == true || spotFunding(interpolateModel(tg, vars).(map[string]any))
				}
				if lines := strings.Split(strings.TrimRight(string(body), "\r\n"), "\r\n"); len(lines) < 2 && !selectedOnly {
					t.Errorf("%s: %d lines", where, len(lines))
				}
				links++
			}
		}
	}
	if links < 40 {
		t.Fatalf("only %d CSV links in the provisioned dashboards", links)
	}
	figure("CSV links: %d panel links answered a CSV file through CallResource export", links)
}

// callResourceRaw: a resource call's status, headers (first values) and whole body.
func callResourceRaw(t *testing.T, ds backend.DataSourceInstanceSettings, rel string) (int64, map[string]string, []byte) {
	t.Helper()
	path, _, _ := strings.Cut(rel, "?")
	stream, err := plug.Resource.CallResource(context.Background(), &pluginv2.CallResourceRequest{PluginContext: pluginContext(ds), Path: path, Method: "GET", Url: rel})
	if err != nil {
		t.Fatal(err)
	}
	var code int64
	headers := map[string]string{}
	var body []byte
	for first := true; ; first = false {
		r, err := stream.Recv()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if first {
			code = int64(r.Code)
			for k, v := range r.Headers {
				if len(v.Values) > 0 {
					headers[k] = v.Values[0]
				}
			}
		}
		body = append(body, r.Body...)
	}
	return code, headers, body
}
