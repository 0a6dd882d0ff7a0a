import { FieldType, createDataFrame } from '@grafana/data';

import { SIGNAL_COLORS, signalEvents, signalText } from './annotations';

describe('signalEvents', () => {
  it('makes one event per row of a signals frame, with the backend text', () => {
    const frame = createDataFrame({
      fields: [
        { name: 'time', type: FieldType.time, values: [2000, 1000] },
        { name: 'signal', type: FieldType.string, values: ['NEUTRAL', 'SHORT'] },
        { name: 'previous', type: FieldType.string, values: ['SHORT', null] },
        { name: 'zscore', type: FieldType.number, values: [0.41, 2.3149] },
        { name: 'text', type: FieldType.string, values: ['NEUTRAL (z = 0.41)', 'SHORT (z = 2.31)'] },
        { name: 'pair', type: FieldType.string, values: ['ETHUSDT/BTCUSDT', 'ETHUSDT/BTCUSDT'] },
      ],
    });
    expect(signalEvents([frame])).toEqual([
      { time: 1000, title: 'ETHUSDT/BTCUSDT: SHORT', text: 'SHORT (z = 2.31)', tags: ['SHORT', 'ETHUSDT/BTCUSDT'], color: SIGNAL_COLORS.SHORT },
      { time: 2000, title: 'ETHUSDT/BTCUSDT: NEUTRAL', text: 'NEUTRAL (z = 0.41)', tags: ['NEUTRAL', 'ETHUSDT/BTCUSDT'], color: SIGNAL_COLORS.NEUTRAL },
    ]);
  });

  it('reads the backend signals frame: coded signal with value mappings, title, comma-separated tags', () => {
    // The shape of backend/src/query/signals.ts signalsFrame (signal LONG 1, NEUTRAL 0, SHORT -1).
    const mappings = [{ type: 'value', options: { '1': { text: 'LONG' }, '0': { text: 'NEUTRAL' }, '-1': { text: 'SHORT' } } }];
    const frame = createDataFrame({
      fields: [
        { name: 'time', type: FieldType.time, values: [10, 20] },
        { name: 'title', type: FieldType.string, values: ['ETHUSDT/BTCUSDT SHORT', 'ETHUSDT/BTCUSDT NEUTRAL'] },
        { name: 'text', type: FieldType.string, values: ['SHORT (z = 2.31)', 'NEUTRAL (z = 0.12)'] },
        { name: 'tags', type: FieldType.string, values: ['ETHUSDT/BTCUSDT,SHORT', 'ETHUSDT/BTCUSDT,NEUTRAL'] },
        { name: 'signal', type: FieldType.number, values: [-1, 0], config: { mappings: mappings as never } },
        { name: 'zscore', type: FieldType.number, values: [2.31, 0.12] },
      ],
    });
    expect(signalEvents([frame])).toEqual([
      { time: 10, title: 'ETHUSDT/BTCUSDT SHORT', text: 'SHORT (z = 2.31)', tags: ['ETHUSDT/BTCUSDT', 'SHORT'], color: SIGNAL_COLORS.SHORT },
      { time: 20, title: 'ETHUSDT/BTCUSDT NEUTRAL', text: 'NEUTRAL (z = 0.12)', tags: ['ETHUSDT/BTCUSDT', 'NEUTRAL'], color: SIGNAL_COLORS.NEUTRAL },
    ]);
    // Without mappings the code alone is read the same way.
    const bare = createDataFrame({
      fields: [
        { name: 'time', type: FieldType.time, values: [1, 2] },
        { name: 'signal', type: FieldType.number, values: [0, 1] },
        { name: 'zscore', type: FieldType.number, values: [0, -2.2] },
      ],
    });
    expect(signalEvents([bare]).map((e) => e.text)).toEqual(['LONG (z = -2.20)']);
  });

  it("makes one region a trade of a backtest's trades frame: entry to exit fill, coloured by side, its P&L text", () => {
    // The shape of backend/src/query/backtest.ts tradesFrame; the second trade is still open at its last bar (timeEnd = time: a point).
    const frame = createDataFrame({
      fields: [
        { name: 'time', type: FieldType.time, values: [1000, 5000] },
        { name: 'timeEnd', type: FieldType.time, values: [3000, 5000] },
        { name: 'title', type: FieldType.string, values: ['ETHUSDT/BTCUSDT LONG', 'ETHUSDT/BTCUSDT SHORT'] },
        { name: 'text', type: FieldType.string, values: ['LONG exit: +1.25 (2 bars)', 'SHORT open: -0.50 (0 bars)'] },
        { name: 'tags', type: FieldType.string, values: ['LONG,exit', 'SHORT,open'] },
        { name: 'side', type: FieldType.string, values: ['LONG', 'SHORT'] },
        { name: 'pnl', type: FieldType.number, values: [1.25, -0.5] },
      ],
    });
    expect(signalEvents([frame])).toEqual([
      {
        time: 1000,
        timeEnd: 3000,
        isRegion: true,
        title: 'ETHUSDT/BTCUSDT LONG',
        text: 'LONG exit: +1.25 (2 bars)',
        tags: ['LONG', 'exit'],
        color: SIGNAL_COLORS.LONG,
      },
      { time: 5000, title: 'ETHUSDT/BTCUSDT SHORT', text: 'SHORT open: -0.50 (0 bars)', tags: ['SHORT', 'open'], color: SIGNAL_COLORS.SHORT },
    ]);
  });

  it('writes the words itself when the frame has none, and finds fields case-insensitively', () => {
    const frame = createDataFrame({
      fields: [
        { name: 'Time', type: FieldType.time, values: [5] },
        { name: 'Signal', type: FieldType.string, values: ['LONG'] },
        { name: 'Previous', type: FieldType.string, values: ['NEUTRAL'] },
        { name: 'Z', type: FieldType.number, values: [-2.456] },
      ],
    });
    // -2.456 rounds to -2.46 with toFixed(2).
    expect(signalEvents([frame])).toEqual([{ time: 5, title: 'LONG', text: 'LONG (z = -2.46)', tags: ['LONG'], color: SIGNAL_COLORS.LONG }]);
  });

  it('turns an analytics series into events only where the signal changes', () => {
    const frame = createDataFrame({
      fields: [
        { name: 'time', type: FieldType.time, values: [1, 2, 3, 4, 5, 6] },
        { name: 'zscore', type: FieldType.number, values: [null, 0.5, 2.2, 2.4, 0.1, -2.1], labels: { pair: 'ETHUSDT/BTCUSDT' } },
        { name: 'signal', type: FieldType.string, values: [null, 'NEUTRAL', 'SHORT', 'SHORT', 'NEUTRAL', 'LONG'] },
      ],
    });
    expect(signalEvents([frame]).map((e) => [e.time, e.text, e.title])).toEqual([
      [3, 'SHORT (z = 2.20)', 'ETHUSDT/BTCUSDT: SHORT'],
      [5, 'NEUTRAL (z = 0.10)', 'ETHUSDT/BTCUSDT: NEUTRAL'],
      [6, 'LONG (z = -2.10)', 'ETHUSDT/BTCUSDT: LONG'],
    ]);
  });

  it('ignores frames without time or signal, and says n/a for an unknown z', () => {
    const noSignal = createDataFrame({ fields: [{ name: 'time', type: FieldType.time, values: [1] }] });
    expect(signalEvents([noSignal])).toEqual([]);
    expect(signalText('LONG', null)).toBe('LONG (z = n/a)');
  });
});
