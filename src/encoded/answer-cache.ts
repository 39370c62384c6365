// The pre-encoded current answers of one front end (issue 15), bounded in bytes: least
// recently used answers give way one by one (lru-cache), never the whole cache at once.
// Keyed within a generation, the import the in-memory index reflects: when the index is
// swapped, answers of the old data are dropped with it.
import { LRUCache } from 'lru-cache';
import { templateBytes, type Template } from './template.js';

export interface AnswerCacheStats {
  readonly hits: number;
  readonly misses: number;
  readonly entries: number;
  readonly bytes: number;
}

export class AnswerCache {
  private readonly entries: LRUCache<string, Template>;
  private generation = -1;
  private hits = 0;
  private misses = 0;

  constructor(maxBytes: number) {
    this.entries = new LRUCache<string, Template>({ maxSize: Math.max(1, maxBytes), sizeCalculation: (t) => Math.max(1, templateBytes(t)) });
  }

  /** The answer stored under `key` for this generation, if any. */
  get(generation: number, key: string): Template | undefined {
    if (generation !== this.generation) {
      this.entries.clear();
      this.generation = generation;
    }
    const found = this.entries.get(key);
    if (found) this.hits++;
    else this.misses++;
    return found;
  }

  set(generation: number, key: string, template: Template): void {
    if (generation !== this.generation) return;
    this.entries.set(key, template);
  }

  get stats(): AnswerCacheStats {
    return { hits: this.hits, misses: this.misses, entries: this.entries.size, bytes: this.entries.calculatedSize };
  }
}
