/** The committed files are exactly what the TypeScript definitions generate; bad options are refused by name. */
import { generate } from '../src/generate';
import { OptionsError, optionsFromEnv } from '../src/settings';
import { readText } from './files';

describe('generated files', () => {
  it('the committed files equal `npm run generate` with the default options', () => {
    const files = generate(optionsFromEnv({}));
    expect(files.size).toBe(10); // data sources, dashboards provider, 5 dashboards, rules, contact points, policies
    for (const [rel, content] of files) {
      // A difference here means: run `npm run generate -w provisioning` and commit.
      expect({ rel, content: readText(rel) }).toEqual({ rel, content });
    }
  });

  it('PAIRS gives a rule per pair; the first is the dashboard default', () => {
    const files = generate(optionsFromEnv({ PAIRS: 'bnbusdt/btcusdt, ETHUSDT/BTCUSDT' }));
    const rules = files.get('alerting/rules.yaml')!;
    expect(rules).toContain('uid: z-bnbusdt-btcusdt');
    expect(rules).toContain('uid: z-ethusdt-btcusdt');
    const dash = JSON.parse(files.get('dashboards/json/pair-overview.json')!);
    const current = Object.fromEntries(dash.templating.list.map((v: any) => [v.name, v.current.value]));
    expect(current).toMatchObject({ pair: 'BNBUSDT/BTCUSDT', y: 'BNBUSDT', x: 'BTCUSDT' });
  });

  it('ALERT_Z changes the threshold of every rule, and the bands and signals of the dashboard', () => {
    const files = generate(optionsFromEnv({ ALERT_Z: '2.5' }));
    expect(files.get('alerting/rules.yaml')!.match(/- -2\.5\n\s+- 2\.5\n/g)).toHaveLength(2);
    const dash = JSON.parse(files.get('dashboards/json/pair-overview.json')!);
    const zPanel = dash.panels.find((p: any) => p.type === 'timeseries' && p.targets[0].fields?.includes('zscore'));
    expect(zPanel.fieldConfig.defaults.thresholds.steps.map((s: any) => s.value)).toEqual([null, -2.5, 2.5]);
    // every pair query takes $entry, whose default it is, but the paper position's, which asks the collector's
    // live engine (its own ENTRY_Z): a query with an entryZ is answered from stored bars, without a position
    expect(dash.templating.list.find((v: any) => v.name === 'entry').current.value).toBe('2.5');
    const paper = ['Paper position', 'Unrealised P&L', 'Paper equity', 'Paper trades closed'];
    // and the OU band (a backtest output of the latest OU fit, issue 26), which no z threshold shapes
    for (const p of dash.panels)
      for (const t of p.targets)
        if (t.pair && t.queryType !== 'scan' && t.output !== 'ouband')
          expect([p.title, t.entryZ]).toEqual([p.title, paper.includes(p.title) ? undefined : '$entry']);
    const spread = dash.panels.find((p: any) => p.targets.some((t: any) => t.output === 'ouband'));
    expect(spread.targets.map((t: any) => [t.refId, t.fields ?? t.output])).toEqual([
      ['A', ['spread', 'spreadMean']],
      ['B', 'ouband'],
    ]);
  });

  it.each([
    [{ PAIRS: 'ETHUSDT' }, /PAIRS: pair "ETHUSDT" must look like/],
    [{ PAIRS: 'BTCUSDT/BTCUSDT' }, /PAIRS: .* the two legs must differ/],
    [{ PAIRS: 'A/B,A/B' }, /PAIRS/],
    [{ PAIRS: ' , ' }, /PAIRS: give at least one pair/],
    [{ ALERT_TIMEFRAME: '1h' }, /ALERT_TIMEFRAME: "1h" must be one of 1s, 1m, 5m/],
    [{ ALERT_WINDOW: '1' }, /ALERT_WINDOW: "1" must be a whole number/],
    [{ ALERT_Z: '-1' }, /ALERT_Z: "-1" must be a positive number/],
    [{ ALERT_Z: 'two' }, /ALERT_Z: "two"/],
  ])('refuses %j', (env, message) => {
    expect(() => optionsFromEnv(env)).toThrow(OptionsError);
    expect(() => optionsFromEnv(env)).toThrow(message);
  });
});
