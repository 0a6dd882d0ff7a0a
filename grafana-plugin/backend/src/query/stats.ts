/** Stats: the latest values of a pair and the collector's live paper position, one row (/api/stats). */
import { TIMEFRAME_MS, isPerp, type LatestPoint, type Maybe, type OuDto, type StatsResponse } from '@quant-pairs/contract';
import type { CollectorClient } from '../collector/client';
import type { Field, Frame, Notice } from '../frame/frame';
import { channelId, queryPath } from '../stream/channel';
import { PNL_THRESHOLDS, POSITION_CODE, SIGNAL_CODE, paperRulesText, plainConfig, pnlConfig, positionConfig, priceConfig, pvalueConfig } from './display';
import { labelsOf, meta } from './frameParts';
import type { PairQ } from './model';
import { analyticsField, pairLabels, pairParams } from './analytics';

function maybe<T>(v: Maybe<T>, what: string, notices: Notice[]): T | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'object' && 'error' in (v as object)) {
    notices.push({ severity: 'info', text: `${what}: ${(v as { error: string }).error}` });
    return null;
  }
  return v as T;
}

export function statsFrame(q: PairQ, res: StatsResponse, notices: Notice[], channel?: string): Frame {
  const point: LatestPoint | null = res.provisional ?? res.committed;
  const adf = maybe(res.adf, 'ADF', notices);
  const coint = maybe(res.coint, 'Engle-Granger', notices);
  const hl = maybe(res.halfLife, 'half-life', notices);
  const ts = point?.ts ?? res.updatedAt;
  const tfSec = TIMEFRAME_MS[q.tf] / 1000;
  const one = (v: number | null | undefined): Array<number | null> => (ts === null ? [] : [v ?? null]);
  const num = (name: string, v: number | null | undefined, config: Field['config']): Field => ({
    name,
    type: 'float64',
    nullable: true,
    labels: labelsOf(pairLabels(q), name),
    values: one(v),
    config,
  });
  const fields: Field[] = [
    { name: 'time', type: 'time', values: ts === null ? [] : [ts], config: {} },
    num('yPrice', res.prices.y?.price, priceConfig(q.y, `${q.y} price`)),
    num('xPrice', res.prices.x?.price, priceConfig(q.x, `${q.x} price`)),
    analyticsField(q, 'beta', one(point?.beta)),
    analyticsField(q, 'alpha', one(point?.alpha)),
    analyticsField(q, 'spread', one(point?.spread)),
    analyticsField(q, 'zscore', one(point?.zscore)),
    analyticsField(q, 'signal', one(point?.signal === null || point?.signal === undefined ? null : SIGNAL_CODE[point.signal])),
    analyticsField(q, 'correlation', one(res.correlation ?? point?.correlation)),
    num('adfStat', adf?.stat, plainConfig(`${q.pair} ADF statistic`, 3, { description: 'Augmented Dickey-Fuller statistic of the spread' })),
    num('adfPValue', adf?.pvalue, pvalueConfig(`${q.pair} ADF p-value`, 'MacKinnon p-value of the ADF test; below 0.05 the spread is stationary at 5 %')),
    num('egStat', coint?.stat, plainConfig(`${q.pair} Engle-Granger statistic`, 3, { description: 'Engle-Granger cointegration statistic' })),
    num(
      'egPValue',
      coint?.pvalue,
      pvalueConfig(`${q.pair} Engle-Granger p-value`, 'MacKinnon p-value of the Engle-Granger test; below 0.05 the legs are cointegrated at 5 %'),
    ),
    num(
      'halfLife',
      hl?.halfLife === null || hl?.halfLife === undefined ? null : hl.halfLife * tfSec,
      plainConfig(`${q.pair} half-life`, 1, {
        unit: 's',
        description: `Half-life of mean reversion (${tfSec} s per bar); empty when the spread does not mean-revert`,
      }),
    ),
    ...positionFields(q, res.position, num),
    ...ouFields(q, maybe(res.ou, 'OU band', notices), tfSec, num),
    ...(isPerp(q.y) || isPerp(q.x) ? fundingFields(q, res, num) : []),
  ];
  return {
    name: `${q.pair} ${q.tf} w${q.window} stats`,
    refId: q.refId,
    meta: meta(
      {
        executedQueryString: `stats ${q.pair} tf=${q.tf} window=${q.window}`,
        custom: { provisional: res.provisional !== null, source: res.source, updatedAt: res.updatedAt },
        ...(channel ? { channel } : {}),
      },
      notices,
    ),
    fields,
  };
}

/**
 * The live paper position (the collector's /api/stats `position`): its side coded LONG 1, FLAT 0,
 * SHORT -1 with value mappings (numeric, as the signal, so alert rules can read it), the entry
 * fill's bar time (epoch ms, null when flat), unrealised P&L, equity and closed trades, the money in
 * the y leg's quote asset. All null where the collector keeps no position: a window or hedge its
 * live engine does not run, a query with its own entryZ / exitZ (answered from stored bars), an
 * API without the live engine.
 */
function positionFields(q: PairQ, p: StatsResponse['position'], num: (name: string, v: number | null | undefined, config: Field['config']) => Field): Field[] {
  const rules = p ? paperRulesText(p.rules) : '';
  const under = rules ? ` (paper: ${rules})` : '';
  return [
    num('position', p ? POSITION_CODE[p.side] : null, positionConfig(`${q.pair} paper position`, rules)),
    num('entryTs', p?.entryTs, {
      displayNameFromDS: `${q.pair} paper entry`,
      description: "Bar time of the paper position's entry fill; empty when flat",
      unit: 'dateTimeAsIso',
    }),
    num('unrealisedPnl', p?.unrealisedPnl, {
      ...pnlConfig(
        q.pair,
        `${q.pair} unrealised P&L`,
        `The held paper trade marked at the last committed bar's closes, net of its entry fees; 0 when flat${under}`,
      ),
      color: { mode: 'thresholds' },
      thresholds: PNL_THRESHOLDS,
    }),
    num(
      'equity',
      p?.equity,
      pnlConfig(q.pair, `${q.pair} paper equity`, `Notional + realised P&L + unrealised P&L, net of every fee, at the last committed bar${under}`),
    ),
    num('closedTrades', p?.closedTrades, plainConfig(`${q.pair} paper trades closed`, 0, { description: 'Paper trades closed since the collector started' })),
  ];
}

/**
 * The OU fit of the statistics' spreads and Bertram's band (issue 26; the collector's /api/stats
 * `ou`): entry levels in spread units (LONG below ouEntryLong, SHORT above ouEntryShort, each
 * exiting at the other), its mean, the half-width in z units of the stationary sd, the half-life
 * and the round trip's cost the band is net of. Null when the spread does not revert.
 */
function ouFields(q: PairQ, ou: OuDto | null, tfSec: number, num: (name: string, v: number | null | undefined, config: Field['config']) => Field): Field[] {
  const band = (name: string, v: number | undefined, title: string, description: string) => num(name, v, plainConfig(`${q.pair} ${title}`, 4, { description }));
  return [
    band('ouEntryLong', ou?.entryLong, 'OU entry LONG', "Bertram's optimal band: LONG the spread below mu - a, exit at mu + a"),
    band('ouEntryShort', ou?.entryShort, 'OU entry SHORT', "Bertram's optimal band: SHORT the spread above mu + a, exit at mu - a"),
    band('ouMu', ou?.mu, 'OU mean', 'Mean the spread reverts to (OU fit, exact maximum likelihood)'),
    num(
      'ouZ',
      ou?.z.a,
      plainConfig(`${q.pair} OU band (z)`, 2, { description: "Half-width a of Bertram's band in units of the stationary sd sigma / sqrt(2 theta)" }),
    ),
    num(
      'ouHalfLife',
      ou === null ? null : ou.halfLife * tfSec,
      plainConfig(`${q.pair} OU half-life`, 1, { unit: 's', description: `ln 2 / theta of the OU fit (${tfSec} s per bar)` }),
    ),
    num(
      'ouCost',
      ou?.cost,
      plainConfig(`${q.pair} OU round-trip cost`, 4, {
        description: "Fees and slippage on both legs, entry and exit, in spread units: the cost Bertram's band is net of",
      }),
    ),
  ];
}

/**
 * Pairs with a perpetual leg only (issue 25; by the legs, so a stream's schema never changes):
 * the paper position's funding and each leg's funding now from /api/stats' `carry` (the rate the
 * next settlement would apply, its time, the mark-index premium), empty for a spot leg. On the
 * stats channel they stream with the rest of the row.
 */
function fundingFields(q: PairQ, res: StatsResponse, num: (name: string, v: number | null | undefined, config: Field['config']) => Field): Field[] {
  const leg = (k: 'y' | 'x') => {
    const s = k === 'y' ? q.y : q.x;
    const c = res.carry?.[k];
    return [
      num(`${k}FundingRate`, c?.rate, {
        displayNameFromDS: `${s} next funding rate`,
        unit: 'percentunit',
        decimals: 4,
        description: 'The rate its next settlement would apply, as it stands',
      }),
      num(`${k}NextFunding`, c?.nextFundingTime, { displayNameFromDS: `${s} next funding`, unit: 'dateTimeFromNow', description: 'When it settles next' }),
      num(`${k}PremiumBps`, c?.premiumBps, plainConfig(`${s} mark-index premium`, 2, { unit: 'bps', description: '(mark - index) / index in bps' })),
    ];
  };
  return [
    num('funding', res.position?.funding, {
      ...pnlConfig(q.pair, `${q.pair} paper funding`, 'Funding the live paper position received since the collector started (negative: paid)'),
      color: { mode: 'thresholds' },
      thresholds: PNL_THRESHOLDS,
    }),
    ...leg('y'),
    ...leg('x'),
  ];
}

export async function runStats(q: PairQ, client: CollectorClient, uid: string, signal?: AbortSignal): Promise<Frame> {
  // its channel asks /api/stats the same question every 500 ms (stream/streams.ts)
  return statsFrame(q, await client.stats(pairParams(q), signal), [], q.live ? channelId(uid, queryPath(q)) : undefined);
}
