/**
 * The tests stand alone in a fresh clone: no test, bench or soak file of any workspace names a
 * path outside the repository (the reference material they need is copied into test/fixtures/,
 * see its README). A fresh `git clone` followed by `npm ci && npm test` is what proves it in
 * the end; this check says at once which line would break it, without a second checkout.
 *
 * What counts as naming a path (found in string literals and template pieces, so comments that
 * cite a source are fine):
 * - a relative path starting with `..` that, resolved from the file's folder, leaves the
 *   repository;
 * - `join(__dirname, ...)` / `resolve(__dirname, ...)` whose literal arguments, applied in order,
 *   leave it (examples of both: fixtures/standalone/made-up-test.ts.txt);
 * - an absolute path under a location that belongs to a machine, not to the system:
 *   MACHINE_ROOTS below (system paths such as the temp folder,
 *   /usr/lib/postgresql or /proc, and URL paths such as /api/health, are not files of ours).
 * A literal that only looks like a path (an attack string sent to the API) is allowed by an
 * `outside-repo-ok` comment on its line, saying why.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

const ROOT = resolve(__dirname, '../..');
/** Top-level folders of a machine's own files: a test that reads there reads outside the clone. */
const MACHINE_ROOTS = new Set(['home', 'root', 'work', 'mnt', 'srv', 'media', 'Users', 'workspace']);
const SKIP_DIRS = new Set(['node_modules', '.venv', '.git', 'dist', 'coverage', 'soak-output', 'data', '.cache']);
const CODE = /\.(?:[cm]?[jt]sx?)$/;
/** Test code: anything in a test/bench/soak/e2e/testing folder, *.test.* / *.bench.* files, jest configuration. */
const TEST_PATH = /(?:^|\/)(?:test|tests|__tests__|bench|soak|e2e|testing)\/|\.(?:test|spec|bench)\.[cm]?[jt]sx?$|(?:^|\/)jest[^/]*$/;

export interface Finding {
  line: number;
  text: string;
  why: string;
}

function inside(p: string): boolean {
  const r = relative(ROOT, p);
  return r === '' || (!r.startsWith('..') && !r.startsWith(sep) && !/^[a-zA-Z]:/.test(r));
}

/** Where `source` (the text of `file`, a path inside ROOT) names a path outside ROOT. */
export function outsideReferences(file: string, source: string): Finding[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const lines = source.split('\n');
  const dir = dirname(file);
  const out: Finding[] = [];
  const report = (node: ts.Node, text: string, why: string) => {
    const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
    if (/outside-repo-ok/.test(lines[line] ?? '')) return;
    out.push({ line: line + 1, text, why });
  };
  const checkText = (node: ts.Node, text: string) => {
    if (/^\.\.(?:\/|$)/.test(text) && !inside(resolve(dir, text))) report(node, text, `resolves to ${resolve(dir, text)}`);
    const abs = /^\/([^/\s?#'"`]+)/.exec(text);
    if (abs && MACHINE_ROOTS.has(abs[1]!)) report(node, text, `an absolute path under /${abs[1]}`);
  };
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) checkText(node, node.text);
    else if (ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) checkText(node, node.text);
    else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
      const [first, ...rest] = node.arguments;
      if ((name === 'join' || name === 'resolve') && first && ts.isIdentifier(first) && first.text === '__dirname') {
        const parts: string[] = [];
        for (const a of rest) {
          if (!ts.isStringLiteralLike(a)) break;
          parts.push(a.text);
        }
        const p = resolve(dir, ...parts);
        if (!inside(p)) report(node, node.getText(sf), `resolves to ${p}`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

function testFiles(dir: string, acc: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name)) testFiles(join(dir, e.name), acc);
    } else if (e.isFile() && CODE.test(e.name) && !e.name.endsWith('.d.ts') && TEST_PATH.test(relative(ROOT, join(dir, e.name)).split(sep).join('/'))) {
      acc.push(join(dir, e.name));
    }
  }
  return acc;
}

describe('the tests stand alone in a fresh clone', () => {
  it('finds what it must and nothing else (checked on made-up sources)', () => {
    const file = join(ROOT, 'collector', 'test', 'ingest', 'x.test.ts');
    // made-up-test.ts.txt, line by line: 1 a literal leaving the repo, 2 join(__dirname, ...) leaving it,
    // 3 and 4 machine paths (string, template), then paths inside the repo, URL and system paths,
    // one allowed with a reason, and a comment citing a path.
    const src = readFileSync(join(__dirname, 'fixtures', 'standalone', 'made-up-test.ts.txt'), 'utf8');
    expect(outsideReferences(file, src).map((f) => f.line)).toEqual([1, 1, 2, 3, 4]);
  });

  it('no test, bench or soak file of any workspace names a path outside the repository', () => {
    const files = testFiles(ROOT);
    // every workspace's tests are seen (a broken pattern would make this check pass on nothing)
    for (const ws of [
      'contract/test/',
      'collector/test/',
      'collector/bench/',
      'collector/soak/',
      'grafana-plugin/test/',
      'grafana-plugin/backend/bench/',
      'grafana-plugin/src/',
      'provisioning/test/',
    ]) {
      expect(files.some((f) => relative(ROOT, f).split(sep).join('/').startsWith(ws))).toBe(true);
    }
    const found = files.flatMap((f) => outsideReferences(f, readFileSync(f, 'utf8')).map((x) => `${relative(ROOT, f)}:${x.line}: ${x.text} (${x.why})`));
    expect(found).toEqual([]);
  });
});
