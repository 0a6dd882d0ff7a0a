/**
 * GET /api/funding (issue 25): a USD-M perpetual's settled fundings over [from, to) and its state
 * now. What the funding P&L, the carry and the Grafana panels read; kept flat on purpose.
 */
import { z } from 'zod';
import { nullableNum, num, obj } from './common';

/** One settlement: at `time`, a position of signed quantity q paid q * mark * rate (longs pay when rate > 0). */
export const fundingEventDto = obj({
  /** Funding time, epoch ms. */
  time: num,
  /** Plain decimal: 0.0001 = 0.01 % of the notional. */
  rate: num,
  /** The mark price it settled at. */
  mark: num,
});

/** The perpetual now: the latest second of its mark stream (or Binance's premiumIndex before the first). */
export const fundingStateDto = obj({
  /** When Binance sent it, epoch ms. */
  time: num,
  mark: num,
  index: num,
  /** The rate the next settlement would apply, as it stands. */
  rate: num,
  /** When the next settlement is, epoch ms. */
  nextFundingTime: num,
});

export const fundingResponse = obj({
  symbol: z.string(),
  from: num,
  to: num,
  /** Hours between settlements: Binance's fundingInfo for adjusted symbols, else 8; null when not known (an API replica with fewer than two stored settlements). */
  intervalHours: nullableNum,
  /** null before the first mark of the symbol. */
  current: fundingStateDto.nullable(),
  /** Settlements in [from, to), oldest first. */
  events: z.array(fundingEventDto),
});
