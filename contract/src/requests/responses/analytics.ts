/** Response schemas of /api/analytics, /api/stats, /api/signals and /api/alerts, and the backtest's settings. */
import { z } from 'zod';
import { pairCarryDto } from './carry';
import { hedge, nullableNum, num, obj, signal, timeframe } from './common';

const column = z.array(nullableNum);
/** Column-major series (one array per field, same length), like a Grafana data frame. */
export const analyticsSeries = obj({
  ts: z.array(num),
  beta: column,
  alpha: column,
  spread: column,
  /** Rolling mean of the spread over the window, the level z is measured from (null where those spreads are not all defined; see AnalyticsPoint). */
  spreadMean: column,
  zscore: column,
  signal: z.array(signal.nullable()),
  correlation: column,
});
/** One period (UTC day) of the Kalman hedge: a fresh filter warmed on the day before, with these parameters. */
export const kalmanPeriodDto = obj({
  /** Start of the period (epoch ms). */
  at: num,
  /** First and last point of the previous period (warm-up, and the training span with tune); null when none. */
  trainFrom: nullableNum,
  trainTo: nullableNum,
  /** Parameters in force (null: none, the period's points are null). */
  delta: nullableNum,
  ve: nullableNum,
  /** tune: the maximum-likelihood fit on the previous period, or why there is none; null with fixed parameters. */
  fit: z.union([obj({ logLik: num, converged: z.boolean(), nobs: num }), obj({ error: z.string() })]).nullable(),
});
/** How the response's beta and z were estimated (hedge=kalman): its periods, oldest first. */
export const kalmanReport = obj({ tune: z.boolean(), periods: z.array(kalmanPeriodDto) });
export const analyticsResponse = obj({
  pair: z.string(),
  /** ols (rolling OLS over window) or kalman (see kalman). */
  hedge,
  /** hedge=kalman: the periods serving the response's points. */
  kalman: kalmanReport.optional(),
  tf: timeframe,
  window: num,
  from: num,
  to: num,
  /** Aligned points in the range before thinning. */
  points: num,
  /** True when maxDataPoints thinned the series. */
  thinned: z.boolean(),
  /** The last point comes from a bar still in progress (it moves until the bar completes). */
  provisional: z.boolean(),
  series: analyticsSeries,
});

export const crit = obj({ '1%': num, '5%': num, '10%': num });
/** `Maybe<T>`: the value, `{error}` when it could not be computed, or null. */
const maybe = <T extends z.ZodType>(t: T) => z.union([t, obj({ error: z.string() })]).nullable();
export const adfDto = obj({ stat: num, pvalue: num, usedlag: num, nobs: num, crit });
export const cointDto = obj({ stat: num, pvalue: num, crit });
export const halfLifeDto = obj({
  b: num,
  /** In bars; null when the spread does not mean-revert (b >= 0). */
  halfLife: nullableNum,
});
export const latestPoint = obj({
  ts: num,
  beta: nullableNum,
  alpha: nullableNum,
  spread: nullableNum,
  zscore: nullableNum,
  signal: signal.nullable(),
  correlation: nullableNum,
});
export const priceDto = obj({ price: num, ts: num });
/**
 * The rules and costs of a backtest (the collector's analytics take them as BacktestOptions; an
 * answer reports the request's, defaults filled in: BACKTEST_DEFAULTS).
 */
export const backtestSettings = obj({
  /** |z| above which a flat book enters (default 2). */
  entry: num,
  /** Exit band: a LONG exits once z >= -exit, a SHORT once z <= exit (default 0, the mean). */
  exit: num,
  /** Stop-loss level of |z| beyond the entry (null: none, the default). */
  stop: nullableNum,
  /** Time stop after this many bars held (null: none, the default). */
  maxHold: nullableNum,
  /** Bars without entry after a stop (default 0). */
  cooldown: num,
  /** Bars from decision to fill (default 1). */
  lag: num,
  /** Fee in basis points of each leg's traded notional per fill (default 10). */
  feeBps: num,
  /** Slippage in basis points of the close, against the trade (default 0). */
  slippageBps: num,
  /** Capital, and the |y| notional of each trade (default 1000). */
  notional: num,
  /** Bars a year, for the annualised Sharpe (default 525600: 1-minute bars, 24/7 markets; the API: 365 days of the timeframe). */
  barsPerYear: num,
});
/**
 * The rules and costs a live paper position runs under: the backtest's (BacktestSettings) but
 * barsPerYear (no Sharpe ratio is computed live). entry is the collector's ENTRY_Z, the others its
 * PAPER_* settings (PAPER_EXIT defaulting to EXIT_Z when set), BACKTEST_DEFAULTS where unset.
 */
export const paperRules = backtestSettings.omit({ barsPerYear: true }).extend({
  /**
   * ou (PAPER_ENTRY=ou, issue 26): the position enters at Bertram's band of an OU fit of the last
   * `window` spreads before each decision, net of these fees and slippage; entry 1 and exit -1 are
   * then in units of the band's half-width. Absent: at |z| > entry.
   */
  entryRule: z.literal('ou').optional(),
});
/**
 * The paper position a configured pair / timeframe / window keeps live (issue 16): the backtest's
 * rules (`rules`: entry at the configured ENTRY_Z, the rest the PAPER_* settings) stepped on each
 * committed bar since the engine started (its warm-up bars included), fills `lag` bars after the
 * decision.
 */
export const paperPosition = obj({
  side: z.enum(['LONG', 'SHORT', 'FLAT']),
  /** Bar time of the entry fill and the legs' fill prices; null when flat. */
  entryTs: nullableNum,
  entryY: nullableNum,
  entryX: nullableNum,
  /** Held quantities (y leg, x leg = -beta * qy), 0 when flat; the beta frozen at entry. */
  qy: num,
  qx: num,
  beta: nullableNum,
  /** The held trade's P&L marked at the last committed bar's closes, net of its entry fees; 0 when flat. */
  unrealisedPnl: num,
  /** notional + realised P&L + unrealisedPnl, net of every fee, at the last committed bar. */
  equity: num,
  /** Trades closed since the engine started. */
  closedTrades: num,
  /**
   * Pairs with a perpetual leg only (issue 25): funding received since the engine started, negative
   * when paid (at each funding time T the position held just before T pays q · mark(T) · rate(T));
   * equity and unrealisedPnl are net of it.
   */
  funding: num.optional(),
  /** Pairs with a perpetual leg only: the funding the held trade received so far (0 when flat); in unrealisedPnl. */
  tradeFunding: num.optional(),
  /** The rules and costs it runs under (the same for every pair / timeframe / window of a collector). */
  rules: paperRules,
});
/**
 * An Ornstein-Uhlenbeck fit of the statistics' sample of spreads (exact maximum likelihood, per
 * bar) and Bertram's (2010) optimal symmetric band for a round trip costing `cost` (issue 26).
 */
export const ouDto = obj({
  /** Speed of mean reversion, per bar. */
  theta: num,
  mu: num,
  /** Diffusion, per √bar. */
  sigma: num,
  /** ln 2 / theta, in bars. */
  halfLife: num,
  /** The round trip's cost in spread units: the paper position's fees and slippage on both legs, at entry and exit, at the latest prices: 2·(feeBps + slippageBps)/1e4·(y + |beta|·x). */
  cost: num,
  /** Half-width of the band in spread units: enter LONG at mu - a, SHORT at mu + a, exit at the other side's level. */
  a: num,
  entryLong: num,
  entryShort: num,
  /** The stationary sd sigma / √(2 theta): the unit of `z`. */
  stationarySd: num,
  /** The band in z units of the stationary sd around mu: a / stationarySd, entryLong -a / stationarySd, entryShort a / stationarySd. */
  z: obj({ a: num, entryLong: num, entryShort: num }),
});

export const statsResponse = obj({
  pair: z.string(),
  /** ols (rolling OLS over window) or kalman (see kalman). */
  hedge,
  /** hedge=kalman: the periods serving the response's sample. */
  kalman: kalmanReport.optional(),
  tf: timeframe,
  window: num,
  /** Point of the last completed bar. */
  committed: latestPoint.nullable(),
  /** Point of the bar in progress (moves with every tick), null when there is none. */
  provisional: latestPoint.nullable(),
  /** Latest prices of the two legs. */
  prices: obj({ y: priceDto.nullable(), x: priceDto.nullable() }),
  adf: maybe(adfDto),
  coint: maybe(cointDto),
  halfLife: maybe(halfLifeDto),
  /** The OU fit of the same spreads as adf and halfLife, and Bertram's band; {error} when the spread does not revert or there is no cost. */
  ou: maybe(ouDto),
  /**
   * Rolling correlation of the two legs' closes over the last `window` aligned points up to the
   * latest point (`provisional`, else `committed`): that point's `correlation`, on both sources.
   */
  correlation: nullableNum,
  /** Epoch ms of the last update of these values. */
  updatedAt: nullableNum,
  /** Pairs with a perpetual leg only (issue 25): each perp leg's funding, the spread's annualised carry, the basis of a perp / spot pair. */
  carry: pairCarryDto.optional(),
  /** The live paper position (source live, rolling OLS); null when computed and for the Kalman hedge. */
  position: paperPosition.nullable(),
  /**
   * `live` from the running engine (rolling OLS of a configured window) or, for hedge=kalman, from
   * the Kalman filter the Live push continues bar by bar; `computed` from stored bars.
   */
  source: z.enum(['live', 'computed']),
});

export const signalEvent = obj({
  /** Epoch ms of the bar where the signal changed. */
  ts: num,
  signal,
  previous: signal.nullable(),
  zscore: nullableNum,
  /** Human words for an annotation, e.g. `SHORT (z = 2.31)`. */
  text: z.string(),
});
export const signalsResponse = obj({ pair: z.string(), tf: timeframe, window: num, from: num, to: num, events: z.array(signalEvent) });

export const alertDto = obj({ id: num, receivedAt: num, status: z.string(), payload: z.unknown() });
export const alertsResponse = obj({ alerts: z.array(alertDto) });
