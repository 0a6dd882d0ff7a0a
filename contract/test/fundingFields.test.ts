/**
 * Funding in the backtest's response (issue 25): `funding` is an optional number on each trade and
 * on the metrics (received, negative when paid). An answer without it parses as before; the OpenAPI
 * document lists it as optional (not required), since the API has no funding input yet.
 */
import { RESPONSE_SCHEMAS } from '../src/requests/responses';
import { openApiDocument } from '../src/requests';

const metrics = { totalReturn: 0.01, sharpe: 1.2, maxDrawdown: 0.02, trades: 1, winRate: 1, avgBars: 30, fees: 2.1 };
const trade = {
  entryTs: 1,
  exitTs: 2,
  entryIndex: 0,
  exitIndex: 30,
  side: 'LONG',
  reason: 'exit',
  beta: 0.035,
  qy: 0.01,
  qx: -0.35,
  pnl: 9.9,
  fees: 2.1,
  bars: 30,
};
const settings = { entry: 2, exit: 0, stop: null, maxHold: null, cooldown: 0, lag: 1, feeBps: 10, slippageBps: 0, notional: 1000, barsPerYear: 525600 };
const body = (m: object, t: object) => ({
  pair: 'ETHUSDT/BTCUSDT', tf: '1m', window: 60, hedge: 'ols', from: 1, to: 2, bars: 31, settings,
  metrics: m, trades: [t], equity: { ts: [1], equity: [1000] }, thinned: false,
}); // prettier-ignore

describe('the backtest response takes funding as an optional number', () => {
  const schema = RESPONSE_SCHEMAS.BacktestResponse;
  it('with and without funding', () => {
    expect(schema.safeParse(body(metrics, trade)).success).toBe(true);
    expect(schema.safeParse(body({ ...metrics, funding: -0.12 }, { ...trade, funding: -0.12 })).success).toBe(true);
  });
  it('not a number: rejected', () => {
    expect(schema.safeParse(body({ ...metrics, funding: '-0.12' }, trade)).success).toBe(false);
    expect(schema.safeParse(body(metrics, { ...trade, funding: null })).success).toBe(false);
  });
  it('the OpenAPI document lists funding on the metrics and the trades, not required', () => {
    // every object schema that has a funding property: the backtest's metrics (also in the sweep's rows) and trades
    const found: { required: string[]; keys: string[] }[] = [];
    const walk = (v: unknown): void => {
      if (v === null || typeof v !== 'object') return;
      const o = v as { properties?: Record<string, unknown>; required?: string[] };
      if (o.properties?.funding !== undefined) found.push({ required: o.required ?? [], keys: Object.keys(o.properties) });
      Object.values(o).forEach(walk);
    };
    walk(openApiDocument('test'));
    expect(found.some((f) => f.keys.includes('fees') && f.keys.includes('avgBars'))).toBe(true);
    expect(found.some((f) => f.keys.includes('entryTs'))).toBe(true);
    expect(found.filter((f) => f.required.includes('funding'))).toEqual([]);
  });
});
