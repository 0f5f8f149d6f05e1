// Progressive enhancement for the attempt page: answers are saved as the learner goes and the
// time left is shown. Without JavaScript the Save and Submit buttons do the same work.
(function () {
  'use strict';
  var form = document.getElementById('quiz-form');
  if (!form) return;
  var status = form.querySelector('.save-status');
  var message = function (name) { return form.getAttribute('data-msg-' + name) || ''; };
  var timer = null;
  var dirty = false;
  var saving = Promise.resolve();

  function save() {
    var body = new URLSearchParams(new FormData(form));
    status.textContent = message('saving');
    saving = fetch(form.getAttribute('data-save-url'), {
      method: 'POST',
      headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
      body: body,
      credentials: 'same-origin',
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) throw new Error(data.message || response.statusText);
        dirty = false;
        status.textContent = message('saved').replace('{time}', new Date(data.savedAt).toLocaleTimeString());
      });
    }).catch(function (error) {
      status.textContent = error && error.message && error.message !== 'Failed to fetch' ? error.message : message('failed');
    });
  }

  form.addEventListener('change', function () {
    dirty = true;
    clearTimeout(timer);
    timer = setTimeout(save, 600);
  });
  form.addEventListener('submit', function () { dirty = false; });
  window.addEventListener('beforeunload', function (event) {
    if (dirty) { event.preventDefault(); event.returnValue = ''; }
  });

  var clock = document.querySelector('.timer');
  if (clock) {
    var countdown = clock.querySelector('.countdown');
    var endsAt = Date.now() + Number(clock.getAttribute('data-remaining')) * 1000;
    var lastAnnounced = null;
    var tick = function () {
      var left = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
      countdown.textContent = left > 0
        ? message('remaining').replace('{m}', String(Math.floor(left / 60))).replace('{s}', String(left % 60))
        : message('time-up');
      // Screen readers hear the time at a few moments, not every second.
      var announce = left === 300 || left === 60 || left === 0;
      countdown.setAttribute('aria-live', announce && lastAnnounced !== left ? 'assertive' : 'off');
      if (announce) lastAnnounced = left;
      if (left === 0) {
        clearInterval(interval);
        saving.then(function () { form.submit(); });
      }
    };
    var interval = setInterval(tick, 1000);
    tick();
  }
})();
