// Current RDAP address answers from memory (issue 15). The answer for a chain of networks is
// rendered by the same code as any other answer (renderIpAnswer, with the one policy module
// deciding each view), with marks where each request has parts of its own (its URL, the base
// URL, the instant, the time served), and kept encoded: for the anonymous view in English,
// every chain's answer packed ahead of time (pack.ts, run in a child process by
// offload/pack-answers.ts); for other views and languages, each answer once asked, in a
// byte-bounded LRU. A request then costs an index lookup and a copy: no SQL, no JSON.parse
// of a stored row, no JSON.stringify.
import type { FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import { ANONYMOUS, viewKey, type Caller } from '../policy/access.js';
import { answerHoldsForChain, type LookupService } from '../query/service.js';
import { formatInstant } from '../query/time.js';
import { AnswerCache } from '../encoded/answer-cache.js';
import type { PackedAnswers } from '../encoded/packed.js';
import { encodeTemplate, fillTemplate, instantMark, newMark, type Template } from '../encoded/template.js';
import type { RangeIndex } from '../index/range-index.js';
import type { Lang } from './messages.js';
import { contextFrom, renderIpAnswer, ResponseBuilder, type EntityCache } from './render.js';
import { rdapContextData } from './routes.js';
import { lacakVersion } from '../version.js';

type Json = Record<string, unknown>;

/** Holes of an address answer. */
const URL_HOLE = 0;
const AS_OF_HOLE = 1;
const SERVED_HOLE = 2;
const BASE_HOLE = 3;

/** The view packed ahead of time: what most questions are asked in. */
export const PACKED_LANG: Lang = 'en';

/** What stands for each hole while an answer is rendered once; random per process. */
export class AnswerMarks {
  private readonly url = newMark();
  /** A base URL ends in `/`, and paths are appended to it. */
  private readonly base = `${newMark()}/`;
  private readonly asOf = instantMark();
  private readonly served = instantMark();

  /** Mark texts by hole number. */
  get texts(): string[] {
    const out: string[] = [];
    out[URL_HOLE] = this.url;
    out[AS_OF_HOLE] = this.asOf.text;
    out[SERVED_HOLE] = this.served.text;
    out[BASE_HOLE] = this.base;
    return out;
  }

  /**
   * The current answer for the plain address `text` with marks in its holes, or null when
   * it is not the same for every address of its chain: not found, another registry's space
   * (a `related` link or a redirect names the address), or a chain without a network of
   * this registry, whose authority the placeholders at the address decide.
   */
  render(config: Config, service: LookupService, entities: EntityCache | undefined, text: string, lang: Lang, caller: Caller, disclosed: Set<string>): Json | null {
    const outcome = service.lookupAddress(text, {});
    if (outcome.kind !== 'ok') return null;
    const value = outcome.value;
    if (!answerHoldsForChain(value, config.registry)) return null;
    const asOf = { ...value.asOf, instant: this.asOf.ms };
    const data = { baseUrl: this.base, contextUrl: this.url, port43: config.port43, lang, caller, servedAt: this.served.ms, version: lacakVersion(), registry: config.registry };
    const b = new ResponseBuilder(contextFrom(data, service, null, disclosed, entities));
    return b.finish(renderIpAnswer(b, { ...value, asOf }, service), asOf);
  }
}

/** Kept for a chain whose answer names the address (or is not found): asked again, it is not rendered twice. */
const NOT_SHARED: Template = Object.freeze({ bytes: Buffer.alloc(0), holes: new Int32Array(0), disclosed: [] });

/** The pack of a worker's index: served only while that index is. */
export interface CurrentPack {
  readonly index: RangeIndex;
  readonly answers: PackedAnswers;
}

export class CurrentIpAnswers {
  private readonly cache: AnswerCache;
  private readonly marks = new AnswerMarks();
  private readonly markTexts = this.marks.texts;
  private pack: CurrentPack | null = null;
  private readonly baseBytes = new Map<string, Buffer>();
  private packHits = 0;
  /** Whether answers the pack does not hold are kept (LACAK_ANSWER_CACHE_MB > 0). */
  private readonly keeps: boolean;

  constructor(
    private readonly config: Config,
    private readonly service: LookupService,
    private readonly entities: EntityCache | undefined,
    maxBytes: number,
  ) {
    this.cache = new AnswerCache(maxBytes);
    this.keeps = maxBytes > 0;
  }

  /** Serves `pack` from now on (its index must be the one the service serves). */
  usePack(pack: CurrentPack): void {
    this.pack = pack;
  }

  get stats() {
    const pack = this.pack && this.pack.index === this.service.rangeIndex ? this.pack.answers : null;
    return {
      ...this.cache.stats,
      packed: pack ? { answers: pack.answers, bytes: pack.memoryBytes, hits: this.packHits } : null,
    };
  }

  /**
   * The body of the current answer for `raw`, or null when it is not one this class makes
   * (not a plain address, nothing holds it, another registry's space, the index behind the
   * newest import): the caller answers as for any other question.
   */
  body(request: FastifyRequest, raw: string): Buffer | null {
    const node = this.service.currentNode(raw);
    if (node === null || node < 0) return null;
    const data = rdapContextData(this.config, request);
    const values = this.values(data.contextUrl, data.baseUrl, data.servedAt);
    const pack = this.pack;
    if (pack && data.caller === ANONYMOUS && data.lang === PACKED_LANG && pack.index === this.service.rangeIndex && pack.answers.has(node)) {
      this.packHits++;
      return pack.answers.fill(node, values);
    }
    if (!this.keeps) return null;
    const generation = this.service.importId;
    const key = `${node}\0${viewKey(data.caller)}\0${data.lang}`;
    let template = this.cache.get(generation, key);
    if (!template) {
      const disclosed = new Set<string>();
      const body = this.marks.render(this.config, this.service, this.entities, raw, data.lang, data.caller, disclosed);
      // Only an answer of the index's own import is the same for the whole chain.
      if (this.service.importId !== generation || this.service.currentNode(raw) !== node) return null;
      template = body ? encodeTemplate(JSON.stringify(body), this.markTexts, [...disclosed]) : NOT_SHARED;
      this.cache.set(generation, key, template);
    }
    if (template === NOT_SHARED) return null;
    for (const handle of template.disclosed) request.disclosed.add(handle);
    return fillTemplate(template, values);
  }

  private values(contextUrl: string, baseUrl: string, servedAt: number): Buffer[] {
    let base = this.baseBytes.get(baseUrl);
    if (!base) {
      base = Buffer.from(JSON.stringify(baseUrl).slice(1, -1));
      if (this.baseBytes.size < 64) this.baseBytes.set(baseUrl, base);
    }
    const instant = Buffer.from(formatInstant(servedAt));
    const values: Buffer[] = [];
    values[URL_HOLE] = Buffer.from(JSON.stringify(contextUrl).slice(1, -1));
    values[AS_OF_HOLE] = instant;
    values[SERVED_HOLE] = instant;
    values[BASE_HOLE] = base;
    return values;
  }
}
