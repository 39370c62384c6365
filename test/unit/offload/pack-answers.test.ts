// Issue 15: the pre-encoder swaps a pack in with its own index, never one of an older import
// than the one served (it packs again), and runs one worker at a time.
import { describe, expect, it } from 'vitest';
import { PreEncoder, type PreEncoded, type PreEncodeRequest } from '../../../src/offload/pack-answers.js';

function fakes(served: { importId: number }) {
  const adopted: number[] = [];
  const used: number[] = [];
  const service = {
    get importId() {
      return served.importId;
    },
    adoptIndex(built: { importId: number }) {
      if (built.importId < served.importId) return false;
      served.importId = built.importId;
      adopted.push(built.importId);
      return true;
    },
  };
  const answers = { usePack: (pack: { index: { importId: number } }) => used.push(pack.index.importId), stats: { packed: null } };
  return { service, answers, adopted, used };
}

const request: PreEncodeRequest = { dbPath: 'unused', config: {} as never, maxBytes: 2 };
const packOf = (importId: number) => ({ built: { importId, index: { importId } }, answers: {}, report: {}, whois: {}, pages: {} }) as unknown as PreEncoded;

describe('PreEncoder', () => {
  it('swaps in a pack of the import served, or of a newer one, with its index', async () => {
    const served = { importId: 4 };
    const f = fakes(served);
    const imports = [4, 5];
    const encoder = new PreEncoder(request, f.service as never, { rdap: f.answers as never }, undefined, async () => packOf(imports.shift()!));
    await encoder.run();
    await encoder.run();
    expect(f.adopted).toEqual([4, 5]);
    expect(f.used).toEqual([4, 5]);
    expect(served.importId).toBe(5);
  });

  it('packs again when the pack is of an older import than the one served by then', async () => {
    const served = { importId: 7 };
    const f = fakes(served);
    const imports = [6, 7];
    let builds = 0;
    const encoder = new PreEncoder(request, f.service as never, { rdap: f.answers as never }, undefined, async () => {
      builds++;
      return packOf(imports.shift()!);
    });
    await encoder.run();
    // The second run starts by itself once the first is over.
    for (let i = 0; i < 20 && builds < 2; i++) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 5));
    expect(builds).toBe(2);
    expect(f.used).toEqual([7]);
  });

  it('runs one build at a time: a run asked for meanwhile follows it, once', async () => {
    const f = fakes({ importId: 1 });
    let concurrent = 0;
    let most = 0;
    let builds = 0;
    const encoder = new PreEncoder(request, f.service as never, { rdap: f.answers as never }, undefined, async () => {
      builds++;
      most = Math.max(most, ++concurrent);
      await new Promise((r) => setTimeout(r, 10));
      concurrent--;
      return packOf(1);
    });
    const first = encoder.run();
    void encoder.run();
    void encoder.run();
    await first;
    for (let i = 0; i < 20 && builds < 2; i++) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 20));
    expect(most).toBe(1);
    expect(builds).toBe(2);
  });

  it('does nothing once closed', async () => {
    const f = fakes({ importId: 1 });
    let builds = 0;
    const encoder = new PreEncoder(request, f.service as never, { rdap: f.answers as never }, undefined, async () => {
      builds++;
      return packOf(1);
    });
    encoder.close();
    await encoder.run();
    expect(builds).toBe(0);
  });
});
