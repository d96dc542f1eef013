/* Editor helpers shared by the vc node dialogs (served by Node-RED at
 * resources/node-red-contrib-velocitycollector/vc-editor.js). Loaded once per dialog script tag;
 * the first load defines it. */
(function () {
  "use strict";
  if (window.VcEditor) {
    return;
  }

  /** Fills a <select> with the credentials of a deployed vault (names and usernames only). */
  function fillCredentials($select, vaultId, t) {
    $select.empty();
    if (!vaultId || vaultId === "_ADD_") {
      return $.Deferred().resolve().promise();
    }
    return $.getJSON("vc-vault-config/" + encodeURIComponent(vaultId) + "/credentials")
      .done(function (data) {
        (data.credentials || []).forEach(function (c) {
          $("<option>")
            .val(c.name)
            .text(c.name + " (" + c.username + ")" + (c.isDefault ? " *" : ""))
            .appendTo($select);
        });
      })
      .fail(function () {
        $("<option>").val("").text(t("test.deployVault")).appendTo($select);
      });
  }

  /**
   * Asks the runtime to log in to one device with one vault credential, by name: no secret
   * leaves the runtime. Shows the outcome in $result.
   */
  function testCredential(request, $result, t) {
    $result.text(t("test.testing")).css("color", "");
    return $.ajax({
      url: "vc-collect/test-credential",
      method: "POST",
      contentType: "application/json",
      dataType: "json",
      data: JSON.stringify(request),
    })
      .done(function (r) {
        if (r.ok) {
          $result
            .text(t("test.ok") + " (" + r.durationMs + " ms)")
            .css("color", "var(--red-ui-text-color-success, #080)");
        } else {
          $result.text(t("test.failed") + ": " + r.errorClass).css("color", "var(--red-ui-text-color-error, #c00)");
        }
      })
      .fail(function (xhr) {
        $result
          .text((xhr.responseJSON && xhr.responseJSON.error) || xhr.statusText)
          .css("color", "var(--red-ui-text-color-error, #c00)");
      });
  }

  window.VcEditor = { fillCredentials: fillCredentials, testCredential: testCredential };
})();
