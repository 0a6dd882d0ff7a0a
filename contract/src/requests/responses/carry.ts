/**
 * The funding carry of a pair with a perpetual leg (issue 25), as /api/stats reports it. Formulas:
 * collector/src/analytics/README.md ("Funding carry"), computed by collector/src/analytics/carry.ts.
 */
import { nullableNum, num, obj } from './common';

/** A perpetual leg: its funding now and over the last 30 days. */
export const legCarryDto = obj({
  /** The rate the next settlement would apply, as it stands (plain decimal); null before the first mark. */
  rate: nullableNum,
  /** When the next settlement is, epoch ms; null before the first mark. */
  nextFundingTime: nullableNum,
  /** (mark - index) / index of that mark, in bps: the premium funding pulls back to the index; null before the first mark. */
  premiumBps: nullableNum,
  /** Annualised funding rate over the last 30 days of settlements (positive: longs pay); null with fewer than 2. */
  annualised: nullableNum,
  /** Settlements in those 30 days. */
  events: num,
  /** Hours between settlements (Binance's fundingInfo, else the stored spacing); null when not known. */
  intervalHours: nullableNum,
});

/** Basis of a perp / spot pair of one asset: (perp - spot) / spot at the latest prices. */
const basisDto = obj({
  bps: num,
  /** The premium paid each funding interval for a year (the perp's interval, 8 h when not known). */
  annualised: num,
});

/** Present on /api/stats for pairs with a perpetual leg. */
export const pairCarryDto = obj({
  /** The y leg's funding; null for a spot leg. */
  y: legCarryDto.nullable(),
  /** The x (hedge) leg's funding; null for a spot leg. */
  x: legCarryDto.nullable(),
  /**
   * What a LONG spread (+q y, -beta q x) receives a year in funding, as a fraction of its y notional
   * (negative: pays), at the latest beta and prices; null without them.
   */
  long: nullableNum,
  /** The SHORT spread's: -long. */
  short: nullableNum,
  /** Perp / spot pairs of one asset (BTCUSDT.P/BTCUSDT) only, else null. */
  basis: basisDto.nullable(),
});
