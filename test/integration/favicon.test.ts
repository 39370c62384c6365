// GET /favicon.ico (issue 14): browsers ask for it on their own, and a 404 there is an error
// in the console of every visitor. lacak answers with its own small icon, from its own origin
// (the page's CSP allows images from there and nowhere else), kept by the browser a long time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleApp, type SampleApp } from '../helpers/sample-app.js';

describe('favicon', () => {
  let s: SampleApp;
  beforeAll(async () => {
    s = await sampleApp();
  });
  afterAll(async () => s?.close());

  it('answers /favicon.ico with an ICO image, cached for a long time', async () => {
    const r = await s.app.inject({ url: '/favicon.ico' });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('image/x-icon');
    expect(r.headers['cache-control']).toMatch(/^public, max-age=(\d+)$/);
    expect(Number(/max-age=(\d+)/.exec(String(r.headers['cache-control']))![1])).toBeGreaterThanOrEqual(86_400);
    const ico = r.rawPayload;
    // ICONDIR: reserved 0, type 1 (icon), one image; its entry: 16×16, 32 bits per pixel.
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2), ico.readUInt16LE(4)]).toEqual([0, 1, 1]);
    expect([ico[6], ico[7], ico.readUInt16LE(12)]).toEqual([16, 16, 32]);
    // The entry's size and offset describe exactly the bytes that follow.
    expect(ico.readUInt32LE(18) + ico.readUInt32LE(14)).toBe(ico.length);
    // A BITMAPINFOHEADER whose height counts the colour rows and the mask rows.
    const image = ico.readUInt32LE(18);
    expect([ico.readUInt32LE(image), ico.readInt32LE(image + 4), ico.readInt32LE(image + 8)]).toEqual([40, 16, 32]);
  });

  it('answers HEAD too, and the page that asks for it allows it in its CSP', async () => {
    const head = await s.app.inject({ method: 'HEAD', url: '/favicon.ico' });
    expect(head.statusCode).toBe(200);
    const page = await s.app.inject({ url: '/' });
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toMatch(/(^|;)\s*img-src 'self'(;|$)/);
  });
});
