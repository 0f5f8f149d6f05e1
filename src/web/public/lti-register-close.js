// LTI Dynamic Registration §3.6: tell the LMS page that opened the registration that it is done.
(function () {
  var target = window.opener || (window.parent !== window ? window.parent : null);
  if (target) target.postMessage({ subject: 'org.imsglobal.lti.close' }, '*');
})();
