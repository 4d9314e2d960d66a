/*
 * Small DOM helpers of the HTML report. Text goes in through textContent only: a string from the run is never
 * parsed as HTML, so markup in a model output shows as text and cannot run.
 */
var LlmlabDom = (function () {
  'use strict';

  function byId(id) {
    return document.getElementById(id);
  }

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function badge(status, text) {
    return el('span', 'badge st-' + status, text || status);
  }

  /** The reports' one USD rule (src/report/shared.ts usdDigits, mirrored here): `$0`, `$0.0045`, `$0.00012`, `$1.25`. */
  function fmtUsd(v) {
    var abs = Math.abs(v || 0);
    if (abs < 1e-12) return '$0';
    var sign = v < 0 ? '\u2212' : '';
    if (abs >= 1) return sign + '$' + abs.toFixed(2);
    var exponent = Math.floor(Math.log10(abs));
    var decimals = Math.min(Math.max(2, Math.min(4, 2 - exponent), 1 - exponent), 20);
    return sign + '$' + abs.toFixed(decimals).replace(/(\.\d\d\d*?)0+$/, '$1');
  }

  function fmtMs(v) {
    return v >= 1000 ? (v / 1000).toFixed(2) + ' s' : Math.round(v) + ' ms';
  }

  /** Updates the pager whose buttons are `<prefix>prev`/`<prefix>next` and whose text is `#<info>`. */
  function setPager(prefix, info, page) {
    byId(prefix + 'prev').disabled = page.page === 0;
    byId(prefix + 'next').disabled = page.page >= page.pages - 1;
    byId(info).textContent =
      page.total === 0
        ? 'nothing to show'
        : page.start + 1 + '–' + page.end + ' of ' + page.total + ' · page ' + (page.page + 1) + ' of ' + page.pages;
  }

  /** Writes `(n)` into the `.count` of each button carrying `attr`, n looked up by the attribute's value. */
  function showCounts(container, attr, counts) {
    container.querySelectorAll('[' + attr + ']').forEach(function (button) {
      var count = button.querySelector('.count');
      if (count) count.textContent = '(' + counts[button.getAttribute(attr)] + ')';
    });
  }

  /** Marks the button whose `attr` is `value` as pressed, and the others as not. */
  function press(container, attr, value) {
    container.querySelectorAll('[' + attr + ']').forEach(function (b) {
      b.setAttribute('aria-pressed', String(b.getAttribute(attr) === value));
    });
  }

  /** A table row of one cell spanning `span` columns, for "nothing here" messages. */
  function emptyRow(span, text) {
    var tr = el('tr', 'empty');
    var td = el('td', null, text);
    td.colSpan = span;
    tr.appendChild(td);
    return tr;
  }

  /**
   * A test's media: a lazy thumbnail where the page has a source for it (a small image inlined as data:image/…, or
   * /media/<hash> in llmlab view), else its name. Any other source is ignored, so a name can never become a URL.
   */
  function mediaStrip(media) {
    var strip = el('div', 'media');
    media.forEach(function (m) {
      var safe = typeof m.s === 'string' && (m.s.indexOf('data:image/') === 0 || /^\/media\/[0-9a-f]{64}$/.test(m.s));
      if (m.k === 'image' && safe) {
        var img = el('img', 'thumb');
        img.loading = 'lazy';
        img.alt = m.n;
        img.title = m.n;
        img.src = m.s;
        strip.appendChild(img);
      } else {
        strip.appendChild(el('span', 'badge media-name', m.k + ': ' + m.n));
      }
    });
    return strip;
  }

  return { byId: byId, el: el, mediaStrip: mediaStrip, badge: badge, fmtUsd: fmtUsd, fmtMs: fmtMs, setPager: setPager, showCounts: showCounts, press: press, emptyRow: emptyRow };
})();
