/**
 * The logger (src/log.ts, on pino): JSON lines with string levels and ISO times, errors with
 * their stacks, LOG_LEVEL honoured, pino-pretty on request, and secrets never in the output.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { configSecrets, log } from '../src/log';

const lines: string[] = [];
beforeEach(() => {
  lines.length = 0;
  log.configure({ level: 'debug', sink: (l) => void lines.push(l) });
});
afterAll(() => log.configure({ level: 'warn', secrets: [], sink: (l) => void process.stderr.write(l + '\n') }));

const parsed = (): Array<Record<string, unknown>> => lines.map((l) => JSON.parse(l) as Record<string, unknown>);

it('writes one JSON object per line: level name, ISO time, message, fields', () => {
  log.info('ws connected', { url: 'wss://x', streams: 4 });
  expect(parsed()).toEqual([
    { level: 'info', time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/), msg: 'ws connected', url: 'wss://x', streams: 4 },
  ]);
});

it('keeps an error’s type, message and stack, under whatever field name', () => {
  const e = new TypeError('boom');
  log.error('failed', { err: e, error: new Error('inner') });
  const [l] = parsed();
  expect(l!.err).toMatchObject({ type: 'TypeError', message: 'boom', stack: expect.stringContaining('log.test.ts') });
  expect(l!.error).toMatchObject({ type: 'Error', message: 'inner', stack: expect.stringContaining('Error: inner') });
});

it('honours the level', () => {
  log.configure({ level: 'warn' });
  log.debug('d');
  log.info('i');
  log.warn('w');
  log.error('e');
  expect(parsed().map((l) => [l.level, l.msg])).toEqual([
    ['warn', 'w'],
    ['error', 'e'],
  ]);
  log.configure({ level: 'silent' });
  log.error('e');
  expect(lines).toHaveLength(2);
});

describe('secrets', () => {
  const token = 'tok-3f9a"c\\e1'; // with characters JSON escapes, as a token may have
  const dbUrl = 'postgres://quant:pa%24%24word@db.example:5432/pairs';
  afterEach(() => log.configure({ secrets: [] }));

  it('never writes the API token or a database password, wherever they appear', () => {
    log.configure({ secrets: configSecrets({ apiToken: token, databaseUrl: dbUrl }) });
    log.info(`token is ${token}`, { header: `Bearer ${token}`, nested: { deep: [token] } });
    log.error('connect failed', { err: new Error(`cannot reach ${dbUrl} with ${token}`), url: dbUrl });
    log.warn('raw password', { note: 'the password was pa$$word' });
    // fields named like secrets are redacted whatever their value, even unregistered ones
    log.info('settings', { apiToken: 'other-token-1', databaseUrl: 'postgres://u:other-pw@h/d', headers: { authorization: 'Bearer other-token-2' } });
    const out = lines.join('\n');
    expect(lines).toHaveLength(4);
    for (const secret of [token, JSON.stringify(token).slice(1, -1), 'tok-3f9a', 'pa%24%24word', 'pa$$word', 'other-token-1', 'other-pw', 'other-token-2']) {
      expect(out).not.toContain(secret);
    }
    expect(out).toContain('[redacted]');
    // what is not secret is still there
    expect(parsed()[1]).toMatchObject({ url: 'postgres://quant:[redacted]@db.example:5432/pairs' });
    expect(String((parsed()[1]!.err as { message: string }).message)).toBe('cannot reach postgres://quant:[redacted]@db.example:5432/pairs with [redacted]');
  });

  it('redacts the password of any URL even when nothing is registered', () => {
    log.warn('postgres connection lost', { error: new Error('at postgresql://app:s3cret@10.0.0.5/x') });
    expect(lines.join('\n')).not.toContain('s3cret');
  });
});

describe('output format (a child process, as the collector runs)', () => {
  const script = "require('./src/log').log.info('hello', { a: 1 })";
  const run = (env: Record<string, string>) =>
    spawnSync(process.execPath, ['--import', 'tsx', '-e', script], {
      cwd: join(__dirname, '..'),
      env: { ...process.env, JEST_WORKER_ID: '', LOG_LEVEL: 'info', ...env },
      encoding: 'utf8',
    });

  it('is JSON when stderr is not a terminal, pretty with LOG_PRETTY=1', () => {
    const json = run({ LOG_PRETTY: '' });
    expect(JSON.parse(json.stderr.trim())).toMatchObject({ level: 'info', msg: 'hello', a: 1 });
    const pretty = run({ LOG_PRETTY: '1' });
    expect(pretty.stderr).toMatch(/INFO.*hello/);
    expect(pretty.stderr).toMatch(/a: 1/);
    expect(pretty.stderr).not.toContain('{"level"');
  });

  it('LOG_LEVEL=warn leaves info out', () => {
    expect(run({ LOG_PRETTY: '0', LOG_LEVEL: 'warn' }).stderr).toBe('');
  });
});
