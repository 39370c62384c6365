// `lacak export --format rpsl`: every object valid at an instant, as an RPSL dump. By
// default the dump is what anyone may see (DESIGN §5's anonymous view: persons' personal data
// withheld, notification e-mails filtered, `auth:` never), so that it can be published or
// handed on; `--full` writes every attribute as stored, for backups and replicas.
import type { Writable } from 'node:stream';
import type { StoredObject } from '../model/types.js';
import { ANONYMOUS, viewObject } from '../policy/access.js';
import { renderRpsl } from '../rpsl/render.js';
import type { ObjectStore } from '../store/objects.js';
import type { AsOf } from '../store/ranges.js';
import { writeChunk } from './write.js';

export interface RpslExportOptions {
  /** Every attribute as stored, personal data and `auth:` hashes included. */
  readonly full: boolean;
}

/** What a public dump writes where a person's name was (the WHOIS answer's words). */
const WITHHELD = '[personal data withheld]';

/**
 * The attributes a public dump carries: the anonymous view. A person keeps its class line
 * (with WITHHELD for the name), or the dump would read its next attribute as the class.
 */
export function publicAttributes(object: StoredObject): readonly (readonly [string, string])[] {
  const view = viewObject(ANONYMOUS, object);
  const classGone = view.attributes[0]?.[0] !== object.className;
  return classGone ? [[object.className, WITHHELD], ...view.attributes] : view.attributes;
}

export async function exportRpsl(objects: ObjectStore, at: AsOf, out: Writable, header: string, options: RpslExportOptions = { full: false }): Promise<number> {
  let n = 0;
  await writeChunk(out, header);
  for (const object of objects.allAt(at)) {
    await writeChunk(out, '\n' + renderRpsl(options.full ? object.attributes : publicAttributes(object)));
    n++;
  }
  return n;
}
