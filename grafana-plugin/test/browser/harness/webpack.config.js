/**
 * The test page's host bundle (entry.tsx): development mode without source maps (fast on 2
 * cores), written to test-output/harness/ and rebuilt only when its inputs change.
 * `hostModules` maps each module Grafana shares with plugins to the package folder it comes
 * from (the build's own @grafana 13 packages, or an older Grafana's in test/compat); the page
 * reports their versions as Harness.versions.
 */
const fs = require('fs');
const path = require('path');
const webpack = require('webpack');

const version = (dir) => JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version;

module.exports = (outDir, hostModules) => ({
  mode: 'development',
  devtool: false,
  context: __dirname,
  entry: path.join(__dirname, 'entry.tsx'),
  output: { path: outDir, filename: 'harness.js', publicPath: '/harness/', library: { name: 'Harness', type: 'window' } },
  resolve: { extensions: ['.tsx', '.ts', '.mjs', '.js'], alias: hostModules },
  plugins: [
    new webpack.DefinePlugin({
      __HOST_VERSIONS__: JSON.stringify(
        Object.fromEntries(['@grafana/data', '@grafana/runtime', '@grafana/ui', 'react'].map((m) => [m, version(hostModules[m] ?? hostModules[`${m}$`])])),
      ),
    }),
  ],
  module: {
    rules: [
      {
        test: /\.tsx?$/,
        exclude: /node_modules/,
        use: {
          loader: 'swc-loader',
          options: { jsc: { target: 'es2020', parser: { syntax: 'typescript', tsx: true }, transform: { react: { runtime: 'automatic' } } } },
        },
      },
      // javascript/auto: a default import of a CommonJS module with __esModule (react-custom-scrollbars-2 in
      // @grafana/ui's .mjs, the Table's scrollbar) is its `default`, as Grafana's own build gives it
      { test: /\.m?js$/, type: 'javascript/auto', resolve: { fullySpecified: false } },
      { test: /\.css$/, use: ['style-loader', 'css-loader'] },
      { test: /\.(svg|png|jpe?g|gif|woff2?|ttf|eot)$/, type: 'asset/resource' },
    ],
  },
  performance: { hints: false },
  infrastructureLogging: { level: 'error' },
  stats: 'errors-warnings',
});
