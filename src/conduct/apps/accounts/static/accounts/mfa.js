// Security keys and passkeys (WebAuthn) on the second-factor pages, with django-allauth's helpers
// (mfa/js/webauthn-json.js, mfa/js/webauthn.js). The options come from a JSON block on the page.
(function () {
  'use strict'
  const forms = window.allauth && window.allauth.webauthn && window.allauth.webauthn.forms
  if (!forms) return
  document.addEventListener('allauth.error', function (event) {
    const box = document.getElementById('webauthn-error')
    if (box) {
      box.hidden = false
      box.textContent = box.dataset.message + ' (' + (event.detail.exception && event.detail.exception.name || 'Error') + ')'
    }
    event.preventDefault()
  })
  if (document.getElementById('webauthn-add')) {
    forms.addForm({ ids: { add: 'webauthn-add', credential: 'webauthn-credential', data: 'webauthn-data' } })
  }
  if (document.getElementById('webauthn-authenticate')) {
    forms.authenticateForm({ ids: { authenticate: 'webauthn-authenticate', credential: 'webauthn-credential', data: 'webauthn-data' } })
  }
})()
