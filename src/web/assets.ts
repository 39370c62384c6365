// The page's stylesheet and script, served by lacak itself (no CDN, no build step). A single
// lookup needs neither script nor anything else; the script adds the copy button, and the
// bulk and evidence forms, which need it to put the key in a header, and the check on the
// evidence verification page.
export const STYLESHEET = `:root{--fg:#1a1a1a;--bg:#fff;--muted:#555;--accent:#0b5394;--border:#ccc}
*{box-sizing:border-box}[hidden]{display:none!important}body{margin:0;font:16px/1.5 system-ui,sans-serif;color:var(--fg);background:var(--bg)}
header,main,footer{max-width:48rem;margin:0 auto;padding:1rem}h1{font-size:1.5rem;margin:.5rem 0}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#ff0;padding:.5rem}
form{display:grid;grid-template-columns:minmax(0,1fr);gap:.5rem;border:1px solid var(--border);padding:1rem;border-radius:.5rem}
label{font-weight:600}input,select,button,textarea{font:inherit;padding:.5rem;border:1px solid #767676;border-radius:.25rem;max-width:100%}
button{background:var(--accent);color:#fff;border-color:var(--accent);cursor:pointer}
button.copy{background:#fff;color:var(--accent);padding:.1rem .5rem}
:focus-visible{outline:3px solid #ff9f00;outline-offset:2px}
.when{display:grid;gap:.5rem;grid-template-columns:1fr}@media(min-width:40rem){.when{grid-template-columns:auto 1fr auto 1fr;align-items:center}}
.help,small,.provenance{color:var(--muted)}.card{border:1px solid var(--border);border-radius:.5rem;padding:1rem;margin:1rem 0}
.card.error{border-color:#b00020}.card.notice{border-color:#8a6d00}
.warning{border:2px solid #8a4b00;background:#fff4e0;border-radius:.5rem;padding:.25rem 1rem;margin:.5rem 0}.warning h3{margin:.5rem 0;color:#6b3a00}.warning p{margin:.25rem 0}
dl{margin:0}.row{display:grid;grid-template-columns:minmax(8rem,14rem) 1fr;gap:.5rem;padding:.25rem 0;border-bottom:1px solid #eee}
dt{font-weight:600}dd{margin:0;overflow-wrap:anywhere}.handle{font-family:ui-monospace,monospace;color:var(--muted)}
@media(max-width:30rem){.row{grid-template-columns:1fr}}a{color:var(--accent)}
.bulk,.evidence{margin-top:2rem}@media print{form,.bulk,.evidence,.skip,.raw,footer,button.copy{display:none}.card{border:0;padding:0}}
.verdict.valid{color:#1b5e20}.verdict.invalid{color:#b00020}.serial{font-weight:600}code{overflow-wrap:anywhere}.card h4{margin:.75rem 0 .25rem}.timeline .current{font-weight:600}textarea{font-family:ui-monospace,monospace;width:100%}progress{width:100%;height:1.25rem}
`;

// Plain ES2020 for the browsers people have; no `${` in it (this is a template literal).
export const SCRIPT = String.raw`'use strict';
document.addEventListener('click', function (e) {
  var b = e.target.closest && e.target.closest('button.copy');
  if (!b) return;
  var el = document.getElementById(b.getAttribute('data-copy'));
  if (!el || !navigator.clipboard) return;
  navigator.clipboard.writeText(el.textContent.trim()).then(function () { b.textContent = '\u2713'; });
});

// A form's texts are on the form itself (data-msg-NAME), in the page's language; {name} is filled in.
function formText(form, name, values) {
  return (form.getAttribute('data-msg-' + name) || '').replace(/\{(\w+)\}/g, function (_, k) { return values && k in values ? String(values[k]) : ''; });
}

// What a refusal says: the RDAP error's description, else the HTTP status text.
async function refusalText(response) {
  var problem = await response.json().catch(function () { return null; });
  return problem && Array.isArray(problem.description) ? problem.description.join(' ') : response.statusText;
}

// Bulk lookups: the lines go to POST /bulk/ip, the CSV answer streams back and is counted
// as it comes, and the whole of it is offered as a download. The key lives only in the
// password field and in the one request; nothing is written to storage or cookies.
(function () {
  var form = document.getElementById('bulk');
  if (!form || !window.fetch || !window.TextDecoder || !window.ReadableStream) return;
  form.hidden = false;
  var field = function (id) { return document.getElementById(id); };
  var progress = field('bulk-progress');
  var status = field('bulk-status');
  var link = field('bulk-download');
  var button = form.querySelector('button[type=submit]');
  var message = function (name, values) { return formText(form, name, values); };

  // Counts the records of a text as it arrives in pieces: non-blank lines, and for CSV
  // line breaks inside quoted fields do not count. The first skip lines are not counted.
  function Counter(csv, skip) { this.csv = csv; this.skip = skip; this.quoted = false; this.blank = true; this.n = 0; }
  Counter.prototype.feed = function (text) {
    for (var i = 0; i < text.length; i++) {
      var c = text.charCodeAt(i);
      if (this.skip > 0) { if (c === 10) this.skip--; continue; }
      if (c === 34 && this.csv) { this.quoted = !this.quoted; this.blank = false; }
      else if (c === 10) { if (!this.quoted) { if (!this.blank) this.n++; this.blank = true; } }
      else if (c !== 13 && c !== 32 && c !== 9) this.blank = false;
    }
    return this.n;
  };
  Counter.prototype.total = function () { return this.blank ? this.n : this.n + 1; };

  function say(text) { status.textContent = text; }

  async function run() {
    var file = field('bulk-file').files[0];
    var text = file ? await file.text() : field('bulk-lines').value;
    var csv = !!file && (/\.csv$/i.test(file.name) || file.type === 'text/csv');
    var input = new Counter(csv, 0);
    input.feed(text);
    var total = Math.max(0, input.total() - (csv ? 1 : 0));
    if (total === 0) { say(message('empty', {})); return; }
    var headers = { 'content-type': (csv ? 'text/csv' : 'text/plain') + '; charset=utf-8', accept: 'text/csv' };
    var key = field('bulk-key').value.trim();
    if (key) headers.authorization = 'Bearer ' + key;
    var reference = field('bulk-case').value.trim();
    if (reference) headers['x-case-reference'] = reference;
    if (link.href) URL.revokeObjectURL(link.href);
    link.hidden = true;
    progress.max = total;
    progress.value = 0;
    progress.hidden = false;
    var response = await fetch('/bulk/ip?' + new URLSearchParams({ tz: field('bulk-tz').value }), { method: 'POST', headers: headers, body: text, credentials: 'omit', cache: 'no-store' });
    if (!response.ok) {
      var why = await refusalText(response);
      progress.hidden = true;
      say(message('refused', { status: response.status, message: why }));
      return;
    }
    // Plain CSV: a header row, then one row per line (the provenance is in a response header).
    var answer = new Counter(true, 0);
    var parts = [];
    var reader = response.body.getReader();
    var decoder = new TextDecoder();
    var shown = 0;
    var broken = false;
    try {
      for (;;) {
        var chunk = await reader.read();
        if (chunk.done) break;
        var piece = decoder.decode(chunk.value, { stream: true });
        parts.push(piece);
        var rows = Math.max(0, answer.feed(piece) - 1);
        progress.value = Math.min(rows, total);
        // A screen reader hears the count at most twice a second, not once per chunk.
        if (Date.now() - shown > 500) { shown = Date.now(); say(message('progress', { n: rows, total: total })); }
      }
    } catch (err) {
      broken = true;
    }
    parts.push(decoder.decode());
    var answered = Math.max(0, answer.total() - 1);
    progress.value = broken ? Math.min(answered, total) : total;
    link.href = URL.createObjectURL(new Blob(parts, { type: 'text/csv;charset=utf-8' }));
    link.download = 'lacak-bulk-' + new Date().toISOString().replace(/[-:]|\.\d+/g, '') + '.csv';
    link.hidden = false;
    say(message(broken ? 'interrupted' : 'done', { n: answered, total: total }));
    link.focus();
  }

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    button.disabled = true;
    run().catch(function (err) { progress.hidden = true; say(message('refused', { status: '-', message: String(err && err.message || err) })); })
      .finally(function () { button.disabled = false; });
  });
})();

// Evidence of the answer shown: the signed report is fetched with the key in the Authorization
// header (a link cannot carry one) and handed to the browser as a download. As with bulk
// lookups, the key lives only in the password field and in the one request.
(function () {
  var form = document.getElementById('evidence');
  if (!form || !window.fetch || !window.URL || !URL.createObjectURL) return;
  form.hidden = false;
  var status = document.getElementById('evidence-status');
  var link = document.getElementById('evidence-download');
  var button = form.querySelector('button[type=submit]');
  function say(name, values) { status.textContent = formText(form, name, values); }

  async function run() {
    var headers = { accept: 'application/pdf', 'accept-language': document.documentElement.lang || 'id' };
    var key = document.getElementById('evidence-key').value.trim();
    if (key) headers.authorization = 'Bearer ' + key;
    var reference = document.getElementById('evidence-case').value.trim();
    if (reference) headers['x-case-reference'] = reference;
    if (link.href) URL.revokeObjectURL(link.href);
    link.removeAttribute('href');
    link.hidden = true;
    say('working', {});
    var response = await fetch(form.getAttribute('data-href'), { headers: headers, credentials: 'omit', cache: 'no-store' });
    if (!response.ok) { say('refused', { status: response.status, message: await refusalText(response) }); return; }
    // The serial names the file, as the server's own Content-Disposition does.
    var serial = response.headers.get('lacak-evidence-serial') || 'lacak-evidence';
    var file = serial.replace(/[^\w.-]/g, '_') + '.pdf';
    link.href = URL.createObjectURL(await response.blob());
    link.download = file;
    link.textContent = formText(form, 'again', { file: file });
    link.hidden = false;
    link.click();
    say('done', { serial: serial, file: file });
  }

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    button.disabled = true;
    run().catch(function (err) { say('refused', { status: '-', message: String(err && err.message || err) }); })
      .finally(function () { button.disabled = false; });
  });
})();

// The verification page: the chosen file's bytes (or the pasted JWS) go to POST /evidence/verify,
// and its answer is written into the page, every value of it as text.
(function () {
  var form = document.getElementById('verify');
  if (!form || !window.fetch || !window.Blob || !Blob.prototype.text) return;
  form.hidden = false;
  var result = document.getElementById('verify-result');
  var status = document.getElementById('verify-status');
  var button = form.querySelector('button[type=submit]');
  // A bulk answer may hold thousands of lines: the page lists this many, the CLI all of them.
  var SHOWN = 100;
  function text(name, values) { return formText(form, name, values); }
  function say(name, values) { status.textContent = text(name, values); }

  // A report is known by its first bytes; anything else is a JWS, in JSON or compact form.
  function jwsType(start) { return start.trim().charAt(0) === '{' ? 'application/jose+json' : 'text/plain'; }
  async function chosen() {
    var file = document.getElementById('verify-file').files[0];
    if (file) {
      var start = await file.slice(0, 64).text();
      return { type: start.slice(0, 5) === '%PDF-' ? 'application/pdf' : jwsType(start), body: file };
    }
    var pasted = document.getElementById('verify-jws').value.trim();
    return pasted ? { type: jwsType(pasted), body: pasted } : null;
  }

  function node(tag, content, className) {
    var e = document.createElement(tag);
    if (content !== undefined && content !== null) e.textContent = String(content);
    if (className) e.className = className;
    return e;
  }
  // A label and its lines, as the answer card shows them; nothing when no line has a value.
  function row(list, label, lines) {
    var shown = [].concat(lines).filter(function (l) { return l !== null && l !== undefined && l !== ''; });
    if (shown.length === 0) return;
    var item = node('div', null, 'row');
    item.appendChild(node('dt', label));
    var value = node('dd');
    shown.forEach(function (l, i) {
      if (i > 0) value.appendChild(document.createElement('br'));
      value.appendChild(document.createTextNode(String(l)));
    });
    item.appendChild(value);
    list.appendChild(item);
  }
  function keyLines(key) {
    return [key.kid, text(key.current ? 'key-current' : 'key-retired'), text('key-period', { from: key.validFrom, until: key.validUntil || text('now') })];
  }
  function callerLines(caller) {
    var who = text('role-' + caller.role) || caller.role;
    return [caller.caseReference ? who + ', ' + text('case', { reference: caller.caseReference }) : who, caller.viewNote];
  }
  function rowFacts(rows) {
    rows.slice(0, SHOWN).forEach(function (r) {
      if (rows.length > 1) result.appendChild(node('h4', text('line', { line: r.line, input: r.input })));
      var list = node('dl');
      row(list, text('network'), r.network);
      row(list, text('holder'), r.holder);
      row(list, text('member'), r.member || r.member_note);
      row(list, text('abuse'), r.abuse);
      row(list, text('error'), r.error);
      result.appendChild(list);
    });
    if (rows.length > SHOWN) result.appendChild(node('p', text('rows-more', { shown: SHOWN, total: rows.length }), 'help'));
  }
  function objectFacts(facts) {
    var list = node('dl');
    Object.keys(facts).forEach(function (name) { row(list, name, facts[name]); });
    result.appendChild(list);
  }
  // Whether the registry's data today still gives that answer for the instant it was given for.
  function comparison(current) {
    result.appendChild(node('h3', text('current')));
    if (!current) { result.appendChild(node('p', text('current-unknown'))); return; }
    result.appendChild(node('p', text(current.same ? 'current-same' : 'current-different')));
    var list = node('ul');
    current.differences.slice(0, SHOWN).forEach(function (d) {
      var item = node('li', d.input + ': ' + d.reason);
      var fields = node('ul');
      d.fields.forEach(function (f) {
        fields.appendChild(node('li', text('change', { field: f[0], then: f[1] === null ? '\u2013' : f[1], now: f[2] === null ? '\u2013' : f[2] })));
      });
      item.appendChild(fields);
      list.appendChild(item);
    });
    if (list.childNodes.length > 0) result.appendChild(list);
  }

  function show(report) {
    var valid = report.verdict === 'valid';
    var verdict = text(valid ? 'valid' : 'invalid');
    var states = report.states;
    var asked = form.getAttribute('data-serial');
    result.textContent = '';
    var heading = node('h2', verdict, 'verdict ' + (valid ? 'valid' : 'invalid'));
    heading.id = 'verify-verdict';
    heading.tabIndex = -1;
    result.appendChild(heading);
    result.setAttribute('aria-labelledby', 'verify-verdict');
    if (!valid && report.reason) result.appendChild(node('p', text('reason', { reason: report.reason })));
    if (states && asked && states.serial !== asked) result.appendChild(node('p', text('serial-other', { serial: asked }), 'warning'));
    var list = node('dl');
    if (report.key) row(list, text('key'), keyLines(report.key));
    if (states) {
      row(list, text('serial'), states.serial);
      row(list, text('served-at'), states.servedAt);
      row(list, text('question'), states.question.path);
      row(list, text('instant'), states.instant);
      row(list, text('caller'), callerLines(states.caller));
    }
    result.appendChild(list);
    if (states) {
      result.appendChild(node('h3', text('answer')));
      if (Array.isArray(states.facts)) rowFacts(states.facts); else objectFacts(states.facts);
      comparison(report.current);
    }
    result.hidden = false;
    say('done', { verdict: verdict });
    heading.focus();
  }

  async function run() {
    result.hidden = true;
    var evidence = await chosen();
    if (!evidence) { say('empty', {}); return; }
    say('working', {});
    var response = await fetch('/evidence/verify', { method: 'POST', headers: { 'content-type': evidence.type, accept: 'application/json' }, body: evidence.body, credentials: 'omit', cache: 'no-store' });
    if (!response.ok) { say('refused', { status: response.status, message: await refusalText(response) }); return; }
    show(await response.json());
  }

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    button.disabled = true;
    run().catch(function (err) { say('refused', { status: '-', message: String(err && err.message || err) }); })
      .finally(function () { button.disabled = false; });
  });
})();
`;
