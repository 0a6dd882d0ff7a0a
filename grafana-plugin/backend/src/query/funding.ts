/**
 * Funding (issue 25): a USD-M perpetual's settled funding rates over the range (/api/funding's
 * events: time and rate, one numeric field for alert rules), its state now (one row: the rate the next settlement would apply,
 * the next funding time, mark, index, the mark-index premium in bps and the interval), or the
 * funding of a pair's live paper position (/api/stats' position: cumulative funding, the held
 * trade's, equity), or its carry (/api/stats' `carry`). Rates are plain decimals shown with Grafana's `percentunit` (1e-4 = 0.01 %).
 * A spot symbol, or a pair without a perpetual leg, has no funding: an empty frame with an info
 * notice, not an error, so a dashboard's leg panels stay quiet on spot legs.
 */
import { isPerp } from '@quant-pairs/contract';
import type { CollectorClient } from '../collector/client';
import type { Field, Frame, Notice } from '../frame/frame';
import { plainConfig, pnlConfig, priceConfig } from './display';
import { labelsOf, meta, timeField } from './frameParts';
import type { FundingQ } from './model';

type Num = (name: string, values: Array<number | null>, config: Field['config']) => Field;

const numberOf =
  (subject: Record<string, string>): Num =>
  (name, values, config) => ({ name, type: 'float64', nullable: true, labels: labelsOf(subject, name), values, config });

const rateConfig = (displayName: string, description: string): Field['config'] => ({
  displayNameFromDS: displayName,
  description,
  unit: 'percentunit',
  decimals: 4,
});

function frame(q: FundingQ, name: string, query: string, fields: Field[], notices: Notice[]): Frame {
  return { name, refId: q.refId, meta: meta({ executedQueryString: query }, notices), fields };
}

const noFunding = (what: string): Notice => ({ severity: 'info', text: `${what} has no funding: funding is paid on USD-M perpetuals (BTCUSDT.P)` });

type PairFundingQ = Extract<FundingQ, { pair: string }>;

/** A pair's carry (/api/stats `carry`): each perp leg's 30-day annualised rate, the spread's LONG / SHORT a year, the basis. */
async function runCarry(q: PairFundingQ, client: CollectorClient, signal?: AbortSignal): Promise<Frame> {
  const query = `funding carry ${q.pair} tf=${q.tf} window=${q.window}`;
  const num = numberOf({ pair: q.pair });
  const yearly = (name: string, what: string) => ({ ...rateConfig(`${q.pair} ${name}`, what), decimals: 2 });
  const fields = (ts: number[], v: Array<Array<number | null>>): Field[] => [
    timeField(ts),
    num('carryLong', v[0]!, yearly('LONG carry a year', 'Funding a LONG spread (+y, -beta x) receives a year, of its y notional (30 days of settlements)')),
    num('carryShort', v[1]!, yearly('SHORT carry a year', 'Funding a SHORT spread receives a year, of its y notional')),
    num('yAnnualised', v[2]!, yearly(`${q.y} funding a year`, "The y leg's annualised funding rate (positive: longs pay); empty for a spot leg")),
    num('xAnnualised', v[3]!, yearly(`${q.x} funding a year`, "The x leg's annualised funding rate; empty for a spot leg")),
    num('basisBps', v[4]!, plainConfig(`${q.pair} basis`, 2, { unit: 'bps', description: '(perp - spot) / spot of a perp / spot pair of one asset' })),
    num('basisAnnualised', v[5]!, yearly('basis a year', 'The premium paid each funding interval for a year')),
  ];
  const none = (n: Notice) => frame(q, q.pair, query, fields([], [[], [], [], [], [], []]), [n]);
  if (!isPerp(q.y) && !isPerp(q.x)) return none(noFunding(q.pair));
  const res = await client.stats({ pair: q.pair, tf: q.tf, window: q.window }, signal);
  const c = res.carry;
  if (!c) return none(noFunding(q.pair));
  const v = [c.long, c.short, c.y?.annualised ?? null, c.x?.annualised ?? null, c.basis?.bps ?? null, c.basis?.annualised ?? null];
  return frame(
    q,
    q.pair,
    query,
    fields(
      [res.updatedAt ?? q.to],
      v.map((x) => [x]),
    ),
    [],
  );
}

export async function runFunding(q: FundingQ, client: CollectorClient, signal?: AbortSignal): Promise<Frame> {
  if (!('symbol' in q)) return q.fundingOutput === 'carry' ? runCarry(q, client, signal) : runPosition(q, client, signal);
  return runSymbol(q, client, signal);
}

/** The funding of a pair's live paper position (/api/stats `position`). */
async function runPosition(q: PairFundingQ, client: CollectorClient, signal?: AbortSignal): Promise<Frame> {
  const query = `funding position ${q.pair} tf=${q.tf} window=${q.window}`;
  const num = numberOf({ pair: q.pair, tf: q.tf, window: String(q.window) });
  const fields = (rows: Array<Array<number | null>>, ts: number[]): Field[] => [
    timeField(ts),
    num(
      'funding',
      rows[0]!,
      pnlConfig(q.pair, `${q.pair} paper funding`, 'Funding the live paper position received since the collector started (negative: paid)'),
    ),
    num(
      'tradeFunding',
      rows[1]!,
      pnlConfig(q.pair, `${q.pair} held trade funding`, 'Funding the held paper trade received so far (in its unrealised P&L); 0 when flat'),
    ),
    num('equity', rows[2]!, pnlConfig(q.pair, `${q.pair} paper equity`, 'Notional + realised + unrealised P&L, net of fees and funding')),
  ];
  if (!isPerp(q.y) && !isPerp(q.x)) return frame(q, q.pair, query, fields([[], [], []], []), [noFunding(q.pair)]);
  const res = await client.stats({ pair: q.pair, tf: q.tf, window: q.window }, signal);
  const p = res.position;
  if (!p || p.funding === undefined) {
    const why: Notice = { severity: 'info', text: `no live paper position for ${q.pair} ${q.tf} window ${q.window}: use one of the collector's WINDOWS` };
    return frame(q, q.pair, query, fields([[], [], []], []), [why]);
  }
  const ts = res.updatedAt ?? q.to;
  return frame(q, q.pair, query, fields([[p.funding], [p.tradeFunding ?? null], [p.equity]], [ts]), []);
}

/** A perpetual's settled rates over the range, or its state now (/api/funding). */
async function runSymbol(q: Extract<FundingQ, { symbol: string }>, client: CollectorClient, signal?: AbortSignal): Promise<Frame> {
  const s = q.symbol;
  const num = numberOf({ symbol: s });
  if (q.fundingOutput === 'rates') {
    const query = `funding rates ${s}`;
    // the rate alone: an alert rule reads one numeric field (each field is a series to Grafana's expressions)
    const rates = (ts: number[], rate: number[]): Field[] => [
      timeField(ts),
      num('rate', rate, {
        ...rateConfig(`${s} funding rate`, 'Settled funding rate: a long paid position × mark × rate at each funding time'),
        custom: { drawStyle: 'line', showPoints: 'always', pointSize: 5 },
      }),
    ];
    if (!isPerp(s)) return frame(q, s, query, rates([], []), [noFunding(s)]);
    const res = await client.funding({ symbol: s, from: q.from, to: q.to }, signal);
    const e = res.events;
    return frame(
      q,
      s,
      query,
      rates(
        e.map((x) => x.time),
        e.map((x) => x.rate),
      ),
      [],
    );
  }
  const query = `funding state ${s}`;
  const state = (ts: number[], v: Array<Array<number | null>>): Field[] => [
    timeField(ts),
    num('rate', v[0]!, rateConfig(`${s} next funding rate`, 'The rate the next settlement would apply, as it stands now')),
    num('nextFundingTime', v[1]!, { displayNameFromDS: `${s} next funding`, description: 'When the next settlement is', unit: 'dateTimeFromNow' }),
    num(
      'premiumBps',
      v[2]!,
      plainConfig(`${s} mark-index premium`, 2, { unit: 'bps', description: '(mark - index) / index in basis points: what funding converges to' }),
    ),
    num('mark', v[3]!, priceConfig(s, `${s} mark`)),
    num('index', v[4]!, priceConfig(s, `${s} index`)),
    num('intervalHours', v[5]!, plainConfig(`${s} funding interval`, 0, { unit: 'h', description: 'Hours between settlements (Binance fundingInfo, else 8)' })),
  ];
  if (!isPerp(s)) return frame(q, s, query, state([], [[], [], [], [], [], []]), [noFunding(s)]);
  // the state only: an empty range of events
  const res = await client.funding({ symbol: s, from: q.to - 1, to: q.to }, signal);
  const c = res.current;
  if (!c) return frame(q, s, query, state([], [[], [], [], [], [], []]), [{ severity: 'info', text: `no mark of ${s} yet` }]);
  const premium = ((c.mark - c.index) / c.index) * 1e4;
  return frame(q, s, query, state([c.time], [[c.rate], [c.nextFundingTime], [premium], [c.mark], [c.index], [res.intervalHours]]), []);
}
