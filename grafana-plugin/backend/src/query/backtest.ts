/** The backtest (issue 16): equity, trades, metrics or the sweep's grid (/api/backtest, /api/backtest/sweep); the grid's verdict and walk-forward: honest.ts. */
import { type BacktestMetricsDto, type BacktestResponse, type SweepResponse } from '@quant-pairs/contract';
import type { CollectorClient } from '../collector/client';
import type { Field, Frame, Notice } from '../frame/frame';
import { PNL_THRESHOLDS, plainConfig, pnlConfig } from './display';
import { labelsOf, meta, timeField } from './frameParts';
import type { BacktestQ } from './model';
import { withHedge } from './analytics';
import { runHonest, runOuBand } from './honest';

/**
 * The backtest over the query's time range (collector /api/backtest; output sweep:
 * /api/backtest/sweep with the grids as comma-separated lists). The equity curve is thinned by
 * the collector to the panel's maxDataPoints.
 */
export async function runBacktest(q: BacktestQ, client: CollectorClient, signal?: AbortSignal): Promise<Frame> {
  const costs = {
    pair: q.pair,
    tf: q.tf,
    from: q.from,
    to: q.to,
    cooldown: q.cooldown,
    lag: q.lag,
    feeBps: q.feeBps,
    slippageBps: q.slippageBps,
    notional: q.notional,
    ...(q.stop !== undefined ? { stop: q.stop } : {}),
    ...(q.maxHold !== undefined ? { maxHold: q.maxHold } : {}),
  };
  if (q.output === 'ouband') return runOuBand(q, client, signal);
  if (q.sweep) {
    const g = q.sweep;
    const params = withHedge({ ...costs, window: g.windows.join(','), entry: g.entries.join(','), exit: g.exits.join(',') }, q.hedge);
    // outputs verdict, walkforward and folds: query/honest.ts
    if (q.output !== 'sweep') return runHonest(q, params, backtestText(q, g.windows.join(',')), client, signal);
    // the contract types the grids as parsed lists; on the wire they are comma-separated text
    return sweepFrame(q, await client.sweep(params as unknown as Parameters<CollectorClient['sweep']>[0], signal), []);
  }
  const params = withHedge(
    { ...costs, window: q.window, entry: q.entry, exit: q.exit, ...(q.output === 'equity' && q.maxDataPoints > 0 ? { maxDataPoints: q.maxDataPoints } : {}) },
    q.hedge,
  );
  const res = await client.backtest(params as Parameters<CollectorClient['backtest']>[0], signal);
  if (q.output === 'trades') return tradesFrame(q, res, []);
  if (q.output === 'metrics') return backtestMetricsFrame(q, res, []);
  return equityFrame(q, res, []);
}

/** What a backtest ran on and with, as the frames' executed query string. */
function backtestText(q: BacktestQ, window: string): string {
  const parts = [`backtest ${q.pair} tf=${q.tf} window=${window}`];
  if (q.hedge.hedge === 'kalman') parts.push('hedge=kalman');
  if (!q.sweep) parts.push(`entry=${q.entry} exit=${q.exit}`);
  if (q.stop !== undefined) parts.push(`stop=${q.stop}`);
  if (q.maxHold !== undefined) parts.push(`maxHold=${q.maxHold}`);
  parts.push(`cooldown=${q.cooldown} lag=${q.lag} feeBps=${q.feeBps} slippageBps=${q.slippageBps} notional=${q.notional}`);
  return parts.join(' ');
}

function backtestLabels(q: BacktestQ): Record<string, string> {
  const l: Record<string, string> = { pair: q.pair, tf: q.tf, window: String(q.window) };
  if (q.hedge.hedge === 'kalman') l.hedge = 'kalman';
  return l;
}

/** The equity curve (output equity): equity at each bar's close, in the y leg's quote asset. */
function equityFrame(q: BacktestQ, res: BacktestResponse, notices: Notice[]): Frame {
  const all = [...notices];
  if (res.thinned) all.push({ severity: 'info', text: `equity thinned from ${res.bars} bars to ${res.equity.ts.length} points (each bucket's extremes kept)` });
  return {
    name: `${res.pair} backtest equity`,
    refId: q.refId,
    meta: meta({ executedQueryString: backtestText(q, String(q.window)), custom: { bars: res.bars, metrics: res.metrics } }, all),
    fields: [
      timeField(res.equity.ts),
      {
        name: 'equity',
        type: 'float64',
        labels: labelsOf(backtestLabels(q), 'equity'),
        values: res.equity.equity,
        config: pnlConfig(q.pair, `${res.pair} equity`, `Capital (${q.notional}) + realised P&L + open positions marked at each close, net of fees`),
      },
    ],
  };
}

/** One line a trade for its annotation: `LONG exit: +12.34 (15 bars, fees 2.00)`. */
function tradeText(t: BacktestResponse['trades'][number]): string {
  const sign = t.pnl >= 0 ? '+' : '';
  return `${t.side} ${t.reason}: ${sign}${t.pnl.toFixed(2)} (${t.bars} bars, fees ${t.fees.toFixed(2)}, beta ${t.beta.toPrecision(4)})`;
}

/**
 * The trades (output trades): one row a trade, entry fill at `time`, exit fill at `timeEnd`
 * (a trade open at the end: the last bar), `text` and `tags` for region annotations, `pnl` net of
 * the trade's fees. A table too (side, reason, bars, quantities).
 */
function tradesFrame(q: BacktestQ, res: BacktestResponse, notices: Notice[]): Frame {
  const t = res.trades;
  const str = (name: string, values: string[], config: Field['config'] = {}): Field => ({ name, type: 'string', values, config });
  const num = (name: string, values: number[], config: Field['config']): Field => ({ name, type: 'float64', values, config });
  return {
    name: `${res.pair} backtest trades`,
    refId: q.refId,
    meta: { type: 'table', executedQueryString: backtestText(q, String(q.window)), ...(notices.length > 0 ? { notices } : {}) },
    fields: [
      { name: 'time', type: 'time', values: t.map((x) => x.entryTs), config: { displayNameFromDS: 'Entry' } },
      { name: 'timeEnd', type: 'time', values: t.map((x) => x.exitTs), config: { displayNameFromDS: 'Exit' } },
      str(
        'title',
        t.map((x) => `${res.pair} ${x.side}`),
        { displayNameFromDS: 'Title' },
      ),
      str('text', t.map(tradeText), { displayNameFromDS: 'Trade' }),
      str(
        'tags',
        t.map((x) => `${x.side},${x.reason}`),
        { displayNameFromDS: 'Tags' },
      ),
      str(
        'side',
        t.map((x) => x.side),
        { displayNameFromDS: 'Side' },
      ),
      str(
        'reason',
        t.map((x) => x.reason),
        { displayNameFromDS: 'Reason', description: 'exit (z back past the exit level), stop, time (maxHold) or open (still held at the end, marked)' },
      ),
      num(
        'pnl',
        t.map((x) => x.pnl),
        { ...pnlConfig(q.pair, 'P&L', "Both legs' P&L net of the trade's fees"), color: { mode: 'thresholds' }, thresholds: PNL_THRESHOLDS },
      ),
      num(
        'fees',
        t.map((x) => x.fees),
        pnlConfig(q.pair, 'Fees', 'Fees of both legs on every fill of the trade'),
      ),
      // a pair with a perpetual leg (issue 25): funding received while held, in the P&L above
      ...(res.metrics.funding === undefined
        ? []
        : [
            num(
              'funding',
              t.map((x) => x.funding ?? 0),
              pnlConfig(q.pair, 'Funding', 'Funding received while held (negative: paid), included in the P&L'),
            ),
          ]),
      num(
        'bars',
        t.map((x) => x.bars),
        plainConfig('Bars held', 0),
      ),
      num(
        'beta',
        t.map((x) => x.beta),
        plainConfig('Beta', 4, { description: 'Hedge ratio of the decision bar, frozen for the trade' }),
      ),
      num(
        'qy',
        t.map((x) => x.qy),
        plainConfig('Qty Y', 6),
      ),
      num(
        'qx',
        t.map((x) => x.qx),
        plainConfig('Qty X', 6),
      ),
    ],
  };
}

function metricsFields(q: BacktestQ, m: readonly BacktestMetricsDto[], labels?: Record<string, string>): Field[] {
  const lab = (name: string) => (labels ? { labels: labelsOf(labels, name) } : {});
  const num = (name: string, values: Array<number | null>, config: Field['config']): Field => ({
    name,
    type: 'float64',
    nullable: true,
    ...lab(name),
    values,
    config,
  });
  return [
    num(
      'totalReturn',
      m.map((x) => x.totalReturn),
      { displayNameFromDS: 'Total return', unit: 'percentunit', decimals: 2, color: { mode: 'thresholds' }, thresholds: PNL_THRESHOLDS },
    ),
    num(
      'sharpe',
      m.map((x) => x.sharpe),
      {
        displayNameFromDS: 'Sharpe',
        description: 'Annualised: mean / std (ddof 1) of the per-bar returns x sqrt(bars a year); empty without variation',
        decimals: 2,
        color: { mode: 'thresholds' },
        thresholds: SHARPE_THRESHOLDS,
      },
    ),
    num(
      'maxDrawdown',
      m.map((x) => x.maxDrawdown),
      { displayNameFromDS: 'Max drawdown', unit: 'percentunit', decimals: 2 },
    ),
    num(
      'trades',
      m.map((x) => x.trades),
      plainConfig('Trades', 0, { description: 'Trades, the one open at the end included' }),
    ),
    num(
      'winRate',
      m.map((x) => x.winRate),
      { displayNameFromDS: 'Win rate', unit: 'percentunit', decimals: 1, min: 0, max: 1 },
    ),
    num(
      'avgBars',
      m.map((x) => x.avgBars),
      plainConfig('Avg bars held', 1),
    ),
    num(
      'fees',
      m.map((x) => x.fees),
      pnlConfig(q.pair, 'Fees', 'Fees paid on every fill'),
    ),
    // a pair with a perpetual leg (issue 25): the funding in the equity
    ...(m.some((x) => x.funding !== undefined)
      ? [
          num(
            'funding',
            m.map((x) => x.funding ?? null),
            pnlConfig(q.pair, 'Funding', 'Funding received over the backtest (negative: paid), in the equity'),
          ),
        ]
      : []),
  ];
}

/** Sharpe colours: red below 0, orange to 1, green from 1. */
const SHARPE_THRESHOLDS: NonNullable<Field['config']>['thresholds'] = {
  mode: 'absolute',
  steps: [
    { value: null, color: 'red' },
    { value: 0, color: 'orange' },
    { value: 1, color: 'green' },
  ],
};

/** The metrics (output metrics): one row, for stat panels; each numeric field labelled (an alert rule may read it). */
function backtestMetricsFrame(q: BacktestQ, res: BacktestResponse, notices: Notice[]): Frame {
  return {
    name: `${res.pair} backtest metrics`,
    refId: q.refId,
    meta: { type: 'numeric-wide', typeVersion: [0, 1], executedQueryString: backtestText(q, String(q.window)), ...(notices.length > 0 ? { notices } : {}) },
    fields: metricsFields(q, [res.metrics], backtestLabels(q)),
  };
}

/** The sweep (output sweep): one row a combination (window, entry, exit) in the collector's order, its metrics beside. */
function sweepFrame(q: BacktestQ, res: SweepResponse, notices: Notice[]): Frame {
  const rows = res.rows;
  const axis = (name: 'window' | 'entry' | 'exit', title: string, decimals: number): Field => ({
    name,
    type: 'float64',
    values: rows.map((r) => r[name]),
    config: plainConfig(title, decimals),
  });
  const all = [...notices];
  if (rows.length === 0) all.push({ severity: 'info', text: 'no combination of the grid ran: each needs its exit below its entry and its stop above it' });
  return {
    name: `${res.pair} backtest sweep`,
    refId: q.refId,
    meta: {
      type: 'table',
      preferredVisualisationType: 'table',
      executedQueryString: `${backtestText(q, q.sweep!.windows.join(','))} entries=${q.sweep!.entries.join(',')} exits=${q.sweep!.exits.join(',')}`,
      custom: { bars: res.bars },
      ...(all.length > 0 ? { notices: all } : {}),
    },
    fields: [
      axis('window', 'Window', 0),
      axis('entry', 'Entry', 2),
      axis('exit', 'Exit', 2),
      ...metricsFields(
        q,
        rows.map((r) => r.metrics),
      ),
    ],
  };
}
