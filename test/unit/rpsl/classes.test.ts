import { describe, expect, it } from 'vitest';
import { attributeSpec, classSpec, RPSL_CLASSES } from '../../../src/rpsl/classes.js';

const SERVED = ['inetnum', 'inet6num', 'aut-num', 'as-block', 'organisation', 'role', 'person', 'irt', 'mntner', 'domain', 'route', 'route6'];

describe('RPSL class specs', () => {
  it('cover exactly the classes lacak serves', () => {
    expect([...RPSL_CLASSES.keys()].sort()).toEqual([...SERVED].sort());
    expect(classSpec('INETNUM')?.className).toBe('inetnum');
    expect(classSpec('as-set')).toBeUndefined();
  });

  for (const name of SERVED) {
    it(`${name}: well-formed`, () => {
      const spec = classSpec(name)!;
      const names = spec.attributes.map((a) => a.name);
      expect(new Set(names).size, 'no attribute listed twice').toBe(names.length);
      const own = spec.attributes.find((a) => a.name === name)!;
      expect(own).toMatchObject({ mandatory: true, multiple: false });
      const keys = spec.attributes.filter((a) => a.primaryKey);
      expect(keys.length).toBeGreaterThan(0);
      for (const k of keys) expect(k).toMatchObject({ mandatory: true, multiple: false });
      expect(attributeSpec(name, 'source')).toMatchObject({ mandatory: true, multiple: false });
      expect(attributeSpec(name, 'changed')).toMatchObject({ mandatory: false, multiple: true });
      expect(attributeSpec(name, 'last-modified')?.mandatory).toBe(false);
      expect(attributeSpec(name, 'created')?.mandatory).toBe(false);
    });
  }

  it('follows the inetnum template of the brief', () => {
    const get = (n: string) => attributeSpec('inetnum', n);
    expect(get('inetnum')).toMatchObject({ mandatory: true, multiple: false, primaryKey: true });
    expect(get('netname')).toMatchObject({ mandatory: true, multiple: false });
    expect(get('country')).toMatchObject({ mandatory: true, multiple: true });
    expect(get('descr')).toMatchObject({ mandatory: false, multiple: true });
    expect(get('org')).toMatchObject({ mandatory: false, multiple: false, refersTo: ['organisation'] });
    expect(get('admin-c')).toMatchObject({ mandatory: true, multiple: true, refersTo: ['role', 'person'] });
    expect(get('abuse-c')).toMatchObject({ mandatory: false, multiple: false, refersTo: ['role'] });
    expect(get('mnt-irt')).toMatchObject({ mandatory: false, multiple: true, refersTo: ['irt'] });
    expect(get('status')).toMatchObject({ mandatory: true, multiple: false });
  });

  it('keys person and role by nic-hdl', () => {
    for (const c of ['person', 'role']) {
      expect(classSpec(c)!.attributes.filter((a) => a.primaryKey).map((a) => a.name)).toEqual(['nic-hdl']);
    }
    expect(classSpec('route')!.attributes.filter((a) => a.primaryKey).map((a) => a.name)).toEqual(['route', 'origin']);
  });

  it('refers only to class names', () => {
    const known = new Set([...SERVED, 'as-set', 'route-set', 'key-cert']);
    for (const spec of RPSL_CLASSES.values()) {
      for (const a of spec.attributes) for (const t of a.refersTo ?? []) expect(known.has(t), `${spec.className}.${a.name} → ${t}`).toBe(true);
    }
  });
});
