/*
 * The Silo admin console: a page per hash route (#/tenants, #/tenant/acme, …), each built from the
 * same /api/… routes any client calls, with the administrator's access token.
 *
 * Two rules hold throughout:
 * - Every value from the API goes into the page as text (textContent, attribute values), never as
 *   markup: there is no innerHTML here. An organization named <img src=x onerror=alert(1)> shows as
 *   those characters.
 * - The tokens live in this closure only: not in a cookie (nothing a forged request from another
 *   site could carry along), not in localStorage or sessionStorage (nothing a script could read back
 *   later). Reloading the page signs out. See docs/security.md, "The admin console".
 */
"use strict";
(function () {
  var session = null; // {access, refresh, expiresAt, email, timer}
  var main = document.getElementById("main");
  var statusLine = document.getElementById("status");
  var PAGE = 25;

  // ---------------------------------------------------------------- building the page, safely

  /** An element with attributes and children; strings and numbers become text nodes, never markup. */
  function h(tag, attrs) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === null || value === undefined || value === false) { return; }
      if (key.slice(0, 2) === "on") { node.addEventListener(key.slice(2), value); return; }
      if (key === "text") { node.textContent = String(value); return; }
      node.setAttribute(key, value === true ? "" : String(value));
    });
    for (var i = 2; i < arguments.length; i++) { append(node, arguments[i]); }
    return node;
  }

  function append(node, child) {
    if (child === null || child === undefined || child === false) { return; }
    if (Array.isArray(child)) { child.forEach(function (c) { append(node, c); }); return; }
    node.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }

  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }

  function badge(state) {
    return h("span", { "class": "badge s-" + String(state).replace(/[^a-z-]/g, "") }, String(state));
  }

  function table(caption, headers, rows, empty) {
    if (rows.length === 0) { return h("p", { "class": "empty" }, empty); }
    return h("div", { "class": "table-wrap" },
      h("table", {},
        h("caption", { "class": "sr-only" }, caption),
        h("thead", {}, h("tr", {}, headers.map(function (x) {
          return h("th", { scope: "col", "class": x.charAt(0) === "~" ? "hide-narrow" : null }, x.replace(/^~/, ""));
        }))),
        h("tbody", {}, rows.map(function (cells) {
          return h("tr", {}, cells.map(function (c, i) {
            return h("td", { "class": headers[i].charAt(0) === "~" ? "hide-narrow" : null }, c);
          }));
        }))));
  }

  function field(label, input) { return h("label", {}, label, input); }

  function when(value) {
    if (!value) { return "—"; }
    var d = new Date(value);
    return isNaN(d.getTime()) ? String(value) : d.toISOString().replace("T", " ").slice(0, 19) + " UTC";
  }

  function bytes(n) {
    if (typeof n !== "number") { return "—"; }
    var units = ["B", "KiB", "MiB", "GiB", "TiB"], i = 0;
    while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
    return (i === 0 ? n : n.toFixed(1)) + " " + units[i];
  }

  function say(message) { statusLine.textContent = message; }

  function errorBox(error) {
    var problem = error && error.problem;
    var text = problem ? (problem.title || "Error") + (problem.detail ? ": " + problem.detail : "")
      : (error && error.message) || "Something went wrong";
    return h("div", { "class": "error", role: "alert" }, text);
  }

  function page(title) {
    clear(main);
    document.title = title + " · Silo admin";
    main.appendChild(h("h1", {}, title));
    return main;
  }

  // ---------------------------------------------------------------- the API, with the token

  function ApiError(status, problem) {
    this.status = status;
    this.problem = problem;
    this.message = (problem && (problem.detail || problem.title)) || ("HTTP " + status);
  }

  function api(method, path, body) {
    return send(method, path, body === undefined ? undefined : JSON.stringify(body), "application/json", false);
  }

  /**
   * One call with the token: a payload of any type (a Blob is streamed as it is), answered as JSON or,
   * with wantBlob, as the bytes of a successful answer (an archive to download or to send back).
   */
  function send(method, path, payload, contentType, wantBlob) {
    var headers = { "Accept": wantBlob ? "application/octet-stream, application/problem+json" : "application/json" };
    if (session) { headers["Authorization"] = "Bearer " + session.access; }
    if (payload !== undefined) { headers["Content-Type"] = contentType; }
    return fetch(path, {
      method: method, headers: headers, credentials: "omit", cache: "no-store", body: payload
    }).then(function (response) {
      if (response.ok && wantBlob) { return response.blob(); }
      return response.text().then(function (text) {
        var json = null;
        try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
        if (response.ok) { return json; }
        if (response.status === 401 && session && path.indexOf("/api/admin/auth/") !== 0) {
          signOut("Your session ended; sign in again.");
        }
        // under admin.requireTotp, an administrator without a second factor may only enroll one
        if (response.status === 403 && session && json && /second-factor-enrollment-required$/.test(json.type || "")) {
          session.mustEnroll = true;
          if (location.hash !== "#/account") { location.hash = "#/account"; }
        }
        throw new ApiError(response.status, json);
      });
    });
  }

  function get(path) { return api("GET", path); }

  function query(params) {
    var parts = [];
    Object.keys(params).forEach(function (k) {
      if (params[k] !== undefined && params[k] !== null && params[k] !== "") {
        parts.push(encodeURIComponent(k) + "=" + encodeURIComponent(params[k]));
      }
    });
    return parts.length ? "?" + parts.join("&") : "";
  }

  // ---------------------------------------------------------------- session

  function startSession(tokens, email) {
    session = { access: tokens.accessToken, refresh: tokens.refreshToken, email: email };
    schedule(tokens.expiresIn);
    document.getElementById("nav").hidden = false;
    var who = document.getElementById("who");
    who.textContent = email;
    who.hidden = false;
    document.getElementById("sign-out").hidden = false;
  }

  /** Renews the access token shortly before it expires; a refused renewal (the session ended) signs out. */
  function schedule(expiresIn) {
    if (session.timer) { clearTimeout(session.timer); }
    var ms = Math.max(5, (expiresIn || 60) - 30) * 1000;
    session.timer = setTimeout(function () {
      api("POST", "/api/auth/refresh", { refreshToken: session.refresh }).then(function (tokens) {
        session.access = tokens.accessToken;
        session.refresh = tokens.refreshToken;
        schedule(tokens.expiresIn);
      }, function () { signOut("Your session expired; sign in again."); });
    }, ms);
  }

  function signOut(message) {
    var ending = session;
    session = null;
    if (ending) {
      clearTimeout(ending.timer);
      fetch("/api/auth/logout", {
        method: "POST", headers: { "Content-Type": "application/json", "Authorization": "Bearer " + ending.access },
        body: JSON.stringify({ refreshToken: ending.refresh }), credentials: "omit"
      }).catch(function () { /* the session ends anyway when its tokens expire */ });
    }
    document.getElementById("nav").hidden = true;
    document.getElementById("who").hidden = true;
    document.getElementById("sign-out").hidden = true;
    signIn(message);
  }

  function signIn(message) {
    page("Sign in");
    say("");
    var email = h("input", { id: "email", type: "email", autocomplete: "username", required: true });
    var password = h("input", { id: "password", type: "password", autocomplete: "current-password", required: true });
    var totp = h("input", { id: "totp", inputmode: "numeric", autocomplete: "one-time-code", pattern: "[0-9]{6}" });
    var totpField = field("Code from your authenticator app", totp);
    totpField.hidden = true;
    var errors = h("div", {});
    var form = h("form", { "class": "card signin", "aria-label": "Sign in" },
      message ? h("p", { "class": "status", role: "alert" }, message) : null,
      h("p", { "class": "muted" }, "Platform administrators only."),
      field("Email", email), field("Password", password), totpField, errors,
      h("button", { type: "submit" }, "Sign in"));
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clear(errors);
      var body = { email: email.value.trim(), password: password.value };
      if (!totpField.hidden && totp.value.trim()) { body.totp = totp.value.trim(); }
      api("POST", "/api/admin/auth/login", body).then(function (tokens) {
        startSession(tokens, body.email);
        password.value = "";
        if (location.hash === "" || location.hash === "#/" || location.hash === "#/signin") {
          location.hash = "#/overview";
        } else {
          route();
        }
      }, function (error) {
        var type = error.problem && error.problem.type || "";
        if (/second-factor-required$/.test(type)) {
          totpField.hidden = false;
          totp.focus();
          errors.appendChild(h("p", { "class": "muted", role: "alert" }, "Enter the 6-digit code from your authenticator app."));
          return;
        }
        errors.appendChild(errorBox(error));
      });
    });
    main.appendChild(form);
    email.focus();
  }

  // ---------------------------------------------------------------- routing

  var pages = {
    overview: overview, tenants: tenants, "new-tenant": newTenant, tenant: tenant, clusters: clusters,
    "auth-test": authTester, jobs: jobs, job: job, audit: audit, mail: mail, account: account
  };
  var live = []; // timers of the page shown; cleared on every navigation

  function route() {
    live.forEach(clearInterval);
    live = [];
    if (!session) {
      // a sign-in already shown keeps its message (why the session ended) whatever the address says
      if (!document.getElementById("password")) { signIn(); }
      return;
    }
    var hash = location.hash.replace(/^#\/?/, "");
    var q = hash.indexOf("?");
    var path = (q < 0 ? hash : hash.slice(0, q)).split("/").map(decodeURIComponent);
    var params = new URLSearchParams(q < 0 ? "" : hash.slice(q + 1));
    var name = path[0] || "overview";
    var show = pages[name] || overview;
    document.querySelectorAll("#nav a").forEach(function (a) {
      var section = name === "tenant" || name === "new-tenant" ? "tenants" : name === "job" ? "jobs" : name;
      if (a.getAttribute("data-section") === section) { a.setAttribute("aria-current", "page"); } else { a.removeAttribute("aria-current"); }
    });
    say("");
    show(path.slice(1), params);
    main.focus();
  }

  function every(ms, fn) { live.push(setInterval(fn, ms)); }

  function failInto(node) {
    return function (error) { node.shown = null; clear(node); node.appendChild(errorBox(error)); };
  }

  /**
   * Draws `data` into `node` only when it differs from what the node shows: a list asked again every
   * second or two keeps the focus, the scroll position and a screen reader's place until something
   * in it changed (and a live region announces only changes).
   */
  function redraw(node, data, draw) {
    // a job's updatedAt moves with every heartbeat but is drawn nowhere
    var text = JSON.stringify(data, function (key, value) { return key === "updatedAt" ? undefined : value; });
    if (node.shown === text) { return; }
    node.shown = text;
    clear(node);
    draw();
  }

  function section(title, id) {
    var body = h("div", { id: id || null }, h("p", { "class": "muted" }, "Loading…"));
    return { card: h("section", { "class": "card", "aria-label": title }, h("h2", {}, title), body), body: body };
  }

  // ---------------------------------------------------------------- Overview

  var STATUSES = ["active", "provisioning", "suspended", "failed", "deleting"];

  function overview() {
    page("Overview");
    var grid = h("div", { "class": "grid" });
    main.appendChild(grid);
    var byStatus = section("Tenants by status", "ov-status");
    var health = section("Clusters", "ov-clusters");
    var pools = section("Connections against budget", "ov-pools");
    var traffic = section("Requests and errors, last hour (this instance)", "ov-traffic");
    var storage = section("Largest tenants by storage", "ov-storage");
    [byStatus, health, pools, traffic, storage].forEach(function (s) { grid.appendChild(s.card); });

    Promise.all(STATUSES.map(function (status) {
      return get("/api/organizations" + query({ status: status, limit: 500 })).then(function (page) {
        return { label: status, value: page.items.length, text: page.items.length + (page.nextCursor ? "+" : ""),
          tone: status === "active" ? "ok" : status === "suspended" ? "warn" : status === "failed" ? "bad" : null };
      });
    })).then(function (rows) {
      clear(byStatus.body);
      if (rows.every(function (r) { return r.value === 0; })) {
        byStatus.body.appendChild(h("p", { "class": "empty" }, "No tenant yet. ", h("a", { href: "#/new-tenant" }, "Create the first one")));
        return;
      }
      byStatus.body.appendChild(SiloCharts.bars(rows, { title: "Tenants by status", labelWidth: 110 }));
    }, failInto(byStatus.body));

    Promise.all([get("/api/admin/clusters"), get("/api/admin/clusters/health")]).then(function (both) {
      var probes = {};
      both[1].clusters.forEach(function (p) { probes[p.id] = p; });
      clear(health.body);
      health.body.appendChild(table("Clusters and their health", ["Cluster", "Status", "Reachable", "Latency"],
        both[0].clusters.map(function (c) {
          var p = probes[c.id] || {};
          return [c.id, badge(c.status), p.reachable ? badge("up") : badge("down"),
            p.latencyMs === undefined ? "—" : p.latencyMs + " ms"];
        }), "No cluster is registered."));
    }, failInto(health.body));

    get("/api/admin/pools").then(function (body) {
      clear(pools.body);
      if (body.clusters.length === 0) { pools.body.appendChild(h("p", { "class": "empty" }, "No pools open.")); return; }
      pools.body.appendChild(SiloCharts.bars(body.clusters.map(function (c) {
        return { label: c.cluster, value: c.connections, text: c.connections + " / " + c.budget,
          tone: c.connections >= c.budget ? "bad" : null };
      }), { title: "Connections open against each cluster's budget", max: Math.max.apply(null, body.clusters.map(function (c) { return c.budget; })), labelWidth: 90 }));
      pools.body.appendChild(h("p", { "class": "legend" }, body.clusters.map(function (c) {
        return c.cluster + ": " + c.inUse + " in use, " + c.idle + " idle, " + c.poolsOpen + " pools, " + c.budgetWaits + " waits";
      }).join(" · ")));
    }, failInto(pools.body));

    get("/api/admin/metrics/history").then(function (body) {
      clear(traffic.body);
      traffic.body.appendChild(SiloCharts.series(body.minutes, { title: "Requests and errors per minute" }));
      var requests = 0, errors = 0;
      body.minutes.forEach(function (m) { requests += m.requests; errors += m.errors; });
      traffic.body.appendChild(h("p", { "class": "legend" }, h("span", { "class": "key-req" }, "— requests "),
        requests + " · ", h("span", { "class": "key-err" }, "— errors (5xx) "), errors));
    }, failInto(traffic.body));

    get("/api/admin/storage" + query({ limit: 10 })).then(function (body) {
      clear(storage.body);
      if (body.organizations.length === 0) {
        storage.body.appendChild(h("p", { "class": "empty" }, "No tenant as of " + when(body.computedAt) + " (sizes are measured at most every five minutes)."));
        return;
      }
      storage.body.appendChild(SiloCharts.bars(body.organizations.map(function (o) {
        return { label: o.slug, value: o.bytes, text: bytes(o.bytes) };
      }), { title: "Largest tenants by storage" }));
      storage.body.appendChild(h("p", { "class": "legend" }, "Sizes as of " + when(body.computedAt) + "."));
    }, failInto(storage.body));
  }

  // ---------------------------------------------------------------- Tenants

  function tenants(path, params) {
    page("Tenants");
    var q = h("input", { type: "search", id: "tenant-q", name: "q", value: params.get("q") || "" });
    var status = h("select", { id: "tenant-status", name: "status" }, h("option", { value: "" }, "any"),
      STATUSES.map(function (s) { return h("option", { value: s, selected: params.get("status") === s }, s); }));
    var cluster = h("input", { id: "tenant-cluster", name: "cluster", value: params.get("cluster") || "", size: 10 });
    var service = h("input", { id: "tenant-service", name: "service", value: params.get("service") || "", size: 10 });
    var form = h("form", { "class": "inline", role: "search", "aria-label": "Find tenants" },
      field("Name or slug", q), field("Status", status), field("Cluster", cluster), field("Service", service),
      h("button", { type: "submit" }, "Search"),
      h("a", { href: "#/new-tenant", "class": "button-link" }, "Create a tenant"));
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      location.hash = "#/tenants" + query({ q: q.value.trim(), status: status.value, cluster: cluster.value.trim(), service: service.value.trim() });
    });
    main.appendChild(form);
    var list = h("div", { id: "tenant-list" }, h("p", { "class": "muted" }, "Loading…"));
    main.appendChild(list);
    var cursors = [params.get("cursor") || ""];
    function load(cursor) {
      get("/api/organizations" + query({ q: params.get("q"), status: params.get("status"), cluster: params.get("cluster"),
        service: params.get("service"), limit: PAGE, cursor: cursor })).then(function (body) {
        var items = body.items;
        clear(list);
        list.appendChild(table("Tenants", ["Name", "Slug", "Status", "~Services", "~Cluster", "~Created"],
          items.map(function (o) {
            return [h("a", { href: "#/tenant/" + encodeURIComponent(o.slug) }, o.name), o.slug, badge(o.status),
              o.databases.map(function (d) { return d.service; }).filter(function (s) { return s !== "core"; }).join(", "),
              Array.from(new Set(o.databases.map(function (d) { return d.cluster; }))).join(", "), when(o.createdAt)];
          }), "No tenant matches."));
        var pager = h("div", { "class": "pager" });
        if (cursors.length > 1) {
          pager.appendChild(h("button", { type: "button", "class": "secondary", onclick: function () { cursors.pop(); load(cursors[cursors.length - 1]); } }, "Previous page"));
        }
        if (body.nextCursor) {
          pager.appendChild(h("button", { type: "button", "class": "secondary", onclick: function () { cursors.push(body.nextCursor); load(body.nextCursor); } }, "Next page"));
        }
        list.appendChild(pager);
      }, failInto(list));
    }
    load(cursors[0]);
  }

  function labelText(labels) {
    return Object.keys(labels || {}).sort().map(function (k) { return k + "=" + labels[k]; }).join(", ");
  }

  /** "key=value, key=value" as labels: pairs split at commas only, spaces around keys and values dropped. */
  function labelsOf(text) {
    var labels = {};
    text.split(",").map(function (s) { return s.trim(); }).filter(Boolean).forEach(function (pair) {
      var at = pair.indexOf("=");
      labels[(at < 0 ? pair : pair.slice(0, at)).trim()] = at < 0 ? "" : pair.slice(at + 1).trim();
    });
    return labels;
  }

  function words(text) { return text.split(/[\s,]+/).map(function (s) { return s.trim(); }).filter(Boolean); }

  function newTenant() {
    page("Create a tenant");
    var inputs = {
      name: h("input", { id: "nt-name", required: true, maxlength: 200 }),
      slug: h("input", { id: "nt-slug", placeholder: "derived from the name" }),
      businessType: h("input", { id: "nt-business-type" }),
      services: h("input", { id: "nt-services", required: true, placeholder: "billing, crm" }),
      license: h("input", { id: "nt-license" }),
      quotas: h("input", { id: "nt-quotas", placeholder: "maxUsers=50, crm.contacts=5000" }),
      features: h("input", { id: "nt-features", placeholder: "pos, off:crm" }),
      cluster: h("input", { id: "nt-cluster", placeholder: "placed by labels and load" }),
      adminEmail: h("input", { id: "nt-admin-email", type: "email", required: true }),
      adminName: h("input", { id: "nt-admin-name" }),
      adminPassword: h("input", { id: "nt-admin-password", type: "password", required: true, autocomplete: "new-password" })
    };
    var errors = h("div", {});
    var form = h("form", { "class": "card", "aria-label": "New tenant" },
      h("div", { "class": "form-grid" },
        field("Name", inputs.name), field("Slug (optional)", inputs.slug), field("Business type (optional)", inputs.businessType),
        field("Services (comma-separated)", inputs.services), field("License (optional)", inputs.license),
        field("Quotas (name=number, …)", inputs.quotas), field("Features (comma-separated)", inputs.features),
        field("Cluster (optional)", inputs.cluster)),
      h("fieldset", {}, h("legend", {}, "First administrator"),
        h("div", { "class": "form-grid" }, field("Email", inputs.adminEmail), field("Name", inputs.adminName),
          field("Password (10 characters or more)", inputs.adminPassword))),
      errors, h("button", { type: "submit" }, "Create"));
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clear(errors);
      var body = { name: inputs.name.value.trim(), services: words(inputs.services.value),
        admin: { email: inputs.adminEmail.value.trim(), password: inputs.adminPassword.value } };
      ["slug", "businessType", "license", "cluster"].forEach(function (k) { if (inputs[k].value.trim()) { body[k] = inputs[k].value.trim(); } });
      if (inputs.adminName.value.trim()) { body.admin.name = inputs.adminName.value.trim(); }
      if (inputs.features.value.trim()) { body.features = words(inputs.features.value); }
      if (inputs.quotas.value.trim()) {
        body.quotas = {};
        words(inputs.quotas.value).forEach(function (pair) {
          var parts = pair.split("=");
          body.quotas[parts[0]] = parts.length > 1 && /^[0-9]+$/.test(parts[1]) ? Number(parts[1]) : parts[1];
        });
      }
      say("Creating " + body.name + "…");
      api("POST", "/api/organizations", body).then(function (created) {
        say("Created " + created.slug + " (" + created.status + ").");
        location.hash = "#/tenant/" + encodeURIComponent(created.slug);
      }, function (error) { say(""); errors.appendChild(errorBox(error)); });
    });
    main.appendChild(form);
    inputs.name.focus();
  }

  // ---------------------------------------------------------------- one tenant

  function tenant(path) {
    var slug = path[0] || "";
    page("Tenant");
    var holder = h("div", {}, h("p", { "class": "muted" }, "Loading…"));
    main.appendChild(holder);
    get("/api/organizations/" + encodeURIComponent(slug)).then(function (org) {
      page(org.name);
      main.querySelector("h1").appendChild(document.createTextNode(" "));
      main.querySelector("h1").appendChild(badge(org.status));
      main.appendChild(tenantActions(org));
      // the databases take the whole width: seven columns, a reason per database when one does not answer
      var databases = databasesCard(org);
      main.appendChild(databases);
      main.appendChild(registryCard(org));
      main.appendChild(moveCard(org, databases.refresh));
      main.appendChild(backupsCard(org));
      main.appendChild(usersCard(org));
      main.appendChild(tenantJobsCard(org));
      main.appendChild(tenantActivityCard(org));
    }, failInto(holder));
  }

  function tenantActions(org) {
    var box = h("div", { "class": "card", "aria-label": "Actions" });
    var errors = h("div", {});
    var reason = h("input", { id: "status-reason", placeholder: "why" });
    var row = h("div", { "class": "toolbar" });
    if (org.status === "active") {
      row.appendChild(field("Reason", reason));
      row.appendChild(h("button", { type: "button", id: "suspend", onclick: function () {
        api("POST", "/api/organizations/" + encodeURIComponent(org.slug) + "/suspend", reason.value.trim() ? { reason: reason.value.trim() } : {})
          .then(function () { say(org.slug + " is suspended."); route(); }, function (e) { errors.appendChild(errorBox(e)); });
      } }, "Suspend"));
    }
    if (org.status === "suspended") {
      row.appendChild(h("button", { type: "button", id: "activate", onclick: function () {
        api("POST", "/api/organizations/" + encodeURIComponent(org.slug) + "/activate")
          .then(function () { say(org.slug + " is active again."); route(); }, function (e) { errors.appendChild(errorBox(e)); });
      } }, "Activate"));
    }
    var confirm = h("input", { id: "delete-confirm", autocomplete: "off" });
    var del = h("button", { type: "button", id: "delete", "class": "danger", disabled: true, onclick: function () {
      del.disabled = true;
      api("DELETE", "/api/organizations/" + encodeURIComponent(org.slug)).then(function (body) {
        if (body && body.job) {
          say("Deleting " + org.slug + "…");
          location.hash = "#/job/" + encodeURIComponent(body.job.id);
        } else {
          say(org.slug + " is deleted.");
          location.hash = "#/tenants";
        }
      }, function (e) { del.disabled = false; errors.appendChild(errorBox(e)); });
    } }, "Delete");
    confirm.addEventListener("input", function () { del.disabled = confirm.value !== org.slug; });
    row.appendChild(field("Type " + org.slug + " to delete", confirm));
    row.appendChild(del);
    box.appendChild(row);
    box.appendChild(errors);
    return box;
  }

  function registryCard(org) {
    var s = section("Registry");
    clear(s.body);
    var inputs = {
      name: h("input", { id: "reg-name", value: org.name }),
      businessType: h("input", { id: "reg-business-type", value: org.businessType || "" }),
      license: h("input", { id: "reg-license", value: org.license || "" }),
      features: h("input", { id: "reg-features", value: (org.features || []).join(", ") }),
      quotas: h("input", { id: "reg-quotas", value: Object.keys(org.quotas || {}).map(function (k) { return k + "=" + org.quotas[k]; }).join(", ") }),
      notes: h("textarea", { id: "reg-notes" }, org.notes || "")
    };
    var errors = h("div", {});
    s.body.appendChild(h("dl", { "class": "fields" },
      h("dt", {}, "Slug"), h("dd", { "class": "mono" }, org.slug),
      h("dt", {}, "Id"), h("dd", { "class": "mono" }, org.id),
      h("dt", {}, "External id"), h("dd", {}, org.externalId || "—"),
      h("dt", {}, "Created"), h("dd", {}, when(org.createdAt))));
    var form = h("form", { "aria-label": "Registry fields" },
      h("div", { "class": "form-grid" }, field("Name", inputs.name), field("Business type", inputs.businessType),
        field("License", inputs.license), field("Features", inputs.features), field("Quotas", inputs.quotas)),
      field("Notes", inputs.notes), errors, h("button", { type: "submit" }, "Save"));
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clear(errors);
      var quotas = {};
      Object.keys(org.quotas || {}).forEach(function (k) { quotas[k] = null; });
      words(inputs.quotas.value).forEach(function (pair) {
        var parts = pair.split("=");
        quotas[parts[0]] = parts.length > 1 && /^[0-9]+$/.test(parts[1]) ? Number(parts[1]) : parts[1];
      });
      var patch = { name: inputs.name.value.trim(), businessType: inputs.businessType.value.trim() || null,
        license: inputs.license.value.trim() || null, features: words(inputs.features.value),
        quotas: quotas, notes: inputs.notes.value };
      api("PATCH", "/api/organizations/" + encodeURIComponent(org.slug), patch)
        .then(function () { say("Saved."); route(); }, function (e) { errors.appendChild(errorBox(e)); });
    });
    s.body.appendChild(form);
    return s.card;
  }

  /**
   * The tenant's databases, with their sizes and, asked now (and again on "Test again"), whether
   * each answers: one fresh connection per database, bounded, so a cluster that is down shows on
   * its rows and the rest of the page is unaffected.
   */
  function databasesCard(org) {
    var s = section("Databases", "tenant-databases");
    var sizes = {};
    var probes = null; // name → probe, from the last check
    var checked = h("p", { "class": "muted", id: "connectivity-status", role: "status" });
    var again = h("button", { type: "button", "class": "secondary", id: "connectivity-again", onclick: check }, "Test again");
    var rows = h("div", {});
    clear(s.body);
    s.body.appendChild(rows);
    s.body.appendChild(h("div", { "class": "toolbar" }, again, checked));
    // only the table is redrawn: the button keeps its focus and the status line is not re-inserted
    function render() {
      clear(rows);
      rows.appendChild(table("Databases of " + org.slug, ["Service", "~Cluster", "Name", "~Version", "State", "~Size", "Connectivity"],
        org.databases.map(function (d) {
          return [d.service, d.cluster, h("span", { "class": "mono dbname" }, d.name),
            d.schemaVersion + (d.templateVersion !== d.schemaVersion ? " (template " + d.templateVersion + ")" : ""),
            badge(d.state), sizes[d.name] === undefined ? "—" : h("span", { "class": "nowrap" }, bytes(sizes[d.name])), connectivity(d.name)];
        }), "No database."));
    }
    function connectivity(name) {
      var p = probes && probes[name];
      if (!p) { return h("span", { "class": "muted", "data-connectivity": name }, probes ? "not checked" : "checking…"); }
      if (p.reachable) {
        return h("span", { "data-connectivity": name }, h("span", { "class": "nowrap" }, badge("up"), " " + p.latencyMs + " ms"),
          h("span", { "class": "muted hide-narrow" }, " · PostgreSQL " + p.version));
      }
      return h("span", { "data-connectivity": name }, badge("down"), " ", h("span", { "class": "muted why" }, p.error || ""));
    }
    var checking = false;
    // the button is not disabled while a check runs: a disabled button would drop the focus
    function check() {
      if (checking) { return; }
      checking = true;
      again.setAttribute("aria-busy", "true");
      checked.textContent = "Checking each database…";
      get("/api/admin/organizations/" + encodeURIComponent(org.slug) + "/connectivity").then(function (body) {
        probes = {};
        body.databases.forEach(function (d) { probes[d.name] = d; });
        var down = body.databases.filter(function (d) { return !d.reachable; }).length;
        render();
        checking = false;
        again.removeAttribute("aria-busy");
        checked.textContent = (down === 0 ? "All " + body.databases.length + " answer" : down + " of " + body.databases.length + " do not answer")
          + ", checked " + when(body.checkedAt) + ".";
      }, function (e) {
        probes = {};
        render();
        checking = false;
        again.removeAttribute("aria-busy");
        checked.textContent = "Not checked: " + e.message;
      });
    }
    render();
    check();
    get("/api/admin/storage" + query({ organization: org.slug })).then(function (body) {
      (body.organizations[0] && body.organizations[0].databases || []).forEach(function (d) { sizes[d.name] = d.bytes; });
      render();
    }, function () { /* sizes are a nicety; the table stands without them */ });
    s.card.refresh = function (fresh) { org = fresh; check(); };
    return s.card;
  }

  function finished(j) { return j.state === "succeeded" || j.state === "failed" || j.state === "cancelled"; }

  /**
   * Shows a job's kind, state and progress in `into`, asked every second until it ends; then calls
   * done with the job as it ended (or with null when it could not be read).
   */
  function followJob(id, into, done) {
    var over = false;
    var timer = setInterval(poll, 1000);
    live.push(timer);
    poll();
    function end(j) { if (over) { return; } over = true; clearInterval(timer); done(j); }
    function poll() {
      get("/api/admin/jobs/" + encodeURIComponent(id)).then(function (j) {
        if (over) { return; }
        redraw(into, j, function () {
          into.appendChild(h("p", {}, h("a", { href: "#/job/" + encodeURIComponent(j.id) }, j.kind), " ", badge(j.state)));
          into.appendChild(progressOf(j));
        });
        if (!finished(j)) { return; }
        if (j.error) { into.appendChild(errorBox({ message: j.error })); }
        end(j);
      }, function (e) { if (!over) { failInto(into)(e); end(null); } });
    }
  }

  /**
   * Moves the tenant to another cluster (the job organization.move): its progress is followed here
   * every second, and once it ends what the move did (method, fence, rows verified) is shown; the
   * databases card is redrawn from the organization as it is after the switch.
   */
  function moveCard(org, onMoved) {
    var s = section("Move to another cluster", "move-card");
    var here = Array.from(new Set(org.databases.map(function (d) { return d.cluster; })));
    function placedOn(o) {
      return "Now on " + (Array.from(new Set(o.databases.map(function (d) { return d.cluster; }))).join(", ") || "no cluster") + ".";
    }
    var where = h("span", { id: "move-where" }, placedOn(org));
    var target = h("select", { id: "move-cluster" });
    var method = h("select", { id: "move-method" }, ["auto", "logical", "copy"].map(function (m) { return h("option", { value: m }, m); }));
    // an organization's services may live on different clusters: one of them may move alone
    var service = h("select", { id: "move-service" }, [h("option", { value: "" }, "every database")].concat(
      org.databases.filter(function (d) { return d.state !== "detached"; })
        .map(function (d) { return h("option", { value: d.service }, d.service + " (on " + d.cluster + ")"); })));
    var button = h("button", { type: "submit", id: "move" }, "Move");
    var errors = h("div", {});
    var progress = h("div", { id: "move-progress", "aria-live": "polite" });
    var form = h("form", { "class": "inline", "aria-label": "Move to another cluster" },
      field("To cluster", target), field("Service", service), field("Method", method), button);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clear(errors);
      button.disabled = true;
      var body = { cluster: target.value, method: method.value };
      if (service.value) { body.service = service.value; }
      api("POST", "/api/admin/organizations/" + encodeURIComponent(org.slug) + "/move", body)
        .then(function (job) { say("Moving " + org.slug + " to " + target.value + "…"); follow(job.id); },
          function (e) { button.disabled = false; errors.appendChild(errorBox(e)); });
    });
    function follow(id) {
      followJob(id, progress, function (j) {
        button.disabled = false;
        if (!j) { return; }
        if (j.move) { progress.appendChild(moveSummary(j.move)); }
        if (j.state === "succeeded") {
          say(org.slug + " moved to " + (j.move ? j.move.to : target.value) + ".");
          get("/api/organizations/" + encodeURIComponent(org.slug)).then(function (fresh) {
            onMoved(fresh);
            where.textContent = placedOn(fresh);
          }, function () { /* the cards keep what they showed */ });
        }
      });
    }
    get("/api/admin/clusters").then(function (body) {
      // on several clusters, any of them may take the rest (or one service); on one, only the others
      var others = here.length > 1 ? body.clusters : body.clusters.filter(function (c) { return here.indexOf(c.id) < 0; });
      clear(s.body);
      if (others.length === 0) { s.body.appendChild(h("p", { "class": "empty" }, "No other cluster is registered.")); return; }
      others.forEach(function (c) {
        target.appendChild(h("option", { value: c.id }, c.id + (c.acceptingTenants ? "" : " (not accepting tenants)")));
      });
      s.body.appendChild(h("p", { "class": "muted" }, where, " The tenant keeps working while "
        + "its rows are copied; its writes are refused for a moment (503 database-fenced) while the copy catches up. "
        + "The old databases stay, read-only, for the removal grace."));
      s.body.appendChild(form);
      s.body.appendChild(errors);
      s.body.appendChild(progress);
    }, failInto(s.body));
    return s.card;
  }

  /**
   * The tenant's backups: made by a job (followed live), listed from backups.dir, downloaded with the
   * token (fetched, then handed to the browser as a Blob: a plain link would carry no credential), and
   * restored, as a new organization or in place of this one (with the slug typed out): a listed
   * archive where it lies (…/backups/{name}/restore), a file from disk sent to /api/admin/restores.
   * The archive stays encrypted throughout: the console never sees the backup key.
   */
  function backupsCard(org) {
    var s = section("Backups", "tenant-backups");
    var base = "/api/admin/organizations/" + encodeURIComponent(org.slug) + "/backups";
    var list = h("div", {});
    var errors = h("div", {});
    var progress = h("div", { id: "backup-progress", "aria-live": "polite" });
    var consistent = h("input", { type: "checkbox", id: "backup-consistent" });
    var create = h("button", { type: "button", id: "backup-create", onclick: function () {
      clear(errors);
      create.disabled = true;
      api("POST", base, { consistent: consistent.checked }).then(function (job) {
        say("Backing up " + org.slug + "…");
        followJob(job.id, progress, function (j) {
          create.disabled = false;
          if (j && j.state === "succeeded") { say("Backed up " + org.slug + "."); load(); }
        });
      }, function (e) { create.disabled = false; errors.appendChild(errorBox(e)); });
    } }, "Back up now");
    var restoreAs = h("input", { id: "restore-as", value: org.slug + "-restored", autocomplete: "off" });
    var restoreCluster = h("input", { id: "restore-cluster", placeholder: "placed by labels and load" });
    var file = h("input", { id: "restore-file", type: "file", accept: ".silo-backup" });
    var replace = h("input", { type: "checkbox", id: "restore-replace" });
    var confirmReplace = h("input", { id: "restore-confirm", autocomplete: "off" });
    var confirmField = field("Type " + org.slug + " to replace it", confirmReplace);
    confirmField.hidden = true;
    var restoreButtons = [];
    /** Replacing is destructive: every restore button waits for the slug typed out, as a deletion does. */
    function arm() {
      confirmField.hidden = !replace.checked;
      restoreAs.disabled = replace.checked;
      restoreButtons.forEach(function (b) { b.disabled = replace.checked && confirmReplace.value !== org.slug; });
    }
    replace.addEventListener("change", arm);
    confirmReplace.addEventListener("input", arm);
    function restoreButton(attrs, label) {
      var b = h("button", attrs, label);
      restoreButtons.push(b);
      return b;
    }
    function load() {
      get(base).then(function (body) {
        clear(list);
        restoreButtons = restoreButtons.filter(function (b) { return b.id === "restore-file-go"; });
        list.appendChild(table("Backups of " + org.slug, ["Archive", "~Size", "~Created", "Actions"], body.items.map(function (a) {
          return [h("span", { "class": "mono" }, a.name), bytes(a.bytes), when(a.createdAt), h("div", { "class": "actions" },
            h("button", { type: "button", "class": "secondary", "aria-label": "Download " + a.name, onclick: function () { download(a); } }, "Download"),
            restoreButton({ type: "button", "class": "secondary", "aria-label": "Restore " + a.name,
              onclick: function () { restoreListed(a); } }, "Restore"))];
        }), "No backup yet."));
        arm();
      }, failInto(list));
    }
    function archive(a) { return send("GET", base + "/" + encodeURIComponent(a.name), undefined, undefined, true); }
    function download(a) {
      clear(errors);
      archive(a).then(function (blob) {
        var url = URL.createObjectURL(blob);
        var link = h("a", { href: url, download: a.name, hidden: true });
        document.body.appendChild(link);
        link.click();
        document.body.removeChild(link);
        setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
        say("Downloaded " + a.name + " (" + blob.size + " bytes).");
      }, function (e) { errors.appendChild(errorBox(e)); });
    }
    /** What the restore asks for, or null (and why not, shown) when the form is not complete. */
    function options() {
      clear(errors);
      var cluster = restoreCluster.value.trim();
      if (replace.checked) {
        if (confirmReplace.value !== org.slug) {
          errors.appendChild(h("p", { "class": "error", role: "alert" }, "Type " + org.slug + " to confirm the replacement."));
          return null;
        }
        return { replace: true, confirm: confirmReplace.value, cluster: cluster || undefined, slug: org.slug };
      }
      var slug = restoreAs.value.trim();
      if (!slug) { errors.appendChild(h("p", { "class": "error", role: "alert" }, "Name the slug the restored organization takes.")); return null; }
      return { as: slug, cluster: cluster || undefined, slug: slug };
    }
    function restoreListed(a) {
      var o = options();
      if (!o) { return; }
      say((o.replace ? "Replacing " + org.slug + " with " : "Restoring ") + a.name + (o.replace ? "…" : " as " + o.slug + "…"));
      api("POST", base + "/" + encodeURIComponent(a.name) + "/restore", { as: o.as, cluster: o.cluster, replace: o.replace, confirm: o.confirm })
        .then(function (job) { follow(job, a.name, o); }, function (e) { say(""); errors.appendChild(errorBox(e)); });
    }
    function restoreFile(f) {
      var o = options();
      if (!o) { return; }
      say((o.replace ? "Replacing " + org.slug + " with " : "Restoring ") + f.name + (o.replace ? "…" : " as " + o.slug + "…"));
      send("POST", "/api/admin/restores" + query({ as: o.as, cluster: o.cluster, replace: o.replace ? "true" : "", confirm: o.confirm }),
        f, "application/octet-stream", false)
        .then(function (job) { follow(job, f.name, o); }, function (e) { say(""); errors.appendChild(errorBox(e)); });
    }
    function follow(job, name, o) {
      followJob(job.id, progress, function (j) {
        if (!j || j.state !== "succeeded") { return; }
        say(o.replace ? "Replaced " + o.slug + " with " + name + "; the old organization is kept, suspended, as " + o.slug + "-replaced-…."
          : "Restored " + name + " as " + o.slug + ".");
        var href = "#/tenant/" + encodeURIComponent(o.slug);
        // after a replacement the link is this page's own address: following it must still redraw
        progress.appendChild(h("p", {}, h("a", { href: href, id: "restored-link", onclick: function () { if (location.hash === href) { route(); } } },
          "Open " + o.slug)));
      });
    }
    clear(s.body);
    s.body.appendChild(h("div", { "class": "toolbar" },
      h("label", { "class": "check" }, consistent, " One instant across all its databases (writes wait a moment)"), create));
    s.body.appendChild(progress);
    s.body.appendChild(list);
    s.body.appendChild(h("h3", {}, "Restore"));
    s.body.appendChild(h("p", { "class": "muted" }, "A restore makes a new organization from an archive (listed above, or a file of this "
      + "deployment's backups): everything it held, under the slug given here. Replacing restores " + org.slug + " itself: its writes "
      + "are refused while the archive is restored beside it and verified, then the restored one takes its place and the current one "
      + "is kept, suspended, under a new slug; its members sign in again."));
    s.body.appendChild(h("label", { "class": "check" }, replace, " Replace " + org.slug + " with the archive (the archive must be of " + org.slug + ")"));
    s.body.appendChild(h("div", { "class": "toolbar" }, field("As slug", restoreAs), confirmField, field("Cluster (optional)", restoreCluster),
      field("Archive file", file), restoreButton({ type: "button", "class": "secondary", id: "restore-file-go", onclick: function () {
        if (!file.files.length) { clear(errors); errors.appendChild(h("p", { "class": "error", role: "alert" }, "Choose an archive file first.")); return; }
        restoreFile(file.files[0]);
      } }, "Restore the file")));
    s.body.appendChild(errors);
    load();
    return s.card;
  }

  /** What a move did, from its job's move summary. */
  function moveSummary(m) {
    var rows = [];
    Object.keys(m.counts || {}).forEach(function (service) {
      Object.keys(m.counts[service]).forEach(function (t) { rows.push([service, t, String(m.counts[service][t])]); });
    });
    return h("div", { "class": "move-summary" },
      h("h3", {}, "The move"),
      h("dl", { "class": "fields" },
        h("dt", {}, "From"), h("dd", {}, (m.from || []).join(", ") || "—"),
        h("dt", {}, "To"), h("dd", {}, m.to),
        h("dt", {}, "State"), h("dd", {}, badge(m.state)),
        h("dt", {}, "Method"), h("dd", { id: "move-method-used" },
          m.method === "logical" ? "logical replication" : m.method === "copy" ? "copy under the fence" : "not chosen yet"),
        h("dt", {}, "Writes refused (fence)"), h("dd", { id: "move-fence" }, typeof m.fenceMs === "number" ? m.fenceMs + " ms" : "—"),
        h("dt", {}, "Switched"), h("dd", {}, when(m.switchedAt)),
        h("dt", {}, "Old copies dropped after"), h("dd", {}, when(m.oldCopiesDropAfter))),
      // every table of every service is counted: folded, so that the summary stays one screen
      h("details", {}, h("summary", {}, "Rows verified on both sides: " + rows.length + " tables, "
          + rows.reduce(function (sum, r) { return sum + Number(r[2]); }, 0) + " rows"),
        table("Rows verified on both sides", ["Service", "Table", "Rows"], rows, "No row counted yet.")));
  }

  function usersCard(org) {
    var s = section("Users");
    var base = "/api/admin/organizations/" + encodeURIComponent(org.slug) + "/users";
    // the organization's own services first: core (member or admin) is the role changed least often
    var services = org.databases.map(function (d) { return d.service; }).filter(function (sv) { return sv !== "core"; }).concat(["core"]);
    var filter = h("select", { id: "users-service", "aria-label": "Service" }, h("option", { value: "" }, "every service"),
      services.map(function (sv) { return h("option", { value: sv }, sv); }));
    var list = h("div", {});
    var errors = h("div", {});
    var selected = {}; // user id → label, of the rows ticked
    function load() {
      get(base + query({ service: filter.value, limit: 100 })).then(function (body) {
        selected = {};
        clear(list);
        list.appendChild(table("Users of " + org.slug, ["Select", "User", "~Status", "Roles"],
          body.items.map(function (u) { return userRow(u); }), "No user" + (filter.value ? " in " + filter.value : "") + "."));
      }, failInto(list));
    }
    function userRow(u) {
      var label = u.email || u.username;
      var tick = h("input", { type: "checkbox", "aria-label": "Select " + label, "data-user": label });
      tick.addEventListener("change", function () { if (tick.checked) { selected[u.id] = label; } else { delete selected[u.id]; } });
      return [tick, h("span", {}, u.name || "", h("br"), h("span", { "class": "muted" }, [u.email, u.username].filter(Boolean).join(" · "))),
        badge(u.status), Object.keys(u.services).map(function (k) { return h("div", {}, k + ": " + u.services[k]); })];
    }
    /** One operation per selected user, in one request to the bulk route; each is answered on its own. */
    function bulk(operation) {
      clear(errors);
      var ids = Object.keys(selected);
      if (ids.length === 0) { errors.appendChild(h("p", { "class": "error", role: "alert" }, "Select one or more users first.")); return; }
      api("POST", base + "/_bulk", { operations: ids.map(operation) }).then(function (answer) {
        answer.results.forEach(function (r) {
          if (r.problem) { errors.appendChild(errorBox({ problem: r.problem })); }
        });
        say(answer.succeeded + " changed, " + answer.failed + " refused.");
        load();
      }, function (e) { errors.appendChild(errorBox(e)); });
    }
    var bulkService = h("select", { id: "bulk-service" }, services.map(function (sv) { return h("option", { value: sv }, sv); }));
    var bulkRole = h("input", { id: "bulk-role", size: 10, placeholder: "role" });
    function roleChange(value) {
      return function (id) { var services = {}; services[bulkService.value] = value; return { op: "update", id: id, changes: { services: services } }; };
    }
    var bulkBar = h("div", { "class": "toolbar", role: "group", "aria-label": "Change the selected users" },
      field("Service", bulkService), field("Role", bulkRole),
      h("button", { type: "button", "class": "secondary", id: "bulk-set-role", onclick: function () {
        if (!bulkRole.value.trim()) { clear(errors); errors.appendChild(h("p", { "class": "error", role: "alert" }, "Name the role to give in " + bulkService.value + ".")); return; }
        bulk(roleChange(bulkRole.value.trim()));
      } }, "Set role"),
      h("button", { type: "button", "class": "secondary", onclick: function () { bulk(roleChange(null)); } }, "Remove from service"),
      h("button", { type: "button", "class": "danger", onclick: function () { bulk(function (id) { return { op: "delete", id: id }; }); } }, "Delete users"));
    filter.addEventListener("change", load);
    var add = {
      email: h("input", { id: "nu-email", type: "email" }), name: h("input", { id: "nu-name" }),
      password: h("input", { id: "nu-password", type: "password", autocomplete: "new-password" }),
      service: h("select", { id: "nu-service" }, services.filter(function (sv) { return sv !== "core"; }).map(function (sv) { return h("option", { value: sv }, sv); })),
      role: h("input", { id: "nu-role", placeholder: "default role", size: 10 })
    };
    var form = h("form", { "class": "inline", "aria-label": "Add a user" },
      field("Email", add.email), field("Name", add.name), field("Password", add.password),
      field("Service", add.service), field("Role", add.role), h("button", { type: "submit", id: "nu-add" }, "Add user"));
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clear(errors);
      var services = {};
      if (add.service.value) { services[add.service.value] = add.role.value.trim() || undefined; }
      var body = { email: add.email.value.trim(), name: add.name.value.trim(), password: add.password.value,
        services: add.role.value.trim() ? services : Object.keys(services) };
      api("POST", base, body).then(function (u) {
        say("Added " + u.email + ".");
        add.email.value = ""; add.password.value = "";
        load();
      }, function (e) { errors.appendChild(errorBox(e)); });
    });
    clear(s.body);
    s.body.appendChild(form);
    s.body.appendChild(errors);
    s.body.appendChild(h("div", { "class": "toolbar" }, field("Show users of", filter)));
    s.body.appendChild(list);
    s.body.appendChild(h("p", { "class": "muted" }, "With the selected users:"));
    s.body.appendChild(bulkBar);
    load();
    return s.card;
  }

  function jobRows(items, withTenant) {
    return items.map(function (j) {
      var row = [h("a", { href: "#/job/" + encodeURIComponent(j.id) }, j.kind), badge(j.state), progressOf(j)];
      if (withTenant) { row.push(h("span", { "class": "mono" }, j.tenantId ? j.tenantId.slice(0, 8) : "—")); }
      row.push(when(j.createdAt));
      row.push(j.error ? h("span", { "class": "muted" }, j.error) : "");
      return row;
    });
  }

  function progressOf(j) {
    var total = j.steps ? j.steps.length : 0;
    var label = j.stepsDone + " of " + total + " steps" + (j.currentStep ? ", now " + j.currentStep : "");
    var box = h("div", {}, h("progress", { max: total || 1, value: j.stepsDone, "aria-label": "Progress of " + j.kind + ": " + label }),
      " ", h("span", { "class": "muted" }, label));
    if (j.progress && j.progress.total) {
      box.appendChild(h("div", { "class": "muted" }, j.progress.done + " / " + j.progress.total + " in this step"));
    }
    return box;
  }

  function tenantJobsCard(org) {
    var s = section("Jobs");
    function load() {
      get("/api/admin/jobs" + query({ organization: org.id, limit: 10 })).then(function (body) {
        redraw(s.body, body.items, function () {
          s.body.appendChild(table("Jobs of " + org.slug, ["Kind", "State", "Progress", "~Created", "~Error"], jobRows(body.items, false), "No job."));
        });
      }, failInto(s.body));
    }
    load();
    every(2000, load);
    return s.card;
  }

  function auditRows(items) {
    return items.map(function (e) {
      return [when(e.at), e.action, (e.actor && (e.actor.name || e.actor.kind)) || "—",
        h("span", { "class": "mono" }, e.details ? JSON.stringify(e.details) : ""), e.clientAddress || ""];
    });
  }

  function tenantActivityCard(org) {
    var s = section("Activity");
    get("/api/admin/activity" + query({ tenant: org.id, limit: 20 })).then(function (body) {
      clear(s.body);
      s.body.appendChild(table("Activity of " + org.slug, ["When", "Action", "Actor", "~Details", "~Client"], auditRows(body.items), "Nothing recorded yet."));
    }, failInto(s.body));
    return s.card;
  }

  // ---------------------------------------------------------------- Clusters

  function clusters() {
    page("Clusters");
    var list = h("div", { id: "cluster-list" }, h("p", { "class": "muted" }, "Loading…"));
    main.appendChild(list);
    var drains = section("Drains", "cluster-drains");
    main.appendChild(drains.card);
    function load() {
      Promise.all([get("/api/admin/clusters"), get("/api/admin/pools"), get("/api/admin/clusters/health")]).then(function (all) {
        var pools = {}, probes = {};
        all[1].clusters.forEach(function (p) { pools[p.cluster] = p; });
        all[2].clusters.forEach(function (p) { probes[p.id] = p; });
        clear(list);
        if (all[0].clusters.length === 0) { list.appendChild(h("p", { "class": "empty" }, "No cluster is registered.")); return; }
        var grid = h("div", { "class": "grid" });
        all[0].clusters.forEach(function (c) { grid.appendChild(clusterCard(c, pools[c.id], probes[c.id])); });
        list.appendChild(grid);
      }, failInto(list));
    }
    var drainStates = null; // the drains' states last shown: a change redraws the clusters (a drain ended)
    function loadDrains() {
      get("/api/admin/jobs" + query({ kind: "cluster.drain", limit: 5 })).then(function (body) {
        var states = body.items.map(function (j) { return j.id + j.state; }).join();
        if (drainStates !== null && states !== drainStates) { load(); }
        drainStates = states;
        redraw(drains.body, body.items, function () {
          var rows = jobRows(body.items, false);
          body.items.forEach(function (j, i) { rows[i].unshift(h("span", { "class": "mono" }, j.cluster || "—")); });
          drains.body.appendChild(table("Drains, newest first", ["Cluster", "Kind", "State", "Progress (in the move step: tenants)", "~Created", "~Error"],
            rows, "No cluster was drained."));
        });
      }, failInto(drains.body));
    }

    function clusterCard(c, pool, probe) {
      var result = h("p", { "class": "muted", role: "status" });
      var errors = h("div", {});
      var figures = h("dd", { id: "cl-figures-" + c.id }, "…");
      get("/api/organizations" + query({ cluster: c.id, limit: 500 })).then(function (body) {
        var databases = 0;
        body.items.forEach(function (o) { o.databases.forEach(function (d) { if (d.cluster === c.id) { databases++; } }); });
        var more = body.nextCursor ? "+" : "";
        figures.textContent = body.items.length + more + " tenant" + (body.items.length === 1 ? "" : "s") + " · "
          + databases + more + " database" + (databases === 1 ? "" : "s");
      }, function (e) { figures.textContent = e.message; });
      var connections = pool ? pool.connections : 0;
      var parallel = h("input", { id: "cl-parallel-" + c.id, type: "number", min: 1, max: 16, value: 2, size: 3 });
      var confirm = h("input", { id: "cl-remove-confirm-" + c.id, autocomplete: "off" });
      var remove = h("button", { type: "button", "class": "danger", id: "cl-remove-" + c.id, disabled: true, onclick: function () {
        clear(errors);
        remove.disabled = true;
        api("DELETE", "/api/admin/clusters/" + encodeURIComponent(c.id)).then(function () { say("Removed " + c.id + "."); load(); },
          function (e) { remove.disabled = false; errors.appendChild(removalRefused(c, e)); });
      } }, "Remove");
      confirm.addEventListener("input", function () { remove.disabled = confirm.value !== c.id; });
      return h("section", { "class": "card", "aria-label": "Cluster " + c.id, "data-cluster": c.id },
        h("h2", {}, c.id, " ", badge(c.status), c.control ? h("span", { "class": "muted" }, " · control database") : null),
        h("dl", { "class": "fields" },
          h("dt", {}, "URL"), h("dd", { "class": "mono" }, c.url),
          h("dt", {}, "Version"), h("dd", { id: "cl-version-" + c.id },
            !probe ? "not probed" : probe.reachable ? "PostgreSQL " + (probe.version || "?") : "unreachable"),
          h("dt", {}, "Latency"), h("dd", {}, probe && probe.reachable ? probe.latencyMs + " ms" : probe ? probe.error || "—" : "—"),
          h("dt", {}, "Placed here"), figures,
          h("dt", {}, "Connections"), h("dd", { id: "cl-connections-" + c.id },
            h("meter", { min: 0, max: c.connectionBudget, value: Math.min(connections, c.connectionBudget),
              "aria-label": "Connections of " + c.id + " against its budget" }),
            " " + connections + " of " + c.connectionBudget
              + (pool ? " (" + pool.inUse + " in use, " + pool.idle + " idle, " + pool.poolsOpen + " pools, " + pool.budgetWaits + " waits)" : ", no pool open")),
          h("dt", {}, "Capacity"), h("dd", { id: "cl-capacity-shown-" + c.id }, c.capacity + " databases"),
          h("dt", {}, "Accepting tenants"), h("dd", {}, c.acceptingTenants ? "yes" : "no"),
          h("dt", {}, "Labels"), h("dd", { id: "cl-labels-shown-" + c.id }, labelText(c.labels) || "—"),
          h("dt", {}, "Credentials"), h("dd", {}, c.configured ? "from the configuration file" : "registered at run time")),
        h("div", { "class": "actions" },
          h("button", { type: "button", "class": "secondary", onclick: function () {
            result.textContent = "testing…";
            get("/api/admin/clusters/health").then(function (body) {
              var p = body.clusters.filter(function (x) { return x.id === c.id; })[0];
              result.textContent = !p ? "not probed" : p.reachable ? "reachable in " + p.latencyMs + " ms, PostgreSQL " + p.version : "unreachable: " + (p.error || "");
            }, function (e) { result.textContent = e.message; });
          } }, "Test connectivity"),
          h("button", { type: "button", "class": "secondary", id: "cl-accepting-" + c.id, onclick: function () {
            clear(errors);
            api("PATCH", "/api/admin/clusters/" + encodeURIComponent(c.id), { acceptingTenants: !c.acceptingTenants })
              .then(function () { say(c.id + (c.acceptingTenants ? " no longer accepts tenants." : " accepts tenants again.")); load(); },
                function (e) { errors.appendChild(errorBox(e)); });
          } }, c.acceptingTenants ? "Stop accepting tenants" : "Accept tenants")),
        h("div", { "class": "toolbar" },
          field("Moves at once", parallel),
          h("button", { type: "button", "class": "secondary", id: "cl-drain-" + c.id, onclick: function () {
            clear(errors);
            api("POST", "/api/admin/clusters/" + encodeURIComponent(c.id) + "/drain", { parallel: Number(parallel.value) || 2 })
              .then(function () { say("Draining " + c.id + ": its tenants move to other clusters."); loadDrains(); load(); },
                function (e) { errors.appendChild(errorBox(e)); });
          } }, "Drain")),
        h("h3", {}, "Settings"),
        settingsForm(c, errors),
        c.configured ? null : h("div", { "class": "toolbar" },
          h("button", { type: "button", "class": "secondary", id: "cl-rotate-" + c.id, onclick: function (event) {
            var button = event.currentTarget;
            if (button.getAttribute("aria-busy")) { return; } // not disabled: that would drop the focus
            clear(errors);
            button.setAttribute("aria-busy", "true");
            api("POST", "/api/admin/clusters/" + encodeURIComponent(c.id) + "/rotate-password").then(function () {
              button.removeAttribute("aria-busy");
              say("Gave " + c.id + " a new administrator password; every instance takes it up, open connections stay.");
            }, function (e) { button.removeAttribute("aria-busy"); errors.appendChild(errorBox(e)); });
          } }, "Rotate the administrator password")),
        h("div", { "class": "toolbar" }, field("Type " + c.id + " to remove", confirm), remove),
        errors, result);
    }

    /** Labels, capacity and connection budget, changed in one PATCH of what differs from the cluster as shown. */
    function settingsForm(c, errors) {
      var inputs = {
        labels: h("input", { id: "cl-labels-" + c.id, value: labelText(c.labels), placeholder: "key=value, …", autocomplete: "off" }),
        capacity: h("input", { id: "cl-capacity-" + c.id, type: "number", min: 1, max: 1000000, value: c.capacity, size: 8 }),
        budget: h("input", { id: "cl-budget-" + c.id, type: "number", min: 2, max: 100000, value: c.connectionBudget, size: 6 })
      };
      var form = h("form", { "class": "inline", "aria-label": "Settings of " + c.id },
        field("Labels (key=value, …)", inputs.labels), field("Capacity (databases)", inputs.capacity),
        field("Connection budget", inputs.budget), h("button", { type: "submit", "class": "secondary", id: "cl-save-" + c.id }, "Save"));
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        clear(errors);
        var change = {};
        // labels only when their field was edited: a value with a space or a comma would not read back as shown
        if (inputs.labels.value !== labelText(c.labels)) { change.labels = labelsOf(inputs.labels.value); }
        if (Number(inputs.capacity.value) !== c.capacity) { change.capacity = Number(inputs.capacity.value); }
        if (Number(inputs.budget.value) !== c.connectionBudget) { change.connectionBudget = Number(inputs.budget.value); }
        if (Object.keys(change).length === 0) { say("Nothing to save for " + c.id + "."); return; }
        api("PATCH", "/api/admin/clusters/" + encodeURIComponent(c.id), change)
          .then(function () { say("Saved " + c.id + "."); load(); }, function (e) { errors.appendChild(errorBox(e)); });
      });
      return form;
    }

    /** A refused removal says plainly what keeps the cluster, from the problem's databases. */
    function removalRefused(c, e) {
      var problem = e.problem || {};
      if (!/cluster-in-use$/.test(problem.type || "")) { return errorBox(e); }
      var n = problem.databases;
      return h("div", { "class": "error", role: "alert" }, "Not removed: " + c.id + " is in use"
        + (typeof n === "number" ? " by " + n + " tenant database" + (n === 1 ? "" : "s") + " (old copies of moved tenants count)" : "")
        + ". Drain it, then remove it once the old copies are dropped." + (problem.detail ? " " + problem.detail : ""));
    }

    load();
    loadDrains();
    every(2000, loadDrains);
    var add = { id: h("input", { id: "cl-id", required: true }), url: h("input", { id: "cl-url", required: true, placeholder: "jdbc:postgresql://host:5432/postgres" }),
      user: h("input", { id: "cl-user", required: true }), password: h("input", { id: "cl-password", type: "password", autocomplete: "off" }),
      budget: h("input", { id: "cl-budget", type: "number", min: 1 }),
      accepting: h("input", { id: "cl-accepting", type: "checkbox", checked: true }) };
    var errors = h("div", {});
    var form = h("form", { "class": "card", "aria-label": "Register a cluster" }, h("h2", {}, "Register a cluster"),
      h("div", { "class": "form-grid" }, field("Id", add.id), field("JDBC URL", add.url), field("User", add.user),
        field("Password", add.password), field("Connection budget (optional)", add.budget)),
      h("label", { "class": "check" }, add.accepting, " Accepts tenants at once"),
      errors, h("button", { type: "submit" }, "Check and register"));
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clear(errors);
      var body = { id: add.id.value.trim(), url: add.url.value.trim(), user: add.user.value.trim(), acceptingTenants: add.accepting.checked };
      if (add.password.value) { body.password = add.password.value; }
      if (add.budget.value) { body.connectionBudget = Number(add.budget.value); }
      say("Checking " + body.id + "…");
      api("POST", "/api/admin/clusters", body).then(function () {
        say("Registered " + body.id + ".");
        ["id", "url", "user", "password", "budget"].forEach(function (k) { add[k].value = ""; });
        load();
      },
        function (e) { say(""); errors.appendChild(errorBox(e)); });
    });
    main.appendChild(form);
  }

  // ---------------------------------------------------------------- Authentication tester

  function authTester() {
    page("Authentication tester");
    main.appendChild(h("p", { "class": "muted" }, "Checks a member's password and tells which services they may use, with which role. "
      + "No session is issued, the member's failed sign-ins are not counted, and the test is recorded in the audit log."));
    var inputs = { organization: h("input", { id: "at-org", required: true }), login: h("input", { id: "at-login", required: true }),
      password: h("input", { id: "at-password", type: "password", autocomplete: "off", required: true }) };
    var result = h("div", { id: "at-result", "aria-live": "polite" });
    var form = h("form", { "class": "card", "aria-label": "Test a sign-in" },
      h("div", { "class": "form-grid" }, field("Organization (slug or id)", inputs.organization), field("Email or username", inputs.login),
        field("Password", inputs.password)), h("button", { type: "submit" }, "Test"));
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clear(result);
      var login = inputs.login.value.trim();
      var body = { organization: inputs.organization.value.trim(), password: inputs.password.value };
      body[login.indexOf("@") >= 0 ? "email" : "username"] = login;
      api("POST", "/api/admin/auth/test", body).then(function (answer) {
        inputs.password.value = "";
        var card = h("div", { "class": "card" }, h("h2", {}, answer.outcome === "accepted" ? "Signs in" : "Refused: " + answer.outcome));
        if (answer.reason) { card.appendChild(h("p", {}, answer.reason)); }
        if (answer.user) {
          card.appendChild(h("p", {}, [answer.user.name, answer.user.email, answer.user.username].filter(Boolean).join(" · ")));
        }
        if (answer.services) {
          card.appendChild(table("Services and roles", ["Service", "Role"], Object.keys(answer.services).map(function (k) {
            return [k, answer.services[k]];
          }), "No service."));
        }
        result.appendChild(card);
      }, function (e) { result.appendChild(errorBox(e)); });
    });
    main.appendChild(form);
    main.appendChild(result);
  }

  // ---------------------------------------------------------------- Your account: the second factor

  /**
   * Enrolls the signed-in administrator's TOTP second factor: the secret shown as text and as an
   * otpauth:// URI (to type, or to paste into an app or a QR generator the administrator trusts:
   * the console draws no QR code and sends the secret nowhere), then confirmed with a code, which
   * answers the recovery codes, shown once.
   */
  function account() {
    page("Your account");
    var s = section("Two-factor sign-in", "account-totp");
    main.appendChild(h("p", {}, "Signed in as ", h("span", { "class": "mono" }, session.email), "."));
    if (session.mustEnroll) {
      main.appendChild(h("p", { "class": "error", role: "alert" }, "This deployment requires a second factor for platform "
        + "administrators (admin.requireTotp): set one up here before anything else."));
    }
    main.appendChild(s.card);
    var errors = h("div", {});
    var begin = h("button", { type: "button", id: "totp-begin", onclick: function () {
      clear(errors);
      begin.disabled = true;
      api("POST", "/api/admin/auth/totp").then(enroll, function (e) {
        begin.disabled = false;
        if (e.problem && /second-factor-state$/.test(e.problem.type || "")) {
          clear(s.body);
          s.body.appendChild(h("p", { id: "totp-state" }, "Two-factor sign-in is on for this account. To enroll a new "
            + "authenticator, an operator first resets it (silo admins reset-totp)."));
          return;
        }
        errors.appendChild(errorBox(e));
      });
    } }, "Set up an authenticator app");
    clear(s.body);
    s.body.appendChild(h("p", { "class": "muted" }, "Sign-in will ask for a 6-digit code from an authenticator app (TOTP: SHA-1, "
      + "6 digits, 30 seconds) after the password. Setting it up again before confirming replaces the secret not yet confirmed."));
    s.body.appendChild(begin);
    s.body.appendChild(errors);

    function enroll(enrollment) {
      clear(s.body);
      var code = h("input", { id: "totp-code", inputmode: "numeric", autocomplete: "one-time-code", pattern: "[0-9]{6}", size: 8, required: true });
      var form = h("form", { "class": "inline", "aria-label": "Confirm the authenticator" }, field("Code from the app", code),
        h("button", { type: "submit", id: "totp-confirm" }, "Confirm"));
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        clear(errors);
        api("POST", "/api/admin/auth/totp/confirm", { code: code.value.trim() }).then(confirmed, function (e) { errors.appendChild(errorBox(e)); });
      });
      s.body.appendChild(h("p", {}, "Add this account to your authenticator app, by its secret or by its URI, "
        + "then enter the code it shows. The secret is shown only now."));
      s.body.appendChild(h("dl", { "class": "fields" },
        h("dt", {}, "Secret"), h("dd", { "class": "mono secret", id: "totp-secret" }, enrollment.secret.replace(/(.{4})(?=.)/g, "$1 ")),
        h("dt", {}, "URI"), h("dd", { "class": "mono", id: "totp-uri" }, enrollment.uri)));
      s.body.appendChild(form);
      s.body.appendChild(errors);
      code.focus();
    }

    function confirmed(answer) {
      session.mustEnroll = false;
      clear(s.body);
      say("Two-factor sign-in is on.");
      s.body.appendChild(h("p", { id: "totp-state" }, "Two-factor sign-in is on: from your next sign-in, enter the app's code after the password."));
      s.body.appendChild(h("p", {}, "Recovery codes, each good once when the app is not at hand. They are shown only now: keep them somewhere safe."));
      s.body.appendChild(h("ul", { "class": "mono codes", id: "totp-recovery" }, answer.recoveryCodes.map(function (c) { return h("li", {}, c); })));
    }
  }

  // ---------------------------------------------------------------- Jobs, audit log, mail

  function jobs(path, params) {
    page("Jobs");
    var state = h("select", { id: "jobs-state" }, h("option", { value: "" }, "any"),
      ["pending", "running", "succeeded", "failed", "cancelled"].map(function (s) { return h("option", { value: s, selected: params.get("state") === s }, s); }));
    var org = h("input", { id: "jobs-org", value: params.get("organization") || "" });
    var form = h("form", { "class": "inline", "aria-label": "Filter jobs" }, field("State", state), field("Organization", org), h("button", { type: "submit" }, "Filter"));
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      location.hash = "#/jobs" + query({ state: state.value, organization: org.value.trim() });
    });
    main.appendChild(form);
    var list = h("div", {}, h("p", { "class": "muted" }, "Loading…"));
    main.appendChild(list);
    function load() {
      get("/api/admin/jobs" + query({ state: params.get("state"), organization: params.get("organization"), limit: 50 })).then(function (body) {
        redraw(list, body.items, function () {
          list.appendChild(table("Jobs", ["Kind", "State", "Progress", "~Tenant", "~Created", "~Error"], jobRows(body.items, true), "No job."));
        });
      }, failInto(list));
    }
    load();
    every(2000, load);
  }

  function job(path) {
    var id = path[0] || "";
    page("Job");
    var holder = h("div", { "aria-live": "polite" });
    main.appendChild(holder);
    var errors = h("div", {});
    main.appendChild(errors);
    var shown = null; // the job as last drawn: redrawn only when it changed, so that focus stays on its button
    function load() {
      get("/api/admin/jobs/" + encodeURIComponent(id)).then(function (j) {
        var text = JSON.stringify(j);
        if (text === shown) { return; }
        shown = text;
        clear(holder);
        holder.appendChild(h("section", { "class": "card", "aria-label": "Job" },
          h("h2", {}, j.kind, " ", badge(j.state)), progressOf(j),
          h("dl", { "class": "fields" },
            h("dt", {}, "Id"), h("dd", { "class": "mono" }, j.id),
            h("dt", {}, "Tenant"), h("dd", { "class": "mono" }, j.tenantId || "—"),
            h("dt", {}, "Steps"), h("dd", {}, (j.steps || []).join(" → ")),
            h("dt", {}, "Attempts"), h("dd", {}, j.attempts),
            h("dt", {}, "Created"), h("dd", {}, when(j.createdAt)),
            h("dt", {}, "Finished"), h("dd", {}, when(j.finishedAt)),
            h("dt", {}, "Error"), h("dd", {}, j.error || "—")),
          j.move ? moveSummary(j.move) : null,
          j.state === "pending" || j.state === "running" ? h("button", { type: "button", "class": "danger", id: "job-cancel", disabled: j.cancelRequested, onclick: function () {
            api("POST", "/api/admin/jobs/" + encodeURIComponent(j.id) + "/cancel").then(function () { say("Cancel requested."); load(); },
              function (e) { errors.appendChild(errorBox(e)); });
          } }, j.cancelRequested ? "Cancelling…" : "Cancel") : null));
      }, function (e) { shown = null; failInto(holder)(e); });
    }
    load();
    every(1000, load);
  }

  function audit(path, params) {
    page("Audit log");
    var list = h("div", {}, h("p", { "class": "muted" }, "Loading…"));
    main.appendChild(list);
    var cursors = [params.get("cursor") || ""];
    function load(cursor) {
      get("/api/admin/activity" + query({ limit: 50, cursor: cursor })).then(function (body) {
        clear(list);
        list.appendChild(table("Audit log, newest first", ["When", "Action", "Actor", "~Details", "~Client"], auditRows(body.items), "Nothing recorded yet."));
        var pager = h("div", { "class": "pager" });
        if (cursors.length > 1) { pager.appendChild(h("button", { type: "button", "class": "secondary", onclick: function () { cursors.pop(); load(cursors[cursors.length - 1]); } }, "Newer")); }
        if (body.nextCursor) { pager.appendChild(h("button", { type: "button", "class": "secondary", onclick: function () { cursors.push(body.nextCursor); load(body.nextCursor); } }, "Older")); }
        list.appendChild(pager);
      }, failInto(list));
    }
    load(cursors[0]);
  }

  function mail(path) {
    if (path[0]) {
      page("Message");
      var holder = h("div", {});
      main.appendChild(holder);
      get("/api/admin/mail/" + encodeURIComponent(path[0])).then(function (m) {
        holder.appendChild(h("dl", { "class": "fields card" }, h("dt", {}, "From"), h("dd", {}, m.from), h("dt", {}, "To"), h("dd", {}, m.to),
          h("dt", {}, "Subject"), h("dd", {}, m.subject), h("dt", {}, "Date"), h("dd", {}, when(m.date))));
        holder.appendChild(h("pre", { "class": "mail" }, m.text));
        holder.appendChild(h("a", { href: "#/mail" }, "Back to the outbox"));
      }, failInto(holder));
      return;
    }
    page("Mail outbox");
    var list = h("div", {}, h("p", { "class": "muted" }, "Loading…"));
    main.appendChild(list);
    get("/api/admin/mail" + query({ limit: 100 })).then(function (body) {
      clear(list);
      if (body.transport !== "local") {
        list.appendChild(h("p", { "class": "empty" }, "Mail goes out over SMTP; there is no local mailbox to show."));
        return;
      }
      list.appendChild(table("Messages, newest first", ["Date", "To", "Subject"], body.items.map(function (m) {
        return [when(m.date), m.to, h("a", { href: "#/mail/" + encodeURIComponent(m.id) }, m.subject || "(no subject)")];
      }), "The mailbox is empty."));
    }, failInto(list));
  }

  // ---------------------------------------------------------------- start

  document.getElementById("sign-out").addEventListener("click", function () { signOut("You signed out."); });
  window.addEventListener("hashchange", route);
  route();
})();
