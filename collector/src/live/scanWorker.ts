/**
 * A scan pool's thread (scanPool.ts): computes the rows of a range of a scan's pairs and posts
 * them back. Pure computation, no store and no network.
 */
import { parentPort } from 'node:worker_threads';
import { scanRows } from '../analytics/scan';
import type { RowsRequest, RowsReply } from './scanPool';

parentPort!.on('message', (req: RowsRequest) => {
  let reply: RowsReply;
  try {
    reply = { id: req.id, ...scanRows(req.symbols, req.series, req.window, req.from, req.to) };
  } catch (e) {
    reply = { id: req.id, error: (e as Error).message };
  }
  parentPort!.postMessage(reply);
});
