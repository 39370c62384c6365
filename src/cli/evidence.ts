// `lacak evidence keygen [--rotate]` and `lacak evidence verify FILE` (issue 18): the signing
// key file, and checking a JWS, a signed bulk answer or a report offline.
import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { LACAK_ERR, LacakError } from '../errors.js';
import { generateSigningKey, loadSigningKeys, parseJwkSet, SigningKeyProblem, type PublishedKey } from '../evidence/signing-keys.js';
import { verifyFile, type VerificationReport } from '../evidence/verify.js';
import type { BulkRow } from '../bulk/row.js';
import { loadBootstrap } from '../referral/bootstrap.js';
import { LookupService } from '../query/service.js';
import { openRegistryDb } from '../store/db.js';
import { dbOption, type CliContext } from './context.js';

/** The keys to check against: a JWK Set file (`--jwks`, e.g. saved from /.well-known/jwks.json), else the signing key file's. */
async function publishedKeys(signingKeyPath: string, jwksFile: string | undefined): Promise<{ keys: readonly PublishedKey[]; currentKid: string | null }> {
  if (jwksFile) {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(jwksFile, 'utf8'));
    } catch (err) {
      throw new LacakError(LACAK_ERR.FILE, `cannot read the key set ${jwksFile}: ${(err as Error).message}`);
    }
    const keys = parseJwkSet(json);
    if (!keys) throw new LacakError(LACAK_ERR.FORMAT, `${jwksFile} is not a JWK Set as /.well-known/jwks.json publishes it`);
    return { keys, currentKid: keys.find((k) => k.validUntil === null)?.kid ?? null };
  }
  try {
    const keys = await loadSigningKeys(signingKeyPath);
    return { keys: keys.published, currentKid: keys.current.kid };
  } catch (err) {
    if (err instanceof SigningKeyProblem) throw new LacakError(LACAK_ERR.CONFIG, `${err.message}; or give the registry's published keys with --jwks FILE`);
    throw err;
  }
}

function describe(report: VerificationReport): string {
  const lines: string[] = [];
  const key = report.key;
  const keyText = key ? `key ${key.kid} (Ed25519; signs ${key.validFrom} – ${key.validUntil ?? 'now'}${key.current ? '' : ', retired'})` : null;
  if (report.verdict === 'invalid') {
    lines.push(`invalid: ${report.reason}`);
    if (keyText) lines.push(`named ${keyText}`);
    return lines.join('\n');
  }
  const s = report.states!;
  lines.push(`valid: signed by ${keyText}`);
  lines.push(`serial: ${s.serial}`);
  lines.push(`issued by: ${s.issuer.registry} ${s.issuer.url}${s.issuer.node ? ` (replica ${s.issuer.node})` : ''}, lacak ${s.issuer.lacakVersion}`);
  lines.push(`served at: ${s.servedAt}`);
  lines.push(`question: ${s.question.path}${s.question.at ? '' : ' (now)'}`);
  lines.push(`instant: ${s.instant ?? 'each line its own'}`);
  lines.push(`asked by: ${s.caller.role}${s.caller.caseReference ? `, case reference ${s.caller.caseReference}` : ''}${s.caller.viewNote ? ` (${s.caller.viewNote})` : ''}`);
  if (Array.isArray(s.facts)) {
    for (const row of s.facts as readonly BulkRow[]) {
      lines.push(`answer${s.facts.length > 1 ? ` line ${row.line}` : ''}: ${row.error ?? `${row.network ?? '-'} held by ${row.holder ?? '-'}; member ${row.member ?? row.member_note ?? '-'}; abuse ${row.abuse ?? '-'}`}`);
    }
  } else {
    for (const [field, value] of Object.entries(s.facts)) if (value !== null) lines.push(`answer ${field}: ${value}`);
  }
  for (const snapshot of s.provenance.snapshots as readonly { source: string; snapshotAt: string; importId: number }[]) lines.push(`read from: ${snapshot.source} snapshot ${snapshot.snapshotAt} (import ${snapshot.importId})`);
  const current = report.current;
  if (current === null) lines.push('current data: not compared (no registry database)');
  else if (current.same) lines.push('current data: gives the same answer for that instant');
  else {
    lines.push(`current data: gives a different answer for that instant (the evidence stays what was answered then)`);
    for (const d of current.differences) {
      lines.push(`  ${d.input}: ${d.reason}`);
      for (const [field, then, now] of d.fields) lines.push(`    ${field}: ${then ?? '-'} -> ${now ?? '-'}`);
    }
  }
  return lines.join('\n');
}

export function addEvidenceCommand(program: Command, ctx: CliContext): void {
  const evidence = program.command('evidence').description('signed evidence: the signing key (LACAK_SIGNING_KEY) and verification');
  evidence
    .command('keygen')
    .description('create the Ed25519 signing key file (mode 0600); with --rotate, replace its key and keep the old public key for verification')
    .option('--rotate', 'retire the current key (it verifies old evidence, signs nothing new) and sign with a new one from now')
    .action(async (opts: { rotate?: boolean }) => {
      const config = ctx.config();
      try {
        const made = await generateSigningKey(config.signingKeyPath, { rotate: opts.rotate === true, now: Date.now() });
        process.stdout.write(`${made.retired ? `retired key ${made.retired}; ` : ''}signing with key ${made.kid} (${config.signingKeyPath})\n`);
      } catch (err) {
        if (err instanceof SigningKeyProblem) throw new LacakError(LACAK_ERR.CONFIG, err.message);
        throw err;
      }
    });
  evidence
    .command('verify')
    .description('check a JWS, a signed bulk answer or a report PDF: valid or not, which key, what it states, and whether the registry still gives that answer')
    .addOption(dbOption())
    .option('--jwks <file>', "the registry's public keys (saved from /.well-known/jwks.json); default: those of LACAK_SIGNING_KEY")
    .option('--json', 'print the verification as JSON')
    .argument('<file>', 'the evidence file, or - for standard input')
    .action(async (file: string, opts: { db?: string; jwks?: string; json?: boolean }) => {
      const config = ctx.config(opts.db);
      let bytes: Buffer;
      try {
        bytes = readFileSync(file === '-' ? 0 : file);
      } catch (err) {
        throw new LacakError(LACAK_ERR.FILE, `cannot read ${file}: ${(err as Error).message}`);
      }
      const { keys, currentKid } = await publishedKeys(config.signingKeyPath, opts.jwks);
      // Offline, without the registry, it still says whether the evidence is valid.
      const db = existsSync(config.dbPath) ? openRegistryDb(config.dbPath, { readonly: true }) : null;
      try {
        const service = db ? new LookupService(db, config, undefined, { bootstrap: loadBootstrap(config.bootstrapDir) }) : null;
        const report = await verifyFile(bytes, keys, currentKid, service, config.registry);
        process.stdout.write(`${opts.json ? JSON.stringify(report, null, 2) : describe(report)}\n`);
        if (report.verdict === 'invalid') process.exitCode = 1;
      } finally {
        db?.close();
      }
    });
}
