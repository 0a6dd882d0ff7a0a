/**
 * The all-pairs table (issue 28): every configured pair of the collector at one timeframe and
 * window, one row each, from /api/stats of each pair asked as the Pair overview's paper panels ask
 * (no entryZ: the live engine answers, with its paper position). A pair whose stats fail keeps its
 * row, empty, and the reason is a notice; the others still show.
 */
import { TIMEFRAME_MS, type PairInfo, type StatsResponse } from '@quant-pairs/contract';
import type { CollectorClient } from '../collector/client';
import type { Field, FieldConfig, Frame, Notice } from '../frame/frame';
import { POSITION_CODE, SIGNAL_CODE, plainConfig, pnlConfig, positionConfig, pvalueConfig, signalConfig } from './display';
import type { SummaryQ } from './model';

/** Which pairs a row: the configured ones (the live engine runs them); every listed pair when none is (an API replica). */
function rowsOf(pairs: readonly PairInfo[]): PairInfo[] {
  const configured = pairs.filter((p) => p.configured);
  return configured.length > 0 ? configured : [...pairs];
}

export async function runSummary(q: SummaryQ, client: CollectorClient, signal?: AbortSignal): Promise<Frame> {
  const listed = await client.pairs(signal);
  const pairs = rowsOf(listed.pairs);
  const answers = await Promise.allSettled(pairs.map((p) => client.stats({ pair: p.pair, tf: q.tf, window: q.window }, signal)));
  const notices: Notice[] = [];
  const stats = answers.map((a, i) => {
    if (a.status === 'fulfilled') return a.value;
    notices.push({ severity: 'warning', text: `${pairs[i]!.pair}: ${(a.reason as Error).message}` });
    return null;
  });
  return summaryFrame(q, pairs, stats, listed.entryZ, notices);
}

/** The z colours by |z|: green within ±1, orange to ±entry, red beyond (the collector's ENTRY_Z). */
function zConfig(entryZ: number): FieldConfig {
  return {
    displayNameFromDS: 'z',
    description: `Latest z of the spread (the bar in progress when there is one); beyond ±${entryZ} (the collector's ENTRY_Z) the signal is SHORT / LONG`,
    decimals: 2,
    color: { mode: 'thresholds' },
    thresholds: {
      mode: 'absolute',
      steps: [
        { value: null, color: 'red' },
        { value: -entryZ, color: 'orange' },
        { value: -1, color: 'green' },
        { value: 1, color: 'orange' },
        { value: entryZ, color: 'red' },
      ],
    },
  };
}

/** A number of a stats answer, null when the pair has no answer or the value is an error / absent. */
function numberOf(v: unknown): number | null {
  return typeof v === 'number' ? v : null;
}

function summaryFrame(q: SummaryQ, pairs: readonly PairInfo[], stats: ReadonlyArray<StatsResponse | null>, entryZ: number, notices: Notice[]): Frame {
  const tfSec = TIMEFRAME_MS[q.tf] / 1000;
  const point = (s: StatsResponse | null) => s?.provisional ?? s?.committed ?? null;
  const col = (name: string, pick: (s: StatsResponse) => unknown, config: FieldConfig): Field => ({
    name,
    type: 'float64',
    nullable: true,
    values: stats.map((s) => (s === null ? null : numberOf(pick(s)))),
    config,
  });
  const pvalue = (v: StatsResponse['adf'] | StatsResponse['coint']) => (v && 'pvalue' in v ? v.pvalue : null);
  const fields: Field[] = [
    { name: 'pair', type: 'string', values: pairs.map((p) => p.pair), config: { displayNameFromDS: 'Pair', description: 'Y/X: x is the hedge leg' } },
    col('zscore', (s) => point(s)?.zscore, zConfig(entryZ)),
    col(
      'signal',
      (s) => {
        const sig = point(s)?.signal;
        return sig === null || sig === undefined ? null : SIGNAL_CODE[sig];
      },
      { ...signalConfig('Signal'), custom: {} },
    ),
    col('position', (s) => (s.position ? POSITION_CODE[s.position.side] : null), positionConfig('Paper position', '')),
    col('unrealisedPnl', (s) => s.position?.unrealisedPnl, {
      ...pnlConfig(
        pairs[0]?.pair ?? 'USDT/USDT',
        'Unrealised P&L',
        "The held paper trade marked at the last committed bar's closes, net of its entry fees; 0 when flat",
      ),
      color: { mode: 'thresholds' },
      thresholds: {
        mode: 'absolute',
        steps: [
          { value: null, color: 'red' },
          { value: 0, color: 'green' },
        ],
      },
    }),
    col('adfPValue', (s) => pvalue(s.adf), pvalueConfig('ADF p', 'MacKinnon p-value of the ADF test of the spread; below 0.05 it is stationary at 5 %')),
    col(
      'egPValue',
      (s) => pvalue(s.coint),
      pvalueConfig('Engle-Granger p', 'MacKinnon p-value of the Engle-Granger test; below 0.05 the legs are cointegrated at 5 %'),
    ),
    col(
      'halfLife',
      (s) => {
        const hl = s.halfLife && 'halfLife' in s.halfLife ? s.halfLife.halfLife : null;
        return hl === null ? null : hl * tfSec;
      },
      plainConfig('Half-life', 1, { unit: 's', description: `Half-life of mean reversion (${tfSec} s a bar); empty when the spread does not revert` }),
    ),
    col('correlation', (s) => s.correlation ?? point(s)?.correlation, plainConfig('Correlation', 3, { min: -1, max: 1 })),
    col('beta', (s) => point(s)?.beta, plainConfig('β', 4, { description: 'Hedge ratio: units of x per unit of y' })),
    {
      name: 'updated',
      type: 'time',
      nullable: true,
      values: stats.map((s) => s?.updatedAt ?? null),
      config: { displayNameFromDS: 'Updated', description: "Time of the pair's latest values" },
    },
  ];
  const meta: Frame['meta'] = { executedQueryString: `summary tf=${q.tf} window=${q.window}: ${pairs.length} pairs`, preferredVisualisationType: 'table' };
  if (notices.length > 0) meta.notices = notices;
  return { name: `pairs ${q.tf} w${q.window}`, refId: q.refId, meta, fields };
}
