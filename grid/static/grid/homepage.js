/* Carnivore Weekly homepage: records what readers do with the tiles.
 *
 * The page is complete without this file; it adds the Share and Bookmark buttons and sends
 * each reader action to POST /api/engagement/ (the address is the page's
 * data-engagement-url) with its own event_uuid, so a resent event is stored once:
 * - view: once per tile and page, when half of the tile has been on screen;
 * - click: a tile's link followed (also with the middle button);
 * - share: the link shared (the system's share sheet) or copied;
 * - bookmark / unbookmark: the Bookmark button toggles; pressed again, it takes the bookmark
 *   back (remembered in this browser either way).
 *
 * Anonymous readers' events go by navigator.sendBeacon, which outlives the page (a click
 * leaves it): a JSON Blob, no cookies needed, no CSRF token. A signed-in reader's request
 * carries the session cookie, so Django wants the CSRF token in a header, which a beacon
 * cannot carry: theirs go by fetch() with keepalive, which outlives the page too. A tile's
 * bookmarks and unbookmarks go by fetch() too, one after the other (each once the one before
 * was answered): the reader's latest counts, so they must be stored in the order pressed.
 */
(() => {
  "use strict";

  const page = document.querySelector("[data-engagement-url]");
  if (!page) {
    return;
  }
  const endpoint = page.dataset.engagementUrl;
  const csrfMeta = document.querySelector('meta[name="csrf-token"]');
  const csrfToken = csrfMeta ? csrfMeta.content : null;
  const status = document.getElementById("tile-status");
  const BOOKMARKS_KEY = "carnivore-weekly:bookmarks";

  function uuid() {
    if (window.crypto && typeof crypto.randomUUID === "function") {
      return crypto.randomUUID(); // secure contexts (https, localhost)
    }
    // Plain http on another host: a version 4 UUID from getRandomValues.
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  function eventFor(tile, interaction) {
    return {
      content_type: tile.dataset.contentType,
      content_id: Number(tile.dataset.contentId),
      interaction_type: interaction,
      event_uuid: uuid(),
      metadata: { source: "homepage", position: Number(tile.dataset.position), tile: tile.dataset.size },
    };
  }

  function post(body) {
    const headers = { "Content-Type": "application/json" };
    if (csrfToken !== null) {
      headers["X-CSRFToken"] = csrfToken;
    }
    return fetch(endpoint, { method: "POST", body, headers, keepalive: true, credentials: "same-origin" })
      .catch(() => {}); // offline: the reader's page goes on; the event is lost
  }

  function send(events) {
    if (events.length === 0) {
      return;
    }
    const body = JSON.stringify(events.length === 1 ? events[0] : { events });
    if (csrfToken === null && navigator.sendBeacon) {
      const queued = navigator.sendBeacon(endpoint, new Blob([body], { type: "application/json" }));
      if (queued) {
        return;
      }
    }
    post(body);
  }

  function record(tile, interaction) {
    send([eventFor(tile, interaction)]);
  }

  // A tile's toggles (bookmark, unbookmark), each sent once the one before was answered.
  const toggling = new Map();

  function recordInTurn(tile, interaction) {
    const key = tileKey(tile);
    const body = JSON.stringify(eventFor(tile, interaction));
    const sent = (toggling.get(key) || Promise.resolve()).then(() => post(body));
    toggling.set(key, sent);
  }

  function announce(message) {
    if (status) {
      status.textContent = "";
      window.setTimeout(() => { status.textContent = message; }, 50);
    }
  }

  const tiles = Array.from(document.querySelectorAll(".tile[data-content-id]"));

  // --- Views: once per tile shown, the tiles that came into view together in one request.
  if ("IntersectionObserver" in window) {
    const seen = new IntersectionObserver((entries) => {
      const shown = entries.filter((entry) => entry.isIntersecting).map((entry) => entry.target);
      shown.forEach((tile) => seen.unobserve(tile));
      send(shown.map((tile) => eventFor(tile, "view")));
    }, { threshold: 0.5 });
    tiles.forEach((tile) => seen.observe(tile));
  }

  // --- Clicks: the tile's link, followed in this tab or (middle button) another.
  function onFollow(event) {
    const link = event.target.closest(".tile-link");
    if (link && (event.type === "click" || event.button === 1)) {
      record(link.closest(".tile"), "click");
    }
  }
  page.addEventListener("click", onFollow);
  page.addEventListener("auxclick", onFollow);

  // --- Bookmarks: remembered in this browser; a second press takes the bookmark back.
  function bookmarked() {
    try {
      return new Set(JSON.parse(localStorage.getItem(BOOKMARKS_KEY) || "[]"));
    } catch {
      return new Set(); // storage disabled, or not ours
    }
  }

  function remember(key, on) {
    const keys = bookmarked();
    if (on) {
      keys.add(key);
    } else {
      keys.delete(key);
    }
    try {
      localStorage.setItem(BOOKMARKS_KEY, JSON.stringify(Array.from(keys)));
    } catch {
      // storage full or disabled: the bookmark still counts, this browser forgets it
    }
  }

  function showBookmarked(button, on) {
    button.setAttribute("aria-pressed", on ? "true" : "false");
    button.querySelector(".tile-action-label").textContent = on ? "Bookmarked" : "Bookmark";
  }

  function tileKey(tile) {
    return `${tile.dataset.contentType}:${tile.dataset.contentId}`;
  }

  async function share(tile, button) {
    const link = tile.querySelector(".tile-link");
    const title = link.textContent.trim();
    try {
      if (navigator.share) {
        await navigator.share({ title, url: link.href });
      } else {
        await navigator.clipboard.writeText(link.href);
        button.querySelector(".tile-action-label").textContent = "Link copied";
        window.setTimeout(() => { button.querySelector(".tile-action-label").textContent = "Share"; }, 2000);
        announce(`Link to “${title}” copied`);
      }
    } catch {
      return; // the reader closed the share sheet, or the clipboard was refused: not shared
    }
    record(tile, "share");
  }

  const saved = bookmarked();
  tiles.forEach((tile) => {
    const actions = tile.querySelector(".tile-actions");
    if (!actions) {
      return;
    }
    const bookmark = actions.querySelector('[data-action="bookmark"]');
    if (saved.has(tileKey(tile))) {
      showBookmarked(bookmark, true);
    }
    actions.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-action]");
      if (!button) {
        return;
      }
      if (button.dataset.action === "share") {
        share(tile, button);
      } else if (button.dataset.action === "bookmark") {
        const on = button.getAttribute("aria-pressed") !== "true";
        recordInTurn(tile, on ? "bookmark" : "unbookmark");
        remember(tileKey(tile), on);
        showBookmarked(button, on);
        const title = tile.querySelector(".tile-link").textContent.trim();
        announce(on ? `Bookmarked “${title}”` : `Bookmark taken back: “${title}”`);
      }
    });
    actions.hidden = false;
  });

  // --- Thumbnails that do not load (offline, blocked): the tile's placeholder instead.
  document.querySelectorAll(".tile-media img").forEach((img) => {
    const fallback = () => img.parentElement.classList.add("tile-media--failed");
    if (img.complete && img.naturalWidth === 0) {
      fallback();
    } else {
      img.addEventListener("error", fallback, { once: true });
    }
  });
})();
