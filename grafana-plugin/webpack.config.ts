/**
 * The create-plugin webpack configuration, extended the documented way (.config/README.md,
 * "Extend the webpack config") with two changes:
 * - dist/ is shared with the TypeScript backend (`npm run build:backend` writes dist/backend/ and
 *   the gpx_pairs_linux_* launchers), so a frontend build must not clean those away. The scaffold
 *   keeps only Go executables.
 * - @quant-pairs/contract is compiled from its TypeScript sources: from its built dist/, the
 *   source map named them ../src/*.ts relative to the wrong folder (paths that do not exist).
 */
import path from 'path';
import type { Configuration } from 'webpack';

import grafanaConfig, { type Env } from './.config/webpack/webpack.config.ts';

const KEEP_BACKEND = /^backend([\\/]|$)|_(amd64|arm(64)?)(\.exe)?$|go_plugin_build_manifest/;

const config = async (env: Env): Promise<Configuration> => {
  const base = await grafanaConfig(env);
  const contract = path.resolve(process.cwd(), '..', 'contract', 'src', 'index.ts');
  return {
    ...base,
    output: { ...base.output, clean: { keep: KEEP_BACKEND } },
    resolve: { ...base.resolve, alias: { ...base.resolve?.alias, '@quant-pairs/contract$': contract } },
  };
};

export default config;
