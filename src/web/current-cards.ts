// The page's cards for current answers, from the pack (issue 15): an index lookup, a copy and
// a JSON.parse of a few hundred bytes, instead of the lookups and the holders over time.
import type { LookupService } from '../query/service.js';
import type { AsOf } from '../query/types.js';
import type { RangeIndex } from '../index/range-index.js';
import { PackedAnswers } from '../encoded/packed.js';
import { cardFromTuple, type IpCard } from './card.js';
import type { PageCardPack } from './pack.js';

export class CurrentPageCards {
  private pack: { readonly index: RangeIndex; readonly cards: PackedAnswers; readonly sources: PageCardPack['sources'] } | null = null;
  private hits = 0;

  constructor(private readonly service: LookupService) {}

  /** Serves `pack`, made with `index`, while the service serves that index. */
  usePack(index: RangeIndex, pack: PageCardPack): void {
    this.pack = { index, cards: new PackedAnswers(pack.data), sources: pack.sources };
  }

  get stats() {
    const pack = this.pack && this.pack.index === this.service.rangeIndex ? this.pack.cards : null;
    return { packed: pack ? { answers: pack.answers, bytes: pack.memoryBytes, hits: this.hits } : null };
  }

  /** The card of the current answer for `q` and what it was read from, or null: ask the service. */
  card(q: string): { readonly card: IpCard; readonly asOf: AsOf } | null {
    const pack = this.pack;
    if (!pack || pack.index !== this.service.rangeIndex) return null;
    const node = this.service.currentNode(q);
    if (node === null || node < 0 || !pack.cards.has(node)) return null;
    this.hits++;
    return { card: cardFromTuple(JSON.parse(pack.cards.text(node)) as unknown[]), asOf: { instant: this.service.now(), requested: false, sources: pack.sources } };
  }
}
