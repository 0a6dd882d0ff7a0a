/**
 * The test page's host bundle (entry.tsx): development mode without source maps (fast on 2
 * cores), written to test-output/harness/ and rebuilt only when its inputs change.
 */
const path = require('path');

module.exports = (outDir) => ({
  mode: 'development',
  devtool: false,
  context: __dirname,
  entry: path.join(__dirname, 'entry.tsx'),
  output: { path: outDir, filename: 'harness.js', publicPath: '/harness/', library: { name: 'Harness', type: 'window' } },
  resolve: { extensions: ['.tsx', '.ts', '.mjs', '.js'] },
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
      { test: /\.m?js$/, resolve: { fullySpecified: false } },
      { test: /\.css$/, use: ['style-loader', 'css-loader'] },
      { test: /\.(svg|png|jpe?g|gif|woff2?|ttf|eot)$/, type: 'asset/resource' },
    ],
  },
  performance: { hints: false },
  infrastructureLogging: { level: 'error' },
  stats: 'errors-warnings',
});
