/**
 * A bars query with `normalize` (issue 28: "the two legs' normalised prices overlaid"): each
 * close over the first close of the time range, so the series starts at 1 and two legs of any
 * price level share one axis (BTC at 1e5 beside PEPE at 1e-5: both move around 1). The ratio, not
 * log-price rebased: the panel reads as "x 1.02 since the start of the range", and ratios of two
 * doubles keep the tiny prices exact to the last bit that the division keeps.
 */
import { TIMEFRAME_MS, type BarDto } from '@quant-pairs/contract';
import type { Frame, Notice } from '../frame/frame';
import type { BarsQ } from './model';

export function normalizedFrame(q: BarsQ, bars: readonly BarDto[], notices: Notice[]): Frame {
  const first = bars[0]?.close;
  const time = bars.map((b) => b.start);
  const values = first === undefined || first === 0 ? bars.map(() => null) : bars.map((b) => b.close / first);
  return {
    name: `${q.symbol} ${q.tf} normalised`,
    refId: q.refId,
    meta: {
      type: 'timeseries-wide',
      typeVersion: [0, 1],
      executedQueryString: `bars ${q.symbol} ${q.tf}, each close / the first close of the range (${first ?? 'no bars'})`,
      ...(notices.length > 0 ? { notices } : {}),
    },
    fields: [
      { name: 'time', type: 'time', values: time, config: { interval: TIMEFRAME_MS[q.tf] } },
      {
        name: 'normalized',
        type: 'float64',
        nullable: true,
        labels: { symbol: q.symbol, field: 'normalized' },
        values,
        config: {
          displayNameFromDS: `${q.symbol} / first close`,
          description: `Close of ${q.symbol} over its first close in the time range (${first ?? 'no bars'}): 1 at the start`,
          decimals: 4,
        },
      },
    ],
  };
}
