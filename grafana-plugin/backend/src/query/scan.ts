/** The pair scanner: the latest scan as a table, or one pair's history (/api/scan, /api/scan/history). */
import { SCAN_FIELDS, TIMEFRAME_MS, type ScanField, type ScanHistoryResponse, type ScanResponse, type ScanRow } from '@quant-pairs/contract';
import { CollectorError, type CollectorClient } from '../collector/client';
import type { Field, Frame, Notice } from '../frame/frame';
import { halfLifeConfig, plainConfig, scanPvalueConfig } from './display';
import { labelsOf, meta, timeField } from './frameParts';
import type { ScanQ } from './model';

/**
 * The scan table: the latest stored scan at the end of the range; with a pair, its history over
 * the range (the pair as stored is A/B in universe order: asked the other way round, the
 * history of B/A is the same pair, since the p-value is the larger of both directions).
 */
export async function runScan(q: ScanQ, client: CollectorClient, signal?: AbortSignal): Promise<Frame> {
  if (q.pair === undefined) {
    try {
      return scanFrame(
        q,
        await client.scan({ tf: q.tf, window: q.window, at: q.to, symbol: q.symbol, selected: q.selectedOnly ? 'true' : undefined, limit: q.limit }, signal),
        [],
      );
    } catch (e) {
      if (e instanceof CollectorError && e.kind === 'not-found') return scanFrame(q, null, [{ severity: 'info', text: e.message }]);
      throw e;
    }
  }
  const ask = (a: string, b: string) => client.scanHistory({ pair: `${a}/${b}`, tf: q.tf, window: q.window, from: q.from, to: q.to }, signal);
  let res = await ask(q.pair.y, q.pair.x);
  if (res.points.length === 0) res = await ask(q.pair.x, q.pair.y);
  return scanHistoryFrame(q, res, []);
}

/**
 * The scan table (queryType scan without a pair): one row a pair, sorted by q-value as the
 * collector sends them (it applies `selectedOnly`, `symbol` and `limit`, so that the 79,800 rows
 * of UNIVERSE=all need not travel). Half-life in seconds (bars × tf), as in the stats frame. An empty table with a notice when no scan is stored yet.
 */
function scanFrame(q: ScanQ, res: ScanResponse | null, notices: Notice[]): Frame {
  const rows: ScanRow[] = res?.pairs ?? [];
  const tfSec = TIMEFRAME_MS[q.tf] / 1000;
  const str = (name: string, values: string[], config: Field['config'] = {}): Field => ({ name, type: 'string', values, config });
  const num = (name: string, values: Array<number | null>, config: Field['config']): Field => ({ name, type: 'float64', nullable: true, values, config });
  const fields: Field[] = [
    str(
      'pair',
      rows.map((r) => `${r.a}/${r.b}`),
      { displayNameFromDS: 'Pair' },
    ),
    num(
      'qvalue',
      rows.map((r) => r.qvalue),
      scanPvalueConfig('q-value', 'Benjamini-Hochberg q-value of the pair among all pairs tested in this scan (the false discovery rate if selected at it)'),
    ),
    num(
      'pvalue',
      rows.map((r) => r.pvalue),
      scanPvalueConfig('p-value', 'Engle-Granger p-value, the larger of coint(A, B) and coint(B, A)'),
    ),
    num(
      'halfLife',
      rows.map((r) => (r.halfLife === null ? null : r.halfLife * tfSec)),
      halfLifeConfig(tfSec),
    ),
    num(
      'hurst',
      rows.map((r) => r.hurst),
      plainConfig('Hurst', 3, { description: 'Hurst exponent of the spread: below 0.5 mean-reverting' }),
    ),
    num(
      'meanCrossings',
      rows.map((r) => r.meanCrossings),
      plainConfig('Mean crossings', 0, { description: 'How often the spread crossed its mean in the window' }),
    ),
    num(
      'correlation',
      rows.map((r) => r.correlation),
      plainConfig('Correlation', 3),
    ),
    num(
      'beta',
      rows.map((r) => r.beta),
      plainConfig('Beta', 4, { description: 'Hedge ratio: OLS of A on B over the window' }),
    ),
    num(
      'egStat',
      rows.map((r) => r.coint?.stat ?? null),
      plainConfig('EG stat (A on B)', 3),
    ),
    num(
      'egReverseStat',
      rows.map((r) => r.cointReverse?.stat ?? null),
      plainConfig('EG stat (B on A)', 3),
    ),
    str(
      'selected',
      rows.map((r) => (r.selected ? 'yes' : 'no')),
      { displayNameFromDS: 'Selected' },
    ),
  ];
  const at = res ? new Date(res.ts).toISOString() : 'none';
  const custom = res ? { ts: res.ts, symbols: res.symbols.length, tested: res.tested, selected: res.selected } : null;
  return {
    name: `scan ${q.tf} w${q.window}`,
    refId: q.refId,
    meta: {
      type: 'table',
      preferredVisualisationType: 'table',
      executedQueryString: `scan tf=${q.tf} window=${q.window} at ${at}`,
      custom,
      ...(notices.length > 0 ? { notices } : {}),
    },
    fields,
  };
}

/** A pair's numbers in every scan of the range (queryType scan with a pair): wide time series, one labelled field a column. */
function scanHistoryFrame(q: ScanQ, res: ScanHistoryResponse, notices: Notice[]): Frame {
  const tfSec = TIMEFRAME_MS[q.tf] / 1000;
  const subject = { pair: res.pair, tf: q.tf, window: String(q.window) };
  const pts = res.points;
  const columns: Record<ScanField, { values: Array<number | null>; config: Field['config'] }> = {
    pvalue: {
      values: pts.map((p) => p.pvalue),
      config: scanPvalueConfig(`${res.pair} EG p-value`, 'Engle-Granger p-value over the scan window, the larger of both directions'),
    },
    qvalue: { values: pts.map((p) => p.qvalue), config: scanPvalueConfig(`${res.pair} q-value`, 'Benjamini-Hochberg q-value in its scan') },
    cointPvalue: { values: pts.map((p) => p.cointPvalue), config: scanPvalueConfig(`${res.pair} EG p (A on B)`, 'coint(A, B)') },
    cointReversePvalue: { values: pts.map((p) => p.cointReversePvalue), config: scanPvalueConfig(`${res.pair} EG p (B on A)`, 'coint(B, A)') },
    halfLife: { values: pts.map((p) => (p.halfLife === null ? null : p.halfLife * tfSec)), config: halfLifeConfig(tfSec) },
    hurst: { values: pts.map((p) => p.hurst), config: plainConfig(`${res.pair} Hurst`, 3) },
    selected: { values: pts.map((p) => (p.selected ? 1 : 0)), config: plainConfig(`${res.pair} selected`, 0, { min: 0, max: 1 }) },
  };
  const names = q.scanFields ?? SCAN_FIELDS;
  return {
    name: `${res.pair} scan ${q.tf} w${q.window}`,
    refId: q.refId,
    meta: meta({ executedQueryString: `scan history ${res.pair} tf=${q.tf} window=${q.window}` }, notices),
    fields: [
      timeField(pts.map((p) => p.ts)),
      ...names.map((name): Field => ({
        name,
        type: 'float64',
        nullable: true,
        labels: labelsOf(subject, name),
        values: columns[name].values,
        config: columns[name].config,
      })),
    ],
  };
}
