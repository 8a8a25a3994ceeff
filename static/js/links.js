// The links page: print, and replace a link (the old one stops working at once).
"use strict";
(function () {
  const status = document.querySelector("[data-testid=links-status]");
  document.querySelector("[data-action=print]").addEventListener("click", function () { window.print(); });
  document.querySelectorAll("[data-action=rotate]").forEach(function (button) {
    button.addEventListener("click", async function () {
      const role = button.dataset.role, site = button.dataset.site || null;
      const warning = role === "chair" ? document.body.dataset.confirmChair : document.body.dataset.confirmOther;
      if (!window.confirm(warning)) { return; }
      try {
        const links = await EventApi.call("POST", "/links/rotate", { role: role, site: site });
        if (role === "chair") {
          // This page's cookie was for the old link: reload with the new one, which the loader exchanges.
          window.history.replaceState(null, "", "#token=" + encodeURIComponent(links.chair.token));
          window.location.reload();
        } else {
          window.location.reload();
        }
      } catch (error) {
        EventApi.say(status, error.message, true);
      }
    });
  });
})();
