// Proof of work for the reporting forms: find a nonce so that SHA-256("<challenge>:<nonce>") starts with
// `data-pow-bits` zero bits, then submit. No inline script (the Content-Security-Policy forbids it).
(function () {
  "use strict";
  function zeroBits(bytes) {
    var n = 0;
    for (var i = 0; i < bytes.length; i++) {
      if (bytes[i] === 0) { n += 8; continue; }
      var b = bytes[i];
      while ((b & 0x80) === 0) { n += 1; b <<= 1; }
      return n;
    }
    return n;
  }
  async function solve(challenge, bits) {
    var enc = new TextEncoder();
    for (var nonce = 0; ; nonce++) {
      var digest = await crypto.subtle.digest("SHA-256", enc.encode(challenge + ":" + nonce));
      if (zeroBits(new Uint8Array(digest)) >= bits) { return String(nonce); }
    }
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-pow-bits]").forEach(function (form) {
      var bits = parseInt(form.getAttribute("data-pow-bits"), 10) || 0;
      if (bits === 0) { return; }
      form.addEventListener("submit", function (event) {
        if (form.elements.nonce.value) { return; }
        event.preventDefault();
        var button = form.querySelector("button[type=submit]");
        if (button) { button.disabled = true; }
        solve(form.elements.challenge.value, bits).then(function (nonce) {
          form.elements.nonce.value = nonce;
          form.submit();
        });
      });
    });
  });
})();
