/**
 * A type error in the backend fails `npm run typecheck` (and so `npm test`, which runs it first).
 * esbuild bundles the backend and swc runs its tests, both without checking types, so this is
 * the check that guards it: every backend source is in a project scripts/typecheck.js runs, and
 * that project, with the compiler options `tsc -p` reads from it, rejects a wrong type.
 * The error is injected in memory (nothing is written to the tree), into a real source file of
 * the real project.
 */
import { readdirSync } from 'fs';
import path from 'path';
import typecheck from '../../../scripts/typecheck';

const ROOT = path.resolve(__dirname, '../../..');
const BACKEND_PROJECT = 'grafana-plugin/backend/tsconfig.json';

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

describe('npm run typecheck covers the backend', () => {
  test('every backend source, script and benchmark is a root file of a checked project', () => {
    expect(typecheck.PROJECTS).toContain(BACKEND_PROJECT);
    const roots = new Set(typecheck.parseProject(BACKEND_PROJECT).fileNames.map((f) => path.resolve(f)));
    const sources = ['src', 'scripts', 'bench'].flatMap((d) => walk(path.join(ROOT, 'grafana-plugin/backend', d))).filter((f) => /\.tsx?$/.test(f));
    expect(sources.length).toBeGreaterThan(10);
    expect(sources.filter((f) => !roots.has(f))).toEqual([]);
  });

  test('a wrong type in backend/src/queryData.ts is a TS2322 error; the file as committed has none', () => {
    const ts = typecheck.typescript();
    const { options, fileNames } = typecheck.parseProject(BACKEND_PROJECT);
    const target = path.join(ROOT, 'grafana-plugin/backend/src/queryData.ts');
    const injected = "\nexport const typecheckProbe: number = 'not a number';\n";

    const host = ts.createCompilerHost(options);
    const program = (inject: boolean, old?: ReturnType<typeof ts.createProgram>) => {
      const getSourceFile = host.getSourceFile.bind(host);
      const withProbe = {
        ...host,
        getSourceFile: (name: string, lang: Parameters<typeof host.getSourceFile>[1]) =>
          inject && path.resolve(name) === target ? ts.createSourceFile(name, ts.sys.readFile(name)! + injected, lang) : getSourceFile(name, lang),
      };
      return ts.createProgram({ rootNames: fileNames, options, host: withProbe, oldProgram: old });
    };
    const diagnosticsOf = (p: ReturnType<typeof ts.createProgram>) => {
      const file = p.getSourceFile(target)!;
      return [...p.getSyntacticDiagnostics(file), ...p.getSemanticDiagnostics(file)].map((d) => ({
        code: d.code,
        line: file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1,
        message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
      }));
    };

    const clean = program(false);
    expect(diagnosticsOf(clean)).toEqual([]);

    const broken = diagnosticsOf(program(true, clean));
    const lastLine = (ts.sys.readFile(target)! + injected).split('\n').length - 1;
    // TS2322 is TypeScript's "Type 'X' is not assignable to type 'Y'".
    expect(broken).toEqual([{ code: 2322, line: lastLine, message: "Type 'string' is not assignable to type 'number'." }]);
  });
});
