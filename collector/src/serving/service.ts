/**
 * The read side: one service that answers series, statistics and the latest point of a pair
 * (for the HTTP routes and the Live push alike), and the latest price of a symbol. It owns the
 * caches that make a day of 1s bars cheap (closes.ts, aligned.ts, results.ts), the Kalman state
 * the push continues (kalman-live.ts) and the Kalman fits (fits.ts).
 *
 * It learns of writes from the store: given a store that announces its bar changes
 * (store/barEvents.ts: ingest, history, repair, replay, retention), it subscribes once and
 * every cache drops what it holds from the changed bar on. Without announcements (an API
 * replica over a database other processes write) the caches are off and every read goes to the
 * store; `cache: true` turns them on anyway (tests that announce by hand through barsChanged).
 */
import { BACKTEST_DEFAULTS, type PriceDto, type StatsResponse } from '@quant-pairs/contract';
import type { IngestSource } from '../ingest/types';
import { announcesBars } from '../store/barEvents';
import type { Store } from '../store/store';
import { AlignedCache } from './aligned';
import { CloseCache } from './closes';
import type { ServingCtx, ServingLimits } from './context';
import { FitMemo } from './fits';
import { KalmanLive, type KalmanLatest, type KalmanQuery } from './kalman-live';
import { latestSource, type LatestQuery } from './latest';
import type { LiveSource } from './live-source';
import { LatestPrices } from './prices';
import { RunCache } from './results';
import { computeSeries, type SeriesQuery, type SeriesResult } from './series';
import { ouDto, statsResponse, type RoundTripCosts } from './stats';
import type { AnalyticsPoint } from '../domain';
import type { Maybe, OuDto, PaperPositionDto } from '@quant-pairs/contract';

export interface ReadSideOptions {
  store: Store;
  entryZ: number;
  exitZ: number | null;
  /** The fees and slippage of the OU band's round trip where the live paper position does not say (default BACKTEST_DEFAULTS'). */
  paper?: RoundTripCosts;
  limits: ServingLimits;
  now: () => number;
  /** The live engine (the latest OLS point of a configured window), when it runs in this process. */
  live?: LiveSource;
  /** The ingest, whose parsed ticks are the latest prices before the store has them. */
  ingest?: IngestSource;
  /** Keep caches (default: when the store announces its bar changes). */
  cache?: boolean;
}

/** The latest point of a subscription as the Live push sends it. */
export interface LivePoint {
  point: AnalyticsPoint | null;
  provisional: boolean;
  /** The live paper position (the live engine's points only). */
  position?: PaperPositionDto;
  /** The OU fit and band /api/stats gives (the live engine's points only). */
  ou?: Maybe<OuDto>;
}

export class ReadSide {
  private readonly ctx: ServingCtx;
  private readonly closes: CloseCache | undefined;
  private readonly kalman: KalmanLive | undefined;
  private readonly prices: LatestPrices;
  private readonly live: LiveSource | undefined;
  private readonly paper: RoundTripCosts;
  private readonly unsubscribe: () => void;

  constructor(opts: ReadSideOptions) {
    const announced = announcesBars(opts.store);
    const closes = (opts.cache ?? announced) ? new CloseCache(opts.store, { maxBars: 800_000, settleMs: 5_000, now: opts.now }) : undefined;
    const aligned = closes ? new AlignedCache(closes, 800_000) : undefined;
    const kalman = aligned ? new KalmanLive(aligned) : undefined;
    if (closes && kalman) closes.onInvalidate((symbol, minTs) => kalman.barsChanged(symbol, minTs));
    this.closes = closes;
    this.kalman = kalman;
    this.live = opts.live;
    this.paper = opts.paper ?? { feeBps: BACKTEST_DEFAULTS.feeBps, slippageBps: BACKTEST_DEFAULTS.slippageBps };
    this.prices = new LatestPrices(opts.ingest);
    this.ctx = {
      store: opts.store,
      entryZ: opts.entryZ,
      exitZ: opts.exitZ,
      limits: opts.limits,
      now: opts.now,
      caches: aligned ? { aligned, runs: new RunCache() } : undefined,
      fits: new FitMemo(),
    };
    this.unsubscribe = announcesBars(opts.store) ? opts.store.onBarsChanged((symbol, fromTs) => this.barsChanged(symbol, fromTs)) : () => undefined;
  }

  /** The analytics series of a pair over [from, to) (series.ts). */
  series(q: SeriesQuery): Promise<SeriesResult> {
    return computeSeries(this.ctx, q);
  }

  /** /api/stats: the latest points and statistics of a pair. */
  async stats(q: LatestQuery): Promise<StatsResponse> {
    const prices = { y: await this.price(q.pair.y), x: await this.price(q.pair.x) };
    return statsResponse(q, prices, await latestSource(this.ctx, { live: this.live, kalman: this.kalman }, q, true), this.paper);
  }

  /** The latest point of a pair, as the Live push sends it: the one in progress if any, else the last committed. */
  async latest(q: LatestQuery): Promise<LivePoint> {
    const src = await latestSource(this.ctx, { live: this.live, kalman: this.kalman }, q, false);
    if (src.source === 'live') {
      const { live } = src;
      const { position } = live;
      const point = live.provisional ?? live.committed;
      const prices = { y: await this.price(q.pair.y), x: await this.price(q.pair.x) };
      const ou = ouDto(live.ou ?? null, position.rules, prices, point);
      return { point, provisional: live.provisional !== null, position, ou };
    }
    if (src.source === 'kalman') {
      const k = src.kalman;
      return k.provisional ? { point: k.provisional, provisional: true } : { point: k.committed, provisional: false };
    }
    const s = src.series;
    return { point: s.points[s.points.length - 1] ?? null, provisional: s.provisional };
  }

  /**
   * The Kalman state's answer for `q` with its last `sample` final points (what /api/stats
   * computes its statistics on); null when the caches are off (no state is kept).
   */
  kalmanLatest(q: KalmanQuery, sample: number): Promise<KalmanLatest> | null {
    return this.kalman ? this.kalman.latest(this.ctx, q, sample) : null;
  }

  /** The latest trade price of `symbol`: the ingest's last parsed tick, else the store's last stored one. */
  price(symbol: string): Promise<PriceDto | null> {
    return this.prices.get(symbol, this.ctx.store);
  }

  /** Bars of `symbol` from `fromTs` on changed (or are about to): every cache drops what it holds from there. */
  barsChanged(symbol: string, fromTs: number): void {
    this.closes?.invalidate(symbol, fromTs);
    this.ctx.fits.barsChanged(symbol, fromTs);
  }

  /** What the caches and fits did (tests, benchmarks): Kalman states continued / built / from scratch, fits made / reused. */
  get counts(): { kalman: KalmanLive['counts'] | null; fits: FitMemo['counts'] } {
    return { kalman: this.kalman?.counts ?? null, fits: this.ctx.fits.counts };
  }

  /** True when the caches are on. */
  get caching(): boolean {
    return this.closes !== undefined;
  }

  /** Stops listening to the store. */
  close(): void {
    this.unsubscribe();
  }
}
