// The page's icon, served by lacak itself (issue 14): every browser asks for /favicon.ico
// whether or not the page names one, and a 404 there is an error in its console. The icon
// is drawn here, in code, so that no binary file needs to be kept beside the sources and the
// page still loads nothing from elsewhere (its CSP allows images from its own origin only).

const SIZE = 16;
/** The page's accent colour (--accent in assets.ts), and white for the letter. */
const ACCENT = [0x0b, 0x53, 0x94] as const;
const WHITE = [0xff, 0xff, 0xff] as const;

/** A white "L" (for lacak) on the accent colour, rows top to bottom; the corners are transparent. */
function pixel(x: number, y: number): readonly [number, number, number, number] {
  const corner = (x === 0 || x === SIZE - 1) && (y === 0 || y === SIZE - 1);
  if (corner) return [0, 0, 0, 0];
  const stem = x >= 4 && x <= 6 && y >= 3 && y <= 12;
  const foot = y >= 10 && y <= 12 && x >= 4 && x <= 11;
  const [r, g, b] = stem || foot ? WHITE : ACCENT;
  return [r, g, b, 0xff];
}

/**
 * A 16×16 ICO with one 32-bit BMP image: an ICONDIR, one ICONDIRENTRY, a BITMAPINFOHEADER
 * whose height counts the colour rows and the AND-mask rows (hence twice 16), the BGRA rows
 * bottom-up, then the 1-bit AND mask (all zero: the alpha channel decides), each mask row
 * padded to 32 bits. BMP inside ICO rather than PNG: no compression or checksum to compute.
 */
function buildFavicon(): Buffer {
  const header = 6;
  const entry = 16;
  const info = 40;
  const colour = SIZE * SIZE * 4;
  const mask = SIZE * 4;
  const image = info + colour + mask;
  const out = Buffer.alloc(header + entry + image);
  out.writeUInt16LE(0, 0); // reserved
  out.writeUInt16LE(1, 2); // type: icon
  out.writeUInt16LE(1, 4); // one image
  out.writeUInt8(SIZE, 6);
  out.writeUInt8(SIZE, 7);
  out.writeUInt8(0, 8); // no palette
  out.writeUInt8(0, 9);
  out.writeUInt16LE(1, 10); // planes
  out.writeUInt16LE(32, 12); // bits per pixel
  out.writeUInt32LE(image, 14);
  out.writeUInt32LE(header + entry, 18);
  let at = header + entry;
  out.writeUInt32LE(info, at);
  out.writeInt32LE(SIZE, at + 4);
  out.writeInt32LE(SIZE * 2, at + 8);
  out.writeUInt16LE(1, at + 12);
  out.writeUInt16LE(32, at + 14);
  out.writeUInt32LE(0, at + 16); // BI_RGB
  out.writeUInt32LE(colour + mask, at + 20);
  at += info;
  for (let y = SIZE - 1; y >= 0; y--) {
    for (let x = 0; x < SIZE; x++) {
      const [r, g, b, a] = pixel(x, y);
      out[at++] = b;
      out[at++] = g;
      out[at++] = r;
      out[at++] = a;
    }
  }
  // The AND mask is already zero (Buffer.alloc).
  return out;
}

export const FAVICON: Buffer = buildFavicon();
