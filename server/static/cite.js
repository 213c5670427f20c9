// Adds a "Copy citation" button to a page's citation. Progressive enhancement: the citation
// is plain text on the page and can be selected and copied without this script.
(function () {
  'use strict';
  function enhance(box) {
    var text = box.querySelector('.citation-text');
    if (!text) return;
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'copy-citation';
    button.textContent = box.getAttribute('data-label') || 'Copy';
    var status = document.createElement('span');
    status.setAttribute('role', 'status');
    status.className = 'copy-status';
    button.addEventListener('click', function () {
      var done = function (ok) {
        status.textContent = box.getAttribute(ok ? 'data-copied' : 'data-failed') || '';
        if (!ok) {
          var range = document.createRange();
          range.selectNodeContents(text);
          var selection = window.getSelection();
          if (selection) {
            selection.removeAllRanges();
            selection.addRange(range);
          }
        }
      };
      if (!navigator.clipboard) {
        done(false);
        return;
      }
      navigator.clipboard.writeText(text.textContent.trim()).then(
        function () {
          done(true);
        },
        function () {
          done(false);
        },
      );
    });
    box.appendChild(button);
    box.appendChild(status);
  }
  document.querySelectorAll('.citation').forEach(enhance);
})();
