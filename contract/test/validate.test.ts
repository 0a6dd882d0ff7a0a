import { hasVariable, isValid, resolveQuery, splitPair, validateQuery, type PairsQuery } from '../src';
import { deepFreeze } from '@quant-pairs/testkit';

const ok: PairsQuery = deepFreeze({ refId: 'A', version: 1, queryType: 'analytics', pair: 'ETHUSDT/BTCUSDT', timeframe: '1m', window: '100', entryZ: 2 });

describe('validateQuery', () => {
  it('accepts a complete query and template variables in place of values', () => {
    expect(validateQuery(ok)).toEqual({});
    expect(isValid({ ...ok, pair: '$pair', timeframe: '$tf', window: '${window}' })).toBe(true);
  });

  it('says which field is wrong and why', () => {
    expect(validateQuery({ ...ok, pair: 'ETHUSDT' }).pair).toMatch(/not a pair; write it as Y\/X/);
    expect(validateQuery({ ...ok, pair: 'ETHUSDT/ETHUSDT' }).pair).toMatch(/must differ/);
    expect(validateQuery({ ...ok, pair: '' }).pair).toBe('choose a pair');
    expect(validateQuery({ ...ok, timeframe: '2m' }).timeframe).toMatch(/"2m" is not a timeframe; use one of 1s, 1m, 5m/);
    // The collector accepts windows of MIN_WINDOW..MAX_WINDOW = 2..10000 bars (constants.ts).
    expect(validateQuery({ ...ok, window: '1' }).window).toMatch(/from 2 to 10000/);
    expect(validateQuery({ ...ok, window: '10001' }).window).toMatch(/from 2 to 10000/);
    expect(validateQuery({ ...ok, window: '2.5' }).window).toMatch(/whole number/);
    expect(validateQuery({ ...ok, window: '10000' })).toEqual({});
    expect(validateQuery({ ...ok, window: '2' })).toEqual({});
    expect(validateQuery({ ...ok, entryZ: 0 }).entryZ).toMatch(/above 0/);
    expect(validateQuery({ ...ok, entryZ: NaN }).entryZ).toMatch(/above 0/);
    expect(validateQuery({ ...ok, exitZ: 2 }).exitZ).toMatch(/below the entry/);
    expect(validateQuery({ ...ok, exitZ: 0.5 })).toEqual({});
  });

  it('checks the hedge (issue 18): ols by default, kalman with delta / ve or tune, not both', () => {
    const k = { ...ok, hedge: 'kalman' } as const;
    expect(resolveQuery(ok).query).toMatchObject({ hedge: { hedge: 'ols' } });
    expect(resolveQuery({ ...k, tune: true }).query).toMatchObject({ hedge: { hedge: 'kalman', tune: true } });
    // numbers as text too; Chan's defaults fill what is absent
    expect(resolveQuery({ ...k, delta: '1e-6' as unknown as number }).query).toMatchObject({ hedge: { hedge: 'kalman', delta: 1e-6, ve: 1e-3 } });
    expect(validateQuery({ ...ok, hedge: 'tls' as 'ols' }).hedge).toMatch(/one of ols, kalman/);
    expect(validateQuery({ ...k, delta: 1 }).delta).toMatch(/between 0 and 1/);
    expect(validateQuery({ ...k, ve: 0 }).ve).toMatch(/above 0/);
    expect(validateQuery({ ...k, tune: 'yes' as unknown as boolean }).tune).toMatch(/true or false/);
    expect(validateQuery({ ...k, tune: true, ve: 2 }).tune).toMatch(/give tune or ve, not both/);
    // kalman settings kept on a query switched back to ols are ignored, not sent
    expect(resolveQuery({ ...ok, hedge: 'ols', tune: true, delta: 1e-6 }).query).toMatchObject({ hedge: { hedge: 'ols' } });
  });

  it('checks symbols of bars and ticks', () => {
    expect(validateQuery({ refId: 'A', version: 1, queryType: 'bars', symbol: 'btc usdt', timeframe: '1m' }).symbol).toMatch(/not a Binance symbol/);
    expect(validateQuery({ refId: 'A', version: 1, queryType: 'ticks', symbol: '' }).symbol).toBe('choose a symbol');
    // A ticks query pages through the API, so its limit goes past one page (MAX_TICKS_LIMIT 100000).
    expect(validateQuery({ refId: 'A', version: 1, queryType: 'ticks', symbol: 'BTCUSDT', limit: 0 }).limit).toMatch(/1 to 100000, got 0/);
    expect(validateQuery({ refId: 'A', version: 1, queryType: 'ticks', symbol: 'BTCUSDT', limit: 500 })).toEqual({});
  });

  it('checks a scan query: timeframe and window required, pair, limit and scanFields optional', () => {
    const scan: PairsQuery = { refId: 'A', version: 1, queryType: 'scan', timeframe: '5m', window: '1000' };
    expect(validateQuery(scan)).toEqual({});
    expect(resolveQuery(scan).query).toEqual({
      queryType: 'scan',
      timeframe: '5m',
      window: 1000,
      pair: undefined,
      limit: undefined,
      selectedOnly: false,
      scanFields: undefined,
    });
    expect(resolveQuery({ ...scan, pair: 'btcusdt/solusdt', limit: 20, selectedOnly: true, scanFields: ['pvalue'] }).query).toMatchObject({
      pair: { y: 'BTCUSDT', x: 'SOLUSDT', id: 'BTCUSDT/SOLUSDT' },
      limit: 20,
      selectedOnly: true,
      scanFields: ['pvalue'],
    });
    expect(validateQuery({ ...scan, timeframe: '1h' }).timeframe).toMatch(/not a timeframe/);
    expect(validateQuery({ ...scan, window: '' }).window).toMatch(/enter a window/);
    expect(validateQuery({ ...scan, pair: 'ETHUSDT' }).pair).toMatch(/not a pair/);
    expect(validateQuery({ ...scan, limit: 0 }).limit).toMatch(/1 to 100000, got 0/);
    expect(validateQuery({ ...scan, scanFields: ['zscore'] } as unknown as PairsQuery).fields).toMatch(/scanFields must be a list of pvalue, qvalue/);
    expect(resolveQuery({ ...scan, pair: '$scanpair' }).problems?.pair).toMatch(/template variable/);
  });

  it('checks a backtest query: BACKTEST_DEFAULTS filled in, bounds and cross rules as /api/backtest, bad values named', () => {
    const bt: PairsQuery = { refId: 'A', version: 1, queryType: 'backtest', pair: 'ethusdt/btcusdt', timeframe: '1m', window: '60' };
    expect(validateQuery(bt)).toEqual({});
    // defaults: contract constants.ts BACKTEST_DEFAULTS (entry 2, exit 0, cooldown 0, lag 1, 10 bps, no slippage, 1000)
    expect(resolveQuery(bt).query).toEqual({
      queryType: 'backtest',
      pair: { y: 'ETHUSDT', x: 'BTCUSDT', id: 'ETHUSDT/BTCUSDT' },
      timeframe: '1m',
      window: 60,
      hedge: { hedge: 'ols' },
      output: 'equity',
      entry: 2,
      exit: 0,
      stop: undefined,
      maxHold: undefined,
      cooldown: 0,
      lag: 1,
      feeBps: 10,
      slippageBps: 0,
      notional: 1000,
      sweep: undefined,
      walkForward: undefined,
    });
    // numbers as text (interpolated variables) are read; exit may be negative (past the mean)
    expect(resolveQuery({ ...bt, entryZ: '2.5', exitZ: '-0.5', stop: '3', maxHold: 40, feeBps: '0', output: 'trades' }).query).toMatchObject({
      entry: 2.5,
      exit: -0.5,
      stop: 3,
      maxHold: 40,
      feeBps: 0,
      output: 'trades',
    });
    expect(validateQuery({ ...bt, stop: 1.5 }).stop).toBe('the stop (1.5) must be above the entry threshold (2)');
    expect(validateQuery({ ...bt, exitZ: 2 }).exitZ).toMatch(/must be below the entry threshold/);
    expect(validateQuery({ ...bt, maxHold: 0 }).maxHold).toMatch(/time stop must be a whole number of bars from 1 to 1000000, got 0/);
    expect(validateQuery({ ...bt, lag: 1.5 }).lag).toMatch(/lag must be a whole number/);
    expect(validateQuery({ ...bt, cooldown: -1 }).cooldown).toMatch(/cooldown must be a whole number/);
    expect(validateQuery({ ...bt, feeBps: 1001 }).feeBps).toMatch(/fee must be a number of basis points from 0 to 1000, got 1001/);
    expect(validateQuery({ ...bt, slippageBps: 'x' }).slippageBps).toMatch(/slippage must be/);
    expect(validateQuery({ ...bt, notional: 0 }).notional).toMatch(/notional must be a number above 0/);
    expect(validateQuery({ ...bt, output: 'pnl' } as unknown as PairsQuery).output).toBe(
      'the output must be one of equity, trades, metrics, sweep, verdict, walkforward, folds, ouband, got "pnl"',
    );
    // variables: fine in the editor, a problem where the query runs; an empty variable ($stop = '') is no stop
    expect(validateQuery({ ...bt, entryZ: '$entry', stop: 3, feeBps: '$fee' })).toEqual({});
    expect(resolveQuery({ ...bt, feeBps: '$fee' }).problems?.feeBps).toMatch(/template variable/);
    expect(resolveQuery({ ...bt, stop: '' }).query).toMatchObject({ stop: undefined });
  });

  it('checks a backtest sweep: grids as lists or comma-separated text, each defaulting to the query value, sized as /api/backtest/sweep', () => {
    const sw: PairsQuery = { refId: 'A', version: 1, queryType: 'backtest', pair: 'ETHUSDT/BTCUSDT', timeframe: '1m', window: '60', output: 'sweep' };
    expect(resolveQuery(sw).query).toMatchObject({ sweep: { windows: [60], entries: [2], exits: [0] } });
    expect(resolveQuery({ ...sw, sweepWindows: '30, 60', sweepEntries: '1, 1.5,2', sweepExits: '{0,0.5}' }).query).toMatchObject({
      sweep: { windows: [30, 60], entries: [1, 1.5, 2], exits: [0, 0.5] },
    });
    // in a sweep the stop is per combination: not checked against the scalar entry
    expect(validateQuery({ ...sw, stop: 1.5 })).toEqual({});
    expect(validateQuery({ ...sw, sweepWindows: [1] }).sweepWindows).toMatch(/each window must be a whole number of bars from 2 to/);
    expect(validateQuery({ ...sw, sweepEntries: '1,x' }).sweepEntries).toBe('each entry level must be a number above 0, at most 100, got "x"');
    expect(validateQuery({ ...sw, sweepExits: [] }).sweepExits).toBe('sweepExits must list at least one number');
    // contract constants: SWEEP_MAX_WINDOWS 20, SWEEP_MAX_COMBINATIONS 1000 (the collector's 400s)
    expect(validateQuery({ ...sw, sweepWindows: Array.from({ length: 21 }, (_, i) => 10 + i) }).sweepWindows).toBe('at most 20 windows, got 21');
    const entries = Array.from({ length: 50 }, (_, i) => 1 + i / 10);
    const exits = Array.from({ length: 30 }, (_, i) => i / 100);
    expect(validateQuery({ ...sw, sweepEntries: entries, sweepExits: exits }).sweepEntries).toBe(
      'the grid has 1 windows x 50 entries x 30 exits = 1500 combinations; at most 1000: shorten a list',
    );
    expect(validateQuery({ ...sw, sweepEntries: [1], sweepExits: [1, 2] }).sweepExits).toMatch(/no exit level is below an entry level/);
    expect(resolveQuery({ ...sw, sweepEntries: '$entries' }).problems?.sweepEntries).toMatch(/template variable/);
  });

  it("checks the grid of the verdict and the walk-forward (issue 26) as the sweep's, and the walk-forward's plan as /api/backtest/walkforward", () => {
    const wf: PairsQuery = { refId: 'A', version: 1, queryType: 'backtest', pair: 'ETHUSDT/BTCUSDT', timeframe: '1m', window: '60', output: 'walkforward' };
    // defaults: the query's own window, entry and exit as the grid; WALKFORWARD_DEFAULT_TRAIN / _TEST, rolling, Sharpe
    expect(resolveQuery(wf).query).toMatchObject({
      sweep: { windows: [60], entries: [2], exits: [0] },
      walkForward: { train: 120, test: 60, anchored: false, objective: 'sharpe' },
    });
    expect(resolveQuery({ ...wf, output: 'folds', wfTrain: '1000', wfTest: 200, wfAnchored: true, wfObjective: 'sortino' }).query).toMatchObject({
      walkForward: { train: 1000, test: 200, anchored: true, objective: 'sortino' },
    });
    expect(resolveQuery({ ...wf, output: 'verdict', sweepEntries: '1.5,2' }).query).toMatchObject({ sweep: { entries: [1.5, 2] }, walkForward: undefined });
    expect(validateQuery({ ...wf, wfTrain: 1 }).wfTrain).toBe('the train part must be a whole number of bars from 2 to 1000000, got 1');
    expect(validateQuery({ ...wf, wfTest: 0.5 }).wfTest).toBe('the test part must be a whole number of bars from 1 to 1000000, got 0.5');
    expect(validateQuery({ ...wf, wfAnchored: 'yes' } as unknown as PairsQuery).wfAnchored).toBe('anchored must be true or false, got "yes"');
    expect(validateQuery({ ...wf, wfObjective: 'calmar' } as unknown as PairsQuery).wfObjective).toBe(
      'the objective must be one of sharpe, totalReturn, sortino, got "calmar"',
    );
    expect(validateQuery({ ...wf, output: 'verdict', sweepExits: [3] }).sweepExits).toMatch(/no exit level is below an entry level/);
    expect(resolveQuery({ ...wf, wfTrain: '$train' }).problems?.wfTrain).toMatch(/template variable/);
  });

  it('rejects an unknown query type', () => {
    expect(validateQuery({ ...ok, queryType: 'nope' } as unknown as PairsQuery).queryType).toMatch(/unknown query type "nope"/);
  });
});

describe('resolveQuery (where the query runs: the backend, alert rules)', () => {
  it('gives the values ready for the API: numbers from text, upper-case symbols, the pair split', () => {
    const saved = { ...ok, pair: 'ethusdt/btcusdt', window: '30', entryZ: '2.5', exitZ: 0.5 } as unknown as PairsQuery;
    expect(resolveQuery(saved)).toEqual({
      query: {
        queryType: 'analytics',
        pair: { y: 'ETHUSDT', x: 'BTCUSDT', id: 'ETHUSDT/BTCUSDT' },
        timeframe: '1m',
        window: 30,
        entryZ: 2.5,
        exitZ: 0.5,
        fields: undefined,
        hedge: { hedge: 'ols' },
      },
    });
    expect(resolveQuery({ refId: 'A', version: 1, queryType: 'ticks', symbol: 'btcusdt' })).toEqual({
      query: { queryType: 'ticks', symbol: 'BTCUSDT', limit: undefined },
    });
  });

  it('rejects template variables, which the editor accepts', () => {
    const q = { ...ok, pair: '$pair' };
    expect(validateQuery(q)).toEqual({});
    expect(resolveQuery(q).problems?.pair).toMatch(/still holds a template variable/);
  });
});

describe('pair and template-variable helpers', () => {
  it('splits Y/X pairs', () => {
    expect(splitPair('ETHUSDT/BTCUSDT')).toEqual({ y: 'ETHUSDT', x: 'BTCUSDT' });
    expect(splitPair('ETHUSDT')).toBeUndefined();
    expect(splitPair('A/B/C')).toBeUndefined();
  });
  it('recognises Grafana variable syntaxes', () => {
    for (const t of ['$pair', '${pair}', '${pair:raw}', '[[pair]]', 'x$tf']) {
      expect(hasVariable(t)).toBe(true);
    }
    expect(hasVariable('ETHUSDT/BTCUSDT')).toBe(false);
  });
});
