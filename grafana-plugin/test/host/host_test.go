package pluginhost

// The plugin as Grafana drives it, through the SDK's gRPC clients: health, every provisioned
// dashboard query (template variables resolved through the plugin) and annotation, every
// provisioned alert rule and a rule on the editor's default query, Grafana Live, speed, and no
// plugin process left behind. Expected numbers come from the collector API, called directly.
// Run with `npm run e2e:grafana` (run.ts starts the collector and the fake Binance).

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
)

// The plugin passes the collector's float64 values through, and Arrow float64 is exact; but the
// collector may answer the plugin's request and this test's a moment later on two computation
// paths (a cached run continued, a fresh warm-up), whose last bits differ. The tolerances are the
// repository's across-paths ones (collector/test/support/acrossPaths.ts, derived from the oracle's):
// beta 2e-9 relative, alpha/spread/spreadMean 2e-9 x the y price, z 2e-7, correlation 2e-9;
// everything else (prices, bars, p-values, half-life, signals) 1e-12 relative.
const tolerance = 1e-12

func tolerances(name string, want, yScale float64) float64 {
	abs := want
	if abs < 0 {
		abs = -abs
	}
	switch name {
	case "beta":
		return 2e-9 * abs
	case "alpha", "spread", "spreadMean":
		return 2e-9 * yScale
	case "zscore":
		return 2e-7
	case "correlation":
		return 2e-9
	case "equity", "pnl", "fees", "totalReturn", "sharpe", "maxDrawdown":
		// the backtest's money is linear in the x leg's quantity, -beta x qy: beta's 2e-9 relative
		if abs < 1 {
			abs = 1
		}
		return 2e-9 * abs
	}
	if abs < 1 {
		abs = 1
	}
	return tolerance * abs
}

// grafanaVersion is what GF_VERSION says (the compose file's Grafana).
const grafanaVersion = "13.1.0"

var (
	fx      fixture
	plug    *Plugin
	figures []string
)

func TestMain(m *testing.M) {
	var err error
	fx, err = readFixture()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	if os.Getenv("PAIRS_HOST_HELPER") == "1" {
		helperHost()
		return
	}
	plug, err = Start(Options{PluginDir: fx.pluginDir, GrafanaVersion: grafanaVersion})
	if err != nil {
		fmt.Fprintln(os.Stderr, "starting the plugin:", err)
		os.Exit(1)
	}
	code := m.Run()
	plug.Kill()
	fmt.Println("\nfigures (one run, this machine):")
	for _, f := range figures {
		fmt.Println("  " + f)
	}
	os.Exit(code)
}

// helperHost is a host process of its own (TestHostKilled kills it with SIGKILL).
func helperHost() {
	p, err := Start(Options{PluginDir: fx.pluginDir, GrafanaVersion: grafanaVersion})
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	fmt.Printf("pid %d\n", p.Pid)
	select {}
}

func figure(format string, args ...any) {
	figures = append(figures, fmt.Sprintf(format, args...))
}

// queryData is Grafana's /api/ds/query -> QueryData: the panel's query model with datasource,
// intervalMs and maxDataPoints spread in (DataSourceWithBackend.query), converted with the SDK.
func queryData(t testing.TB, ds backend.DataSourceInstanceSettings, headers map[string]string, from, to time.Time, maxDataPoints int64, models ...map[string]any) *backend.QueryDataResponse {
	t.Helper()
	return queryDataOf(t, plug, ds, headers, from, to, maxDataPoints, models...)
}

// queryDataOf is queryData sent to the plugin p.
func queryDataOf(t testing.TB, p *Plugin, ds backend.DataSourceInstanceSettings, headers map[string]string, from, to time.Time, maxDataPoints int64, models ...map[string]any) *backend.QueryDataResponse {
	t.Helper()
	interval := to.Sub(from) / time.Duration(maxDataPoints)
	if interval < time.Second {
		interval = time.Second
	}
	req := &backend.QueryDataRequest{PluginContext: backend.PluginContext{OrgID: 1, PluginID: PluginID, DataSourceInstanceSettings: &ds}, Headers: headers}
	for _, m := range models {
		model := map[string]any{}
		for k, v := range m {
			model[k] = v
		}
		if _, ok := model["intervalMs"]; !ok {
			model["intervalMs"] = interval.Milliseconds()
		}
		if _, ok := model["maxDataPoints"]; !ok {
			model["maxDataPoints"] = maxDataPoints
		}
		b, _ := json.Marshal(model)
		qt, _ := model["queryType"].(string)
		req.Queries = append(req.Queries, backend.DataQuery{RefID: model["refId"].(string), QueryType: qt, MaxDataPoints: maxDataPoints, Interval: interval, TimeRange: backend.TimeRange{From: from, To: to}, JSON: b})
	}
	proto := backend.ToProto().QueryDataRequest(req)
	proto.PluginContext = pluginContext(ds)
	res, err := p.Data.QueryData(context.Background(), proto)
	if err != nil {
		t.Fatalf("QueryData: %v", err)
	}
	// The SDK's conversion, as Grafana's client_v2.go does: each frame through data.UnmarshalArrowFrames.
	out, err := backend.FromProto().QueryDataResponse(res)
	if err != nil {
		t.Fatalf("decoding the Arrow frames: %v", err)
	}
	return out
}

func checkHealth(t *testing.T, ds backend.DataSourceInstanceSettings) *backend.CheckHealthResult {
	t.Helper()
	res, err := plug.Diagnostics.CheckHealth(context.Background(), &pluginv2.CheckHealthRequest{PluginContext: pluginContext(ds)})
	if err != nil {
		t.Fatal(err)
	}
	return backend.FromProto().CheckHealthResponse(res)
}

func TestCheckHealth(t *testing.T) {
	ds := fx.dataSource(t)
	ok := checkHealth(t, ds)
	if ok.Status != backend.HealthStatusOk || !strings.Contains(ok.Message, "connected to the collector") || !strings.Contains(ok.Message, "data for BTCUSDT, BTCUSDT.P, ETHUSDT, ETHUSDT.P, SOLUSDT") {
		t.Errorf("provisioned settings: %v %q", ok.Status, ok.Message)
	}
	bad := ds
	bad.DecryptedSecureJSONData = map[string]string{"apiToken": "wrong"}
	r := checkHealth(t, bad)
	if r.Status != backend.HealthStatusError || !strings.Contains(r.Message, "the collector rejected the API token") || strings.Contains(r.Message, "wrong") {
		t.Errorf("wrong token: %v %q", r.Status, r.Message)
	}
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	dead := "http://" + l.Addr().String()
	l.Close()
	badURL := ds
	badURL.JSONData = json.RawMessage(fmt.Sprintf(`{"collectorUrl":%q}`, dead))
	r = checkHealth(t, badURL)
	if r.Status != backend.HealthStatusError || !strings.Contains(r.Message, "cannot reach the collector at "+dead) {
		t.Errorf("wrong URL: %v %q", r.Status, r.Message)
	}
}

// resolveVariables resolves a dashboard's variables as Grafana does: query variables of our data
// source run their query through the plugin (CallResource, the frontend's variable support),
// then the variable's regex (first capture group = value); the current value is kept when it is
// among the options, else the first option; custom variables take their current value.
func resolveVariables(t *testing.T, ds backend.DataSourceInstanceSettings, d dashboard) map[string]string {
	t.Helper()
	vars := map[string]string{}
	for _, v := range d.Templating.List {
		current := fmt.Sprint(v.Current.Value)
		switch v.Type {
		case "custom", "constant", "textbox":
			vars[v.Name] = current
		case "query":
			if v.Datasource["uid"] != ds.UID {
				t.Fatalf("variable %s uses another data source", v.Name)
			}
			kind := v.Query.(map[string]any)["kind"].(string)
			var options []struct {
				Value string `json:"value"`
			}
			if err := json.Unmarshal(callResource(t, ds, kind), &options); err != nil {
				t.Fatal(err)
			}
			re, err := jsRegex(interpolate(v.Regex, vars))
			if err != nil {
				t.Fatalf("variable %s regex: %v", v.Name, err)
			}
			var values []string
			for _, o := range options {
				if v.Regex == "" {
					values = append(values, o.Value)
					continue
				}
				if m, _ := re.FindStringMatch(o.Value); m != nil {
					if g := m.Groups(); len(g) > 1 {
						values = append(values, g[1].String())
					} else {
						values = append(values, m.String())
					}
				}
			}
			if len(values) == 0 {
				t.Fatalf("variable %s: no options", v.Name)
			}
			vars[v.Name] = values[0]
			for _, x := range values {
				if x == current {
					vars[v.Name] = current
				}
			}
		default:
			t.Fatalf("variable %s of type %s", v.Name, v.Type)
		}
	}
	return vars
}

func callResource(t *testing.T, ds backend.DataSourceInstanceSettings, path string) []byte {
	t.Helper()
	stream, err := plug.Resource.CallResource(context.Background(), &pluginv2.CallResourceRequest{PluginContext: pluginContext(ds), Path: path, Method: "GET", Url: path})
	if err != nil {
		t.Fatal(err)
	}
	var body []byte
	for {
		r, err := stream.Recv()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if r.Code != 0 && r.Code != 200 {
			t.Fatalf("resource %s: %d %s", path, r.Code, r.Body)
		}
		body = append(body, r.Body...)
	}
	return body
}

type panelQuery struct {
	where string
	model map[string]any
}

// ourQueries: every target of our data source in every provisioned dashboard (and its
// annotations), interpolated.
func ourQueries(t *testing.T, ds backend.DataSourceInstanceSettings) (out []panelQuery, vars map[string]map[string]string) {
	vars = map[string]map[string]string{}
	for _, d := range fx.dashboards(t) {
		var v map[string]string
		for _, p := range d.Panels {
			for _, tg := range p.Targets {
				if dsOf(tg) != ds.UID {
					continue
				}
				if v == nil {
					v = resolveVariables(t, ds, d)
					vars[d.UID] = v
				}
				out = append(out, panelQuery{fmt.Sprintf("%s panel %d %q %s", d.UID, p.ID, p.Title, tg["refId"]), interpolateModel(tg, v).(map[string]any)})
			}
		}
		for _, a := range d.Annotations.List {
			if a.Datasource["uid"] == ds.UID && a.Target != nil {
				if v == nil {
					v = resolveVariables(t, ds, d)
					vars[d.UID] = v
				}
				out = append(out, panelQuery{fmt.Sprintf("%s annotation %q", d.UID, a.Name), interpolateModel(a.Target, v).(map[string]any)})
			}
		}
	}
	return out, vars
}

func dsOf(target map[string]any) string {
	if d, ok := target["datasource"].(map[string]any); ok {
		s, _ := d["uid"].(string)
		return s
	}
	return ""
}

func TestDashboardsAnnotationsAndVariables(t *testing.T) {
	ds := fx.dataSource(t)
	queries, vars := ourQueries(t, ds)
	if len(queries) < 10 {
		t.Fatalf("only %d queries of our data source in the provisioned dashboards", len(queries))
	}
	// The pair picker lists the collector's pairs; y and x are that pair's legs.
	ov := vars["quant-pairs-overview"]
	if ov["pair"] != "ETHUSDT/BTCUSDT" || ov["y"] != "ETHUSDT" || ov["x"] != "BTCUSDT" || ov["timeframe"] != "1m" || ov["window"] != "100" {
		t.Fatalf("pair overview variables: %v", ov)
	}
	now := time.Now()
	from, _ := relative("now-6h", now)
	compared := 0
	byType := map[string]int{}
	for _, q := range queries {
		res := queryData(t, ds, nil, from, now, 800, q.model)
		r := res.Responses[q.model["refId"].(string)]
		if r.Error != nil || len(r.Frames) == 0 {
			t.Errorf("%s: error %v, %d frames", q.where, r.Error, len(r.Frames))
			continue
		}
		// (a scan table may rightly be empty, e.g. no pair selected: compareScan checks its rows)
		// (and a funding query of a spot leg answers an empty frame: compareFunding checks it)
		if rows, _ := r.Frames[0].RowLen(); rows == 0 && q.model["queryType"] != "scan" && !spotFunding(q.model) {
			t.Errorf("%s: empty frame", q.where)
		}
		if ids, dup := seriesIdentities(r.Frames); dup != "" {
			t.Errorf("%s: two numeric fields share the labels {%s} (%v)", q.where, dup, ids)
		}
		c := compareWithCollector(t, q.where, q.model, r.Frames[0], from, now, 800)
		compared += c
		byType[fmt.Sprint(q.model["queryType"])] += c
	}
	// the pair overview's paper position panels (window 100, one of the collector's default
	// WINDOWS, no entryZ) are answered by the live engine: their position columns hold numbers
	if livePositions == 0 {
		t.Errorf("no dashboard stats query was compared with a live paper position")
	}
	figure("dashboards: %d queries of our data source (panels and annotations), %d values equal to the collector API's (within the across-paths tolerances; by query type %v; %d stats queries with a live paper position)", len(queries), compared, byType, livePositions)
}

var signalCode = map[string]float64{"LONG": 1, "NEUTRAL": 0, "SHORT": -1}

// livePositions counts the stats queries compareWithCollector checked against a live paper
// position (the collector's /api/stats position not null).
var livePositions int

func ptr(f float64) *float64 { return &f }

// compareWithCollector checks a frame against the collector API's answer to the same question;
// it returns how many values it compared.
func compareWithCollector(t *testing.T, where string, model map[string]any, fr *data.Frame, from, to time.Time, maxDataPoints int64) int {
	t.Helper()
	qt, _ := model["queryType"].(string)
	p := url.Values{}
	tf := fmt.Sprint(model["timeframe"])
	window := fmt.Sprint(model["window"])
	set := func(k, v string) { p.Set(k, v) }
	rng := func() { set("from", fmt.Sprint(from.UnixMilli())); set("to", fmt.Sprint(to.UnixMilli())) }
	field := func(name string) *data.Field {
		f, _ := fr.FieldByName(name)
		return f
	}
	// The level tolerance needs a bound on the y leg's price: twice its latest price (the fake
	// feed moves it by far less).
	yScale := 0.0
	if pair, ok := model["pair"].(string); ok {
		var st struct {
			Prices struct {
				Y *struct {
					Price float64 `json:"price"`
				} `json:"y"`
			} `json:"prices"`
		}
		fx.get(t, "/api/stats", url.Values{"pair": {pair}, "tf": {tf}, "window": {window}}, &st)
		if st.Prices.Y != nil {
			yScale = 2 * st.Prices.Y.Price
		}
	}
	n := 0
	cmp := func(name string, got []*float64, want []*float64) {
		if len(got) != len(want) {
			t.Errorf("%s %s: %d values, the collector has %d", where, name, len(got), len(want))
			return
		}
		for i := range got {
			n++
			ok := got[i] == nil && want[i] == nil
			if got[i] != nil && want[i] != nil {
				d := *got[i] - *want[i]
				ok = d <= tolerances(name, *want[i], yScale) && -d <= tolerances(name, *want[i], yScale)
			}
			if !ok {
				t.Errorf("%s %s[%d]: %v, the collector says %v", where, name, i, deref(got[i]), deref(want[i]))
				return
			}
		}
	}
	switch qt {
	case "analytics":
		set("pair", fmt.Sprint(model["pair"]))
		set("tf", tf)
		set("window", window)
		rng()
		set("maxDataPoints", fmt.Sprint(maxDataPoints))
		if z, ok := model["entryZ"]; ok {
			set("entryZ", fmt.Sprint(z))
		}
		setHedge(p, model)
		var a struct {
			Series map[string][]any `json:"series"`
		}
		fx.get(t, "/api/analytics", p, &a)
		for _, fl := range fr.Fields[1:] {
			var want []*float64
			for _, v := range a.Series[fl.Name] {
				switch x := v.(type) {
				case float64:
					want = append(want, ptr(x))
				case string:
					want = append(want, ptr(signalCode[x]))
				default:
					want = append(want, nil)
				}
			}
			cmp(fl.Name, floatsOf(fl), want)
		}
		ts := timesOf(fr.Fields[0])
		for i, v := range a.Series["ts"] {
			if i < len(ts) && int64(v.(float64)) != ts[i] {
				t.Errorf("%s time[%d]: %d, the collector says %v", where, i, ts[i], v)
				break
			}
		}
	case "stats":
		set("pair", fmt.Sprint(model["pair"]))
		set("tf", tf)
		set("window", window)
		// The plugin passes the query's entryZ/exitZ on, as here: with them the collector computes
		// from stored bars instead of answering from its live engine. An empty one (the Pair
		// overview's $exit left empty) is absent.
		for _, k := range []string{"entryZ", "exitZ"} {
			if v, ok := model[k]; ok && fmt.Sprint(v) != "" {
				set(k, fmt.Sprint(v))
			}
		}
		setHedge(p, model)
		var s struct {
			Committed, Provisional map[string]any
			Correlation            *float64
			Adf, Coint             map[string]any
			HalfLife               map[string]any `json:"halfLife"`
			// the live paper position (issue 16): null when computed from stored bars
			Position *struct {
				Side          string   `json:"side"`
				EntryTs       *float64 `json:"entryTs"`
				UnrealisedPnl float64  `json:"unrealisedPnl"`
				Equity        float64  `json:"equity"`
				ClosedTrades  float64  `json:"closedTrades"`
			} `json:"position"`
		}
		fx.get(t, "/api/stats", p, &s)
		pt := s.Provisional
		if pt == nil {
			pt = s.Committed
		}
		num := func(m map[string]any, k string) *float64 {
			if v, ok := m[k].(float64); ok {
				return &v
			}
			return nil
		}
		corr := s.Correlation
		if corr == nil {
			corr = num(pt, "correlation")
		}
		var hl *float64
		if h := num(s.HalfLife, "halfLife"); h != nil {
			hl = ptr(*h * map[string]float64{"1s": 1, "1m": 60, "5m": 300}[tf])
		}
		want := map[string]*float64{"zscore": num(pt, "zscore"), "beta": num(pt, "beta"), "alpha": num(pt, "alpha"), "spread": num(pt, "spread"), "correlation": corr, "adfPValue": num(s.Adf, "pvalue"), "egPValue": num(s.Coint, "pvalue"), "halfLife": hl}
		if sig, ok := pt["signal"].(string); ok {
			want["signal"] = ptr(signalCode[sig])
		}
		// the paper position's columns: side coded LONG 1 / FLAT 0 / SHORT -1, all empty without one
		for _, k := range []string{"position", "entryTs", "unrealisedPnl", "equity", "closedTrades"} {
			want[k] = nil
		}
		if ps := s.Position; ps != nil {
			want["position"] = ptr(map[string]float64{"LONG": 1, "FLAT": 0, "SHORT": -1}[ps.Side])
			want["entryTs"] = ps.EntryTs
			want["unrealisedPnl"] = ptr(ps.UnrealisedPnl)
			want["equity"] = ptr(ps.Equity)
			want["closedTrades"] = ptr(ps.ClosedTrades)
			livePositions++
		}
		// every column is compared: one the frame lacks is an error, not skipped
		for name, w := range want {
			if f := field(name); f != nil {
				cmp(name, floatsOf(f), []*float64{w})
			} else {
				t.Errorf("%s: no %s field in the stats frame", where, name)
			}
		}
	case "bars":
		set("symbol", fmt.Sprint(model["symbol"]))
		set("tf", tf)
		var bars []map[string]any
		for next := from.UnixMilli(); ; {
			set("from", fmt.Sprint(next))
			set("to", fmt.Sprint(to.UnixMilli()))
			var b struct {
				Bars []map[string]any `json:"bars"`
				Next *float64         `json:"next"`
			}
			fx.get(t, "/api/bars", p, &b)
			bars = append(bars, b.Bars...)
			if b.Next == nil || len(b.Bars) == 0 {
				break
			}
			next = int64(*b.Next)
		}
		// normalize (issue 28): one field, each close over the range's first close
		if model["normalize"] == true {
			var want []*float64
			for _, b := range bars {
				want = append(want, ptr(b["close"].(float64)/bars[0]["close"].(float64)))
			}
			if f := field("normalized"); f == nil {
				t.Errorf("%s: no normalized field", where)
			} else {
				cmp("normalized", floatsOf(f), want)
			}
			break
		}
		for _, name := range []string{"open", "high", "low", "close", "volume", "trades", "vwap"} {
			var want []*float64
			for _, b := range bars {
				if v, ok := b[name].(float64); ok {
					want = append(want, ptr(v))
				} else {
					want = append(want, nil)
				}
			}
			if f := field(name); f != nil {
				cmp(name, floatsOf(f), want)
			}
		}
		// where each bar came from (ticks, or Binance klines: history, long-outage repair), as
		// the collector marks it: a string field, equal value for value
		var want []string
		for _, b := range bars {
			s, _ := b["source"].(string)
			want = append(want, s)
		}
		if f := field("source"); f == nil {
			t.Errorf("%s: no source field", where)
		} else {
			got := make([]string, f.Len())
			for i := range got {
				if v, ok := f.ConcreteAt(i); ok {
					got[i], _ = v.(string)
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s source: %v, the collector says %v", where, got, want)
			}
			n += len(got)
		}
	case "signals":
		set("pair", fmt.Sprint(model["pair"]))
		set("tf", tf)
		set("window", window)
		rng()
		if z, ok := model["entryZ"]; ok {
			set("entryZ", fmt.Sprint(z))
		}
		setHedge(p, model)
		var s struct {
			Events []struct {
				Ts     int64    `json:"ts"`
				Signal string   `json:"signal"`
				Zscore *float64 `json:"zscore"`
				Text   string   `json:"text"`
			} `json:"events"`
		}
		fx.get(t, "/api/signals", p, &s)
		var ts []int64
		var texts []string
		var z []*float64
		for _, e := range s.Events {
			ts = append(ts, e.Ts)
			texts = append(texts, e.Text)
			z = append(z, e.Zscore)
		}
		got := timesOf(fr.Fields[0])
		if fmt.Sprint(got) != fmt.Sprint(ts) {
			t.Errorf("%s: event times %v, the collector says %v", where, got, ts)
		}
		if tx := field("text"); tx != nil {
			for i := 0; i < tx.Len() && i < len(texts); i++ {
				if tx.At(i).(string) != texts[i] {
					t.Errorf("%s: text[%d] %q, the collector says %q", where, i, tx.At(i), texts[i])
				}
			}
		}
		cmp("zscore", floatsOf(field("zscore")), z)
	case "backtest":
		// the same backtest (or sweep) asked of the collector: settings as the query gives them
		set("pair", fmt.Sprint(model["pair"]))
		set("tf", tf)
		rng()
		list := func(v any) string {
			if xs, ok := v.([]any); ok {
				parts := make([]string, len(xs))
				for i, x := range xs {
					parts[i] = fmt.Sprint(x)
				}
				return strings.Join(parts, ",")
			}
			return fmt.Sprint(v)
		}
		for _, k := range []string{"stop", "maxHold", "cooldown", "lag", "feeBps", "slippageBps", "notional"} {
			if v, ok := model[k]; ok && fmt.Sprint(v) != "" {
				set(k, fmt.Sprint(v))
			}
		}
		if model["output"] == "sweep" {
			set("window", list(model["sweepWindows"]))
			set("entry", list(model["sweepEntries"]))
			set("exit", list(model["sweepExits"]))
			var sw struct {
				Rows []struct {
					Metrics map[string]*float64 `json:"metrics"`
				} `json:"rows"`
			}
			fx.get(t, "/api/backtest/sweep", p, &sw)
			for _, name := range []string{"sharpe", "totalReturn", "trades"} {
				var want []*float64
				for _, r := range sw.Rows {
					want = append(want, r.Metrics[name])
				}
				cmp(name, floatsOf(field(name)), want)
			}
			break
		}
		if compareHonest(t, model, p, list, field, cmp) {
			break
		}
		set("window", window)
		if v, ok := model["entryZ"]; ok {
			set("entry", fmt.Sprint(v))
		}
		if v, ok := model["exitZ"]; ok {
			set("exit", fmt.Sprint(v))
		}
		out, _ := model["output"].(string)
		if out == "" || out == "equity" {
			set("maxDataPoints", fmt.Sprint(maxDataPoints))
		}
		var b struct {
			Metrics map[string]*float64 `json:"metrics"`
			Trades  []struct {
				Pnl float64 `json:"pnl"`
			} `json:"trades"`
			Equity struct {
				Equity []float64 `json:"equity"`
			} `json:"equity"`
		}
		fx.get(t, "/api/backtest", p, &b)
		switch out {
		case "metrics":
			for _, fl := range fr.Fields {
				cmp(fl.Name, floatsOf(fl), []*float64{b.Metrics[fl.Name]})
			}
		case "trades":
			var want []*float64
			for _, tr := range b.Trades {
				want = append(want, ptr(tr.Pnl))
			}
			cmp("pnl", floatsOf(field("pnl")), want)
		default:
			var want []*float64
			for _, e := range b.Equity.Equity {
				want = append(want, ptr(e))
			}
			cmp("equity", floatsOf(field("equity")), want)
		}
	case "scan":
		compareScan(t, where, model, fr, from, to, cmp)
	case "summary":
		compareSummary(t, where, tf, window, fr, cmp)
	case "funding":
		compareFunding(t, where, model, fr, from, to, cmp)
	default:
		t.Errorf("%s: query type %q", where, qt)
	}
	return n
}

var scanTfSeconds = map[string]float64{"1s": 1, "1m": 60, "5m": 300}

// compareSummary checks the all-pairs table (issue 28): one row a configured pair of /api/pairs,
// each number the one /api/stats of that pair gives (asked without entryZ, as the plugin asks).
func compareSummary(t *testing.T, where, tf, window string, fr *data.Frame, cmp func(string, []*float64, []*float64)) {
	t.Helper()
	var listed struct {
		Pairs []struct {
			Pair       string `json:"pair"`
			Configured bool   `json:"configured"`
		} `json:"pairs"`
	}
	fx.get(t, "/api/pairs", url.Values{}, &listed)
	var pairs []string
	for _, p := range listed.Pairs {
		if p.Configured {
			pairs = append(pairs, p.Pair)
		}
	}
	pf, _ := fr.FieldByName("pair")
	if pf == nil || pf.Len() != len(pairs) {
		t.Errorf("%s: pair column %v, the collector's configured pairs %v", where, pf, pairs)
		return
	}
	want := map[string][]*float64{}
	for i, pair := range pairs {
		if got, _ := pf.ConcreteAt(i); got != pair {
			t.Errorf("%s: row %d is %v, the collector lists %s", where, i, got, pair)
		}
		var s struct {
			Committed, Provisional map[string]any
			Adf, Coint             map[string]any
			HalfLife               map[string]any `json:"halfLife"`
			Position               *struct {
				UnrealisedPnl float64 `json:"unrealisedPnl"`
			} `json:"position"`
		}
		fx.get(t, "/api/stats", url.Values{"pair": {pair}, "tf": {tf}, "window": {window}}, &s)
		pt := s.Provisional
		if pt == nil {
			pt = s.Committed
		}
		num := func(m map[string]any, k string) *float64 {
			if v, ok := m[k].(float64); ok {
				return &v
			}
			return nil
		}
		var hl, pnl *float64
		if h := num(s.HalfLife, "halfLife"); h != nil {
			hl = ptr(*h * scanTfSeconds[tf])
		}
		if s.Position != nil {
			pnl = ptr(s.Position.UnrealisedPnl)
		}
		for name, v := range map[string]*float64{"zscore": num(pt, "zscore"), "beta": num(pt, "beta"), "adfPValue": num(s.Adf, "pvalue"), "egPValue": num(s.Coint, "pvalue"), "halfLife": hl, "unrealisedPnl": pnl} {
			want[name] = append(want[name], v)
		}
	}
	for name, w := range want {
		if f, _ := fr.FieldByName(name); f == nil {
			t.Errorf("%s: no %s field", where, name)
		} else {
			cmp(name, floatsOf(f), w)
		}
	}
}

// scanHistory is the collector's /api/scan/history of the model's pair over [from, to], asked
// as the plugin does: y/x, and x/y when the scanner stored the pair the other way round.
func scanHistory(t testing.TB, model map[string]any, from, to time.Time) (pair string, points []map[string]any) {
	t.Helper()
	legs := strings.SplitN(fmt.Sprint(model["pair"]), "/", 2)
	if len(legs) != 2 {
		t.Errorf("scan query pair %q is not A/B", model["pair"])
		return "", nil
	}
	for _, pr := range []string{legs[0] + "/" + legs[1], legs[1] + "/" + legs[0]} {
		var h struct {
			Pair   string           `json:"pair"`
			Points []map[string]any `json:"points"`
		}
		fx.get(t, "/api/scan/history", url.Values{"pair": {pr}, "tf": {fmt.Sprint(model["timeframe"])}, "window": {fmt.Sprint(model["window"])}, "from": {fmt.Sprint(from.UnixMilli())}, "to": {fmt.Sprint(to.UnixMilli())}}, &h)
		if len(h.Points) > 0 {
			return h.Pair, h.Points
		}
	}
	return "", nil
}

// compareScan: a scan table against /api/scan at the range's end (selectedOnly and limit applied
// as the panel asks), a pair's scan history against /api/scan/history; half-life in seconds.
// cmp counts the values it compares.
func compareScan(t *testing.T, where string, model map[string]any, fr *data.Frame, from, to time.Time, cmp func(string, []*float64, []*float64)) {
	tf := fmt.Sprint(model["timeframe"])
	tfSec := scanTfSeconds[tf]
	num := func(v any) *float64 {
		if x, ok := v.(float64); ok {
			return &x
		}
		return nil
	}
	field := func(name string) *data.Field {
		f, _ := fr.FieldByName(name)
		return f
	}
	if _, ok := model["pair"]; ok {
		_, points := scanHistory(t, model, from, to)
		if len(points) == 0 {
			t.Errorf("%s: the collector has no scan of %v in the range", where, model["pair"])
			return
		}
		var ts []int64
		for _, p := range points {
			ts = append(ts, int64(p["ts"].(float64)))
		}
		if got := timesOf(fr.Fields[0]); fmt.Sprint(got) != fmt.Sprint(ts) {
			t.Errorf("%s: scan times %v, the collector says %v", where, got, ts)
		}
		for _, fl := range fr.Fields[1:] {
			var want []*float64
			for _, p := range points {
				switch fl.Name {
				case "halfLife":
					if h := num(p["halfLife"]); h != nil {
						want = append(want, ptr(*h*tfSec))
					} else {
						want = append(want, nil)
					}
				case "selected":
					want = append(want, ptr(map[bool]float64{true: 1, false: 0}[p["selected"] == true]))
				default:
					want = append(want, num(p[fl.Name]))
				}
			}
			cmp(fl.Name, floatsOf(fl), want)
		}
		return
	}
	var s struct {
		Ts    int64            `json:"ts"`
		Pairs []map[string]any `json:"pairs"`
	}
	fx.get(t, "/api/scan", url.Values{"tf": {tf}, "window": {fmt.Sprint(model["window"])}, "at": {fmt.Sprint(to.UnixMilli())}}, &s)
	rows := s.Pairs
	if model["selectedOnly"] == true {
		var sel []map[string]any
		for _, r := range rows {
			if r["selected"] == true {
				sel = append(sel, r)
			}
		}
		rows = sel
	}
	if l, ok := model["limit"].(float64); ok && int(l) < len(rows) {
		rows = rows[:int(l)]
	}
	if pf := field("pair"); pf == nil || pf.Len() != len(rows) {
		t.Errorf("%s: scan table without a pair column or not %d rows (the collector's scan at %d)", where, len(rows), s.Ts)
		return
	} else {
		for i, r := range rows {
			if want := fmt.Sprintf("%v/%v", r["a"], r["b"]); pf.At(i).(string) != want {
				t.Errorf("%s: pair[%d] %q, the collector says %q", where, i, pf.At(i), want)
				break
			}
		}
	}
	stat := func(r map[string]any, k string) *float64 {
		if c, ok := r[k].(map[string]any); ok {
			return num(c["stat"])
		}
		return nil
	}
	for _, name := range []string{"qvalue", "pvalue", "halfLife", "hurst", "meanCrossings", "correlation", "beta", "egStat", "egReverseStat"} {
		var want []*float64
		for _, r := range rows {
			switch name {
			case "halfLife":
				if h := num(r["halfLife"]); h != nil {
					want = append(want, ptr(*h*tfSec))
				} else {
					want = append(want, nil)
				}
			case "egStat":
				want = append(want, stat(r, "coint"))
			case "egReverseStat":
				want = append(want, stat(r, "cointReverse"))
			default:
				want = append(want, num(r[name]))
			}
		}
		if f := field(name); f != nil {
			cmp(name, floatsOf(f), want)
		} else {
			t.Errorf("%s: scan table without %s", where, name)
		}
	}
}

// setHedge asks the collector for the query's hedge as the plugin does (grafana-plugin/backend
// query/run.ts withHedge): nothing for OLS, hedge=kalman with tune=true or its delta/ve.
// hedgeOf names a channel's hedge for a figure: its query parameters, or hedge=ols (the default, unwritten).
func hedgeOf(params string) string {
	if params == "" {
		return "hedge=ols"
	}
	return params
}

func setHedge(p url.Values, model map[string]any) {
	if model["hedge"] != "kalman" {
		return
	}
	p.Set("hedge", "kalman")
	if model["tune"] == true {
		p.Set("tune", "true")
		return
	}
	for _, k := range []string{"delta", "ve"} {
		if v, ok := model[k]; ok {
			p.Set(k, fmt.Sprint(v))
		}
	}
}

func deref(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}

// evaluate is what an alert rule A -> B (reduce last, dropNN) -> C (threshold) computes for each
// series of A (pkg/expr commands.go / threshold.go): the last non-null value and whether it fires.
func evaluate(frames data.Frames, fires func(float64) bool) map[string][2]float64 {
	out := map[string][2]float64{}
	for _, fr := range frames {
		for _, fl := range fr.Fields {
			if !fl.Type().Numeric() {
				continue
			}
			last := (*float64)(nil)
			for _, v := range floatsOf(fl) {
				if v != nil {
					last = v
				}
			}
			if last == nil {
				continue
			}
			f := 0.0
			if fires(*last) {
				f = 1
			}
			out[fl.Labels.String()] = [2]float64{*last, f}
		}
	}
	return out
}

func TestAlertRules(t *testing.T) {
	ds := fx.dataSource(t)
	doc := readYAML(t, fx.provDir+"/alerting/rules.yaml")
	now := time.Now()
	n := 0
	kinds := map[string]int{}
	for _, g := range doc["groups"].([]any) {
		for _, r := range g.(map[string]any)["rules"].([]any) {
			rule := r.(map[string]any)
			uid := rule["uid"].(string)
			var a, c map[string]any
			for _, q := range rule["data"].([]any) {
				qm := q.(map[string]any)
				switch qm["refId"] {
				case "A":
					a = qm
				case "C":
					c = qm
				}
			}
			if a["datasourceUid"] != ds.UID {
				t.Errorf("rule %s: A is not our data source", uid)
				continue
			}
			rt, _ := a["relativeTimeRange"].(map[string]any)
			model, _ := a["model"].(map[string]any)
			if rt == nil || model == nil {
				t.Errorf("rule %s: A without relativeTimeRange or model", uid)
				continue
			}
			from := now.Add(-time.Duration(toFloat(rt["from"])) * time.Second)
			to := now.Add(-time.Duration(toFloat(rt["to"])) * time.Second)
			// pkg/services/ngalert/eval buildDatasourceHeaders; the raw saved model, no frontend.
			headers := map[string]string{"FromAlert": "true", "X-Cache-Skip": "true", "X-Rule-Uid": uid, "X-Grafana-Org-Id": "1"}
			res := queryData(t, ds, headers, from, to, int64(toFloat(model["maxDataPoints"])), model)
			resp := res.Responses["A"]
			if resp.Error != nil || len(resp.Frames) != 1 {
				t.Errorf("rule %s: %v, %d frames (want one)", uid, resp.Error, len(resp.Frames))
				continue
			}
			if ids, dup := seriesIdentities(resp.Frames); dup != "" || len(ids) != 1 {
				t.Errorf("rule %s: series %v (duplicate %q); a rule wants exactly one", uid, ids, dup)
			}
			fires, err := thresholdOf(c)
			if err != nil {
				t.Errorf("rule %s: %v", uid, err)
				continue
			}
			got := evaluate(resp.Frames, fires)
			// The collector's own last value over the same range: z, or the scanner's p-value.
			var want *float64
			name := "zscore"
			switch model["queryType"] {
			case "analytics":
				var an struct {
					Series struct {
						Zscore []*float64 `json:"zscore"`
					} `json:"series"`
				}
				p := url.Values{"pair": {fmt.Sprint(model["pair"])}, "tf": {fmt.Sprint(model["timeframe"])}, "window": {fmt.Sprint(model["window"])}, "from": {fmt.Sprint(from.UnixMilli())}, "to": {fmt.Sprint(to.UnixMilli())}, "maxDataPoints": {fmt.Sprint(model["maxDataPoints"])}}
				setHedge(p, model)
				fx.get(t, "/api/analytics", p, &an)
				for _, z := range an.Series.Zscore {
					if z != nil {
						want = z
					}
				}
			case "scan":
				name = "pvalue"
				_, points := scanHistory(t, model, from, to)
				for _, pt := range points {
					if v, ok := pt["pvalue"].(float64); ok {
						want = ptr(v)
					}
				}
			default:
				t.Errorf("rule %s: query type %v", uid, model["queryType"])
				continue
			}
			if want == nil {
				t.Errorf("rule %s: the collector has no %s in the rule's range", uid, name)
				continue
			}
			if len(got) != 1 {
				t.Errorf("rule %s: %d alert instances (%v), the collector has a %s", uid, len(got), got, name)
			}
			for labels, v := range got {
				f := fires(*want)
				if !near(&v[0], want, tolerances(name, *want, 0)) || (v[1] == 1) != f {
					t.Errorf("rule %s {%s}: B=%v C=%v, the collector's %s=%v (fires %v)", uid, labels, v[0], v[1], name, *want, f)
				}
				n++
			}
			kinds[fmt.Sprint(model["queryType"])]++
		}
	}
	if n == 0 {
		t.Fatal("no alert rule evaluated")
	}

	// A user's rule on the editor's default query (all analytics columns): every column is one
	// alert instance with its own labels, so the evaluation has no duplicate.
	def := map[string]any{"refId": "A", "datasource": map[string]any{"type": PluginID, "uid": ds.UID}, "intervalMs": 1000, "maxDataPoints": 43200}
	for k, v := range fx.defaultQuery {
		def[k] = v
	}
	res := queryData(t, ds, map[string]string{"FromAlert": "true"}, now.Add(-10*time.Minute), now, 43200, def)
	resp := res.Responses["A"]
	if resp.Error != nil {
		t.Fatalf("default query: %v", resp.Error)
	}
	ids, dup := seriesIdentities(resp.Frames)
	if dup != "" || len(ids) != 7 {
		t.Errorf("default query: series %v, duplicate {%s}; want 7 distinct", ids, dup)
	}
	if inst := evaluate(resp.Frames, func(v float64) bool { return v > 2 }); len(inst) != 7 {
		t.Errorf("default query: %d alert instances, want 7 (one per column)", len(inst))
	}
	figure("alerting: %d provisioned rule instances (rules by query type %v) evaluated like Grafana (A -> reduce last -> threshold) and equal to the collector's z or scan p-value; the default query gives 7 distinct series", n, kinds)
}

// thresholdOf is C's threshold (pkg/expr threshold.go): gt, lt, within_range, outside_range.
func thresholdOf(c map[string]any) (func(float64) bool, error) {
	m, _ := c["model"].(map[string]any)
	conds, _ := m["conditions"].([]any)
	if len(conds) == 0 {
		return nil, fmt.Errorf("C has no conditions")
	}
	ev, _ := conds[0].(map[string]any)["evaluator"].(map[string]any)
	params, _ := ev["params"].([]any)
	typ := fmt.Sprint(ev["type"])
	need := map[string]int{"gt": 1, "lt": 1, "within_range": 2, "outside_range": 2}[typ]
	if need == 0 {
		return nil, fmt.Errorf("C's evaluator type %q", typ)
	}
	if len(params) < need {
		return nil, fmt.Errorf("C's %s evaluator has %d params, needs %d", typ, len(params), need)
	}
	a := toFloat(params[0])
	switch typ {
	case "gt":
		return func(v float64) bool { return v > a }, nil
	case "lt":
		return func(v float64) bool { return v < a }, nil
	}
	lo, hi := a, toFloat(params[1])
	if typ == "within_range" {
		return func(v float64) bool { return v > lo && v < hi }, nil
	}
	return func(v float64) bool { return v < lo || v > hi }, nil
}

func toFloat(v any) float64 {
	switch x := v.(type) {
	case int:
		return float64(x)
	case float64:
		return x
	}
	return 0
}

type packet struct {
	at     time.Time
	fields []string // schema field names, when the packet carries a schema
	values [][]any
}

// received is what one RunStream delivered: its packets, and the first error.
type received struct {
	mu      sync.Mutex
	packets []packet
	err     error
}

// receive runs RunStream on path, as Grafana's runstream manager starts one per channel, and keeps
// every packet in r until ctx ends (wg is done then).
func receive(ctx context.Context, wg *sync.WaitGroup, ds backend.DataSourceInstanceSettings, path string, r *received) {
	wg.Add(1)
	go func() {
		defer wg.Done()
		s, err := plug.Stream.RunStream(ctx, &pluginv2.RunStreamRequest{PluginContext: pluginContext(ds), Path: path})
		if err != nil {
			r.err = err
			return
		}
		for {
			p, err := s.Recv()
			if err != nil {
				if ctx.Err() == nil {
					r.err = err
				}
				return
			}
			pk, err := parsePacket(p.Data, time.Now())
			r.mu.Lock()
			if err != nil && r.err == nil {
				r.err = err
			}
			r.packets = append(r.packets, pk)
			r.mu.Unlock()
		}
	}()
}

func parsePacket(b []byte, at time.Time) (packet, error) {
	var raw struct {
		Schema *struct {
			Fields []struct {
				Name string `json:"name"`
			} `json:"fields"`
		} `json:"schema"`
		Data struct {
			Values [][]any `json:"values"`
		} `json:"data"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return packet{}, err
	}
	p := packet{at: at, values: raw.Data.Values}
	if raw.Schema != nil {
		for _, f := range raw.Schema.Fields {
			p.fields = append(p.fields, f.Name)
		}
		// A schema packet is a whole frame: the SDK reads it.
		var fr data.Frame
		if err := json.Unmarshal(b, &fr); err != nil {
			return p, fmt.Errorf("the SDK cannot read the packet as a frame: %w", err)
		}
	}
	return p, nil
}

func fieldNames(fr *data.Frame) []string {
	var out []string
	for _, f := range fr.Fields {
		out = append(out, f.Name)
	}
	return out
}

func TestLive(t *testing.T) {
	ds := fx.dataSource(t)
	queries, _ := ourQueries(t, ds)
	now := time.Now()
	from, _ := relative("now-6h", now)
	type channel struct {
		where, path string
		hedge       string // the query's hedge (OLS, or Kalman with its settings): part of the question
		want        []string
		received
	}
	var chans []*channel
	seen := map[string]bool{}
	for _, q := range queries {
		if q.model["live"] != true {
			continue
		}
		res := queryData(t, ds, nil, from, now, 800, q.model)
		r := res.Responses[q.model["refId"].(string)]
		if r.Error != nil || len(r.Frames) == 0 {
			t.Fatalf("%s: %v, %d frames", q.where, r.Error, len(r.Frames))
		}
		fr := r.Frames[0]
		if fr.Meta == nil || fr.Meta.Channel == "" {
			if q.model["queryType"] == "analytics" || q.model["queryType"] == "bars" || q.model["queryType"] == "stats" {
				t.Errorf("%s: live query without meta.channel", q.where)
			}
			continue
		}
		prefix := "ds/" + ds.UID + "/"
		if !strings.HasPrefix(fr.Meta.Channel, prefix) {
			t.Fatalf("%s: channel %q is not ds/<uid>/...", q.where, fr.Meta.Channel)
		}
		path := strings.TrimPrefix(fr.Meta.Channel, prefix)
		want := fieldNames(fr)
		// SubscribeStream: OK, and the initial data is the channel's schema = the query's fields.
		sub, err := plug.Stream.SubscribeStream(context.Background(), &pluginv2.SubscribeStreamRequest{PluginContext: pluginContext(ds), Path: path})
		if err != nil || sub.Status != pluginv2.SubscribeStreamResponse_OK {
			t.Fatalf("%s: SubscribeStream %s: %v %v", q.where, path, err, sub)
		}
		init, err := parsePacket(sub.Data, time.Now())
		if err != nil || strings.Join(init.fields, ",") != strings.Join(want, ",") {
			t.Errorf("%s: initial data fields %v, the query frame has %v (%v)", q.where, init.fields, want, err)
		}
		if seen[path] {
			continue
		}
		seen[path] = true
		if strings.HasPrefix(path, "pair/") || strings.HasPrefix(path, "stats/") {
			h := url.Values{}
			setHedge(h, q.model)
			// the thresholds are part of a stats question (with them the collector answers from stored bars)
			for _, k := range []string{"entryZ", "exitZ"} {
				if v, ok := q.model[k]; ok && q.model["queryType"] == "stats" {
					h.Set(k, fmt.Sprint(v))
				}
			}
			chans = append(chans, &channel{where: q.where, path: path, want: want, hedge: h.Encode()})
		}
	}
	if len(chans) < 6 {
		t.Fatalf("only %d pair and stats channels among the live panels", len(chans))
	}
	// Two panels asking the same question (fields, hedge, a stats query's thresholds) share a
	// channel: the OLS and the Kalman panel of the same fields are two questions, on two channels.
	fieldSets := map[string]string{}
	statsChans := 0
	for _, c := range chans {
		if strings.HasPrefix(c.path, "stats/") {
			statsChans++
		}
		key := strings.Join(c.want, ",") + " hedge " + c.hedge
		if other, ok := fieldSets[key]; ok {
			t.Errorf("%s and %s ask the same question (fields %s) on different channels", other, c.path, key)
		}
		fieldSets[key] = c.path
	}
	// the Pair overview's statistics (with its entryZ) and paper position (without): two stats channels
	if statsChans != 2 {
		t.Errorf("%d stats channels among the live panels, want 2 (statistics, paper position)", statsChans)
	}
	// One RunStream per channel, as Grafana's runstream manager starts them.
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for _, c := range chans {
		receive(ctx, &wg, ds, c.path, &c.received)
	}
	// Latency: the fake sends one trade per symbol; the next packet of the last z-score panel's
	// channel (the dashboards' last: the tuned Kalman z-score, the most work per push; the figure
	// names it). Sends are spread over the collector's 500 ms push period (a 37 ms step).
	var z *channel
	for _, c := range chans {
		if strings.Join(c.want, ",") == "time,zscore" {
			z = c
		}
	}
	if z == nil {
		t.Fatal("no z-score channel")
	}
	time.Sleep(1500 * time.Millisecond) // RunStream connects to the collector's push
	const samples = 60
	var lat []float64
	for i := 0; i < samples; i++ {
		time.Sleep(time.Duration((i*37)%500) * time.Millisecond)
		z.mu.Lock()
		before := len(z.packets)
		z.mu.Unlock()
		sent := fx.tick(t)
		// A trade that never reaches the stream fails the test; one that is late is a latency
		// figure (with what came before it logged below), not a failure.
		deadline := time.Now().Add(30 * time.Second)
		for time.Now().Before(deadline) {
			z.mu.Lock()
			var got *packet
			for k := before; k < len(z.packets); k++ {
				// Received after the send, and pushed after it (row time = the collector's push time),
				// so not a push of the previous period that was still on its way.
				if pk := z.packets[k]; pk.at.After(sent) && len(pk.values) > 0 && len(pk.values[0]) > 0 && toFloat(pk.values[0][0]) >= float64(sent.UnixMilli()) {
					got = &z.packets[k]
					break
				}
			}
			z.mu.Unlock()
			if got != nil {
				lat = append(lat, float64(got.at.Sub(sent).Microseconds())/1000)
				break
			}
			time.Sleep(2 * time.Millisecond)
		}
		if len(lat) <= i || lat[i] > 5000 {
			// Say what came meanwhile: this channel's packets since the send, and the collector's feed.
			z.mu.Lock()
			var seen []string
			for k := before; k < len(z.packets); k++ {
				pk := z.packets[k]
				row := "no rows"
				if len(pk.values) > 0 && len(pk.values[0]) > 0 {
					row = fmt.Sprintf("row time %+d ms", int64(toFloat(pk.values[0][0]))-sent.UnixMilli())
				}
				seen = append(seen, fmt.Sprintf("received %+d ms, %s", pk.at.Sub(sent).Milliseconds(), row))
			}
			z.mu.Unlock()
			var health map[string]any
			fx.get(t, "/api/health", nil, &health)
			t.Logf("sample %d: the trade sent at %d took over 5 s (latencies so far %v); packets since: %v; collector health: %v", i, sent.UnixMilli(), lat, seen, health)
		}
	}
	if len(lat) < samples {
		t.Errorf("only %d of %d trades reached the z-score stream", len(lat), samples)
	}
	// Then trades flow (20 per second per symbol, 4 s): a packet about every 500 ms.
	flowFrom := map[*channel]int{}
	for _, c := range chans {
		c.mu.Lock()
		flowFrom[c] = len(c.packets)
		c.mu.Unlock()
	}
	fx.tradeBurst(t)
	cancel()
	wg.Wait()
	flowGapsOf := func(c *channel) []float64 {
		var gaps []float64
		for k := flowFrom[c] + 1; k < len(c.packets); k++ {
			gaps = append(gaps, toFloat(c.packets[k].values[0][0])-toFloat(c.packets[k-1].values[0][0]))
		}
		return gaps
	}
	flowGaps := flowGapsOf(z)
	for _, c := range chans {
		// every channel, the stats ones included: a packet about every 500 ms while trades flow
		if g := flowGapsOf(c); len(g) < 4 || percentile(g, 0.5) > 750 {
			t.Errorf("%s: %d packets in 4 s of trades (row-time gaps %v)", c.path, len(g)+1, g)
		}
	}
	for _, c := range chans {
		if c.err != nil {
			t.Errorf("%s: RunStream %s: %v", c.where, c.path, c.err)
		}
		if len(c.packets) < samples/2 {
			t.Errorf("%s: %d packets", c.path, len(c.packets))
			continue
		}
		// First packet: schema + data with exactly the query's fields; then data only, one row of
		// exactly as many columns.
		if strings.Join(c.packets[0].fields, ",") != strings.Join(c.want, ",") {
			t.Errorf("%s: schema %v, the panel's query has %v", c.path, c.packets[0].fields, c.want)
		}
		var gaps []float64
		for k, p := range c.packets {
			if len(p.values) != len(c.want) {
				t.Errorf("%s packet %d: %d columns, the query has %d (%v)", c.path, k, len(p.values), len(c.want), c.want)
				break
			}
			if k > 0 {
				// Row time = the collector's update time: pushes are >= 500 ms apart on its clock.
				gap := toFloat(p.values[0][0]) - toFloat(c.packets[k-1].values[0][0])
				gaps = append(gaps, gap)
				if gap < 400 {
					t.Errorf("%s packet %d: %v ms after the previous one; the push period is 500 ms", c.path, k, gap)
				}
			}
		}
		if strings.HasPrefix(c.path, "stats/") {
			g := flowGapsOf(c)
			figure("live: stats channel %s (%s): %d packets of the panel's %d fields; while trades flow one every %.0f ms (p50 of row-time gaps, max %.0f)", c.path, c.where, len(c.packets), len(c.want), percentile(g, 0.5), percentile(g, 1))
		}
		if c == z {
			paths := make([]string, len(chans))
			for i, ch := range chans {
				paths[i] = ch.path
			}
			figure("live: %d pair and stats channels %v, each packet exactly the panel's fields; z-score channel: %d packets; while trades flow one every %.0f ms (p50 of row-time gaps, min %.0f)", len(chans), paths, len(c.packets), percentile(flowGaps, 0.5), percentile(gaps, 0))
		}
	}
	figure("live: trade sent by the fake feed -> RunStream packet received (the Live channel of %s, %s; %d samples): p50 %.0f ms, p99 %.0f ms, max %.0f ms (target p99 <= 700 ms)", z.where, hedgeOf(z.hedge), len(lat), percentile(lat, 0.5), percentile(lat, 0.99), percentile(lat, 1))
}

func TestQueryDataSpeed(t *testing.T) {
	// The 24 h / 1 s analytics query of a panel (800 points wide), through the host, next to the
	// same question straight to the collector. Alternating, 15 each, after one warm-up.
	ds := fx.dataSource(t)
	to := time.Now()
	from := to.Add(-24 * time.Hour)
	model := map[string]any{"refId": "A", "datasource": map[string]any{"type": PluginID, "uid": ds.UID}, "queryType": "analytics", "pair": "ETHUSDT/BTCUSDT", "timeframe": "1s", "window": "100", "version": 1}
	params := url.Values{"pair": {"ETHUSDT/BTCUSDT"}, "tf": {"1s"}, "window": {"100"}, "from": {fmt.Sprint(from.UnixMilli())}, "to": {fmt.Sprint(to.UnixMilli())}, "maxDataPoints": {"800"}}
	var host, direct []float64
	for i := 0; i < 16; i++ {
		s := time.Now()
		res := queryData(t, ds, nil, from, to, 800, model)
		h := float64(time.Since(s).Microseconds()) / 1000
		if r := res.Responses["A"]; r.Error != nil || len(r.Frames) != 1 {
			t.Fatalf("24 h / 1 s analytics: %v", r.Error)
		}
		s = time.Now()
		var a map[string]any
		fx.get(t, "/api/analytics", params, &a)
		d := float64(time.Since(s).Microseconds()) / 1000
		if i > 0 {
			host = append(host, h)
			direct = append(direct, d)
		}
	}
	figure("QueryData 24 h / 1 s analytics (800 points): through the plugin host p50 %.1f ms, straight to the collector p50 %.1f ms (ratio %.2f)", percentile(host, 0.5), percentile(direct, 0.5), percentile(host, 0.5)/percentile(direct, 0.5))
}

// go-plugin hands the plugin the host's stdin (client.go: cmd.Stdin = os.Stdin), as Grafana's;
// run.ts gives the host a pipe it closed at once, so the plugin's stdin has been at EOF since it
// started, and it must still be serving.
func TestStdinAtEOF(t *testing.T) {
	st, err := os.Stdin.Stat()
	if err != nil || st.Mode()&os.ModeNamedPipe == 0 && st.Mode()&os.ModeSocket == 0 {
		t.Skip("stdin is not a pipe here (run.ts gives one)")
	}
	if n, err := os.Stdin.Read(make([]byte, 1)); n != 0 || err != io.EOF {
		t.Fatalf("stdin is not at EOF: %d %v", n, err)
	}
	if plug.Client.Exited() {
		t.Fatal("the plugin exited")
	}
	if r := checkHealth(t, fx.dataSource(t)); r.Status != backend.HealthStatusOk {
		t.Fatalf("health after a long stdin EOF: %v %q", r.Status, r.Message)
	}
}

func TestHostKilledLeavesNoPlugin(t *testing.T) {
	// A host of its own, killed with SIGKILL (no Kill(), no signal to the plugin): the plugin
	// notices it was re-parented and leaves.
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "PAIRS_HOST_HELPER=1")
	out, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	var pid int
	if _, e := fmt.Sscanf(line, "pid %d", &pid); e != nil || err != nil {
		cmd.Process.Kill()
		t.Fatalf("helper host: %q %v", line, err)
	}
	if syscall.Kill(pid, 0) != nil {
		t.Fatal("the plugin is not running")
	}
	cmd.Process.Kill()
	cmd.Wait()
	deadline := time.Now().Add(15 * time.Second) // start-up under load, then at most 1 s
	for syscall.Kill(pid, 0) == nil && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	if syscall.Kill(pid, 0) == nil {
		syscall.Kill(pid, syscall.SIGKILL)
		t.Fatalf("plugin %d still running after its host was killed", pid)
	}
}

// compareHonest checks the backtest outputs of issue 26 against the collector's answers to the
// same question: the grid's verdict (/api/backtest/sweep's dsr, psr, pbo), the walk-forward's
// out-of-sample equity and folds (/api/backtest/walkforward), the OU band (/api/stats' ou, the
// same flat value at both ends of the range). False for the other outputs.
func compareHonest(t *testing.T, model map[string]any, p url.Values, list func(any) string, field func(string) *data.Field, cmp func(string, []*float64, []*float64)) bool {
	t.Helper()
	out, _ := model["output"].(string)
	switch out {
	case "verdict", "walkforward", "folds":
		p.Set("window", list(model["sweepWindows"]))
		p.Set("entry", list(model["sweepEntries"]))
		p.Set("exit", list(model["sweepExits"]))
	case "ouband":
		p = url.Values{"pair": {fmt.Sprint(model["pair"])}, "tf": {fmt.Sprint(model["timeframe"])}, "window": {fmt.Sprint(model["window"])}}
		var st struct {
			Ou map[string]any `json:"ou"`
		}
		fx.get(t, "/api/stats", p, &st)
		for _, name := range []string{"entryLong", "mu", "entryShort"} {
			v, ok := st.Ou[name].(float64)
			if !ok {
				t.Errorf("ouband %s: the collector has no OU band: %v", name, st.Ou)
				return true
			}
			fieldName := "ou" + strings.ToUpper(name[:1]) + name[1:]
			cmp(fieldName, floatsOf(field(fieldName)), []*float64{ptr(v), ptr(v)})
		}
		return true
	default:
		return false
	}
	if out == "verdict" {
		var sw struct {
			Psr *float64 `json:"psr"`
			Dsr *float64 `json:"dsr"`
			Pbo *struct {
				Pbo      float64 `json:"pbo"`
				ProbLoss float64 `json:"probLoss"`
			} `json:"pbo"`
		}
		fx.get(t, "/api/backtest/sweep", p, &sw)
		if sw.Pbo == nil {
			t.Errorf("verdict: the collector gave no PBO")
			return true
		}
		cmp("dsr", floatsOf(field("dsr")), []*float64{sw.Dsr})
		cmp("psr", floatsOf(field("psr")), []*float64{sw.Psr})
		cmp("pbo", floatsOf(field("pbo")), []*float64{ptr(sw.Pbo.Pbo)})
		cmp("probLoss", floatsOf(field("probLoss")), []*float64{ptr(sw.Pbo.ProbLoss)})
		return true
	}
	p.Set("train", fmt.Sprint(model["wfTrain"]))
	p.Set("test", fmt.Sprint(model["wfTest"]))
	var wf struct {
		Equity []float64 `json:"equity"`
		Folds  []struct {
			OutOfSample map[string]*float64 `json:"outOfSample"`
		} `json:"folds"`
	}
	fx.get(t, "/api/backtest/walkforward", p, &wf)
	if out == "walkforward" {
		var want []*float64
		for _, e := range wf.Equity {
			want = append(want, ptr(e))
		}
		cmp("equity", floatsOf(field("oosEquity")), want)
		return true
	}
	var want []*float64
	for _, f := range wf.Folds {
		want = append(want, f.OutOfSample["sharpe"])
	}
	cmp("sharpe", floatsOf(field("outSharpe")), want)
	return true
}
