/**
 * When the PostgreSQL tests may be skipped: only where nothing requires them. The expected
 * outcomes are the rule of postgresSkipReason (pgCluster.ts), one case each.
 */
import { postgresSkipReason } from './pgCluster';

describe('postgresSkipReason', () => {
  const bin = '/usr/lib/postgresql/15/bin';
  it('runs the tests wherever the server binaries are installed', () => {
    expect(postgresSkipReason({}, bin)).toBeNull();
    expect(postgresSkipReason({ CI: 'true', REQUIRE_POSTGRES: '1' }, bin)).toBeNull();
  });
  it('skips them, saying why, on a machine without the binaries', () => {
    expect(postgresSkipReason({}, null)).toMatch(/no PostgreSQL server binaries under \/usr\/lib\/postgresql.*apt-get install postgresql/);
    expect(postgresSkipReason({ CI: 'false', REQUIRE_POSTGRES: '0' }, null)).not.toBeNull();
  });
  it('fails instead where they are required: REQUIRE_POSTGRES=1 (.ci/run) or CI=true', () => {
    expect(() => postgresSkipReason({ REQUIRE_POSTGRES: '1' }, null)).toThrow(
      /required here \(REQUIRE_POSTGRES=1\) but there are no PostgreSQL server binaries/,
    );
    expect(() => postgresSkipReason({ CI: 'true' }, null)).toThrow(/required here \(CI=true\)/);
  });
});
