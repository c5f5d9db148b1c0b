// A table or code block wider than the screen scrolls sideways inside its box (book.css); a
// reader without a mouse reaches it with Tab and scrolls it with the arrow keys.
(function () {
  function mark() {
    document.querySelectorAll(".bd-article table, .bd-article pre, .pst-scrollable-table-container").forEach(function (el) {
      if (el.scrollWidth > el.clientWidth + 1) { el.setAttribute("tabindex", "0"); }
      else if (el.getAttribute("tabindex") === "0") { el.removeAttribute("tabindex"); }
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", mark); } else { mark(); }
  window.addEventListener("resize", mark);
})();
