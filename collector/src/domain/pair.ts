/**
 * A traded pair `Y/X`: y is regressed on x, so x (the second symbol) is the hedge leg. The
 * API's contract defines it (and the symbol pattern), so the collector parses pairs exactly
 * as the data source and provisioning do.
 */
export { parsePair, type Pair } from '@quant-pairs/contract';
