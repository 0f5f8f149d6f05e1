// Sends an LTI message form (deep-linking response) back to the platform as soon as the page loads;
// the visible button does the same without JavaScript.
document.addEventListener('DOMContentLoaded', function () {
  var form = document.getElementById('lti-auto-post');
  if (form) form.submit();
});
