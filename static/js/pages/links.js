// The links page: print, and replace a link (the old one stops working at once).
import { call, say } from "../core/api.js";

const status = document.getElementById("links-status");
document.querySelector("[data-action=print]").addEventListener("click", function () { window.print(); });
document.querySelectorAll("[data-action=rotate]").forEach(function (button) {
  button.addEventListener("click", async function () {
    const linkRole = button.dataset.linkRole, site = button.dataset.site || null;
    const warning = linkRole === "chair" ? document.body.dataset.confirmChair : document.body.dataset.confirmOther;
    if (!window.confirm(warning)) { return; }
    try {
      const links = await call("POST", "/links/rotate", { role: linkRole, site: site });
      if (linkRole === "chair") {
        // This page's cookie was for the old link: reload with the new one, which the loader exchanges.
        window.history.replaceState(null, "", "#token=" + encodeURIComponent(links.chair.token));
      }
      window.location.reload();
    } catch (error) {
      say(status, error.message, true);
    }
  });
});
