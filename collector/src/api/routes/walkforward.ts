/**
 * GET and POST /api/backtest/walkforward (issue 26): the sweep's grid over the series
 * /api/backtest/sweep trades (the same windows' z and beta, warmed before `from`, final bars
 * only), walked forward: each fold's best combination on its train part runs on the test part
 * after it (src/analytics/honest/walkForward.ts). POST takes the same parameters as a JSON
 * object, for grids too long for a URL.
 */
import express, { type Router } from 'express';
import { WALKFORWARD_MAX_FOLDS, type WalkForwardResponse } from '@quant-pairs/contract';
import { walkForwardRequest, type RequestArgs } from '@quant-pairs/contract/requests';
import { walkForward } from '../../analytics';
import type { Ctx } from '../deps';
import { badParam } from '../http/errors';
import { bodyAsQuery, readQuery } from '../http/params';
import { gridColumns, rangeChecked } from './backtest';

async function answer(ctx: Ctx, q: RequestArgs<typeof walkForwardRequest>): Promise<WalkForwardResponse> {
  const g = await gridColumns(ctx, q);
  const folds = g.n > q.train ? Math.ceil((g.n - q.train) / q.test) : 0;
  if (folds > WALKFORWARD_MAX_FOLDS) {
    throw badParam('test', `train ${q.train} and test ${q.test} make ${folds} folds over ${g.n} bars; at most ${WALKFORWARD_MAX_FOLDS}: a longer test part`);
  }
  const plan = { train: q.train, test: q.test, anchored: q.anchored ?? false, objective: q.objective };
  const r = rangeChecked(() => walkForward(g.series, { window: q.window, entry: q.entry, exit: q.exit }, plan, g.fixed));
  const { ts } = g;
  return {
    ...g.head,
    ...plan,
    ...r,
    folds: r.folds.map((f) => ({ ...f, trainStartTs: ts[f.trainStart]!, testStartTs: ts[f.testStart]!, testLastTs: ts[f.testEnd - 1]! })),
    equityTs: r.folds.flatMap((f) => Array.from(ts.subarray(f.testStart, f.testEnd))),
  };
}

export function mount(r: Router, ctx: Ctx): void {
  r.get('/api/backtest/walkforward', async (req, res) => {
    res.json(await answer(ctx, readQuery(req.query, walkForwardRequest)));
  });
  r.post('/api/backtest/walkforward', express.json({ limit: '64kb', type: () => true }), async (req, res) => {
    res.json(await answer(ctx, readQuery(bodyAsQuery(req.body), walkForwardRequest)));
  });
}
