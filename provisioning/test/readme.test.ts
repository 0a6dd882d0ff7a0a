/**
 * The README names what is provisioned: every dashboard title and every alert rule title the
 * generator writes for the default options (the committed files) appears in it, so a dashboard
 * or rule added in src/ without a line in the README fails here instead of drifting.
 */
import { parse } from 'yaml';
import { generate } from '../src/generate';
import { optionsFromEnv } from '../src/settings';
import { readText } from './files';

const files = generate(optionsFromEnv({}));
const readme = readText('README.md');

const dashboardTitles = [...files]
  .filter(([rel]) => rel.startsWith('dashboards/json/'))
  .map(([rel, content]) => [rel, (JSON.parse(content) as { title: string }).title] as const);
const ruleTitles = (parse(files.get('alerting/rules.yaml')!) as { groups: Array<{ name: string; rules: Array<{ title: string }> }> }).groups.flatMap((g) =>
  g.rules.map((r) => [g.name, r.title] as const),
);

describe('README.md lists what is provisioned', () => {
  it('has dashboards and rules to look for (the generator wrote them)', () => {
    expect(dashboardTitles.length).toBeGreaterThanOrEqual(4);
    expect(new Set(ruleTitles.map(([group]) => group))).toEqual(new Set(['z-score', 'cointegration']));
  });

  it.each(dashboardTitles)('%s: its title %p and its file', (rel, title) => {
    expect(readme).toContain(`**${title}**`);
    expect(readme).toContain(`\`${rel}\``);
  });

  it.each(ruleTitles)('group %s: rule %p', (_group, title) => {
    expect(readme).toContain(`\`${title}\``);
  });
});
