// The page's card for the current answer of every chain of networks, packed (issue 15): made
// by the same code as any card (ipCardFor, with its holders over time), kept as JSON of its
// packed form, the member, the abuse contact and each network of the chain stored once. Run
// in the packing process by offload/pack-answers.ts.
import type { Config } from '../config.js';
import { formatIp } from '../net/ip.js';
import { answerHoldsForChain, type LookupService } from '../query/service.js';
import type { SourceSnapshot } from '../query/types.js';
import { PackBuilder, type PackedData } from '../encoded/packed.js';
import { AnswerPacker, type SharedPieceRule } from '../encoded/pieces.js';
import { nodesOfOneHistory } from '../index/one-history.js';
import { CARD_AT, cardTuple } from './card.js';
import { ipCardFor } from './page.js';

export interface PageCardPack {
  readonly data: PackedData;
  /** The snapshots every current answer of the import is read from (the card's provenance). */
  readonly sources: readonly SourceSnapshot[];
}

/** The statuses of APNIC-style inetnums and inet6nums, repeated card after card (encoding only: one a card lacks is not used). */
const CARD_WORDS = ['ALLOCATED PORTABLE', 'ALLOCATED NON-PORTABLE', 'ALLOCATED UNSPECIFIED', 'ASSIGNED PORTABLE', 'ASSIGNED NON-PORTABLE']
  .map((status) => JSON.stringify(status))
  .sort((a, b) => b.length - a.length);

const MEMBER = String(CARD_AT.member);
const ABUSE = String(CARD_AT.abuse);

/** Shared by the cards of a member's networks: the member, the abuse contact, each network of the chain. */
const cardPiece: SharedPieceRule = (holder, key, value, root) =>
  value !== null && ((holder === root && (key === MEMBER || key === ABUSE)) || (Array.isArray(root) && holder === root[CARD_AT.chain]));

/**
 * Packs the card of every chain of `service`'s index whose answer is the same for all its
 * addresses, holders over time included, until the pack holds `maxBytes`.
 */
export function packPageCards(config: Config, service: LookupService, maxBytes: number): { readonly pack: PageCardPack; readonly cards: number } {
  const index = service.rangeIndex;
  const builder = new PackBuilder(index.chainNodes);
  const packer = new AnswerPacker(builder, [], CARD_WORDS, cardPiece);
  const oneHistory = nodesOfOneHistory(index, service.ranges.endedNetworks());
  let sources: readonly SourceSnapshot[] = [];
  let cards = 0;
  for (const { node, address } of index.nodeAddresses()) {
    if (builder.size >= maxBytes) break;
    if (!oneHistory[node]) continue;
    const text = formatIp(address.family, address.value);
    const outcome = service.lookupAddress(text, {});
    if (outcome.kind !== 'ok' || !answerHoldsForChain(outcome.value, config.registry)) continue;
    const history = service.addressHistory(text);
    if (history.kind !== 'ok') continue;
    // Another registry's space has a referral; a chain that holds is this registry's.
    packer.answer(node, cardTuple(ipCardFor(outcome.value, history.value.records, null, config.registry)));
    sources = outcome.value.asOf.sources;
    cards++;
  }
  return { pack: { data: builder.finish(), sources }, cards };
}
