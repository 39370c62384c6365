// Writes RDAP bootstrap files (the product's data/bootstrap/, or a deployment's own copy) from
// IANA's RFC 9224 files. They are registry facts that change when IANA allocates to an RIR, so
// they are refreshed from https://data.iana.org/rdap/ rather than edited by hand:
//
//   curl -fsSO https://data.iana.org/rdap/ipv4.json -O https://data.iana.org/rdap/ipv6.json \
//        -O https://data.iana.org/rdap/asn.json
//   npm run build && node dist/scripts/make-bootstrap.js --out data/bootstrap ipv4.json ipv6.json asn.json
//
// A deployment writes them outside the checkout or image (`--out /srv/lacak/bootstrap`, or a
// Docker volume), points LACAK_BOOTSTRAP_DIR there and restarts the server, which reads them at
// start; an upgrade then cannot bring the old files back. /healthz and the start-up log warn
// while the newest `publication` of the three is older than LACAK_BOOTSTRAP_MAX_AGE (issue 14):
// files that old miss what IANA allocated since (the 2016 asn.json ends at AS397212, so AS400000
// is answered "Authority unknown" instead of referred). `publication` is when IANA last changed
// a file, not when it was fetched.
//
// Each input is validated by the same code the server loads with, so a file the server
// would refuse is never written. Normalising (canonical entry text, entries in address
// order within each service) keeps refresh diffs down to what IANA actually changed;
// services, URLs, `description` and `publication` are kept as published.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { formatCidr } from '../src/net/prefix.js';
import {
  BOOTSTRAP_FILES,
  parseAsnBootstrap,
  parseIpBootstrap,
  type BootstrapFile,
} from '../src/referral/bootstrap.js';

export type BootstrapKind = keyof typeof BOOTSTRAP_FILES;

function render<B>(file: BootstrapFile<B>, format: (entry: B) => string, compare: (a: B, b: B) => number): string {
  const out = {
    ...(file.description === undefined ? {} : { description: file.description }),
    publication: file.publication,
    services: file.services.map((s) => [[...s.entries].sort(compare).map(format), [...s.urls]]),
    version: file.version,
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}

/** The normalised text of one IANA bootstrap file; throws LacakError naming `file` if it is invalid. */
export function normaliseBootstrap(kind: BootstrapKind, text: string, file: string): string {
  if (kind === 'asn') {
    return render(
      parseAsnBootstrap(text, file),
      (e) => (e.first === e.last ? String(e.first) : `${e.first}-${e.last}`),
      (a, b) => a.first - b.first,
    );
  }
  return render(
    parseIpBootstrap(kind === 'ipv4' ? 4 : 6, text, file),
    formatCidr,
    (a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.length - b.length),
  );
}

/** Which file an input is, by IANA's own file names. */
function kindOf(path: string): BootstrapKind | null {
  const name = basename(path);
  const kind = (Object.keys(BOOTSTRAP_FILES) as BootstrapKind[]).find((k) => BOOTSTRAP_FILES[k] === name);
  return kind ?? null;
}

const USAGE = 'usage: make-bootstrap --out DIR ipv4.json ipv6.json asn.json (IANA files, from https://data.iana.org/rdap/)';

function main(): void {
  const { values, positionals } = parseArgs({ options: { out: { type: 'string' } }, allowPositionals: true });
  if (!values.out) throw new Error(USAGE);
  const inputs = new Map<BootstrapKind, string>();
  for (const path of positionals) {
    const kind = kindOf(path);
    if (!kind) throw new Error(`${path}: expected a file named ipv4.json, ipv6.json or asn.json; ${USAGE}`);
    if (inputs.has(kind)) throw new Error(`${BOOTSTRAP_FILES[kind]} given twice`);
    inputs.set(kind, path);
  }
  const missing = (Object.keys(BOOTSTRAP_FILES) as BootstrapKind[]).filter((k) => !inputs.has(k));
  // A partial refresh would leave files from two different IANA publications side by side.
  if (missing.length > 0) throw new Error(`missing ${missing.map((k) => BOOTSTRAP_FILES[k]).join(', ')}; ${USAGE}`);

  // Everything is validated before anything is written, so a bad input leaves the old set intact.
  const outputs = [...inputs].map(([kind, path]) => ({
    kind,
    text: normaliseBootstrap(kind, readFileSync(path, 'utf8'), path),
  }));
  const outDir = resolve(values.out);
  mkdirSync(outDir, { recursive: true });
  for (const { kind, text } of outputs) {
    const target = join(outDir, BOOTSTRAP_FILES[kind]);
    writeFileSync(target, text);
    const parsed = JSON.parse(text) as { publication: string; services: [string[], string[]][] };
    const entries = parsed.services.reduce((n, s) => n + s[0].length, 0);
    console.log(`${target}: ${parsed.services.length} services, ${entries} entries, published ${parsed.publication}`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  try {
    main();
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
  }
}
