// `lacak export --format rpsl`: every object valid at an instant, as an RPSL dump.
import type { Writable } from 'node:stream';
import { renderRpsl } from '../rpsl/render.js';
import type { ObjectStore } from '../store/objects.js';
import type { AsOf } from '../store/ranges.js';
import { writeChunk } from './write.js';

export async function exportRpsl(objects: ObjectStore, at: AsOf, out: Writable, header: string): Promise<number> {
  let n = 0;
  await writeChunk(out, header);
  for (const object of objects.allAt(at)) {
    await writeChunk(out, '\n' + renderRpsl(object.attributes));
    n++;
  }
  return n;
}
