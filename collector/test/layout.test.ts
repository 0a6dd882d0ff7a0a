/**
 * Production code never imports test code: every relative import of a file under src/ stays
 * inside src/ (so `npm run build` compiles all that `node dist/main.js` and `node dist/demo.js`
 * load; the fake Binance, which the demo runs, lives in src/fake-binance for that reason).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const SRC = resolve(__dirname, '..', 'src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Relative module specifiers of import / export-from / import() / require() in `text`. */
function relativeSpecifiers(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s*)(['"])(\.{1,2}\/[^'"]*)\1/gm)) out.push(m[2]!);
  return out;
}

describe('collector/src imports nothing outside src/', () => {
  it('finds the relative imports it checks (a broken pattern would pass on nothing)', () => {
    expect(relativeSpecifiers(`import { a } from './a';\nexport { b } from "../b";\nconst c = await import('../../test/c');\nimport './side';`)).toEqual([
      './a',
      '../b',
      '../../test/c',
      './side',
    ]);
    expect(sources(SRC).length).toBeGreaterThan(50);
  });

  it('no file of src/ reaches outside it (test/, bench/, soak/, other workspaces)', () => {
    const outside = sources(SRC).flatMap((f) =>
      relativeSpecifiers(readFileSync(f, 'utf8'))
        .filter((s) => relative(SRC, resolve(dirname(f), s)).split(sep)[0] === '..')
        .map((s) => `${relative(SRC, f)} imports ${s}`),
    );
    expect(outside).toEqual([]);
  });
});
