/*
 * What every page of llmlab view shares: JSON requests to this server (with the session's CSRF token on anything
 * that changes state) and small formatting helpers. Strings from runs reach the page through textContent only
 * (the report's dom.js does the same), never as HTML.
 */
var LlmlabView = (function () {
  'use strict';

  function csrf() {
    var meta = document.querySelector('meta[name="llmlab-csrf"]');
    return meta ? meta.getAttribute('content') : '';
  }

  /** fetch + JSON; rejects with the server's `error.message` (and `.hint`, `.status`) on a non-2xx answer. */
  function api(url, options) {
    options = options || {};
    var headers = { accept: 'application/json' };
    var init = { method: options.method || 'GET', headers: headers, credentials: 'same-origin' };
    if (init.method !== 'GET') headers['x-llmlab-csrf'] = csrf();
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      init.body = JSON.stringify(options.body);
    }
    return fetch(url, init).then(function (response) {
      return response.text().then(function (text) {
        var data = null;
        try {
          data = text ? JSON.parse(text) : null;
        } catch (e) {
          data = null;
        }
        if (!response.ok) {
          var problem = (data && data.error) || { message: response.status + ' ' + response.statusText };
          var error = new Error(problem.message);
          error.hint = problem.hint;
          error.status = response.status;
          throw error;
        }
        return data;
      });
    });
  }

  /** Query string from an object, leaving out empty values. */
  function query(params) {
    var parts = [];
    Object.keys(params).forEach(function (k) {
      var v = params[k];
      if (v !== undefined && v !== null && v !== '') parts.push(encodeURIComponent(k) + '=' + encodeURIComponent(String(v)));
    });
    return parts.length ? '?' + parts.join('&') : '';
  }

  /** Shows `error` (from api()) in the element with id `boxId` as text. */
  function showError(boxId, error) {
    var box = document.getElementById(boxId);
    if (!box) return;
    box.textContent = error.message + (error.hint ? ' — ' + error.hint : '');
    box.hidden = false;
  }

  function pct(v) {
    return v === null || v === undefined ? '—' : (v * 100).toFixed(1) + '%';
  }

  return { csrf: csrf, api: api, query: query, showError: showError, pct: pct };
})();
