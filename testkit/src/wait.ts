/** Waiting in tests, soak parts and harnesses: for a condition, not for a guessed time. */

export const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `cond` every `everyMs` until it holds; false after `timeoutMs`. */
export async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 20): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await cond()) return true;
    if (Date.now() > end) return false;
    await pause(everyMs);
  }
}

/** Like waitFor, but throws naming `what` (a function: what is known when the time is up). */
export async function until(cond: () => boolean | Promise<boolean>, what: string | (() => string), timeoutMs = 20_000, everyMs = 20): Promise<void> {
  if (!(await waitFor(cond, timeoutMs, everyMs))) throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : what()}`);
}
