// "Copy link" buttons on My certificates. Without JavaScript or a clipboard the read-only field
// stays visible, so the link can still be selected and copied by hand.
(function () {
  'use strict';
  var buttons = document.querySelectorAll('[data-copy-target]');
  Array.prototype.forEach.call(buttons, function (button) {
    var input = document.getElementById(button.getAttribute('data-copy-target'));
    var status = button.parentNode.querySelector('.copy-status');
    if (!input) return;
    button.hidden = false;
    input.addEventListener('focus', function () { input.select(); });
    button.addEventListener('click', function () {
      var done = function () { if (status) status.textContent = button.getAttribute('data-copied'); };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(input.value).then(done, function () { input.focus(); input.select(); });
      } else {
        input.focus();
        input.select();
        try { if (document.execCommand('copy')) done(); } catch { /* the selected field is the fallback */ }
      }
    });
  });
})();
