// The anonymous English answer of every chain of networks, packed (issue 15): each rendered by
// the same code as any answer, cut into pieces, entities and notices shared. Run in the
// packing process by offload/pack-answers.ts.
import type { Config } from '../config.js';
import { formatIp } from '../net/ip.js';
import { ANONYMOUS } from '../policy/access.js';
import type { LookupService } from '../query/service.js';
import { PackBuilder, type PackedData } from '../encoded/packed.js';
import { AnswerPacker } from '../encoded/pieces.js';
import { AnswerMarks, PACKED_LANG } from './current-ip.js';
import { EntityCache } from './render.js';
import { addressAnswerDictionary } from './pack-dictionary.js';

export interface PackReport {
  /** Chains with a packed answer, and all chains of the index. */
  readonly answers: number;
  readonly chains: number;
  readonly ms: number;
}

/**
 * Packs the current answer of every chain of `service`'s index, until the pack holds
 * `maxBytes` (the chains after that are answered, and kept, as asked).
 */
export function packCurrentAnswers(config: Config, service: LookupService, maxBytes: number): { readonly data: PackedData; readonly report: PackReport } {
  const started = performance.now();
  const index = service.rangeIndex;
  const builder = new PackBuilder(index.chainNodes);
  const marks = new AnswerMarks();
  const packer = new AnswerPacker(builder, marks.texts, addressAnswerDictionary(config.port43));
  const entities = new EntityCache();
  let answers = 0;
  for (const { node, address } of index.nodeAddresses()) {
    if (builder.size >= maxBytes) break;
    const disclosed = new Set<string>();
    const body = marks.render(config, service, entities, formatIp(address.family, address.value), PACKED_LANG, ANONYMOUS, disclosed);
    // The anonymous view carries no personal data (DESIGN §5); an answer that did would need its audit row.
    if (!body || disclosed.size > 0) continue;
    packer.answer(node, body);
    answers++;
  }
  return { data: builder.finish(), report: { answers, chains: index.chainNodes, ms: Math.round(performance.now() - started) } };
}
