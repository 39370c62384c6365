// GET /evidence/verify: the page that checks a piece of evidence (issue 18) for people who do
// not run `lacak evidence verify`. The QR code on a report points here with its serial. The
// check itself is POST /evidence/verify, called by the page's script with the file's bytes;
// the script writes the answer into the page as text. Pure: given the language and the serial
// the link named, returns HTML.
import { WEB_TEXT, type WebLang } from './messages.js';
import { esc, framePage, scriptTexts } from './page.js';

/** What a report or JWS file may be called or typed as; anything else is still sent if chosen. */
const ACCEPTED = '.pdf,.json,.jws,application/pdf,application/jose+json';

function verifyForm(lang: WebLang, serial: string): string {
  const t = WEB_TEXT[lang];
  return `<form id="verify" hidden data-serial="${esc(serial)}"${scriptTexts(t.verifyScript)}>
<label for="verify-file">${esc(t.verifyFile)}</label>
<input id="verify-file" type="file" accept="${ACCEPTED}">
<label for="verify-jws">${esc(t.verifyPaste)}</label>
<textarea id="verify-jws" rows="6" spellcheck="false" autocomplete="off" placeholder='{"payload":"…","protected":"…","signature":"…"}'></textarea>
<button type="submit">${esc(t.verifySubmit)}</button>
<p id="verify-status" role="status"></p>
</form>`;
}

/** `serial`: from the report's QR code (`?serial=`), shown so the reader knows which one to upload. */
export function renderVerifyPage(lang: WebLang, serial: string, other: { lang: WebLang; href: string }): string {
  const t = WEB_TEXT[lang];
  const main = `<p class="intro">${esc(t.verifyIntro)}</p>
${serial ? `<p class="serial" id="verify-serial">${esc(t.verifySerial(serial))}</p>\n` : ''}<noscript><p>${esc(t.verifyNoScript)} <code>${esc(t.verifyCommand)}</code></p></noscript>
${verifyForm(lang, serial)}
<section id="verify-result" class="card" hidden></section>`;
  return framePage(
    lang,
    {
      title: `${serial ? `${serial} — ` : ''}${t.verifyTitle} — ${t.title}`,
      heading: t.verifyTitle,
      tagline: t.verifyTagline,
      skip: null,
      main,
      footerLink: { href: `/?lang=${lang}`, text: t.lookupLink },
    },
    other,
  );
}
