/**
 * One validated query -> collector API calls -> frames: the dispatcher over the query kinds, one
 * module each (ticks, bars, analytics, stats, signals, scan, backtest, summary, funding: its parameters,
 * collector calls and frame). Paging: ticks and bars answers carry `next` while more of the range
 * is left; we follow it up to a bound and say so in a notice when the bound cuts the answer.
 *
 * Collector API answers -> data frames. One function per query type; each returns frames
 * whose field names, units and display config make panels look right without overrides.
 * Values are passed through unchanged (the collector's numbers), except the signal, which is
 * coded LONG = 1, NEUTRAL = 0, SHORT = -1 with value mappings back to the words (the stats frame's
 * paper position likewise: LONG 1, FLAT 0, SHORT -1), and the half-life, which is converted from
 * bars to seconds.
 *
 * Shapes are "wide" time series (one time field, numeric fields; meta.type timeseries-wide)
 * so that alert rules can use them; the signals frame is an annotation/event table. The bars
 * frame also has a string field, `source` (`ticks` or `klines`, as the collector marks each
 * bar): the dataplane reader, which Grafana's expression engine uses for a frame with meta.type
 * and typeVersion, keeps a string field of a timeseries-wide frame as remainder data, not a
 * series (grafana/dataplane sdata/timeseries/wide.go), so alert rules on bars see the same series.
 *
 * Labels: Grafana's expression engine makes each numeric field of a wide frame one series
 * identified by its labels alone and refuses two with the same labels ("frame cannot uniquely
 * be identified by its labels", grafana/grafana pkg/expr/converter.go, pkg/services/ngalert/eval).
 * So every numeric field carries what it is about (symbol, or pair/tf/window) plus `field`, its
 * own name: an alert rule on any query, all columns included, gets one instance per column.
 */
import type { CollectorClient } from '../collector/client';
import type { Frame } from '../frame/frame';
import { runAnalytics } from './analytics';
import { runBacktest } from './backtest';
import { runBars } from './bars';
import { runFunding } from './funding';
import type { Query } from './model';
import { runScan } from './scan';
import { runSignals } from './signals';
import { runStats } from './stats';
import { runSummary } from './summary';
import { runTicks } from './ticks';

export async function runQuery(q: Query, client: CollectorClient, uid: string, signal?: AbortSignal): Promise<Frame> {
  switch (q.queryType) {
    case 'ticks':
      return runTicks(q, client, uid, signal);
    case 'bars':
      return runBars(q, client, uid, signal);
    case 'analytics':
      return runAnalytics(q, client, uid, signal);
    case 'stats':
      return runStats(q, client, uid, signal);
    case 'signals':
      return runSignals(q, client, signal);
    case 'scan':
      return runScan(q, client, signal);
    case 'backtest':
      return runBacktest(q, client, signal);
    case 'summary':
      return runSummary(q, client, signal);
    case 'funding':
      return runFunding(q, client, signal);
  }
}
