/** Ticks: the newest `limit` trades of the range, paged from /api/ticks, as a time series of price and quantity. */
import { TICKS_PAGE_MAX, type TickDto } from '@quant-pairs/contract';
import type { CollectorClient } from '../collector/client';
import type { Frame, Notice } from '../frame/frame';
import { channelId, ticksPath } from '../stream/channel';
import { priceConfig, quantityConfig } from './display';
import { labelsOf, meta, timeField } from './frameParts';
import type { TicksQ } from './model';

/** Most ticks read from the collector for one query (in pages of TICKS_PAGE_MAX). */
const MAX_TICKS_SCANNED = 500_000;

export async function runTicks(q: TicksQ, client: CollectorClient, uid: string, signal?: AbortSignal): Promise<Frame> {
  const notices: Notice[] = [];
  // The API pages oldest-first; keep the newest `limit` ticks of the range.
  let kept: TickDto[] = [];
  let from: number = q.from;
  let scanned = 0;
  for (;;) {
    const page = await client.ticks({ symbol: q.symbol, from, to: q.to, limit: TICKS_PAGE_MAX }, signal);
    scanned += page.ticks.length;
    kept = kept.length === 0 ? page.ticks : kept.concat(page.ticks);
    if (kept.length > q.limit) kept = kept.slice(kept.length - q.limit);
    if (page.next === null || page.ticks.length === 0) break;
    if (scanned >= MAX_TICKS_SCANNED) {
      notices.push({ severity: 'warning', text: `stopped after ${scanned} ticks; narrow the time range to see the newest ticks of it` });
      break;
    }
    from = page.next;
  }
  if (scanned > kept.length) notices.push({ severity: 'info', text: `showing the newest ${kept.length} of ${scanned} ticks (limit ${q.limit})` });
  return ticksFrame(q, kept, notices, q.live ? channelId(uid, ticksPath(q.symbol)) : undefined);
}

export function ticksFrame(q: TicksQ, ticks: readonly TickDto[], notices: Notice[], channel?: string): Frame {
  const n = ticks.length;
  const ts = new Array<number>(n);
  const price = new Array<number>(n);
  const qty = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const t = ticks[i]!;
    ts[i] = t.ts;
    price[i] = t.price;
    qty[i] = t.qty;
  }
  const labels = { symbol: q.symbol };
  return {
    name: q.symbol,
    refId: q.refId,
    meta: meta({ executedQueryString: `ticks ${q.symbol} limit ${q.limit}`, ...(channel ? { channel } : {}) }, notices),
    fields: [
      timeField(ts),
      {
        name: 'price',
        type: 'float64',
        labels: labelsOf(labels, 'price'),
        values: price,
        config: { ...priceConfig(q.symbol, `${q.symbol} price`), custom: { drawStyle: 'line', showPoints: 'auto' } },
      },
      {
        name: 'qty',
        type: 'float64',
        labels: labelsOf(labels, 'qty'),
        values: qty,
        config: { ...quantityConfig(q.symbol, `${q.symbol} quantity`), custom: { drawStyle: 'points', axisPlacement: 'right' } },
      },
    ],
  };
}
