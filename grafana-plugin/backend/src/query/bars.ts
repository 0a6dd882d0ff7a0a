/** Bars: OHLCV of one symbol, paged from /api/bars (candlestick-ready), or normalised (normalized.ts). */
import { TIMEFRAME_MS, type BarDto, type BarSource } from '@quant-pairs/contract';
import type { CollectorClient } from '../collector/client';
import type { Field, Frame, Notice } from '../frame/frame';
import { barsPath, channelId } from '../stream/channel';
import { plainConfig, priceConfig, quantityConfig } from './display';
import { labelsOf, meta, timeField } from './frameParts';
import type { BarsQ } from './model';
import { normalizedFrame } from './normalized';

/** Most bars read for one query (in pages of BARS_PAGE_MAX). */
const MAX_BARS = 500_000;

export async function runBars(q: BarsQ, client: CollectorClient, uid: string, signal?: AbortSignal): Promise<Frame> {
  const notices: Notice[] = [];
  let bars: BarDto[] = [];
  let from: number = q.from;
  for (;;) {
    const page = await client.bars({ symbol: q.symbol, tf: q.tf, from, to: q.to }, signal);
    bars = bars.length === 0 ? page.bars : bars.concat(page.bars);
    if (page.next === null || page.bars.length === 0) break;
    if (bars.length >= MAX_BARS) {
      notices.push({ severity: 'warning', text: `stopped after ${bars.length} bars; use a larger timeframe or a shorter range` });
      break;
    }
    from = page.next;
  }
  // the Live channel carries raw prices: a normalised series is not streamed
  if (q.normalize) return normalizedFrame(q, bars, notices);
  const live = q.live && q.tf !== '1s' ? channelId(uid, barsPath(q.symbol, q.tf)) : undefined;
  if (q.live && q.tf === '1s') notices.push({ severity: 'info', text: 'live updates exist for 1m and 5m bars only' });
  return barsFrame(q, bars, notices, live);
}

export function barsFrame(q: BarsQ, bars: readonly BarDto[], notices: Notice[], channel?: string): Frame {
  const n = bars.length;
  const cols = {
    start: new Array<number>(n),
    open: new Array<number>(n),
    high: new Array<number>(n),
    low: new Array<number>(n),
    close: new Array<number>(n),
    volume: new Array<number>(n),
    trades: new Array<number>(n),
    vwap: new Array<number | null>(n),
    source: new Array<BarSource>(n),
  };
  for (let i = 0; i < n; i++) {
    const b = bars[i]!;
    cols.start[i] = b.start;
    cols.open[i] = b.open;
    cols.high[i] = b.high;
    cols.low[i] = b.low;
    cols.close[i] = b.close;
    cols.volume[i] = b.volume;
    cols.trades[i] = b.trades;
    cols.vwap[i] = b.vwap;
    cols.source[i] = b.source;
  }
  const labels = { symbol: q.symbol };
  const price = (name: 'open' | 'high' | 'low' | 'close' | 'vwap'): Field => ({
    name,
    type: 'float64',
    nullable: name === 'vwap',
    labels: labelsOf(labels, name),
    values: cols[name],
    config: priceConfig(q.symbol, `${q.symbol} ${name}`),
  });
  return {
    name: `${q.symbol} ${q.tf}`,
    refId: q.refId,
    meta: meta({ executedQueryString: `bars ${q.symbol} ${q.tf}`, ...(channel ? { channel } : {}) }, notices),
    fields: [
      timeField(cols.start, TIMEFRAME_MS[q.tf]),
      price('open'),
      price('high'),
      price('low'),
      price('close'),
      { name: 'volume', type: 'float64', labels: labelsOf(labels, 'volume'), values: cols.volume, config: quantityConfig(q.symbol, `${q.symbol} volume`) },
      { name: 'trades', type: 'float64', labels: labelsOf(labels, 'trades'), values: cols.trades, config: plainConfig(`${q.symbol} trades`, 0) },
      price('vwap'),
      // A string field: panels that draw (candlestick, time series) and the alert engine (the
      // dataplane reader keeps string fields of a timeseries-wide frame as remainder) skip it;
      // a table or the data inspector shows which bars came from klines.
      {
        name: 'source',
        type: 'string',
        nullable: false,
        labels: labelsOf(labels, 'source'),
        values: cols.source,
        config: { displayNameFromDS: `${q.symbol} source` },
      },
    ],
  };
}
