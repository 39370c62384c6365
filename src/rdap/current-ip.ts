// Current RDAP address answers from memory (issue 15): the answer for a chain of networks is
// rendered once, by the same code as any other answer (routes.ts's renderIpAnswer, the one
// policy module deciding each view), encoded to bytes with holes for what each request has
// of its own, and kept per chain, view, language and base URL. A request then costs an index
// lookup and one copy: no SQL, no JSON.parse of a stored row, no JSON.stringify.
import type { FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import { viewKey } from '../policy/access.js';
import type { LookupService } from '../query/service.js';
import { formatInstant } from '../query/time.js';
import { AnswerCache } from '../encoded/answer-cache.js';
import { encodeTemplate, fillTemplate, instantMark, newMarks, type Template } from '../encoded/template.js';
import { contextFrom, renderIpAnswer, ResponseBuilder, type EntityCache, type RdapContextData } from './render.js';
import { rdapContextData } from './routes.js';

/** Holes of an address answer: the answer's own URL (every link's `value`), the instant, the time served. */
const URL_HOLE = 0;
const AS_OF_HOLE = 1;
const SERVED_HOLE = 2;

export class CurrentIpAnswers {
  private readonly cache: AnswerCache;
  private readonly url = newMarks(1)[0]!;
  private readonly asOf = instantMark();
  private readonly served = instantMark();

  constructor(
    private readonly config: Config,
    private readonly service: LookupService,
    private readonly entities: EntityCache | undefined,
    maxBytes: number,
  ) {
    this.cache = new AnswerCache(maxBytes);
  }

  get stats() {
    return this.cache.stats;
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
    const generation = this.service.importId;
    const key = `${node}\0${viewKey(data.caller)}\0${data.lang}\0${data.baseUrl}`;
    let template = this.cache.get(generation, key);
    if (!template) {
      const made = this.make(raw, data);
      if (!made) return null;
      template = made;
      this.cache.set(generation, key, template);
    }
    for (const handle of template.disclosed) request.disclosed.add(handle);
    const instant = Buffer.from(formatInstant(data.servedAt));
    const values: Buffer[] = [];
    values[URL_HOLE] = Buffer.from(JSON.stringify(data.contextUrl).slice(1, -1));
    values[AS_OF_HOLE] = instant;
    values[SERVED_HOLE] = instant;
    return fillTemplate(template, values);
  }

  /** The answer for `raw`'s chain rendered with marks in the holes, or null if it is not the same for every address of the chain. */
  private make(raw: string, data: RdapContextData): Template | null {
    const generation = this.service.importId;
    const outcome = this.service.lookupAddress(raw, {});
    // Only an answer from the index's own import is the same for the whole chain; another
    // registry's space names the address asked (a `related` link, or a redirect).
    if (outcome.kind !== 'ok' || this.service.importId !== generation || this.service.currentNode(raw) === null) return null;
    const value = outcome.value;
    if (value.query.port !== null || value.change || value.authority.kind === 'other-registry') return null;
    const asOf = { ...value.asOf, instant: this.asOf.ms };
    const disclosed = new Set<string>();
    const ctx = contextFrom({ ...data, contextUrl: this.url, servedAt: this.served.ms }, this.service, null, disclosed, this.entities);
    const b = new ResponseBuilder(ctx);
    const body = b.finish(renderIpAnswer(b, { ...value, asOf }, this.service), asOf);
    const marks: string[] = [];
    marks[URL_HOLE] = this.url;
    marks[AS_OF_HOLE] = this.asOf.text;
    marks[SERVED_HOLE] = this.served.text;
    return encodeTemplate(JSON.stringify(body), marks, [...disclosed]);
  }
}
