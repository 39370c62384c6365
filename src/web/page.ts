// The "who held this address?" page, rendered on the server: one search form and, when a
// question was asked, its answer as a card. Pure: given what the query service answered,
// returns HTML. Every value from the registry or the request goes through `esc`.
import type { StoredObject } from '../model/types.js';
import { firstValue, stripComment } from '../model/types.js';
import { formatRange } from '../net/prefix.js';
import type { HistoryRecord } from '../query/service.js';
import type { AsOf, IpAnswer, NotFound, QueryProblem, SnapshotChange } from '../query/types.js';
import { ANSWER_TEXT, changeLines, type Found } from '../i18n/answer-texts.js';
import { ipCardOf, type CardHolder, type IpCard } from './card.js';
import { WEB_TEXT, type WebLang } from './messages.js';
import { formatInstant } from '../query/time.js';
import { BULK_LINES } from '../policy/access.js';

export interface PageQuery {
  readonly q: string;
  /** The date and time as typed (datetime-local: no zone). */
  readonly at: string;
  readonly tz: string;
}

export type PageAnswer =
  | { readonly kind: 'none' }
  /** `q`: the question as the answer quotes it (the citation link asks it again). */
  | { readonly kind: 'ip'; readonly card: IpCard; readonly asOf: AsOf; readonly q: string }
  | {
      readonly kind: 'object';
      readonly object: StoredObject;
      readonly asOf: AsOf;
      /** The abuse mailbox by the network rule (its abuse-c, mnt-irt, organisation's abuse-c). */
      readonly abuse: string | null;
      /** For an organisation: the networks and AS numbers it holds (`holdsMore`: and others). */
      readonly holds: readonly StoredObject[];
      readonly holdsMore: boolean;
    }
  /** `prefix`: no object had the whole name; these are those whose name begins with it. */
  | { readonly kind: 'names'; readonly name: string; readonly match: 'exact' | 'prefix'; readonly objects: readonly StoredObject[]; readonly more: boolean }
  /** `currentOnly`: a name asked at a past time (names are searched in current data only). */
  | {
      readonly kind: 'notFound';
      readonly notFound: NotFound;
      readonly registry: string;
      readonly currentOnly?: boolean;
      readonly referral?: Referral | null;
      /** Nothing held it at the time asked, but the next snapshot says otherwise. */
      readonly change?: SnapshotChange | null;
      readonly asOf?: AsOf;
    }
  | { readonly kind: 'error'; readonly problem: QueryProblem };

/** Where to ask about another registry's space. */
export interface Referral {
  readonly registry: string;
  /** The other registry's RDAP answer to the same question, and the host serving it. */
  readonly rdap: string;
  readonly rdapHost: string;
  readonly whois: string | null;
}

export interface PageLinks {
  readonly rdap: string | null;
  readonly whois: string | null;
}

const ZONES = ['Asia/Jakarta', 'Asia/Makassar', 'Asia/Jayapura', 'UTC'] as const;

const ENTITY: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const SPECIAL = /[&<>"']/;

export function esc(text: string): string {
  // Most values have nothing to escape: a test is cheaper than a replace that finds nothing.
  return SPECIAL.test(text) ? text.replace(/[&<>"']/g, (c) => ENTITY[c]!) : text;
}


function value(o: StoredObject, name: string): string | null {
  const v = firstValue(o, name);
  return v === undefined ? null : stripComment(v) || null;
}

function row(label: string, content: string | null, extra = '', name = ''): string {
  return content === null ? '' : `<div class="row"${name ? ` data-field="${name}"` : ''}><dt>${esc(label)}</dt><dd>${content}${extra}</dd></div>`;
}

function ipCard(lang: WebLang, c: IpCard, asOf: AsOf, q: string): string {
  const t = WEB_TEXT[lang];
  const legal = c.member?.legal;
  const member = c.member
    ? `${esc(c.member.name)} <span class="handle">${esc(c.member.handle)}</span>${legal ? `<br>${esc(t.legalDesk)}: ${esc(legal.name)}, <a href="mailto:${esc(legal.email)}">${esc(legal.email)}</a>, ${esc(legal.phone)}` : ''}`
    : null;
  const abuse = c.abuse
    ? `<span id="abuse">${esc(c.abuse.mailbox)}</span> <button type="button" class="copy" data-copy="abuse" aria-label="${esc(t.copyAbuse)}">${esc(t.copy)}</button>${c.abuse.inheritedFrom !== null ? `<br><small>${esc(t.inheritedFrom(c.abuse.inheritedFrom))}</small>` : ''}`
    : null;
  const chain = c.chain.map((n) => `<li>${esc(n.range)} <span class="handle">${esc(n.netname)}</span> <small>${esc(n.status)} · ${esc(n.source)}</small></li>`).join('');
  return `<article class="card" aria-labelledby="holder">
<h2 id="holder">${esc(c.holderName)}</h2>
${c.change ? c.change[lang] : ''}
<dl>
${row(t.network, `<span data-range>${esc(c.range)}</span> <span class="handle">${esc(c.netname)}</span>`, '', 'network')}
${row(t.authority, c.authority ? c.authority[lang] : null, '', 'authority')}
${row(t.member, member ?? (c.noMember?.[lang] ? esc(c.noMember[lang]) : null), '', 'member')}
${row(t.abuse, abuse, '', 'abuse')}
${row(t.subAllocation, c.subAllocation !== null ? esc(c.subAllocation) : null)}
${row(t.country, c.country ? esc(c.country) : null)}
${row(t.status, c.status ? esc(c.status) : null)}
${row(t.registered, c.registered ? esc(c.registered) : null)}
${row(t.changed, c.changed ? esc(c.changed) : null)}
${c.port ? row(t.port, esc(c.port[lang])) : ''}
</dl>
<h3>${esc(t.chain)}</h3>
<ol class="chain">${chain}</ol>
${timeline(lang, c.history)}
${provenance(lang, asOf, q)}
</article>`;
}

/** The card of an address's answer: page.ts words the parts that need a language. */
export function ipCardFor(a: IpAnswer, history: readonly HistoryRecord<IpAnswer>[], referral: Referral | null, registry: string): IpCard {
  const authority = a.authority;
  return ipCardOf(a, history, registry, {
    authority: (lang) => authority.kind === 'this-registry' ? '' : `${esc(ANSWER_TEXT[lang].authority(authority, registry))}${referral ? `<br>${referralLinks(lang, referral)}` : ''}`,
    change: (lang) => changeWarning(lang, a.change!, { kind: 'ok', answer: a }, a.asOf.instant, registry),
  });
}

/**
 * Holders over time: each holder with the snapshots it was seen between (when lacak learned of
 * it) and its network's own dates (when the registry says it was registered and changed);
 * the period the answer was read for is marked, so a past-time answer shows where it sits.
 */
function timeline(lang: WebLang, history: readonly CardHolder[]): string {
  if (history.length === 0) return '';
  const t = WEB_TEXT[lang];
  const day = (ms: number) => `<time datetime="${formatInstant(ms)}">${esc(formatInstant(ms).slice(0, 10))}</time>`;
  const items = history
    .map((r) => {
      const own = [r.created !== null ? `${esc(t.registeredOn)} ${day(r.created)}` : '', r.modified !== null ? `${esc(t.changedOn)} ${day(r.modified)}` : ''].filter((x) => x).join(', ');
      const current = r.current ? ` aria-current="true" class="current"` : '';
      return `<li${current}>${esc(r.name)} <small>${esc(r.netname)}</small><br><small>${esc(t.seenInSnapshots)} ${day(r.from)} – ${r.until === null ? esc(t.now) : day(r.until)}${own ? `; ${own}` : ''}</small></li>`;
    })
    .join('');
  return `<h3>${esc(t.history)}</h3><ol class="timeline">${items}</ol>`;
}

/** DESIGN §2 "Between snapshots": a visible warning, not a footnote. */
function changeWarning(lang: WebLang, change: SnapshotChange, then: Found, instant: number, registry: string): string {
  const t = WEB_TEXT[lang];
  const lines = changeLines(lang, change, then, instant, registry);
  return `<section class="warning" role="note" aria-labelledby="change-title" data-verdict="${esc(change.verdict)}"><h3 id="change-title">${esc(t.changeTitle)}</h3>${lines.map((l) => `<p>${esc(l)}</p>`).join('')}</section>`;
}

function referralLinks(lang: WebLang, referral: Referral): string {
  const t = WEB_TEXT[lang];
  return `${esc(t.askThere(referral.registry))} <a href="${esc(referral.rdap)}">${esc(referral.rdapHost)}</a> (RDAP)${referral.whois ? `, <code>whois -h ${esc(referral.whois)}</code> (WHOIS)` : ''}.`;
}

/**
 * Which snapshots the answer was read from, and a link that asks the same question at the
 * same instant (to the second, in UTC): it gives this answer again later, so it can be cited.
 */
function provenance(lang: WebLang, asOf: AsOf, q: string): string {
  const t = WEB_TEXT[lang];
  const sources = asOf.sources.map((s) => `${esc(s.source)} ${esc(formatInstant(s.snapshotAt))} (${esc(t.importWord)} ${s.importId})`).join('; ');
  const fixed = `/?${new URLSearchParams({ q, at: new Date(asOf.instant).toISOString().slice(0, 19), tz: 'UTC', lang }).toString()}`;
  return `<p class="provenance">${esc(asOf.requested ? t.asOfRequested(formatInstant(asOf.instant)) : t.asOfNow(formatInstant(asOf.instant)))} ${esc(t.sources)}: ${sources}. <a href="${esc(fixed)}" rel="bookmark">${esc(t.citeLink)}</a></p>`;
}

/** What an object is called: its organisation, AS, role, IRT or network name, else its key. */
function displayName(o: StoredObject): string {
  return value(o, 'org-name') ?? value(o, 'as-name') ?? value(o, 'role') ?? value(o, 'irt') ?? value(o, 'netname') ?? value(o, 'person') ?? o.key;
}

function objectCard(lang: WebLang, answer: Extract<PageAnswer, { kind: 'object' }>): string {
  const t = WEB_TEXT[lang];
  const o = answer.object;
  const abuse = answer.abuse ?? (o.className === 'role' || o.className === 'irt' ? value(o, 'abuse-mailbox') : null);
  const org = o.className !== 'organisation' ? value(o, 'org') : null;
  const holds = answer.holds.map((h) => `<li>${objectLink(lang, h, h.range ? formatRange(h.range) : h.key)} <span class="handle">${esc(h.range ? (value(h, 'netname') ?? '') : (value(h, 'as-name') ?? ''))}</span> <small>${esc(value(h, 'status') ?? h.className)} · ${esc(h.source)}</small></li>`).join('');
  return `<article class="card" aria-labelledby="holder">
<h2 id="holder">${esc(displayName(o))}</h2>
<dl>
${row(t.kind, esc(o.className))}
${row(t.handle, esc(o.key))}
${row(t.organisation, org ? `<a href="${esc(pageHref(lang, org))}">${esc(org)}</a>` : null)}
${row(t.abuse, abuse ? `<span id="abuse">${esc(abuse)}</span> <button type="button" class="copy" data-copy="abuse" aria-label="${esc(t.copyAbuse)}">${esc(t.copy)}</button>` : null)}
${row(t.country, value(o, 'country') ? esc(value(o, 'country')!.toUpperCase()) : null)}
${row(t.registered, value(o, 'created') ? esc(value(o, 'created')!) : null)}
${row(t.changed, value(o, 'last-modified') ? esc(value(o, 'last-modified')!) : null)}
</dl>
${holds ? `<h3>${esc(t.holds)}</h3><ul class="holds">${holds}</ul>${answer.holdsMore ? `<p class="help">${esc(t.holdsMore(answer.holds.length, o.key))}</p>` : ''}` : ''}
${provenance(lang, answer.asOf, answer.object.key)}
</article>`;
}

/** The page's own URL for a question, in the same language. */
function pageHref(lang: WebLang, q: string): string {
  return `/?${new URLSearchParams({ q, lang }).toString()}`;
}

/** A link that asks the page about an object: a network by its range, anything else by its key. */
function objectLink(lang: WebLang, o: StoredObject, text: string): string {
  return `<a href="${esc(pageHref(lang, o.range ? formatRange(o.range) : o.key))}">${esc(text)}</a>`;
}

/** Objects found by name, each a link that asks the page about it. */
function namesCard(lang: WebLang, name: string, match: 'exact' | 'prefix', objects: readonly StoredObject[], more: boolean): string {
  const t = WEB_TEXT[lang];
  const items = objects
    .map((o) => `<li>${objectLink(lang, o, displayName(o))} <span class="handle">${esc(o.key)}</span> <small>${esc(o.className)} · ${esc(o.source)}</small></li>`)
    .join('');
  return `<article class="card" aria-labelledby="holder">
<h2 id="holder">${esc(match === 'exact' ? t.namesTitle(name) : t.namesBeginTitle(name))}</h2>
<ul class="names">${items}</ul>
${more ? `<p class="help">${esc(t.namesMore(objects.length))}</p>` : ''}
<p class="provenance">${esc(t.namesCurrent)}</p>
</article>`;
}

function notFoundCard(lang: WebLang, answer: Extract<PageAnswer, { kind: 'notFound' }>): string {
  const t = WEB_TEXT[lang];
  const { notFound, registry } = answer;
  const text = notFound.kind === 'no-object' ? (answer.currentOnly ? t.noObjectAtTime : t.noObject) : ANSWER_TEXT[lang].notFound(notFound, registry);
  const where = answer.referral ? `<p>${referralLinks(lang, answer.referral)}</p>` : '';
  const change = answer.change && answer.asOf ? changeWarning(lang, answer.change, { kind: 'notFound', notFound }, answer.asOf.instant, registry) : '';
  return `<article class="card notice" role="status"><h2>${esc(t.notFoundTitle)}</h2>${change}<p data-field="authority">${esc(text)}</p>${where}</article>`;
}

/** Parts of the page that depend on its language and time zone only, made once each. */
const made = new Map<string, string>();

function once(key: string, make: () => string): string {
  let part = made.get(key);
  if (part === undefined) {
    part = make();
    // Keys come from the page's two languages and four zones; a bound all the same.
    if (made.size < 64) made.set(key, part);
  }
  return part;
}

function zoneOptions(lang: WebLang, tz: string): string {
  return once(`zones\0${lang}\0${tz}`, () => ZONES.map((z) => `<option value="${z}"${z === tz ? ' selected' : ''}>${esc(WEB_TEXT[lang].zone(z))}</option>`).join(''));
}

/** The bulk line limits per role, written the way each language writes numbers (10.000, 10,000). */
const LINE_LIMITS: Record<WebLang, Record<'anonymous' | 'member' | 'lea', string>> = {
  id: lineLimits(new Intl.NumberFormat('id-ID')),
  en: lineLimits(new Intl.NumberFormat('en-GB')),
};

function lineLimits(number: Intl.NumberFormat): Record<'anonymous' | 'member' | 'lea', string> {
  return { anonymous: number.format(BULK_LINES.anonymous), member: number.format(BULK_LINES.member), lea: number.format(BULK_LINES.lea) };
}

/**
 * Bulk lookups for key holders. The form works through the page's script only (it posts
 * to /bulk/ip with the key in the Authorization header), so it starts hidden, and none of
 * its fields has a name: even a form submitted without the script sends no key anywhere.
 */
function bulkSection(lang: WebLang, tz: string): string {
  return once(`bulk\0${lang}\0${tz}`, () => bulkSectionOf(lang, tz));
}

function bulkSectionOf(lang: WebLang, tz: string): string {
  const t = WEB_TEXT[lang];
  const zones = zoneOptions(lang, tz);
  const messages = { progress: t.bulkProgress, done: t.bulkDone, interrupted: t.bulkInterrupted, empty: t.bulkEmpty, refused: t.bulkRefused };
  const data = scriptTexts(messages);
  return `<section class="bulk" aria-labelledby="bulk-title">
<h2 id="bulk-title">${esc(t.bulkTitle)}</h2>
<p>${esc(t.bulkIntro(LINE_LIMITS[lang]))}</p>
<noscript><p>${esc(t.bulkNoScript)}</p></noscript>
<form id="bulk" hidden${data}>
<label for="bulk-key">${esc(t.bulkKey)}</label>
<input id="bulk-key" type="password" autocomplete="off" spellcheck="false" aria-describedby="bulk-key-note">
<p id="bulk-key-note" class="help">${esc(t.bulkKeyNote)}</p>
<label for="bulk-case">${esc(t.bulkCase)}</label>
<input id="bulk-case" type="text" maxlength="64" autocomplete="off" spellcheck="false">
<label for="bulk-lines">${esc(t.bulkLines)}</label>
<textarea id="bulk-lines" rows="6" spellcheck="false" placeholder="203.0.113.7:51234,2017-04-29T20:14:00"></textarea>
<label for="bulk-file">${esc(t.bulkFile)}</label>
<input id="bulk-file" type="file" accept=".csv,.txt,text/csv,text/plain">
<label for="bulk-tz">${esc(t.bulkTz)}</label>
<select id="bulk-tz">${zones}</select>
<button type="submit">${esc(t.bulkSubmit)}</button>
<progress id="bulk-progress" hidden aria-label="${esc(t.bulkProgressLabel)}"></progress>
<p id="bulk-status" role="status"></p>
<a id="bulk-download" hidden>${esc(t.bulkDownload)}</a>
</form>
</section>`;
}

/**
 * Where the signed report of the same answer is: `/evidence`, the RDAP path, `/report.pdf`,
 * then the RDAP query (`?at=&tz=`) as it is. Evidence is signed for addresses, prefixes, AS
 * numbers, entities and reverse zones: the RDAP lookups with an evidence route.
 */
export function evidenceHref(rdap: string): string | null {
  if (!/^\/(ip|autnum|entity|domain)\/[^?]/.test(rdap)) return null;
  const query = rdap.indexOf('?');
  return query < 0 ? `/evidence${rdap}/report.pdf` : `/evidence${rdap.slice(0, query)}/report.pdf${rdap.slice(query)}`;
}

/** `data-msg-NAME` attributes: the script reads its texts from the page, in the page's language. */
export function scriptTexts(texts: Readonly<Record<string, string>>): string {
  return Object.entries(texts).map(([k, v]) => ` data-msg-${k}="${esc(v)}"`).join('');
}

/**
 * The signed report of the answer shown, for key holders. Like the bulk form, it works
 * through the page's script only (the key goes in the Authorization header, which a link
 * cannot carry): it starts hidden and its fields have no names.
 */
function evidenceSection(lang: WebLang, href: string): string {
  const t = WEB_TEXT[lang];
  return `<section class="evidence" aria-labelledby="evidence-title">
<h2 id="evidence-title">${esc(t.evidenceTitle)}</h2>
<p id="evidence-note" class="help">${esc(t.evidenceNote)}</p>
<noscript><p>${esc(t.evidenceNoScript(href))}</p></noscript>
<form id="evidence" hidden data-href="${esc(href)}"${scriptTexts(t.evidenceScript)}>
<label for="evidence-key">${esc(t.evidenceKey)}</label>
<input id="evidence-key" type="password" autocomplete="off" spellcheck="false" aria-describedby="evidence-note">
<label for="evidence-case">${esc(t.evidenceCase)}</label>
<input id="evidence-case" type="text" maxlength="64" autocomplete="off" spellcheck="false">
<button type="submit">${esc(t.evidenceSubmit)}</button>
<p id="evidence-status" role="status"></p>
<a id="evidence-download" hidden></a>
</form>
</section>`;
}

/** Evidence is offered beside an answer found for a question RDAP answers with a resource. */
function evidenceFor(lang: WebLang, answer: PageAnswer, links: PageLinks): string {
  if ((answer.kind !== 'ip' && answer.kind !== 'object') || links.rdap === null) return '';
  const href = evidenceHref(links.rdap);
  return href ? evidenceSection(lang, href) : '';
}

/** What every page of lacak's has around its content: the stylesheet, the script, the heading and the footer. */
export interface PageFrame {
  readonly title: string;
  readonly heading: string;
  readonly tagline: string;
  /** The skip link's target and text, where the page has a part worth skipping to. */
  readonly skip: { readonly href: string; readonly text: string } | null;
  readonly main: string;
  /** The footer's own link (beside the language switch and the terms of use). */
  readonly footerLink: { readonly href: string; readonly text: string };
}

export function framePage(lang: WebLang, frame: PageFrame, other: { lang: WebLang; href: string }): string {
  const t = WEB_TEXT[lang];
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(frame.title)}</title>
<link rel="stylesheet" href="/static/lacak.css">
<script src="/static/lacak.js" defer></script>
</head>
<body>
${frame.skip ? `<a class="skip" href="${esc(frame.skip.href)}">${esc(frame.skip.text)}</a>\n` : ''}<header><h1>${esc(frame.heading)}</h1><p>${esc(frame.tagline)}</p></header>
<main>
${frame.main}
</main>
<footer><a href="${esc(other.href)}" lang="${other.lang}" hreflang="${other.lang}">${esc(WEB_TEXT[other.lang].languageName)}</a> · <a href="${esc(frame.footerLink.href)}">${esc(frame.footerLink.text)}</a> · <a href="/help">${esc(t.terms)}</a></footer>
</body>
</html>
`;
}

/** The whole page: form, answer (if any), footer with the language switch. */
export function renderPage(lang: WebLang, query: PageQuery, answer: PageAnswer, links: PageLinks, other: { lang: WebLang; href: string }, registry: string): string {
  const t = WEB_TEXT[lang];
  const body =
    answer.kind === 'ip'
      ? ipCard(lang, answer.card, answer.asOf, answer.q)
      : answer.kind === 'object'
        ? objectCard(lang, answer)
        : answer.kind === 'names'
          ? namesCard(lang, answer.name, answer.match, answer.objects, answer.more)
        : answer.kind === 'notFound'
          ? notFoundCard(lang, answer)
          : answer.kind === 'error'
            ? `<article class="card error" role="alert"><h2>${esc(t.errorTitle)}</h2><p>${esc(ANSWER_TEXT[lang].problem(answer.problem))}</p></article>`
            : `<p class="intro">${esc(t.intro)}</p>`;
  const raw = [links.rdap ? `<a href="${esc(links.rdap)}">${esc(t.rawRdap)}</a>` : '', links.whois ? `<a href="${esc(links.whois)}">${esc(t.rawWhois)}</a>` : ''].filter((x) => x).join(' · ');
  const zones = zoneOptions(lang, query.tz);
  const evidence = evidenceFor(lang, answer, links);
  const main = `<form method="get" action="/" role="search">
<label for="q">${esc(t.queryLabel)}</label>
<input id="q" name="q" type="search" value="${esc(query.q)}" required autocomplete="off" spellcheck="false" placeholder="203.0.113.7:51234" aria-describedby="q-help">
<p id="q-help" class="help">${esc(t.queryHelp)}</p>
<div class="when">
<label for="at">${esc(t.atLabel)}</label>
<input id="at" name="at" type="datetime-local" step="1" value="${esc(query.at)}">
<label for="tz">${esc(t.tzLabel)}</label>
<select id="tz" name="tz">${zones}</select>
</div>
<input type="hidden" name="lang" value="${lang}">
<button type="submit">${esc(t.search)}</button>
</form>
<section id="answer" aria-live="polite">
${body}
${raw ? `<p class="raw">${raw}</p>` : ''}
</section>
${evidence ? `${evidence}\n` : ''}${bulkSection(lang, query.tz)}`;
  return framePage(
    lang,
    {
      title: query.q ? `${query.q} — ${t.title}` : t.title,
      heading: t.title,
      tagline: t.tagline,
      skip: { href: '#answer', text: t.skip },
      main,
      footerLink: { href: `/evidence/verify?lang=${lang}`, text: t.verifyLink },
    },
    other,
  );
}
