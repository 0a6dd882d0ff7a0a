/**
 * The Kalman fits (tune=true) of one read side, keyed by what defines them: the pair, the
 * timeframe, the period they serve (fitted on the period before it) and the training settings.
 * A day's fit is asked for by every query and push that day serves, so it is fitted once.
 *
 * Kept honest two ways: `barsChanged` drops the fits trained on bars from `fromTs` on (the
 * store announces every write), and a lookup compares the training points it is given with
 * those the fit was made from, so a read side without write announcements (an API replica over
 * a shared database) never serves a fit of points that have since changed.
 */
import { fitKalman, type KalmanFit } from '../analytics';
import type { Pair, Timeframe } from '../domain';

export type FitResult = KalmanFit | { error: string };

/** What defines a fit besides its points. */
export interface FitKey {
  pair: Pair;
  tf: Timeframe;
  /** Start of the period the fit serves; its training points are from the period before. */
  at: number;
  /** Length of the period (the training period ends at `at`). */
  periodMs: number;
}

interface Entry {
  key: FitKey;
  x: Float64Array;
  y: Float64Array;
  fit: FitResult;
}

/** Most fits kept (least recently used go first): a week of days for a few dozen pairs and timeframes. */
const MAX_FITS = 256;

export class FitMemo {
  private readonly fits = new Map<string, Entry>();
  /** Fits made (misses) and served from the memo (hits). */
  readonly counts = { fitted: 0, reused: 0 };

  constructor(private readonly fitter: (x: Float64Array, y: Float64Array) => FitResult = (x, y) => fitKalman(x, y)) {}

  /** The fit of `x`, `y` for `key`: the kept one when it was made from the same points, else a new one. */
  get(key: FitKey, x: Float64Array, y: Float64Array): FitResult {
    const id = `${key.pair.id}|${key.tf}|${key.at}|${key.periodMs}`;
    const e = this.fits.get(id);
    if (e && same(e.x, x) && same(e.y, y)) {
      this.fits.delete(id);
      this.fits.set(id, e);
      this.counts.reused++;
      return e.fit;
    }
    const fit = this.fitter(x, y);
    this.counts.fitted++;
    this.fits.delete(id);
    this.fits.set(id, { key, x: x.slice(), y: y.slice(), fit });
    while (this.fits.size > MAX_FITS) this.fits.delete(this.fits.keys().next().value!);
    return fit;
  }

  /** Bars of `symbol` from `fromTs` on changed: the fits trained on any of them go. */
  barsChanged(symbol: string, fromTs: number): void {
    for (const [id, e] of this.fits) {
      const { pair, at } = e.key;
      if (pair.y !== symbol && pair.x !== symbol) continue;
      // trained on the aligned points before `at` (forward-filled from older bars): a change before it reaches them
      if (fromTs < at) this.fits.delete(id);
    }
  }

  get size(): number {
    return this.fits.size;
  }
}

function same(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}
