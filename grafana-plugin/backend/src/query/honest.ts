/**
 * The backtest's honest outputs (issue 26), each of the sweep grid: `verdict` (one row: the best
 * combination's PSR and DSR, the grid's PBO, for stat panels), `walkforward` (the out-of-sample
 * equity joined over the folds, a time series) and `folds` (a row a fold: its test part's times,
 * the combination chosen on its train part, in- and out-of-sample Sharpe). From the collector's
 * /api/backtest/sweep and /api/backtest/walkforward.
 */
import type { SweepResponse, WalkForwardResponse } from '@quant-pairs/contract';
import type { CollectorClient } from '../collector/client';
import type { Field, FieldConfig, Frame, Notice } from '../frame/frame';
import { withHedge } from './analytics';
import { PNL_THRESHOLDS, plainConfig, pnlConfig, priceConfig } from './display';
import { labelsOf, meta, timeField } from './frameParts';
import type { BacktestQ } from './model';

/** PBO (a probability of overfitting): green below 0.25, orange below 0.5, red from 0.5 (more likely overfit than not). */
const PBO_THRESHOLDS: NonNullable<FieldConfig['thresholds']> = {
  mode: 'absolute',
  steps: [
    { value: null, color: 'green' },
    { value: 0.25, color: 'orange' },
    { value: 0.5, color: 'red' },
  ],
};

/** PSR and DSR (probabilities that the true Sharpe ratio beats the benchmark): red below 0.5, orange below 0.95, green from 0.95. */
const PROBABILITY_THRESHOLDS: NonNullable<FieldConfig['thresholds']> = {
  mode: 'absolute',
  steps: [
    { value: null, color: 'red' },
    { value: 0.5, color: 'orange' },
    { value: 0.95, color: 'green' },
  ],
};

const probability = (displayName: string, description: string, thresholds = PROBABILITY_THRESHOLDS): FieldConfig => ({
  displayNameFromDS: displayName,
  description,
  unit: 'percentunit',
  decimals: 1,
  min: 0,
  max: 1,
  color: { mode: 'thresholds' },
  thresholds,
});

/** The grid and the plan as the frames' executed query string. */
function gridText(q: BacktestQ, base: string): string {
  const g = q.sweep!;
  const wf = q.walkForward
    ? ` train=${q.walkForward.train} test=${q.walkForward.test}${q.walkForward.anchored ? ' anchored' : ''} objective=${q.walkForward.objective}`
    : '';
  return `${base} windows=${g.windows.join(',')} entries=${g.entries.join(',')} exits=${g.exits.join(',')}${wf}`;
}

const labels = (q: BacktestQ): Record<string, string> => ({ pair: q.pair, tf: q.tf, ...(q.hedge.hedge === 'kalman' ? { hedge: 'kalman' } : {}) });

/**
 * Output ouband: the latest OU fit's band (/api/stats `ou` of the query's pair, timeframe, window
 * and hedge) as three flat lines over the time range: LONG entry below, the mean, SHORT entry above.
 * A time series of two points (the range's ends), so a time series panel draws it over the spread.
 */
export async function runOuBand(q: BacktestQ, client: CollectorClient, signal?: AbortSignal): Promise<Frame> {
  const res = await client.stats(withHedge({ pair: q.pair, tf: q.tf, window: q.window }, q.hedge), signal);
  const ou = res.ou !== null && !('error' in res.ou) ? res.ou : null;
  const notices: Notice[] = ou === null ? [{ severity: 'info', text: `no OU band: ${res.ou && 'error' in res.ou ? res.ou.error : 'no statistics yet'}` }] : [];
  const line = (name: string, v: number | undefined, title: string, color: string, description: string): Field => ({
    name,
    type: 'float64',
    nullable: true,
    labels: labelsOf({ ...labels(q), window: String(q.window) }, name),
    values: ou === null ? [] : [v!, v!],
    // the spread's unit (the y leg's quote asset, as analytics' spread field): one axis with the spread it is drawn over
    config: { ...priceConfig(q.pair.split('/')[0]!, title), description, color: { mode: 'fixed', fixedColor: color } },
  });
  return {
    name: `${q.pair} OU band`,
    refId: q.refId,
    meta: meta({ executedQueryString: `ouband ${q.pair} tf=${q.tf} window=${q.window}`, custom: ou ? { ou } : {} }, notices),
    fields: [
      timeField(ou === null ? [] : [q.from, q.to]),
      line(
        'ouEntryLong',
        ou?.entryLong,
        'OU entry LONG',
        'green',
        "Bertram's optimal band of the latest OU fit: LONG the spread below it, exit at the SHORT entry",
      ),
      line('ouMu', ou?.mu, 'OU mean', 'text', 'Mean the spread reverts to (OU fit, exact maximum likelihood, the latest statistics sample)'),
      line(
        'ouEntryShort',
        ou?.entryShort,
        'OU entry SHORT',
        'red',
        "Bertram's optimal band of the latest OU fit: SHORT the spread above it, exit at the LONG entry",
      ),
    ],
  };
}

/** `params`: the sweep's query parameters (pair, range, costs, hedge, the grid as lists); `base`: the backtest's executed text. */
export async function runHonest(q: BacktestQ, params: Record<string, unknown>, base: string, client: CollectorClient, signal?: AbortSignal): Promise<Frame> {
  if (q.output === 'verdict') return verdictFrame(q, await client.sweep(params as Parameters<CollectorClient['sweep']>[0], signal), gridText(q, base));
  const wf = q.walkForward!;
  const res = await client.walkForward(
    { ...params, train: wf.train, test: wf.test, objective: wf.objective, ...(wf.anchored ? { anchored: 'true' } : {}) } as Parameters<
      CollectorClient['walkForward']
    >[0],
    signal,
  );
  return q.output === 'folds' ? foldsFrame(q, res, gridText(q, base)) : walkForwardFrame(q, res, gridText(q, base));
}

/** One row, each field labelled (an alert rule may read it): PSR, DSR, PBO, degradation, probability of loss, the best's Sharpe. */
function verdictFrame(q: BacktestQ, res: SweepResponse, text: string): Frame {
  const num = (name: string, v: number | null | undefined, config: FieldConfig): Field => ({
    name,
    type: 'float64',
    nullable: true,
    labels: labelsOf(labels(q), name),
    values: [v ?? null],
    config,
  });
  const best = res.rows[res.best];
  const notices = res.pbo === null ? [{ severity: 'info' as const, text: 'no PBO: a single combination, or fewer than 2 bars in each of the 16 blocks' }] : [];
  return {
    name: `${res.pair} backtest verdict`,
    refId: q.refId,
    meta: meta({ type: 'numeric-wide', typeVersion: [0, 1], executedQueryString: text, custom: { bars: res.bars, combinations: res.rows.length } }, notices),
    fields: [
      num(
        'dsr',
        res.dsr,
        probability(
          'DSR',
          `Deflated Sharpe ratio of the best of ${res.rows.length} combinations: the probability its Sharpe beats the best expected of that many tries by luck`,
        ),
      ),
      num('psr', res.psr, probability('PSR', 'Probabilistic Sharpe ratio of the best combination against 0, from its per-bar returns')),
      num(
        'pbo',
        res.pbo?.pbo,
        probability(
          'PBO',
          'Probability of backtest overfitting (CSCV): the share of splits whose in-sample best ranks below the median out of sample',
          PBO_THRESHOLDS,
        ),
      ),
      num(
        'degradation',
        res.pbo?.degradation,
        plainConfig('Degradation', 3, {
          description: 'Slope of out-of-sample on in-sample Sharpe over the CSCV splits; below 0 the better in sample, the worse out',
        }),
      ),
      num(
        'probLoss',
        res.pbo?.probLoss,
        probability('Probability of loss', 'Share of CSCV splits whose chosen combination loses out of sample', PBO_THRESHOLDS),
      ),
      num(
        'bestSharpe',
        best?.metrics.sharpe,
        plainConfig('Best Sharpe', 2, {
          description: `In-sample Sharpe of the best combination (window ${best?.window}, entry ${best?.entry}, exit ${best?.exit})`,
        }),
      ),
    ],
  };
}

/** The out-of-sample equity joined over the folds, at each test bar's close. */
function walkForwardFrame(q: BacktestQ, res: WalkForwardResponse, text: string): Frame {
  return {
    name: `${res.pair} walk-forward equity`,
    refId: q.refId,
    meta: meta(
      { executedQueryString: text, custom: { bars: res.bars, folds: res.folds.length, metrics: res.metrics, efficiency: res.efficiency, psr: res.psr } },
      [],
    ),
    fields: [
      timeField(res.equityTs),
      {
        name: 'oosEquity',
        type: 'float64',
        labels: labelsOf(labels(q), 'oosEquity'),
        values: res.equity,
        config: pnlConfig(q.pair, `${res.pair} out-of-sample equity`, "Each fold's choice run on its test part, the folds joined: capital + P&L, net of fees"),
      },
    ],
  };
}

/** A row a fold: its test part (time, timeEnd), its train part's start, the choice, in- and out-of-sample metrics. */
function foldsFrame(q: BacktestQ, res: WalkForwardResponse, text: string): Frame {
  const f = res.folds;
  const num = (name: string, values: Array<number | null>, config: FieldConfig): Field => ({ name, type: 'float64', nullable: true, values, config });
  const sharpe = (title: string) =>
    plainConfig(title, 2, {
      color: { mode: 'thresholds' },
      thresholds: {
        mode: 'absolute',
        steps: [
          { value: null, color: 'red' },
          { value: 0, color: 'orange' },
          { value: 1, color: 'green' },
        ],
      },
    });
  return {
    name: `${res.pair} walk-forward folds`,
    refId: q.refId,
    meta: { type: 'table', preferredVisualisationType: 'table', executedQueryString: text, custom: { efficiency: res.efficiency } },
    fields: [
      { name: 'time', type: 'time', values: f.map((x) => x.testStartTs), config: { displayNameFromDS: 'Test from' } },
      { name: 'timeEnd', type: 'time', values: f.map((x) => x.testLastTs), config: { displayNameFromDS: 'Test to' } },
      { name: 'trainFrom', type: 'time', values: f.map((x) => x.trainStartTs), config: { displayNameFromDS: 'Train from' } },
      num(
        'window',
        f.map((x) => x.choice.window),
        plainConfig('Window', 0),
      ),
      num(
        'entry',
        f.map((x) => x.choice.entry),
        plainConfig('Entry', 2),
      ),
      num(
        'exit',
        f.map((x) => x.choice.exit),
        plainConfig('Exit', 2),
      ),
      num(
        'inSharpe',
        f.map((x) => x.inSample.sharpe),
        sharpe('In-sample Sharpe'),
      ),
      num(
        'outSharpe',
        f.map((x) => x.outOfSample.sharpe),
        sharpe('Out-of-sample Sharpe'),
      ),
      num(
        'outReturn',
        f.map((x) => x.outOfSample.totalReturn),
        { displayNameFromDS: 'Out-of-sample return', unit: 'percentunit', decimals: 2, color: { mode: 'thresholds' }, thresholds: PNL_THRESHOLDS },
      ),
      num(
        'outTrades',
        f.map((x) => x.outOfSample.trades),
        plainConfig('Trades', 0),
      ),
      num(
        'dsr',
        f.map((x) => x.dsr),
        probability('DSR (train)', "Deflated Sharpe ratio of the choice on its train part, N = the grid's combinations"),
      ),
    ],
  };
}
