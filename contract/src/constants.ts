/**
 * The numbers and names of the query API, stated once. The collector's validation, its
 * configuration, the Grafana data source (editor, backend, live channels) and provisioning
 * all read them from here, so a bound cannot differ between the place that accepts a value
 * and the place that sends it.
 */

/**
 * A symbol as the API and the data source spell it: a Binance symbol of 2 to 20 upper-case
 * letters or digits (`BTCUSDT`, `1000SHIBUSDT`: spot), or one with the suffix `.P` (`BTCUSDT.P`,
 * the traders' TradingView spelling): Binance's USD-M perpetual of that name. Requests may use
 * lower case; it is upper-cased first (`btcusdt.p` is `BTCUSDT.P`).
 * `SYMBOL_PATTERN` is the bare pattern, for building larger expressions (pairs, channel paths);
 * `VENUE_SYMBOL_PATTERN` is the name as Binance writes it on either market (no suffix): stream
 * names, REST parameters, archive file names.
 */
const SYMBOL_LENGTH = '{2,20}';
export const VENUE_SYMBOL_PATTERN = `[A-Z0-9]${SYMBOL_LENGTH}`;
/** The suffix of a USD-M perpetual's symbol (`BTCUSDT.P`). */
export const PERP_SUFFIX = '.P';
export const SYMBOL_PATTERN = `${VENUE_SYMBOL_PATTERN}(?:\\.P)?`;
/** A symbol as a request may write it, in either case (the API upper-cases it). */
export const SYMBOL_REQUEST_PATTERN = `[A-Za-z0-9]${SYMBOL_LENGTH}(?:\\.[Pp])?`;
const SYMBOL_RE = new RegExp(`^${SYMBOL_PATTERN}$`);

/** True when `text` is an upper-case symbol, spot or perpetual. @example isSymbol('BTCUSDT.P'); // => true */
export function isSymbol(text: string): boolean {
  return SYMBOL_RE.test(text);
}

/**
 * A USDT-quoted spot symbol (`BTCUSDT`, no `.P`): what UNIVERSE=top:N / all pick from Binance's lists.
 * @example isUsdtSymbol('PEPEUSDT'); // => true
 */
export function isUsdtSymbol(text: string): boolean {
  return text.length > 'USDT'.length && text.endsWith('USDT') && SYMBOL_RE.test(text);
}

/**
 * The pairs (`Y/X`, X the hedge leg) a collector runs when PAIRS is not set; provisioning
 * generates its dashboards' defaults and its alert rules for the same pairs.
 */
export const DEFAULT_PAIRS: readonly string[] = Object.freeze(['ETHUSDT/BTCUSDT', 'SOLUSDT/BTCUSDT']);

/** Bar timeframes the collector keeps. Raw ticks are not a timeframe. */
export const TIMEFRAMES = ['1s', '1m', '5m'] as const;
export type Timeframe = (typeof TIMEFRAMES)[number];

/**
 * Where a stored bar came from: `ticks` (built from the stored trades, kept exact as trades
 * arrive) or `klines` (Binance klines: the history loaded at start-up, or the older part of a
 * long outage; no trades of it are stored).
 */
export const BAR_SOURCES = ['ticks', 'klines'] as const;
export type BarSource = (typeof BAR_SOURCES)[number];

/** Length of each timeframe in milliseconds. */
export const TIMEFRAME_MS: Readonly<Record<Timeframe, number>> = { '1s': 1_000, '1m': 60_000, '5m': 300_000 };

/** Timeframes whose completed bars the live push sends (a 1 s bar completes too often to push). */
export const LIVE_BAR_TIMEFRAMES = ['1m', '5m'] as const satisfies readonly Timeframe[];
export type LiveBarTimeframe = (typeof LIVE_BAR_TIMEFRAMES)[number];

/**
 * Rolling windows, in bars: every window a query may ask for and every window the live engine
 * may be configured with (`WINDOWS`). 2 is the fewest points an OLS line goes through.
 */
export const MIN_WINDOW = 2;
export const MAX_WINDOW = 10_000;

/**
 * The points /api/stats and the live engine run ADF, Engle-Granger and the half-life on: 5
 * windows, at least STATS_SAMPLE_MIN, at most STATS_SAMPLE_MAX (the cap that bounds a test's cost).
 * @example statsSample(100); // => 500
 */
export const STATS_SAMPLE_MIN = 200;
export const STATS_SAMPLE_MAX = 5_000;
export function statsSample(window: number): number {
  return Math.min(STATS_SAMPLE_MAX, Math.max(STATS_SAMPLE_MIN, 5 * window));
}

/** |z| above which the signal is LONG / SHORT, when neither the query nor ENTRY_Z says. */
export const DEFAULT_ENTRY_Z = 2;
/** Largest |z| threshold a request may give (entryZ, exitZ). */
export const MAX_Z_THRESHOLD = 100;

/** Bars a bars, analytics or signals request covers when it gives no `from`. */
export const DEFAULT_RANGE_BARS = 1_000;

/** GET /api/ticks page size: default and largest. */
export const TICKS_PAGE_DEFAULT = 1_000;
export const TICKS_PAGE_MAX = 10_000;
/** GET /api/marks page size (a perpetual's marks, one a second): default (an hour) and largest (a day). */
export const MARKS_PAGE_DEFAULT = 3_600;
export const MARKS_PAGE_MAX = 86_400;
/** GET /api/bars page size: default and largest. */
export const BARS_PAGE_MAX = 100_000;
/** GET /api/alerts: default and largest number of notifications. */
export const ALERTS_LIST_DEFAULT = 100;
export const ALERTS_LIST_MAX = 1_000;
/** Largest `maxDataPoints` of GET /api/analytics. */
export const MAX_DATA_POINTS = 1_000_000;

/**
 * How the hedge ratio is estimated: `ols`, the rolling OLS over the window (default), or
 * `kalman`, the Kalman filter (Chan's dynamic linear regression), with fixed `delta` / `ve`
 * (Chan's defaults below when absent) or `tune`d by maximum likelihood each UTC day on the day before.
 */
export const HEDGES = ['ols', 'kalman'] as const;
export type Hedge = (typeof HEDGES)[number];
/** Chan's Kalman defaults: state random-walk rate delta (noise delta/(1-delta)) and observation noise variance Ve (prices near 1). */
export const KALMAN_DEFAULT_DELTA = 1e-4;
export const KALMAN_DEFAULT_VE = 1e-3;
/** Largest Ve a request may give. */
export const KALMAN_MAX_VE = 1e12;

/** A hedge choice as the analytics take it: rolling OLS, or Kalman with fixed or tuned noise. */
export type HedgeChoice = { hedge: 'ols' } | { hedge: 'kalman'; delta?: number; ve?: number; tune?: boolean };

/**
 * The rule over a request's hedge parameters (each valid on its own): delta, ve and tune belong
 * to hedge=kalman, and tune fits delta and ve, so it is not given with them. Returns the
 * parameter to name in the 400 and why, or null and the choice.
 * @example
 * hedgeRule({ hedge: 'kalman', tune: true });     // => { choice: { hedge: 'kalman', tune: true } }
 * hedgeRule({ delta: 1e-5 });                      // => { param: 'delta', message: 'delta applies to hedge=kalman only (hedge is ols)' }
 */
export function hedgeRule(args: {
  hedge?: Hedge;
  delta?: number;
  ve?: number;
  tune?: boolean;
}): { choice: HedgeChoice; param?: undefined; message?: undefined } | { param: 'delta' | 've' | 'tune'; message: string; choice?: undefined } {
  const hedge = args.hedge ?? 'ols';
  if (hedge === 'ols') {
    for (const p of ['delta', 've', 'tune'] as const) {
      if (args[p] !== undefined) return { param: p, message: `${p} applies to hedge=kalman only (hedge is ols)` };
    }
    return { choice: { hedge } };
  }
  if (args.tune && (args.delta !== undefined || args.ve !== undefined)) {
    return { param: 'tune', message: `tune=true fits delta and ve by maximum likelihood: give tune or ${args.delta !== undefined ? 'delta' : 've'}, not both` };
  }
  if (args.tune) return { choice: { hedge, tune: true } };
  return { choice: { hedge, delta: args.delta ?? KALMAN_DEFAULT_DELTA, ve: args.ve ?? KALMAN_DEFAULT_VE } };
}

/**
 * The backtest's defaults (issue 16; rules in the collector's analytics/backtest): enter at
 * |z| > 2, exit at the mean, no stop, no time stop, no cooldown, fills one bar after the decision,
 * 10 bps fees on each leg's traded notional, no slippage, 1000 of capital and of each trade's y leg,
 * and 525,600 bars a year (1-minute bars, markets open 24/7) for the annualised Sharpe ratio.
 */
export const BACKTEST_DEFAULTS = Object.freeze({
  entry: DEFAULT_ENTRY_Z,
  exit: 0,
  stop: null as number | null,
  maxHold: null as number | null,
  cooldown: 0,
  lag: 1,
  feeBps: 10,
  slippageBps: 0,
  notional: 1000,
  barsPerYear: 525_600,
});
/** Largest lag, cooldown and time stop (maxHold) in bars a backtest request may give. */
export const BACKTEST_MAX_BARS = 1_000_000;
/** Largest fee and slippage a backtest request may give, in basis points. */
export const BACKTEST_MAX_BPS = 1_000;
/** Largest capital / trade notional a backtest request may give. */
export const BACKTEST_MAX_NOTIONAL = 1e12;
/** GET /api/backtest/sweep: at most this many combinations (windows x entries x exits) ... */
export const SWEEP_MAX_COMBINATIONS = 1_000;
/** ... and this many windows (each is one analytics pass over the range). */
export const SWEEP_MAX_WINDOWS = 20;

/**
 * The pair scanner's defaults (collector SCAN_TF, SCAN_WINDOW and the selection thresholds
 * SCAN_FDR, SCAN_MIN_HL, SCAN_MAX_HL (bars), SCAN_MAX_HURST, SCAN_MIN_CROSSINGS): the collector's
 * settings, the plugin's scan query and the provisioned "Pair scanner" dashboard read them here.
 */
/** Most rows a scan table asks for: UNIVERSE=all is about 400 symbols, 79,800 pairs. */
export const MAX_SCAN_ROWS = 100_000;
/**
 * How /api/scan orders its pairs: `qvalue` (lowest first, the default) or `carryAdjusted` (the
 * highest carry-adjusted expected return first: collector/src/analytics/README.md, "Funding carry").
 */
export const SCAN_SORTS = ['qvalue', 'carryAdjusted'] as const;
export type ScanSort = (typeof SCAN_SORTS)[number];

export const SCAN_DEFAULTS = {
  tf: '5m',
  window: 1000,
  fdr: 0.05,
  minHalfLife: 1,
  maxHalfLife: 200,
  maxHurst: 0.5,
  minCrossings: 12,
} as const satisfies { tf: Timeframe } & Record<string, unknown>;

/** "Cointegration lost": the Engle-Granger p-value (the larger of both directions) of a traded pair over the scan window above this. */
export const COINT_LOST_PVALUE = 0.1;

/**
 * Honest backtests (issue 26): the probability of backtest overfitting cuts the sweep's per-bar
 * returns into S blocks (even; every split of them in halves is a CSCV split: C(16, 8) = 12,870
 * at the default), at most PBO_MAX_BLOCKS (computed exactly, no sampling of splits).
 */
export const PBO_DEFAULT_BLOCKS = 16;
export const PBO_MAX_BLOCKS = 16;

/**
 * Walk-forward (issue 26): what picks each fold's combination on its train part. sharpe: the
 * backtest's Sharpe ratio; totalReturn; sortino: mean / √(mean of squared losses) of the per-bar
 * returns, x √barsPerYear. A combination with no value (fewer than 2 bars, no variation, no loss)
 * is never chosen over one with a value.
 */
export const WALKFORWARD_OBJECTIVES = ['sharpe', 'totalReturn', 'sortino'] as const;
export type WalkForwardObjective = (typeof WALKFORWARD_OBJECTIVES)[number];
export const WALKFORWARD_DEFAULT_OBJECTIVE: WalkForwardObjective = 'sharpe';
/**
 * The data source's walk-forward when its query does not say: train and test parts in bars (issue 26).
 * Short enough for a few hours of bars (4 h of 1m bars: 2 folds); a day of 1m bars makes 22 folds.
 */
export const WALKFORWARD_DEFAULT_TRAIN = 120;
export const WALKFORWARD_DEFAULT_TEST = 60;
/**
 * /api/backtest/walkforward: at most this many folds (each runs the grid's sweep on its train
 * part); the benchmark walks 10. More folds: a longer `test`.
 */
export const WALKFORWARD_MAX_FOLDS = 200;
