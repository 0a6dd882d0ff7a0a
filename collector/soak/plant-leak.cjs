// `npm run soak -- --plant-leak` (soak/memory.ts): preloaded into the collector (node --require),
// it keeps 32 KB for every HTTP request the process answers, a leak planted on purpose so that the
// soak's memory check can be seen to fail. Never loaded otherwise.
const http = require('node:http');

const KEEP = 32 << 10; // memory.ts LEAK_BYTES_PER_REQUEST
const kept = [];
const emit = http.Server.prototype.emit;
http.Server.prototype.emit = function (event, ...args) {
  if (event === 'request') kept.push(Buffer.alloc(KEEP, 1));
  return emit.call(this, event, ...args);
};
