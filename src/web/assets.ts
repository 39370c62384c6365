// The page's stylesheet and script, served by lacak itself (no CDN, no build step). The
// script only adds what works without it too: the copy button.
export const STYLESHEET = `:root{--fg:#1a1a1a;--bg:#fff;--muted:#555;--accent:#0b5394;--border:#ccc}
*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,sans-serif;color:var(--fg);background:var(--bg)}
header,main,footer{max-width:48rem;margin:0 auto;padding:1rem}h1{font-size:1.5rem;margin:.5rem 0}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#ff0;padding:.5rem}
form{display:grid;gap:.5rem;border:1px solid var(--border);padding:1rem;border-radius:.5rem}
label{font-weight:600}input,select,button{font:inherit;padding:.5rem;border:1px solid #767676;border-radius:.25rem;max-width:100%}
button{background:var(--accent);color:#fff;border-color:var(--accent);cursor:pointer}
button.copy{background:#fff;color:var(--accent);padding:.1rem .5rem}
:focus-visible{outline:3px solid #ff9f00;outline-offset:2px}
.when{display:grid;gap:.5rem;grid-template-columns:1fr}@media(min-width:40rem){.when{grid-template-columns:auto 1fr auto 1fr;align-items:center}}
.help,small,.provenance{color:var(--muted)}.card{border:1px solid var(--border);border-radius:.5rem;padding:1rem;margin:1rem 0}
.card.error{border-color:#b00020}.card.notice{border-color:#8a6d00}
dl{margin:0}.row{display:grid;grid-template-columns:minmax(8rem,14rem) 1fr;gap:.5rem;padding:.25rem 0;border-bottom:1px solid #eee}
dt{font-weight:600}dd{margin:0;overflow-wrap:anywhere}.handle{font-family:ui-monospace,monospace;color:var(--muted)}
@media(max-width:30rem){.row{grid-template-columns:1fr}}a{color:var(--accent)}
`;

export const SCRIPT = `document.addEventListener('click', function (e) {
  var b = e.target.closest && e.target.closest('button.copy');
  if (!b) return;
  var el = document.getElementById(b.getAttribute('data-copy'));
  if (!el || !navigator.clipboard) return;
  navigator.clipboard.writeText(el.textContent.trim()).then(function () { b.textContent = '\\u2713'; });
});
`;
