/**
 * The funding events of a pair's perpetual legs (issue 25), read from the store in the shape the
 * pure backtest and carry take (analytics/backtest/funding.ts: [T, rate, mark] in time order). A
 * spot leg has none; a pair of two spot legs gives undefined, so its backtest runs as before
 * funding existed.
 */
import { instrumentOf, isPerp, type LegCarryDto, type PairCarryDto, type Pair } from '@quant-pairs/contract';
import type { FundingEvent, LegFunding } from '../analytics/backtest/funding';
import { basis, legCarry, pairCarry } from '../analytics/carry';
import { allFunding } from '../store/fundingPages';
import type { PerpStore } from '../store/store';

/** One perpetual's settlements in [from, to), oldest first, as [T, rate, mark]. */
async function symbolFunding(store: PerpStore, symbol: string, from: number, to: number): Promise<FundingEvent[]> {
  return (await allFunding(store, symbol, from, to)).map((e) => [e.ts, e.rate, e.mark] as const);
}

/**
 * Each perp leg's settlements in [from, to); undefined when neither leg is a perpetual.
 * @example
 * await pairFunding(store, parsePair('ETHUSDT.P/BTCUSDT'), from, to); // => { y: [[T, 1e-4, 3500.1], ...] }
 */
export async function pairFunding(store: PerpStore, pair: Pair, from: number, to: number): Promise<LegFunding | undefined> {
  const y = isPerp(pair.y);
  const x = isPerp(pair.x);
  if (!y && !x) return undefined;
  const out: LegFunding = {};
  if (y) out.y = await symbolFunding(store, pair.y, from, to);
  if (x) out.x = await symbolFunding(store, pair.x, from, to);
  return out;
}

/** What the carry asks of a running perpetuals' ingest (ingest/funding.ts FundingJob), when there is one. */
export interface FundingStateSource {
  current(symbol: string): { rate: number; nextFundingTime: number; mark: number; index: number } | null;
  intervalHours(symbol: string): number;
}

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** A perpetual leg's funding now (the running job's state, else the newest stored mark of the last hour) and over 30 days. */
async function legReport(
  store: PerpStore,
  live: FundingStateSource | undefined,
  symbol: string,
  now: number,
): Promise<{ dto: LegCarryDto; events: FundingEvent[] }> {
  const events = await symbolFunding(store, symbol, now - 30 * DAY, now + 1);
  const c = legCarry(events, now);
  const state = live?.current(symbol) ?? (await store.marks({ symbol, from: now - HOUR })).at(-1) ?? null;
  const spacing = events.length >= 2 ? (events[events.length - 1]![0] - events[events.length - 2]![0]) / HOUR : null;
  const dto: LegCarryDto = {
    rate: state?.rate ?? null,
    nextFundingTime: state?.nextFundingTime ?? null,
    premiumBps: state && state.index > 0 ? ((state.mark - state.index) / state.index) * 1e4 : null,
    annualised: c.annualised,
    events: c.events,
    intervalHours: live ? live.intervalHours(symbol) : spacing,
  };
  return { dto, events };
}

/**
 * /api/stats' `carry` of a pair with a perpetual leg (undefined for a spot pair): each perp leg's
 * rate now, next funding time and 30-day annualised rate; the spread's LONG / SHORT carry at
 * `beta` and the legs' prices (analytics/carry.ts pairCarry; null without them); the basis of a
 * perp / spot pair of one asset at those prices, annualised over the perp's interval (8 h unknown).
 */
export async function carryReport(
  store: PerpStore,
  live: FundingStateSource | undefined,
  pair: Pair,
  at: { beta: number | null; py: number | null; px: number | null; now: number },
): Promise<PairCarryDto | undefined> {
  const perpY = isPerp(pair.y);
  const perpX = isPerp(pair.x);
  if (!perpY && !perpX) return undefined;
  const y = perpY ? await legReport(store, live, pair.y, at.now) : null;
  const x = perpX ? await legReport(store, live, pair.x, at.now) : null;
  const { beta, py, px } = at;
  const priced = beta !== null && Number.isFinite(beta) && py !== null && py > 0 && px !== null && px > 0;
  const spread = priced ? pairCarry({ y: y?.events, x: x?.events }, at.now, beta, py, px).spread : null;
  let basisDto: PairCarryDto['basis'] = null;
  if (perpY !== perpX && instrumentOf(pair.y).venueSymbol === instrumentOf(pair.x).venueSymbol && py !== null && px !== null && py > 0 && px > 0) {
    const hours = (perpY ? y : x)!.dto.intervalHours ?? 8;
    basisDto = perpY ? basis(py, px, hours * HOUR) : basis(px, py, hours * HOUR);
  }
  return { y: y?.dto ?? null, x: x?.dto ?? null, long: spread?.long ?? null, short: spread?.short ?? null, basis: basisDto };
}
