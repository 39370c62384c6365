// The printable report of a piece of evidence (issue 18): one or two A4 pages that state the
// question, the answer, the instant in WIB and UTC, where the answer came from, who asked and
// the serial number, with a QR code of the verification URL. The JWS itself is embedded as
// an attachment (PDF 1.7 §7.11.4), so the file verifies offline; `embeddedEvidence` reads it back.
import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFRawStream, PDFString, StandardFonts, decodePDFRawStream, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import QRCode from 'qrcode';
import { decodeProtectedHeader, type FlattenedJWS } from 'jose';
import type { Language } from '../i18n/accept-language.js';
import type { BulkRow } from '../bulk/row.js';
import { REPORT_TEXT } from './report-texts.js';
import type { EvidenceStatement, ObjectFacts } from './statement.js';

/** The attachment's name: verify looks for it. */
export const EVIDENCE_ATTACHMENT = 'evidence.jws.json';

const PAGE: [number, number] = [595.28, 841.89];
const MARGIN = 50;
const WIDTH = PAGE[0] - 2 * MARGIN;
const QR_SIZE = 110;

/** Address fields printed, in this order, when they have a value. */
const ADDRESS_FIELDS: readonly (keyof BulkRow)[] = [
  'address',
  'network',
  'prefixes',
  'netname',
  'holder',
  'member',
  'legal_contact',
  'member_note',
  'sub_allocation',
  'abuse',
  'abuse_from',
  'authority',
  'authority_note',
  'country',
  'status',
  'next_holder',
  'changed',
  'likely_holder',
  'error',
];

/** The standard fonts write WinAnsi only: letters with marks lose them, anything else becomes "?". */
function printable(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/[^\u0020-\u007e\u00a0-\u00ff\u2013\u2014\u2022\u20ac]/g, '?');
}

/** `2017-04-29 20:14:00 WIB (2017-04-29T13:14:00Z)`. */
export function wibAndUtc(iso: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Jakarta', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(iso));
  const p = (t: string) => parts.find((x) => x.type === t)?.value ?? '';
  return `${p('year')}-${p('month')}-${p('day')} ${p('hour')}:${p('minute')}:${p('second')} WIB (${iso})`;
}

/** Lines of `text` no wider than `width` at `size`; a word longer than the width (a hash, a URL) is cut. */
function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const out: string[] = [];
  for (const paragraph of printable(text).split('\n')) {
    let line = '';
    for (const word of paragraph.split(' ')) {
      const candidate = line ? `${line} ${word}` : word;
      if (font.widthOfTextAtSize(candidate, size) <= width) {
        line = candidate;
        continue;
      }
      if (line) out.push(line);
      let rest = word;
      while (font.widthOfTextAtSize(rest, size) > width) {
        let cut = rest.length - 1;
        while (cut > 1 && font.widthOfTextAtSize(rest.slice(0, cut), size) > width) cut--;
        out.push(rest.slice(0, cut));
        rest = rest.slice(cut);
      }
      line = rest;
    }
    out.push(line);
  }
  return out;
}

/** Writes down the page, starting a new one when the text reaches the bottom margin. */
class Writer {
  page: PDFPage;
  y: number;

  constructor(
    private readonly doc: PDFDocument,
    private readonly regular: PDFFont,
    private readonly bold: PDFFont,
  ) {
    this.page = doc.addPage(PAGE);
    this.y = PAGE[1] - MARGIN;
  }

  private room(height: number): void {
    if (this.y - height >= MARGIN + 20) return;
    this.page = this.doc.addPage(PAGE);
    this.y = PAGE[1] - MARGIN;
  }

  text(text: string, options: { size?: number; bold?: boolean; indent?: number; width?: number; gap?: number } = {}): void {
    const size = options.size ?? 10;
    const font = options.bold ? this.bold : this.regular;
    const indent = options.indent ?? 0;
    for (const line of wrap(text, font, size, (options.width ?? WIDTH) - indent)) {
      this.room(size * 1.35);
      this.y -= size * 1.35;
      this.page.drawText(line, { x: MARGIN + indent, y: this.y, size, font, color: rgb(0, 0, 0) });
    }
    this.y -= options.gap ?? 0;
  }

  heading(text: string): void {
    this.y -= 6;
    this.text(text, { size: 12, bold: true, gap: 2 });
  }

  /** `label: value`, the value wrapped beside the label. */
  field(label: string, value: string, labelWidth = 150): void {
    const size = 10;
    const lines = wrap(value, this.regular, size, WIDTH - labelWidth);
    this.room(size * 1.35 * Math.min(lines.length, 3));
    this.page.drawText(printable(label), { x: MARGIN, y: this.y - size * 1.35, size, font: this.bold });
    for (const line of lines) {
      this.room(size * 1.35);
      this.y -= size * 1.35;
      this.page.drawText(line, { x: MARGIN + labelWidth, y: this.y, size, font: this.regular });
    }
  }
}

function answerFields(statement: EvidenceStatement): [string, string][] {
  if (Array.isArray(statement.facts)) {
    const row = (statement.facts as readonly BulkRow[])[0];
    if (!row) return [];
    return ADDRESS_FIELDS.filter((f) => row[f] !== null && row[f] !== undefined && row[f] !== '').map((f) => [f, String(row[f])]);
  }
  return Object.entries(statement.facts as ObjectFacts).filter((e): e is [string, string] => e[1] !== null);
}

/**
 * The report as PDF bytes. `verifyUrl` goes into the QR code and the text; the JWS is
 * attached whole. Dates inside the PDF are the served time, so the same evidence gives the same file.
 */
export async function renderReport(statement: EvidenceStatement, jws: FlattenedJWS, lang: Language, verifyUrl: string): Promise<Uint8Array> {
  const t = REPORT_TEXT[lang];
  const served = new Date(statement.servedAt);
  const doc = await PDFDocument.create();
  doc.setTitle(`${t.title} ${statement.serial}`);
  doc.setSubject(statement.serial);
  doc.setAuthor(statement.issuer.registry);
  doc.setCreator(`lacak ${statement.issuer.lacakVersion}`);
  doc.setProducer('lacak');
  doc.setLanguage(lang === 'id' ? 'id-ID' : 'en');
  doc.setCreationDate(served);
  doc.setModificationDate(served);
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const w = new Writer(doc, regular, bold);

  // The QR code top right; the title beside it.
  const qr = await doc.embedPng(await QRCode.toBuffer(verifyUrl, { type: 'png', errorCorrectionLevel: 'M', margin: 1, scale: 4 }));
  w.page.drawImage(qr, { x: PAGE[0] - MARGIN - QR_SIZE, y: PAGE[1] - MARGIN - QR_SIZE, width: QR_SIZE, height: QR_SIZE });
  const beside = WIDTH - QR_SIZE - 10;
  w.text(t.title, { size: 18, bold: true, width: beside, gap: 4 });
  w.text(t.subtitle(statement.issuer.registry), { size: 10, width: beside, gap: 6 });
  w.text(`${t.serial}: ${statement.serial}`, { size: 12, bold: true, width: beside, gap: 4 });
  w.text(t.verifyAt(verifyUrl), { size: 8, width: beside });
  w.y = Math.min(w.y, PAGE[1] - MARGIN - QR_SIZE - 10);

  w.heading(t.question);
  w.text(t.ask[statement.question.kind](statement.question.query));
  w.field(t.instant, statement.question.at && statement.instant ? wibAndUtc(statement.instant) : `${t.now}: ${statement.instant ? wibAndUtc(statement.instant) : ''}`);
  w.field(t.servedAt, wibAndUtc(statement.servedAt));

  w.heading(t.answer);
  for (const [field, value] of answerFields(statement)) w.field(t.fields[field] ?? field, value);
  if (statement.chain && statement.chain.length > 0) {
    w.y -= 4;
    w.text(t.chain, { bold: true });
    for (const network of statement.chain) w.text(network, { indent: 12, size: 9 });
  }

  w.heading(t.caller);
  w.field(t.role, statement.caller.role);
  w.field(t.caseReference, statement.caller.caseReference ?? t.none);
  if (statement.caller.viewNote) w.text(statement.caller.viewNote, { size: 9 });

  w.heading(t.provenance);
  for (const s of statement.provenance.snapshots) w.text(t.snapshot(s.source, s.snapshotAt, s.importId, s.nextSnapshotAt), { size: 9 });
  for (const i of statement.provenance.imports) for (const f of i.files) w.text(t.file(i.id, f.name, f.sha256), { size: 8 });

  w.heading(t.signature);
  w.text(t.signedWith(String(decodeProtectedHeader(jws).kid)), { size: 9 });
  w.text(t.embedded, { size: 9 });

  const pages = doc.getPages();
  pages.forEach((page, i) => page.drawText(`${statement.serial} · ${t.page(i + 1, pages.length)}`, { x: MARGIN, y: MARGIN - 20, size: 8, font: regular }));

  await doc.attach(Buffer.from(JSON.stringify(jws)), EVIDENCE_ATTACHMENT, {
    mimeType: 'application/jose+json',
    description: `${t.title} ${statement.serial}`,
    creationDate: served,
    modificationDate: served,
  });
  return doc.save({ useObjectStreams: false });
}

/** The JWS attached to a report, or why there is none to read (not a PDF, damaged, no attachment). */
export async function embeddedEvidence(bytes: Uint8Array): Promise<{ text: string } | { problem: string }> {
  let doc: PDFDocument;
  try {
    doc = await PDFDocument.load(bytes, { updateMetadata: false, throwOnInvalidObject: true });
  } catch (err) {
    return { problem: `the PDF cannot be read: ${(err as Error).message.split('\n')[0]}` };
  }
  try {
    const names = doc.catalog.lookupMaybe(PDFName.of('Names'), PDFDict);
    const files = names?.lookupMaybe(PDFName.of('EmbeddedFiles'), PDFDict);
    const list = files?.lookupMaybe(PDFName.of('Names'), PDFArray);
    for (let i = 0; list && i + 1 < list.size(); i += 2) {
      const name = list.lookup(i);
      if (!(name instanceof PDFString || name instanceof PDFHexString) || name.decodeText() !== EVIDENCE_ATTACHMENT) continue;
      const spec = list.lookup(i + 1, PDFDict);
      const stream = spec.lookup(PDFName.of('EF'), PDFDict).lookup(PDFName.of('F'));
      if (!(stream instanceof PDFRawStream)) return { problem: `the PDF's ${EVIDENCE_ATTACHMENT} is not a file stream` };
      return { text: new TextDecoder('utf-8', { fatal: true }).decode(decodePDFRawStream(stream).decode()) };
    }
  } catch (err) {
    return { problem: `the evidence attached to the PDF cannot be read: ${(err as Error).message.split('\n')[0]}` };
  }
  return { problem: `the PDF has no attachment named ${EVIDENCE_ATTACHMENT}: it is not a lacak evidence report` };
}
