/**
 * The Python interpreter with the independent references (python/requirements.txt: statsmodels,
 * vectorbt, schemathesis, pykalman), made by `bash scripts/python-env.sh` (CI: .ci/run) as .venv
 * at the repository root, or named by QP_PYTHON.
 *
 * Tests that need it use `describePython`: without the interpreter they count as skipped, the
 * title says why, unless REQUIRE_PYTHON=1 (set by .ci/run), where a missing reference fails.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const REPO = join(__dirname, '..', '..');

export function findPython(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.QP_PYTHON) return env.QP_PYTHON;
  const venv = join(REPO, '.venv', 'bin', 'python');
  return existsSync(venv) ? venv : null;
}

/** null when `python` imports every module; otherwise why not (or throws when REQUIRE_PYTHON=1). */
export function pythonSkipReason(modules: readonly string[], env: NodeJS.ProcessEnv = process.env, python: string | null = findPython(env)): string | null {
  let missing: string | null = null;
  if (python === null) {
    missing = 'no Python references (run `bash scripts/python-env.sh` or set QP_PYTHON)';
  } else {
    const r = spawnSync(python, ['-c', modules.map((m) => `import ${m}`).join('; ')], { encoding: 'utf8' });
    if (r.status !== 0) missing = `${python} cannot import ${modules.join(', ')} (run \`bash scripts/python-env.sh\`)`;
  }
  if (missing !== null && env.REQUIRE_PYTHON === '1')
    throw new Error(`the Python reference tests are required here (REQUIRE_PYTHON=1) but there is ${missing}`);
  return missing;
}

/** `describe` for tests that run Python references: jest's `describe.skip` with the reason when they cannot. */
export function describePython(title: string, modules: readonly string[], body: (python: string) => void): void {
  const reason = pythonSkipReason(modules);
  if (reason === null) {
    const python = findPython()!;
    describe(title, () => body(python));
  } else {
    process.stderr.write(`SKIPPED: ${title}: ${reason}\n`);
    describe.skip(`${title} [skipped: ${reason}]`, () => body('python3'));
  }
}

/** Runs `script` with JSON on stdin and parses its JSON stdout; a failing script throws with its stderr. */
export function runPythonJson<T>(python: string, script: string, input: unknown, args: readonly string[] = []): T {
  const r = spawnSync(python, [script, ...args], { input: JSON.stringify(input), encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${script} exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}
