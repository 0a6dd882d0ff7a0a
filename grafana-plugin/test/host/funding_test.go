package pluginhost

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// spotFunding: a funding query (issue 25) of a spot symbol, or of a pair without a perpetual leg,
// answers an empty frame with a notice: a dashboard's leg variable may name a spot symbol.
func spotFunding(m map[string]any) bool {
	if m["queryType"] != "funding" {
		return false
	}
	if s, ok := m["symbol"].(string); ok && s != "" {
		return !strings.HasSuffix(strings.ToUpper(s), ".P")
	}
	p, _ := m["pair"].(string)
	return !strings.Contains(strings.ToUpper(p), ".P")
}

// compareFunding: a funding query's frame against the collector's /api/funding (rates, state) or
// /api/stats (position, carry) of the same symbol or pair, value by value.
func compareFunding(t *testing.T, where string, model map[string]any, fr *data.Frame, from, to time.Time, cmp func(string, []*float64, []*float64)) {
	t.Helper()
	if spotFunding(model) {
		if rows, _ := fr.RowLen(); rows != 0 {
			t.Errorf("%s: a spot leg's funding has %d rows", where, rows)
		}
		return
	}
	col := func(name string) []*float64 {
		f, _ := fr.FieldByName(name)
		if f == nil {
			t.Errorf("%s: no field %s", where, name)
			return nil
		}
		return floatsOf(f)
	}
	symbol := fmt.Sprint(model["symbol"])
	switch model["fundingOutput"] {
	case "rates", nil:
		var r struct {
			Events []struct {
				Rate float64 `json:"rate"`
			} `json:"events"`
		}
		fx.get(t, "/api/funding", url.Values{"symbol": {symbol}, "from": {fmt.Sprint(from.UnixMilli())}, "to": {fmt.Sprint(to.UnixMilli())}}, &r)
		if len(r.Events) == 0 {
			t.Errorf("%s: the collector has no settlements of %s", where, symbol)
		}
		want := make([]*float64, len(r.Events))
		for i, e := range r.Events {
			want[i] = ptr(e.Rate)
		}
		cmp("rate", col("rate"), want)
	case "state":
		var r struct {
			Current *struct {
				Mark            float64 `json:"mark"`
				Index           float64 `json:"index"`
				Rate            float64 `json:"rate"`
				NextFundingTime float64 `json:"nextFundingTime"`
			} `json:"current"`
		}
		fx.get(t, "/api/funding", url.Values{"symbol": {symbol}}, &r)
		if r.Current == nil {
			t.Errorf("%s: the collector has no state of %s", where, symbol)
			return
		}
		c := r.Current
		cmp("rate", col("rate"), []*float64{ptr(c.Rate)})
		cmp("nextFundingTime", col("nextFundingTime"), []*float64{ptr(c.NextFundingTime)})
		cmp("premiumBps", col("premiumBps"), []*float64{ptr((c.Mark - c.Index) / c.Index * 1e4)})
	case "position", "carry":
		var s struct {
			Position *struct {
				Funding *float64 `json:"funding"`
			} `json:"position"`
			Carry *struct {
				Long  *float64 `json:"long"`
				Short *float64 `json:"short"`
			} `json:"carry"`
		}
		fx.get(t, "/api/stats", url.Values{"pair": {fmt.Sprint(model["pair"])}, "tf": {fmt.Sprint(model["timeframe"])}, "window": {fmt.Sprint(model["window"])}}, &s)
		if model["fundingOutput"] == "carry" {
			if s.Carry == nil {
				t.Errorf("%s: no carry from the collector", where)
				return
			}
			cmp("carryLong", col("carryLong"), []*float64{s.Carry.Long})
			cmp("carryShort", col("carryShort"), []*float64{s.Carry.Short})
		} else {
			if s.Position == nil {
				t.Errorf("%s: no paper position from the collector", where)
				return
			}
			cmp("funding", col("funding"), []*float64{s.Position.Funding})
		}
	default:
		t.Errorf("%s: funding output %v", where, model["fundingOutput"])
	}
}
