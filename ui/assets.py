"""The app's stylesheet and its one script (citation clicks scroll to the quoted passage)."""

CSS = """
.gradio-container { max-width: 1400px !important; margin: 0 auto !important; }
#app-header h1 { font-size: 1.55rem; margin: 0 0 .15rem 0; font-weight: 700; }
#app-header p { margin: 0; color: var(--body-text-color-subdued); font-size: .92rem; }
#app-header { padding: .4rem .2rem .2rem .2rem; }
#chat .answer { line-height: 1.6; }
#chat .question { white-space: pre-wrap; }
.answer.declined { color: var(--body-text-color-subdued); font-style: italic; }
.answer.error { color: #b42318; }
.answer ul.points { margin: .3rem 0 .4rem 1.1rem; padding: 0; }
.answer ul.points li { margin: .15rem 0; }
.answer .notice { margin-top: .4rem; font-size: .85em; color: var(--body-text-color-subdued); }
.answer .timing { margin-top: .35rem; font-size: .72em; color: var(--body-text-color-subdued); text-align: right; }
.answer .cursor { animation: blink 1s steps(2, start) infinite; margin-left: 2px; }
@keyframes blink { to { visibility: hidden; } }
a.cite { display: inline-block; font-size: .78em; font-weight: 700; line-height: 1.25; padding: 0 .3em;
  margin: 0 .1em; border-radius: .35em; text-decoration: none !important; vertical-align: .15em;
  color: #0f5e55 !important; background: #d7f0ea; border: 1px solid #a6dccf; cursor: pointer; }
a.cite:hover { background: #0f766e; color: #fff !important; }
a.cite.cite-bad { color: #8a1c12 !important; background: #fde4e1; border-color: #f3b4ab; }
.sent-bad { background: rgba(240, 68, 56, .10); text-decoration: underline wavy rgba(217, 45, 32, .75);
  text-underline-offset: 3px; border-radius: 3px; }
.sent-bad .flag { color: #d92d20; font-weight: 700; }
.sent-uncited { text-decoration: underline dotted rgba(120, 120, 120, .8); text-underline-offset: 3px; }
#sources-title h3 { margin: .2rem 0 .3rem 0; }
/* Gradio gives its blocks overflow: visible, which would let a long source list run over the filters below. */
#sources { max-height: 640px; overflow-y: auto !important; padding-right: 4px; }
.sources.empty { color: var(--body-text-color-subdued); padding: 1rem; border: 1px dashed var(--border-color-primary);
  border-radius: 10px; text-align: center; }
.source-card { border: 1px solid var(--border-color-primary); border-radius: 12px; padding: .8rem 1rem;
  margin-bottom: .75rem; background: var(--background-fill-primary); box-shadow: 0 1px 2px rgba(16, 24, 40, .06); }
.source-title { margin: 0 0 .2rem 0 !important; font-size: 1rem !important; font-weight: 650; line-height: 1.35; }
.source-meta { font-size: .82rem; color: var(--body-text-color-subdued); margin-bottom: .5rem; }
.source-meta .article-id { font-family: var(--font-mono); font-size: .75rem; opacity: .8; }
.source-card .quote { margin: .45rem 0; border-radius: 8px; transition: box-shadow .3s; }
.source-card .quote.flash { box-shadow: 0 0 0 3px #14b8a6; }
.quote-head { display: flex; gap: .5rem; align-items: center; font-size: .8rem; margin-bottom: .2rem; }
.quote-head .marker { font-weight: 700; color: #0f5e55; }
.verdict { border-radius: 999px; padding: .05rem .55rem; font-weight: 600; }
.verdict.ok { background: #dcfae6; color: #085d3a; }
.verdict.bad { background: #fee4e2; color: #912018; }
.verdict.unknown { background: var(--background-fill-secondary); color: var(--body-text-color-subdued); }
.source-card blockquote { margin: 0; padding: .45rem .7rem; border-left: 3px solid #14b8a6;
  background: var(--background-fill-secondary); border-radius: 0 8px 8px 0; font-size: .9rem; line-height: 1.55; }
.source-card mark { background: #fff1a8; color: inherit; padding: 0 .1em; border-radius: 3px; }
.source-card mark sup { font-size: .68em; font-weight: 700; color: #0f5e55; margin-left: .15em; }
.full-article { margin-top: .5rem; font-size: .9rem; }
.full-article summary { cursor: pointer; color: #0f766e; font-weight: 600; }
.full-article p { margin: .45rem 0; line-height: 1.55; }
.full-article .byline { font-style: italic; color: var(--body-text-color-subdued); }
.upload { margin: .35rem 0; font-size: .9rem; }
.upload.ok { color: #085d3a; } .upload.bad { color: #912018; } .upload.warn, .upload.none, .upload.info { color: var(--body-text-color-subdued); }
.upload ul { margin: .2rem 0 0 1.1rem; padding: 0; }
.example-row button { font-size: .82rem !important; }
#lang-switch { max-width: 300px; }
.dark a.cite { color: #99f6e4 !important; background: #134e4a; border-color: #0f766e; }
.dark a.cite.cite-bad { color: #fecaca !important; background: #7f1d1d; border-color: #b91c1c; }
.dark .source-card mark { background: #854d0e; }
.dark .verdict.ok { background: #14532d; color: #bbf7d0; }
.dark .verdict.bad { background: #7f1d1d; color: #fecaca; }
.dark .quote-head .marker, .dark .source-card mark sup, .dark .full-article summary { color: #5eead4; }
.dark .upload.ok { color: #86efac; } .dark .upload.bad, .dark .answer.error { color: #fca5a5; }
"""

# Capture-phase listener so the chat's own link handling never opens a new tab for a [n] marker.
HEAD = """
<script>
(function () {
  function reveal(id) {
    var el = document.getElementById(id);
    if (!el) return false;
    el.scrollIntoView({behavior: 'smooth', block: 'center'});
    el.classList.add('flash');
    setTimeout(function () { el.classList.remove('flash'); }, 1600);
    return true;
  }
  document.addEventListener('click', function (event) {
    var link = event.target && event.target.closest ? event.target.closest('a.cite') : null;
    if (!link) return;
    event.preventDefault();
    var id = (link.getAttribute('href') || '').replace(/^#/, '');
    if (reveal(id)) { event.stopPropagation(); return; }
    // A marker of an earlier answer: let the chat's select event show that answer's sources, then reveal.
    var tries = 0;
    var timer = setInterval(function () { if (reveal(id) || ++tries > 20) clearInterval(timer); }, 150);
  }, true);
})();
</script>
"""
