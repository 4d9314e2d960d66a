/*
 * The Studio page: suite → prompt → template editor; Run streams the draft's and the saved version's cells over
 * Server-Sent Events into a table (test × provider, draft beside saved); Save writes the template back with the
 * file hash it was loaded with, so a file changed on disk meanwhile is refused (409) and said so. Strings from
 * the suite and the model go into the page through textContent only (LlmlabDom.el).
 * `<html data-ready>` is set once the first suite is shown; `data-run` is `running`, `done` or `failed`.
 */
(function () {
  'use strict';
  var $ = LlmlabDom.byId;
  var el = LlmlabDom.el;
  var api = LlmlabView.api;
  var state = { suite: null, prompt: null, events: null, runId: null };

  function setError(id, error) {
    if (error) LlmlabView.showError(id, error);
    else $(id).hidden = true;
  }

  function option(value, text) {
    var o = el('option', null, text);
    o.value = value;
    return o;
  }

  function loadSuites() {
    return api('/api/studio/suites').then(function (data) {
      var select = $('suite-select');
      select.textContent = '';
      data.suites.forEach(function (path) {
        select.appendChild(option(path, path));
      });
      var wanted = new URLSearchParams(location.search).get('suite');
      if (wanted && data.suites.indexOf(wanted) >= 0) select.value = wanted;
      if (data.suites.length === 0) throw new Error('no suite files in this project: add one matching the `suites` globs of llmlab.config.yaml');
      return loadSuite(select.value);
    });
  }

  /** A suite that does not load leaves nothing to run or save until another is picked. */
  function noSuite(error) {
    state.suite = null;
    state.prompt = null;
    $('prompt-select').textContent = '';
    $('providers').textContent = '';
    $('test-pick').textContent = '';
    $('template').value = '';
    $('prompt-note').textContent = '';
    $('run').disabled = true;
    $('save').disabled = true;
    setError('studio-error', error);
  }

  function loadSuite(path, keepPrompt) {
    return api('/api/studio/suite' + LlmlabView.query({ path: path })).catch(function (error) {
      noSuite(error);
      throw error;
    }).then(function (suite) {
      state.suite = suite;
      var select = $('prompt-select');
      select.textContent = '';
      suite.prompts.forEach(function (p) {
        select.appendChild(option(p.id, p.id + (p.editable ? '' : ' (read-only)')));
      });
      if (keepPrompt && suite.prompts.some(function (p) { return p.id === keepPrompt; })) select.value = keepPrompt;
      showProviders(suite);
      showTests(suite);
      $('budget-note').textContent = suite.budget && suite.budget.maxUsd !== undefined
        ? 'Runs under the suite\u2019s budget: ' + LlmlabDom.fmtUsd(suite.budget.maxUsd) + ' per run.'
        : 'The suite sets no budget.';
      showPrompt();
      setError('studio-error', null);
    });
  }

  function showPrompt() {
    var id = $('prompt-select').value;
    var prompt = state.suite.prompts.filter(function (p) { return p.id === id; })[0] || null;
    state.prompt = prompt;
    var area = $('template');
    if (!prompt) return;
    area.value = prompt.kind === 'template' ? prompt.template : JSON.stringify(prompt.messages, null, 2);
    area.readOnly = prompt.kind !== 'template';
    $('run').disabled = prompt.kind !== 'template' || state.runId !== null;
    $('save').disabled = prompt.kind !== 'template';
    $('prompt-note').textContent = (prompt.inline ? 'inline in ' : 'file ') + prompt.file + (prompt.editable ? '' : ' \u2014 ' + prompt.reason);
  }

  function showProviders(suite) {
    var box = $('providers');
    box.textContent = '';
    suite.providers.forEach(function (p) {
      var label = el('label');
      var input = el('input');
      input.type = 'checkbox';
      input.checked = true;
      input.value = p.label;
      label.appendChild(input);
      label.appendChild(document.createTextNode(' ' + p.label + (p.id !== p.label ? ' (' + p.id + ')' : '')));
      box.appendChild(label);
    });
  }

  function showTests(suite) {
    $('test-count').textContent = '(' + suite.tests.length + ')';
    filterTests();
  }

  function filterTests() {
    var words = $('test-search').value.toLowerCase().split(/\s+/).filter(Boolean);
    var select = $('test-pick');
    var picked = {};
    Array.prototype.forEach.call(select.selectedOptions, function (o) { picked[o.value] = true; });
    select.textContent = '';
    var shown = 0;
    state.suite.tests.forEach(function (t) {
      var text = t.id + (t.description ? ' \u2014 ' + t.description : '');
      var hay = text.toLowerCase();
      if (shown >= 500 || !words.every(function (w) { return hay.indexOf(w) >= 0; })) return;
      var o = option(t.id, text);
      o.selected = picked[t.id] === true;
      select.appendChild(o);
      shown += 1;
    });
  }

  function chosenTests() {
    var mode = document.querySelector('input[name="tests"]:checked').value;
    if (mode === 'first') return { first: Math.max(1, parseInt($('first-n').value, 10) || 1) };
    if (mode === 'pick') {
      var ids = Array.prototype.map.call($('test-pick').selectedOptions, function (o) { return o.value; });
      if (ids.length === 0) throw new Error('pick at least one test, or choose all');
      return { tests: ids };
    }
    return {};
  }

  function run() {
    if (!state.prompt || state.runId) return;
    setError('studio-error', null);
    var body;
    try {
      var providers = Array.prototype.filter.call($('providers').querySelectorAll('input'), function (i) { return i.checked; }).map(function (i) { return i.value; });
      if (providers.length === 0) throw new Error('pick at least one provider');
      body = { suite: state.suite.path, promptId: state.prompt.id, template: $('template').value, providers: providers, saved: $('run-saved').checked };
      var tests = chosenTests();
      if (tests.first) body.first = tests.first;
      if (tests.tests) body.tests = tests.tests;
    } catch (error) {
      setError('studio-error', error);
      return;
    }
    $('run').disabled = true;
    api('/api/studio/runs', { method: 'POST', body: body }).then(function (started) {
      follow(started.runId, started.cells);
    }, function (error) {
      $('run').disabled = false;
      setError('studio-error', error);
    });
  }

  function follow(runId, cells) {
    state.runId = runId;
    state.done = 0;
    state.cells = cells;
    LlmlabStudioResults.reset();
    $('run').disabled = true;
    $('stop').disabled = false;
    document.documentElement.dataset.run = 'running';
    status();
    var events = new EventSource('/api/studio/runs/' + encodeURIComponent(runId) + '/events');
    state.events = events;
    events.addEventListener('cell', function (e) {
      state.done += 1;
      status();
      LlmlabStudioResults.add(JSON.parse(e.data), $('run-saved').checked);
    });
    events.addEventListener('budget', function (e) {
      var b = JSON.parse(e.data);
      $('budget-note').textContent = 'Budget ' + b.level + ': ' + LlmlabDom.fmtUsd(b.spentUsd) + ' of ' + LlmlabDom.fmtUsd(b.limitUsd) + (b.scope ? ' (' + b.scope + ')' : '');
    });
    events.addEventListener('done', function (e) {
      finish('done');
      LlmlabStudioResults.summary(JSON.parse(e.data));
    });
    events.addEventListener('failed', function (e) {
      var data = JSON.parse(e.data);
      finish('failed');
      setError('studio-error', { message: 'the run failed: ' + data.message, hint: data.hint });
    });
    events.onerror = function () {
      // The server closes the stream after `done`; anything else is a lost connection: the run goes on.
      if (state.events === events && events.readyState === EventSource.CLOSED) {
        finish('failed');
        setError('studio-error', { message: 'lost the connection to the run; reload the page to follow it again' });
      }
    };
  }

  function finish(how) {
    if (state.events) state.events.close();
    state.events = null;
    state.runId = null;
    $('stop').disabled = true;
    $('run').disabled = !state.prompt || state.prompt.kind !== 'template';
    document.documentElement.dataset.run = how;
    status(how);
  }

  function status(how) {
    $('run-status').textContent = (how ? how + ': ' : 'running: ') + state.done + ' of ' + state.cells + ' cells';
  }

  function save() {
    setError('save-error', null);
    var prompt = state.prompt;
    if (!prompt) return;
    var newFile = $('save-new-file').value.trim();
    var body = { suite: state.suite.path, promptId: prompt.id, template: $('template').value, fileHash: prompt.fileHash, label: $('save-label').value.trim() };
    if (newFile) {
      body.newFile = newFile;
      body.suiteFileHash = state.suite.fileHash;
    }
    $('save').disabled = true;
    api('/api/studio/save', { method: 'POST', body: body }).then(function (saved) {
      $('save-status').textContent = 'Saved ' + saved.file + ' as version ' + saved.version.hash.slice(0, 12) + (saved.version.label ? ' \u201c' + saved.version.label + '\u201d' : '') + (saved.note ? ' \u2014 ' + saved.note : '');
      document.documentElement.dataset.saved = String(Number(document.documentElement.dataset.saved || 0) + 1);
      // The file's hash changed (an inline save or a new file changed the suite's too): load the prompt as saved.
      $('save-new-file').value = '';
      return loadSuite(state.suite.path, prompt.id);
    }).catch(function (error) {
      setError('save-error', error);
    }).then(function () {
      $('save').disabled = false;
    });
  }

  $('suite-select').addEventListener('change', function () {
    loadSuite(this.value).catch(function (error) { setError('studio-error', error); });
  });
  $('prompt-select').addEventListener('change', showPrompt);
  $('test-search').addEventListener('input', filterTests);
  $('test-pick').addEventListener('change', function () { document.querySelector('input[name="tests"][value="pick"]').checked = true; });
  $('run').addEventListener('click', run);
  $('stop').addEventListener('click', function () {
    if (!state.runId) return;
    api('/api/studio/runs/' + encodeURIComponent(state.runId) + '/stop', { method: 'POST' }).catch(function (error) { setError('studio-error', error); });
  });
  $('save').addEventListener('click', save);

  loadSuites().then(function () {
    return api('/api/studio/runs');
  }).then(function (runs) {
    if (runs && runs.active) follow(runs.active.runId, runs.active.cells);
  }).catch(function (error) {
    setError('studio-error', error);
  }).then(function () {
    document.documentElement.dataset.ready = 'true';
  });
})();
