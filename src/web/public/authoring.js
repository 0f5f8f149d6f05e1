// Progressive enhancement for the authoring pages: forms marked data-autosave save themselves a
// few seconds after a change, a lesson's Markdown is previewed through the server's sanitiser,
// and leaving with unsaved changes asks first. Without JavaScript every form still has Save.
(function () {
  'use strict';
  var AUTOSAVE_DELAY_MS = 3000;
  var dirtyForms = [];
  var leaveMessage = '';

  function setDirty(form, dirty) {
    var index = dirtyForms.indexOf(form);
    if (dirty && index < 0) dirtyForms.push(form);
    if (!dirty && index >= 0) dirtyForms.splice(index, 1);
  }

  // Every form of the page names the draft revision it edits; after a save they all move on.
  function setRevision(revision) {
    var fields = document.querySelectorAll('input[name="revision"]');
    for (var i = 0; i < fields.length; i += 1) fields[i].value = String(revision);
  }

  function enableAutosave(form) {
    var status = form.querySelector('[data-save-status]');
    if (!status) return;
    var message = function (name) { return status.getAttribute('data-msg-' + name) || ''; };
    leaveMessage = message('leave');
    var timer = null;
    var inFlight = false;
    var again = false;
    var stopped = false;

    function save() {
      if (stopped) return;
      if (inFlight) { again = true; return; }
      inFlight = true;
      status.textContent = message('saving');
      fetch(form.getAttribute('action'), {
        method: 'POST',
        headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(new FormData(form)),
        credentials: 'same-origin',
      }).then(function (response) {
        return response.json().then(function (data) {
          if (response.status === 409) {
            // Someone else saved: stop, keep the text on screen, and say who and what to do.
            stopped = true;
            status.textContent = data.error.message;
            status.classList.add('conflict');
            status.setAttribute('role', 'alert');
            return;
          }
          if (!response.ok) throw new Error((data.error && data.error.message) || response.statusText);
          setRevision(data.revision);
          if (!again) setDirty(form, false);
          status.textContent = message('saved').replace('{time}', data.savedAtText);
        });
      }).catch(function () {
        status.textContent = message('failed');
      }).then(function () {
        inFlight = false;
        if (again) { again = false; save(); }
      });
    }

    // An error shown at page load may be fixed by this very edit: it is hidden until the next check.
    function clearError(field) {
      if (!field || !field.getAttribute || field.getAttribute('aria-invalid') !== 'true') return;
      field.removeAttribute('aria-invalid');
      var ids = (field.getAttribute('aria-describedby') || '').split(/\s+/);
      for (var k = 0; k < ids.length; k += 1) {
        var message = /-error$/.test(ids[k]) && document.getElementById(ids[k]);
        if (message) message.hidden = true;
      }
    }

    function changed(event) {
      clearError(event && event.target);
      setDirty(form, true);
      if (stopped) return;
      status.textContent = message('unsaved');
      clearTimeout(timer);
      timer = setTimeout(save, AUTOSAVE_DELAY_MS);
    }
    form.addEventListener('input', changed);
    form.addEventListener('change', changed);
    form.addEventListener('submit', function () { clearTimeout(timer); setDirty(form, false); });
  }

  function enablePreview(textarea) {
    var target = document.getElementById(textarea.getAttribute('data-preview-target'));
    var csrf = textarea.form && textarea.form.querySelector('input[name="_csrf"]');
    if (!target || !csrf) return;
    // Whatever the page's own form action carries in its query (an LMS session token) goes along.
    var previewUrl = new URL(textarea.getAttribute('data-preview-url'), window.location.href);
    new URL(textarea.form.getAttribute('action'), window.location.href).searchParams.forEach(function (value, key) {
      previewUrl.searchParams.set(key, value);
    });
    var timer = null;
    textarea.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        fetch(previewUrl.toString(), {
          method: 'POST',
          headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ _csrf: csrf.value, markdown: textarea.value }),
          credentials: 'same-origin',
        }).then(function (response) { return response.ok ? response.json() : null; })
          .then(function (data) {
            // The server ran the same sanitiser as for published lessons.
            if (data && typeof data.html === 'string') target.innerHTML = data.html;
          })
          .catch(function () { /* the preview catches up on the next change */ });
      }, 400);
    });
  }

  var forms = document.querySelectorAll('form[data-autosave]');
  for (var i = 0; i < forms.length; i += 1) enableAutosave(forms[i]);
  var editors = document.querySelectorAll('textarea[data-preview-url]');
  for (var j = 0; j < editors.length; j += 1) enablePreview(editors[j]);

  document.addEventListener('click', function (event) {
    var button = event.target.closest && event.target.closest('[data-confirm]');
    if (button && !window.confirm(button.getAttribute('data-confirm'))) event.preventDefault();
  });

  window.addEventListener('beforeunload', function (event) {
    if (dirtyForms.length === 0) return;
    event.preventDefault();
    event.returnValue = leaveMessage;
  });
})();
