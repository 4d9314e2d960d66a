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

  function fmtUsd(v) {
    if (!v) return '$0';
    return '$' + (Math.abs(v) < 0.01 ? v.toPrecision(2) : v.toFixed(4));
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

  return { byId: byId, el: el, badge: badge, fmtUsd: fmtUsd, fmtMs: fmtMs, setPager: setPager, showCounts: showCounts, press: press, emptyRow: emptyRow };
})();
