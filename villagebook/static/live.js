// "Run this page" (make serve only): every code cell of the page's notebook runs again in a
// kernel of the JupyterLab served beside the book, with the parameters the reader wrote, and
// each cell's output is drawn where the page shows that cell's output. thebe-core (vendored,
// loaded from this server when the reader first runs) talks to the kernel and renders outputs.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("vb-live-config").textContent);
  var button = document.getElementById("vb-live-run");
  var status = document.getElementById("vb-live-status");
  var parameters = document.getElementById("vb-live-parameters");
  var state = {};

  function say(key, fields) {
    status.textContent = config.strings[key].replace(/\{\{\s*(\w+)\s*\}\}/g, function (all, name) {
      return fields && name in fields ? String(fields[name]) : all;
    });
  }

  // The page's cells as MyST-NB wrote them, in order: one per cell the page shows.
  var article = document.querySelector("article") || document.body;
  var shownCells = Array.prototype.filter.call(article.querySelectorAll("div.cell"), function (el) {
    return el.parentElement.closest("div.cell") === null;
  });
  var shownCount = config.cells.filter(function (cell) { return cell.shown; }).length;
  if (shownCells.length !== shownCount) {
    say("unmatched");
    button.disabled = true;
    return;
  }

  // Where each cell's output goes: the page's own output box for a cell it shows; for one it
  // left out (it had nothing to show for the book's report), a box where it would have been.
  function outputPlaces() {
    var places = [];
    var next = 0;
    config.cells.forEach(function (cell) {
      var place;
      if (cell.parameters) {
        place = document.getElementById("vb-live-output");
      } else if (cell.shown) {
        var shown = shownCells[next++];
        place = shown.querySelector(":scope > div.cell_output");
        if (!place) {
          place = document.createElement("div");
          place.className = "cell_output docutils container";
          shown.appendChild(place);
        }
      } else {
        var added = document.createElement("div");
        added.className = "cell vb-live-added docutils container";
        place = document.createElement("div");
        place.className = "cell_output docutils container";
        added.appendChild(place);
        if (next < shownCells.length) {
          shownCells[next].parentNode.insertBefore(added, shownCells[next]);
        } else {
          var last = shownCells[shownCells.length - 1];
          last.parentNode.insertBefore(added, last.nextSibling);
        }
      }
      places.push(place);
    });
    return places;
  }

  function load(src) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = src;
      script.onload = resolve;
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  async function loadThebe() {
    // Not thebe-core.css: JupyterLab's light theme, page-wide (code blocks, black text in the
    // dark theme). Outputs take the book's own styles; live.css adds the little they need.
    if (!window.thebeCore) {
      await Promise.all([load("/thebe-core.min.js"), load("/_live/markdown-it.min.js")]);
    }
    return window.thebeCore;
  }

  // A cell's Markdown output (the page's story) as HTML, as the book's MyST-NB renders it;
  // thebe-core has no Markdown parser of its own (it would show the Markdown as text). Raw HTML
  // in it stays text: the story quotes the report, and text from outside stays inert.
  function markdownParser() {
    var markdown = window.markdownit({ html: false, linkify: false });
    return { render: function (source) { return Promise.resolve(markdown.render(source)); } };
  }

  async function connect(api) {
    var options = {
      useBinder: false,
      useJupyterLite: false,
      requestKernel: true,
      mathjaxUrl: "", // no MathJax (thebe would fetch it from a CDN); the pages have no formulas
      serverSettings: {
        baseUrl: config.server.baseUrl,
        wsUrl: config.server.baseUrl.replace(/^http/, "ws"),
        token: config.server.token,
        appendToken: true,
      },
      // A session of this page's own: the server would hand a second visit (another tab, a
      // reload) the same kernel for the same path.
      kernelOptions: { kernelName: "python3", path: config.path.replace(/\.ipynb$/, "-" + Date.now().toString(36) + Math.random().toString(36).slice(2, 8) + ".ipynb") },
    };
    state.config = api.makeConfiguration(options);
    state.rendermime = api.makeRenderMimeRegistry(state.config.mathjax).clone({ markdownParser: markdownParser() });
    state.server = api.connectToJupyter(state.config);
    await state.server.ready;
    state.session = await state.server.startNewSession(state.rendermime);
    if (!state.session) throw new Error("no session");
  }

  async function run() {
    var api;
    try {
      say("starting");
      api = (await loadThebe()).api;
      // Each run starts from a fresh kernel, as papermill's does: a new one, or this one restarted.
      if (!state.session) await connect(api);
      else await state.session.restart();
    } catch (error) {
      console.error(error);
      say("unreachable");
      return;
    }
    var blocks = [{ id: "vb-live-preamble", source: config.preamble }].concat(
      config.cells.map(function (cell, i) {
        return { id: "vb-live-" + i, source: cell.parameters ? parameters.value : cell.source };
      }));
    var notebook = api.setupNotebookFromBlocks(blocks, state.config, state.rendermime);
    notebook.attachSession(state.session);
    if (!state.places) state.places = outputPlaces();
    var preamble = await notebook.cells[0].execute();
    if (!preamble || preamble.error) {
      say("unreachable");
      return;
    }
    var cells = notebook.cells.slice(1);
    cells.forEach(function (cell, i) {
      state.places[i].textContent = "";
      cell.attachToDOM(state.places[i]);
    });
    for (var i = 0; i < cells.length; i++) {
      say("running", { cell: i + 1, cells: cells.length });
      var result = await cells[i].execute();
      if (!result || (result.error && result.error.length)) {
        say("failed", { cell: i + 1, cells: cells.length });
        state.places[i].scrollIntoView({ block: "center" });
        return;
      }
    }
    say("done");
  }

  // The page's kernel ends with the page (a reload, another page, the tab closed).
  window.addEventListener("pagehide", function () {
    if (!state.session) return;
    fetch(config.server.baseUrl + "api/sessions/" + encodeURIComponent(state.session.id), {
      method: "DELETE",
      keepalive: true,
      headers: { Authorization: "token " + config.server.token },
    });
    state.session = null;
  });

  button.addEventListener("click", function () {
    button.disabled = true;
    run().finally(function () { button.disabled = false; });
  });
})();
