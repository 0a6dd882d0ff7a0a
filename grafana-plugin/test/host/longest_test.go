package pluginhost

// Issue 23: a Live channel at the longest settings the query contract allows stays within
// Grafana's channel id limit, and streams.

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
	"github.com/grafana/grafana-plugin-sdk-go/live"
)

// Grafana refuses a channel id over 160 characters: grafana-plugin-sdk-go v0.299.0 live/channel.go
// line 30 (`maxChannelLength = 160`), checked by ParseChannel (line 40), which returns
// ErrInvalidChannelID ("invalid channel ID"); Grafana parses every subscription with it. The test
// calls the SDK's ParseChannel itself and checks the length against this copy of the constant.
const maxChannelLength = 160

// TestLiveLongestSettings: legs of the longest symbol the contract's SYMBOL_PATTERN admits (run.ts
// has the collector ingest them: LONGEST_PAIR), window MAX_WINDOW (10000), a Kalman delta and Ve
// and the stats thresholds at full double precision (17 significant digits), all seven analytics
// fields, and a 40-character data source uid (the longest uid Grafana gives a data source).
func TestLiveLongestSettings(t *testing.T) {
	pair := os.Getenv("LONGEST_PAIR")
	if len(pair) != 41 {
		t.Fatalf("LONGEST_PAIR=%q: run.ts gives two 20-character legs", pair)
	}
	ds := fx.dataSource(t)
	ds.UID = strings.Repeat("u", 40)
	base := map[string]any{"pair": pair, "timeframe": "1m", "window": "10000", "live": true, "hedge": "kalman", "delta": 0.12345678901234568, "ve": 98765.43210987654}
	with := func(extra map[string]any) map[string]any {
		m := map[string]any{}
		for k, v := range base {
			m[k] = v
		}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	models := []map[string]any{
		with(map[string]any{"refId": "A", "queryType": "analytics", "fields": []string{"correlation", "signal", "zscore", "spreadMean", "spread", "alpha", "beta"}}),
		with(map[string]any{"refId": "B", "queryType": "stats", "entryZ": 2.0000000000000004, "exitZ": 1.9999999999999998}),
	}
	now := time.Now()
	type stream struct {
		id, path string
		want     []string
		received
	}
	var streams []*stream
	for _, m := range models {
		res := queryData(t, ds, nil, now.Add(-6*time.Hour), now, 800, m)
		r := res.Responses[m["refId"].(string)]
		if r.Error != nil || len(r.Frames) == 0 || r.Frames[0].Meta == nil {
			t.Fatalf("%s: %v, %d frames", m["queryType"], r.Error, len(r.Frames))
		}
		id := r.Frames[0].Meta.Channel
		if _, err := live.ParseChannel(id); err != nil || len(id) > maxChannelLength {
			t.Fatalf("%s: channel id %q (%d characters): %v", m["queryType"], id, len(id), err)
		}
		path := strings.TrimPrefix(id, "ds/"+ds.UID+"/")
		sub, err := plug.Stream.SubscribeStream(context.Background(), &pluginv2.SubscribeStreamRequest{PluginContext: pluginContext(ds), Path: path})
		if err != nil || sub.Status != pluginv2.SubscribeStreamResponse_OK {
			t.Fatalf("SubscribeStream %s: %v %v", path, err, sub)
		}
		streams = append(streams, &stream{id: id, path: path, want: fieldNames(r.Frames[0])})
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for _, s := range streams {
		receive(ctx, &wg, ds, s.path, &s.received)
	}
	time.Sleep(1500 * time.Millisecond) // RunStream connects
	fx.tradeBurst(t)
	cancel()
	wg.Wait()
	var shown []string
	for _, s := range streams {
		if s.err != nil {
			t.Errorf("RunStream %s: %v", s.path, s.err)
		}
		if len(s.packets) < 4 {
			t.Errorf("%s: %d packets in 4 s of trades", s.path, len(s.packets))
			continue
		}
		if strings.Join(s.packets[0].fields, ",") != strings.Join(s.want, ",") {
			t.Errorf("%s: schema %v, the query has %v", s.path, s.packets[0].fields, s.want)
		}
		for k, p := range s.packets {
			if len(p.values) != len(s.want) {
				t.Errorf("%s packet %d: %d columns, the query has %d", s.path, k, len(p.values), len(s.want))
				break
			}
		}
		shown = append(shown, fmt.Sprintf("%s (%d characters, %d packets of %d fields)", s.id, len(s.id), len(s.packets), len(s.want)))
	}
	figure("live at the longest settings: %s; Grafana's limit %d", strings.Join(shown, "; "), maxChannelLength)
}
