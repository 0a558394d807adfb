/* Hallway's service worker, served at /sw.js for the scope /e/ (app/routes/pages/offline.py): the wall
 * (with My day) and the marketplace stay readable when the venue's wifi drops.
 *
 * Network first, always: a page is fetched as if there were no worker, and a copy of it is kept. Only when
 * the network fails is the kept copy shown, marked with when it was kept (static/js/hallway.js then says
 * "Offline: showing the wall as of HH:MM"). What it keeps:
 *  - whole-page loads (GET navigations) of /e/{slug} and /e/{slug}/wall, answered 200, without a key,
 *    token or display secret in the address: the last few pages only (MAX_PAGES);
 *  - the CSS, scripts and QR code those pages load.
 * Everything else goes to the network untouched, as without a worker: every write (POST, PUT, DELETE), htmx's
 * requests (fragments, not pages), the facilitator's, notes and board pages, the API, the websocket.
 * A page refused since (403, 404: forgotten, removed, banned) loses its copy, so it is not shown offline. */
"use strict";

var VERSION = "1"; // a new one (new files to keep, another shape) starts empty caches: activate drops the old
var PREFIX = "hallway-";
var PAGES = PREFIX + "pages-v" + VERSION;
var ASSETS = PREFIX + "assets-v" + VERSION;
var MAX_PAGES = 8;
var MAX_ASSETS = 24;
var KEPT_AT = "X-Hallway-Kept-At";
var PAGE_PATH = /^\/e\/[^/]+(\/wall)?\/?$/;
var ASSET_PATH = /^\/static\/|^\/e\/[^/]+\/qr\.svg$/;
var SECRETS = ["key", "token", "display"];

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf(PREFIX) === 0 && name !== PAGES && name !== ASSETS;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (SECRETS.some(function (name) { return url.searchParams.has(name); })) return;
  if (request.mode === "navigate" && PAGE_PATH.test(url.pathname)) {
    event.respondWith(page(event, request, url));
  } else if (ASSET_PATH.test(url.pathname) && !request.headers.has("HX-Request")) {
    event.respondWith(asset(event, request));
  }
});

/* A page: the network's answer, kept (only the plain address: a search or a theme filter is the same page);
 * without a network, the copy kept last, marked. */
function page(event, request, url) {
  var plain = url.origin + url.pathname;
  return fetch(request).then(function (answer) {
    // waitUntil: the worker stays up until the copy is stored, after the page has its answer.
    if (answer.status === 200 && !answer.redirected && isHtml(answer)) {
      if (url.search === "") event.waitUntil(keep(PAGES, plain, answer.clone(), MAX_PAGES));
    } else if ([401, 403, 404, 410].indexOf(answer.status) !== -1) {
      event.waitUntil(caches.open(PAGES).then(function (cache) { return cache.delete(plain); }));
    }
    return answer;
  }, function (failure) {
    return caches.open(PAGES).then(function (cache) { return cache.match(plain); }).then(function (kept) {
      if (!kept) throw failure;
      return marked(kept);
    });
  });
}

/* An asset: the network's answer (kept), or the copy kept last. */
function asset(event, request) {
  return fetch(request).then(function (answer) {
    if (answer.status === 200) event.waitUntil(keep(ASSETS, request.url, answer.clone(), MAX_ASSETS));
    return answer;
  }, function (failure) {
    return caches.open(ASSETS).then(function (cache) { return cache.match(request.url); }).then(function (kept) {
      if (!kept) throw failure;
      return kept;
    });
  });
}

function isHtml(answer) {
  return (answer.headers.get("Content-Type") || "").indexOf("text/html") === 0;
}

/* Keep a copy with the time it was kept; the oldest go beyond `most` (a cache lists its entries in the order
 * they were put, and putting one again moves it to the end). */
function keep(name, key, answer, most) {
  return answer.blob().then(function (body) {
    var headers = new Headers(answer.headers);
    // The body read here is already decoded, and kept under a plain address, whatever the request sent.
    ["Content-Encoding", "Content-Length", "Vary"].forEach(function (name) { headers.delete(name); });
    headers.set(KEPT_AT, String(Date.now()));
    var copy = new Response(body, { status: answer.status, statusText: answer.statusText, headers: headers });
    return caches.open(name).then(function (cache) {
      return cache.delete(key).then(function () { return cache.put(key, copy); }).then(function () {
        return cache.keys();
      }).then(function (keys) {
        return Promise.all(keys.slice(0, Math.max(0, keys.length - most)).map(function (old) { return cache.delete(old); }));
      });
    });
  }).catch(function () { /* storage full or refused: the page still works, just not offline */ });
}

/* The kept page, its body marked with when it was kept: data-offline-copy is what hallway.js reads. The
 * page's own headers (its content security policy among them) go with it. */
function marked(kept) {
  return kept.text().then(function (html) {
    var at = kept.headers.get(KEPT_AT) || "0";
    var headers = new Headers(kept.headers);
    headers.set("Cache-Control", "no-store");
    return new Response(html.replace("<body", '<body data-offline-copy="' + Number(at) + '"'), {
      status: 200,
      headers: headers,
    });
  });
}
